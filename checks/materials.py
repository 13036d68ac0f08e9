"""Where a school stands with each required material (the rulebook's campaign submissions) on a date.

A material counts as sent on the earliest day one of its files was received: a later copy replaces the
file, not the day the school first met (or missed) the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from checks.campaign import Campaign
from checks.rulebook import SubmissionDeadline


class MaterialState(StrEnum):
    MISSING = "未报送"
    SENT = "已报送"
    LATE = "逾期报送"


@dataclass(frozen=True)
class MaterialStatus:
    material: SubmissionDeadline
    due: date  # in this campaign
    state: MaterialState
    received_on: date | None  # the day it was first received, by the as-of date
    overdue: bool  # missing and past its due date: what the board counts and reminders name

    @property
    def text(self) -> str:
        """未报送, 已报送（2020-06-08）, 逾期报送（2020-06-15）."""
        if self.received_on is None:
            return f"{self.state.value}（已逾期）" if self.overdue else self.state.value
        return f"{self.state.value}（{self.received_on.isoformat()}）"


def material_due(material: SubmissionDeadline, campaign: Campaign) -> date:
    """The material's due date in this campaign: its override (keyed by the material's id) or the rulebook's."""
    return campaign.deadline_overrides.get(material.id, material.due)


def material_status(material: SubmissionDeadline, due: date, received: Iterable[date], as_of: date) -> MaterialStatus:
    """The material's state on `as_of`, given the days its files were received (any order, any number)."""
    first = min((day for day in received if day <= as_of), default=None)
    if first is None:
        return MaterialStatus(material, due, MaterialState.MISSING, None, as_of > due)
    state = MaterialState.SENT if first <= due else MaterialState.LATE
    return MaterialStatus(material, due, state, first, False)


def material_statuses(
    materials: Iterable[SubmissionDeadline], campaign: Campaign, received: Mapping[str, Iterable[date]], as_of: date
) -> tuple[MaterialStatus, ...]:
    """Every material's status, in the rulebook's order; `received` maps a material id to its days."""
    return tuple(material_status(m, material_due(m, campaign), received.get(m.id, ()), as_of) for m in materials)
