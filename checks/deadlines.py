"""Deadlines of sub-items and where a school stands against them on a given day.

Decisions worth knowing:
- a completion date after `as_of` means the item was not yet completed on that day (the board as it
  stood then), so it counts as still in progress;
- 已完成 without a completion date: on or before the due date it is necessarily on time (done by
  `as_of` ≤ due); after the due date we cannot tell, so it counts as 逾期完成 and gets a 需关注
  finding asking for the date — leaving the date out never earns more than giving a late one;
- an item reported 已完成 is done no earlier than the event the data shows meeting it: a meeting
  held after the deadline makes it 逾期完成 whatever date the school wrote;
- a finding is an early warning (到期前须整改) up to and including the item's deadline, or the end of
  the period it concerns when a rule names a later one (the semester still running): it is shown
  but costs no credit and blocks nothing. From the day after, it counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from checks.campaign import Campaign
from checks.results import DeadlineState, Finding, Severity, cn_date
from checks.rulebook import Item, RuleSpec, month_end
from checks.schema import ItemReport, ItemStatus

COMPLETION_DATE_RULE = "completion_date"
MOVED_BY_CAMPAIGN = "验收批次调整"  # the source of a deadline a campaign moved

# These functions run for every item of every school, and an enum member looked up on its class goes
# through the enum metaclass's __getattr__ hook (slow in Python 3.11): bind the ones compared once.
_DONE, _IN_PROGRESS, _NOT_APPLICABLE = ItemStatus.DONE, ItemStatus.IN_PROGRESS, ItemStatus.NOT_APPLICABLE
_OK = Severity.OK


def due_date(item: Item, campaign: Campaign) -> date | None:
    """The item's due date in this campaign; None when it is ongoing."""
    return campaign.deadline_overrides.get(item.id, item.due)


def deadline_wording(item: Item, due: date | None) -> tuple[str, str]:
    """完成时限 and its source as users read them, for the due date the item is judged against: the
    rulebook's wording and source, or the day a campaign moved it to."""
    if due is None or due == item.due:
        return item.due_text, item.due_source
    return cn_date(due), MOVED_BY_CAMPAIGN


def due_by_and_later_in_month(dues: Mapping[str, date | None], as_of: date) -> tuple[list[str], list[str]]:
    """Of the given item id -> due date: the items due by the end of `as_of`, and those falling due after
    it but within its month (ongoing items are neither)."""
    end = month_end(as_of.year, as_of.month)
    due_by = [item_id for item_id, due in dues.items() if due is not None and due <= as_of]
    later = [item_id for item_id, due in dues.items() if due is not None and as_of < due <= end]
    return due_by, later


def effective_status(status: ItemStatus | None, completed_on: date | None, as_of: date) -> ItemStatus | None:
    """What the reported status amounts to on `as_of`: a completion dated later is still in progress."""
    if status is _DONE and completed_on is not None and completed_on > as_of:
        return _IN_PROGRESS
    return status


def deadline_state(
    report: ItemReport | None, due: date | None, as_of: date, evidenced_on: date | None = None
) -> DeadlineState:
    """`evidenced_on`: the latest day an event in the data met one of the item's requirements."""
    status = report.status if report else None
    if status is _NOT_APPLICABLE:
        return DeadlineState.NOT_APPLICABLE
    if due is None:
        return DeadlineState.ONGOING
    if report is not None and effective_status(status, report.completed_on, as_of) is _DONE:
        completed_on = report.completed_on or as_of  # undated: done by as_of at the latest
        if evidenced_on is not None:
            completed_on = max(completed_on, evidenced_on)
        return DeadlineState.DONE if completed_on <= due else DeadlineState.DONE_LATE
    return DeadlineState.OVERDUE if as_of > due else DeadlineState.NOT_DUE


def completion_date_findings(report: ItemReport | None, due: date | None, as_of: date, spec: RuleSpec) -> list[Finding]:
    """A finding when an item reported done lacks the date needed to tell whether it was on time."""
    if report is None or report.status is not _DONE or report.completed_on is not None or due is None or as_of <= due:
        return []
    return [
        Finding(
            COMPLETION_DATE_RULE,
            spec.severity,
            "未填写完成日期，无法核验是否按期完成",
            (report.source,) if report.source else (),
        )
    ]


def timed(finding: Finding, due: date | None, as_of: date) -> Finding:
    """The finding set against the item's deadline `due`: a problem before it (or before the end of
    the period the finding concerns, when later) is an early warning; an event after it met the
    requirement late, which the finding says with the days."""
    if finding.severity is _OK:
        if due is None or finding.done_on is None or finding.done_on <= due:
            return finding
        late = (finding.done_on - due).days
        return replace(finding, message=f"{finding.message}（晚于完成时限{cn_date(due)} {late} 天，逾期完成）")
    until = max((day for day in (finding.due, due) if day is not None), default=None)
    if until is None or as_of > until:
        return finding
    return replace(finding, due=until, early=True)


def evidenced_on(findings: list[Finding]) -> date | None:
    """The latest day an event met one of the item's requirements, if the findings name any."""
    return max((f.done_on for f in findings if f.done_on is not None), default=None)
