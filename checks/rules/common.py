"""Small helpers every rule uses: building findings, naming sources, dates and ratios in Chinese."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Protocol

from checks.results import Finding, Severity, cn_date
from checks.rulebook import RuleSpec
from checks.schema import Meeting

MAX_SOURCES = 20
_EPSILON = 1e-9  # ratios × counts are floats; 0.01 × 25600 must still equal 256


class Sourced(Protocol):
    @property  # read-only, so the frozen schema records match
    def source(self) -> str: ...


def sources_of(records: Iterable[Sourced]) -> tuple[str, ...]:
    """The rows behind a finding, at most MAX_SOURCES of them."""
    found: list[str] = []
    for record in records:
        if record.source and record.source not in found:
            found.append(record.source)
            if len(found) == MAX_SOURCES:
                break
    return tuple(found)


def finding(
    spec: RuleSpec, severity: Severity, message: str, records: Iterable[Sourced] = (), done_on: date | None = None
) -> Finding:
    """A finding of the rule; a rule whose figure the source text does not give says so in every one."""
    note = spec.params.get("source_note")
    return Finding(spec.id, severity, f"{message}（{note}）" if note else message, sources_of(records), done_on=done_on)


def breach(spec: RuleSpec, message: str, records: Iterable[Sourced] = ()) -> Finding:
    return finding(spec, spec.severity, message, records)


def attention(spec: RuleSpec, message: str, records: Iterable[Sourced] = ()) -> Finding:
    return finding(spec, Severity.ATTENTION, message, records)


def passed(spec: RuleSpec, message: str, records: Iterable[Sourced] = (), done_on: date | None = None) -> Finding:
    """`done_on`: the day of the event that met the requirement, when there is one."""
    return finding(spec, Severity.OK, message, records, done_on)


def unverifiable(spec: RuleSpec, message: str, records: Iterable[Sourced] = ()) -> Finding:
    return finding(spec, Severity.UNVERIFIABLE, message, records)


def percent(ratio: float) -> str:
    return f"{ratio * 100:g}%"


def at_least(count: int, ratio: float, total: int) -> bool:
    return count >= ratio * total - _EPSILON


def at_most(count: int, ratio: float, total: int) -> bool:
    return count <= ratio * total + _EPSILON


def share_of(ratio: float, total: int) -> str:
    """`ratio` of `total` as a figure a finding names: 1% of 2550 is 25.5."""
    return f"{round(ratio * total, 2):g}"


def required_count(ratio: float, total: int) -> int:
    """The smallest whole number of people that reaches `ratio` of `total`."""
    return -int(-(ratio * total - _EPSILON) // 1)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the month's end (2020-02-29 − 12 months = 2019-02-28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def within_months(held_on: date, as_of: date, months: int) -> bool:
    return months_before(as_of, months) <= held_on <= as_of


def listing(names: list[str], limit: int = 10) -> str:
    """Names joined the Chinese way, the first `limit` of them when there are more."""
    shown = "、".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} 等 {len(names)} 个"


def with_passes(
    spec: RuleSpec, problems: list[Finding], passes: list[str], records: Iterable[Sourced] = ()
) -> list[Finding]:
    """The problems found, then one 符合 finding naming what was verified (if anything was)."""
    if passes:
        problems.append(passed(spec, "；".join(passes), records))
    return problems


def recency(spec: RuleSpec, held: list[Meeting], as_of: date, months: int, what: str, subject: str = "") -> Finding:
    """Whether the latest of `held` (oldest first) falls within `months` before `as_of`."""
    if not held:
        return breach(spec, f"{subject}截至{cn_date(as_of)}没有{what}的记录")
    latest = held[-1]
    when = f"{subject}最近一次{what}在{cn_date(latest.held_on)}"
    if within_months(latest.held_on, as_of, months):
        return passed(spec, f"{when}，在 {months} 个月以内", [latest], done_on=met_since(held, months))
    return breach(spec, f"{when}，距{cn_date(as_of)}已超过 {months} 个月", [latest])


def met_since(held: list[Meeting], months: int) -> date:
    """The first day of the unbroken run of `held` (oldest first) ending with the latest, each meeting
    within `months` of the one before: the requirement "every `months`" has held since that day."""
    since = held[-1].held_on
    for earlier in reversed(held[:-1]):
        if not within_months(earlier.held_on, since, months):
            break
        since = earlier.held_on
    return since
