"""The demo campaign's calendar: the rulebook's deadlines moved next to today, and school terms.

The rulebook's deadlines fall in 2020; the demo moves them so that, seen from `today`, about a third are
already past, the next group falls due within two weeks and the rest lie one to four months ahead. Each
group keeps its gaps to its neighbours, so the rulebook's order of deadlines survives.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from itertools import groupby

from checks.campaign import Campaign
from checks.rulebook import Rulebook

DEMO_CAMPAIGN_ID = "demo"
# Where each phase's reference deadline lands, counted from today.
LAST_PAST_DUE = timedelta(days=-95)
FIRST_SOON_DUE = timedelta(days=9)
FIRST_LATER_DUE = timedelta(days=40)


class DeadlineShift:
    """Maps a rulebook date onto the demo calendar."""

    def __init__(self, rulebook: Rulebook, today: date) -> None:
        dues = sorted(item.due for item in rulebook.items if item.due is not None)
        groups = [(due, len(list(same))) for due, same in groupby(dues)]
        phases = _phases([count for _, count in groups], past_limit=len(dues) / 3 + 1)
        firsts = {phase: due for (due, _), phase in reversed(list(zip(groups, phases, strict=False)))}
        lasts = {phase: due for (due, _), phase in zip(groups, phases, strict=False)}
        self._moved: list[tuple[date, date]] = []  # (rulebook due, demo due), in order
        for (due, _), phase in zip(groups, phases, strict=False):
            if phase == _PAST:
                moved = today + LAST_PAST_DUE - (lasts[_PAST] - due)
            else:
                moved = today + _FIRST_DUE[phase] + (due - firsts[phase])
            self._moved.append((due, moved))

    def __call__(self, day: date) -> date:
        """The demo date for a rulebook date, never before the deadline groups that precede it."""
        index = next((i for i, (due, _) in enumerate(self._moved) if due >= day), len(self._moved) - 1)
        due, moved = self._moved[index]
        shifted = moved + (day - due)
        return max(shifted, self._moved[index - 1][1]) if index and shifted < moved else shifted


_PAST, _SOON, _LATER = 0, 1, 2
_FIRST_DUE = {_SOON: FIRST_SOON_DUE, _LATER: FIRST_LATER_DUE}


def _phases(counts: list[int], past_limit: float) -> list[int]:
    """Past while the items counted stay within the limit; the next group is due soon; the rest later."""
    phases: list[int] = []
    counted = 0
    for count in counts:
        counted += count
        if phases and phases[-1] != _PAST:
            phases.append(_LATER)
        else:
            phases.append(_PAST if counted <= past_limit else _SOON)
    return phases


def demo_campaign(rulebook: Rulebook, today: date) -> Campaign:
    """The rulebook's campaign moved next to today, with every dated item's deadline overridden, and every
    required material's (keyed by its id, see checks.materials.material_due).

    Ongoing items (全年持续推进) keep no date, so the board still shows them as ongoing.
    """
    shift = DeadlineShift(rulebook, today)
    base = rulebook.campaign
    return replace(
        base,
        id=DEMO_CAMPAIGN_ID,
        name=f"{base.name}（演示）",
        starts_on=shift(base.starts_on),
        acceptance_on=shift(base.acceptance_on),
        deadline_overrides={
            **{item.id: shift(item.due) for item in rulebook.items if item.due is not None},
            **{material.id: shift(material.due) for material in rulebook.submissions},
        },
    )


def due_dates(rulebook: Rulebook, campaign: Campaign) -> dict[str, date | None]:
    """Every item's due date in this campaign; None for ongoing items."""
    return {item.id: campaign.deadline_overrides.get(item.id, item.due) for item in rulebook.items}


def semesters(start: date, end: date, start_months: list[int]) -> list[tuple[date, date]]:
    """School terms (first day, last day) that overlap [start, end]; terms begin in start_months."""
    months = sorted(start_months)
    firsts = [date(year, month, 1) for year in range(start.year - 1, end.year + 1) for month in months]
    terms = [(first, following - timedelta(days=1)) for first, following in zip(firsts, firsts[1:], strict=False)]
    return [(first, last) for first, last in terms if last >= start and first <= end]
