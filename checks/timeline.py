"""A submission's board facts for every day, computed once: the board of any date reads them instead of
assessing every school again.

What the board shows of an assessment (its facts: score, verdict, each sub-item's deadline state, each
task's score) depends on the assessment date in a few ways only, all named by the report and the
rulebook: a meeting, an approval, a filing or a completion counts from its day on; a deadline passes
the day after it; a meeting leaves a window of N months back from the date (a rule parameter in the
unit MONTH_SPAN) on a day computed from the day it was held; a semester (a MONTHS parameter) starts on
the 1st of its month. Between two such days the facts cannot change, so assessing the report on each
of them gives its whole timeline. The findings' wording does change daily ("截至…") and is not part of
the facts: pages showing findings assess the school itself. tests/test_timeline.py compares timelines
with assessing every single day.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from checks.campaign import Campaign
from checks.deadlines import due_date
from checks.engine import assess
from checks.results import DeadlineState, Finding, SchoolAssessment, Verdict
from checks.rulebook import Rulebook
from checks.rules.common import months_before
from checks.rules.kinds import MONTH_SPAN, MONTHS
from checks.rules.registry import KINDS
from checks.schema import SchoolReport

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Facts:
    """What the board shows of a school's assessment on one day."""

    score: float
    verdict: Verdict
    states: tuple[DeadlineState, ...]  # per sub-item, in the rulebook's order
    task_scores: tuple[float, ...]  # per task with sub-items, in the rulebook's order


@dataclass(frozen=True)
class Segment:
    """Facts that hold from `first` to `last`, both included."""

    first: date
    last: date
    facts: Facts


def facts_of(assessment: SchoolAssessment) -> Facts:
    return Facts(
        score=assessment.score,
        verdict=assessment.verdict,
        states=tuple(item.state for item in assessment.items),
        task_scores=tuple(task.score for task in assessment.tasks),
    )


def timeline(
    report: SchoolReport,
    rulebook: Rulebook,
    campaign: Campaign,
    first: date,
    last: date,
    found: Mapping[str, Sequence[Finding]],
) -> list[Segment]:
    """The report's facts from `first` to `last`, one segment per change; `found` holds the roster rules'
    findings (checks.stored), which never depend on the date, so the roster is not read again."""
    lean = replace(report, staff=())
    segments: list[Segment] = []
    for day in change_days(report, rulebook, campaign, first, last):
        facts = facts_of(assess(lean, rulebook, campaign, day, found=found))
        if segments and segments[-1].facts == facts:
            continue
        if segments:
            segments[-1] = replace(segments[-1], last=day - ONE_DAY)
        segments.append(Segment(day, last, facts))
    return segments


def change_days(report: SchoolReport, rulebook: Rulebook, campaign: Campaign, first: date, last: date) -> list[date]:
    """`first` and every later day up to `last` on which the report's assessment may differ from the day
    before, ascending."""
    events = set(_event_days(report))
    days = {first, campaign.starts_on, *events}
    days.update(due + ONE_DAY for item in rulebook.items if (due := due_date(item, campaign)) is not None)
    spans, months = _date_params(rulebook)
    days.update(_window_left(meeting.held_on, span) for meeting in report.meetings for span in spans)
    days.update(date(year, month, 1) for year in range(first.year, last.year + 1) for month in months)
    return sorted(day for day in days if first <= day <= last)


def _event_days(report: SchoolReport) -> Iterator[date]:
    for item in report.items:
        if item.completed_on is not None:
            yield item.completed_on
    for meeting in report.meetings:
        yield from (d for d in (meeting.held_on, meeting.approved_on, meeting.filed_on) if d is not None)


def _date_params(rulebook: Rulebook) -> tuple[set[int], set[int]]:
    """The month spans and the months of the year that the rulebook's checks are given."""
    spans: set[int] = set()
    months: set[int] = set()
    for spec in rulebook.rules.values():
        for param in KINDS[spec.kind].params:
            value = spec.params.get(param.name)
            if value is None:
                continue
            if param.unit == MONTH_SPAN:
                spans.add(value)
            elif param.type is MONTHS:
                months.update(value)
    return spans, months


def _window_left(held_on: date, months: int) -> date:
    """The first day whose window of `months` back no longer reaches `held_on`."""
    day = months_before(held_on, -months)  # the same day `months` later, whose window still reaches it
    while months_before(day, months) <= held_on:
        day += ONE_DAY
    return day
