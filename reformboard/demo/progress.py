"""Each school's timeline for the task list: when it started and finished each sub-item.

A report at any day reads the timeline: finished by then → 已完成, started → 推进中, else 未启动. Every
date lies on or before the school's last upload, so its latest report shows all it has done.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from checks.rulebook import Rulebook
from checks.schema import ItemReport, ItemStatus
from reformboard.demo.profiles import Tier
from reformboard.demo.province import DemoProvince
from reformboard.demo.vocabulary import GENERIC_EVIDENCE, PROGRESS_NOTES, WAITING_NOTES

LATE_NOTE = "受换届安排影响，延后完成"

# Chances of each outcome by tier: past-due items (on time, late, else overdue), items not yet due and
# ongoing items (done, in progress, else not started).
PAST_DUE = {Tier.EXEMPLARY: (0.95, 0.05), Tier.GOOD: (0.8, 0.18), Tier.FAIR: (0.6, 0.3), Tier.POOR: (0.15, 0.25)}
NOT_DUE = {Tier.EXEMPLARY: (0.88, 0.12), Tier.GOOD: (0.7, 0.28), Tier.FAIR: (0.4, 0.5), Tier.POOR: (0.05, 0.35)}
ONGOING = {Tier.EXEMPLARY: (0.3, 0.7), Tier.GOOD: (0.2, 0.8), Tier.FAIR: (0.1, 0.8), Tier.POOR: (0.0, 0.5)}
NOT_APPLICABLE_CHANCE = 0.07
UNDATED_LATE_CHANCE = 0.2  # of late completions, how many the school reports without a date


@dataclass(frozen=True)
class ItemPlan:
    item_id: str
    started_on: date | None = None
    completed_on: date | None = None
    not_applicable: bool = False
    note: str = ""  # what the school writes before it is done (or why the item does not apply)
    evidence: str = GENERIC_EVIDENCE  # what it cites once done
    done_note: str = ""  # what it writes once done
    undated: bool = False  # reported done without its completion date, as schools sometimes do

    def report(self, day: date, source: str) -> ItemReport:
        if self.not_applicable:
            return ItemReport(self.item_id, ItemStatus.NOT_APPLICABLE, note=self.note, source=source)
        if self.completed_on is not None and self.completed_on <= day:
            return ItemReport(
                self.item_id,
                ItemStatus.DONE,
                completed_on=None if self.undated else self.completed_on,
                evidence=self.evidence,
                note=self.done_note,
                source=source,
            )
        if self.started_by(day):
            return ItemReport(self.item_id, ItemStatus.IN_PROGRESS, note=self.note, source=source)
        return ItemReport(
            self.item_id, ItemStatus.NOT_STARTED, note=self.note if self.started_on is None else "", source=source
        )

    def started_by(self, day: date) -> bool:
        return self.started_on is not None and self.started_on <= day


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A random day in [first, last]; first when the range is empty."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


class ItemPlanner:
    def __init__(
        self, rng: random.Random, tier: Tier, starts_on: date, horizon: date, today: date, province: DemoProvince
    ) -> None:
        self.rng, self.tier = rng, tier
        self.starts_on, self.horizon, self.today = starts_on, horizon, today
        self.province = province

    def plans(self, rulebook: Rulebook, dues: dict[str, date | None]) -> dict[str, ItemPlan]:
        return {item.id: self.plan(item.id, dues[item.id]) for item in rulebook.items}

    def plan(self, item_id: str, due: date | None) -> ItemPlan:
        rng = self.rng
        reasons = self.province.not_applicable
        if item_id in reasons and self.tier is not Tier.POOR and rng.random() < NOT_APPLICABLE_CHANCE:
            return ItemPlan(item_id, not_applicable=True, note=reasons[item_id])
        roll = rng.random()
        if due is None or due >= self.today:
            done, in_progress = (ONGOING if due is None else NOT_DUE)[self.tier]
            if roll < done:
                return self._done(item_id, self.starts_on + timedelta(days=10), self.horizon)
            return self._unfinished(item_id, started=roll < done + in_progress)
        on_time, late = PAST_DUE[self.tier]
        if roll < on_time:
            return self._done(
                item_id, max(self.starts_on + timedelta(days=7), due - timedelta(days=60)), min(due, self.horizon)
            )
        if roll < on_time + late and due < self.horizon:
            late_plan = self._done(item_id, due + timedelta(days=1), self.horizon, LATE_NOTE)
            return replace(late_plan, undated=rng.random() < UNDATED_LATE_CHANCE)
        return self._unfinished(item_id, started=rng.random() < 0.6)

    def _done(self, item_id: str, first: date, last: date, done_note: str = "") -> ItemPlan:
        completed = day_between(self.rng, first, last)
        started = max(self.starts_on, completed - timedelta(days=self.rng.randint(7, 45)))
        return ItemPlan(
            item_id,
            started_on=started,
            completed_on=completed,
            note=self.rng.choice(PROGRESS_NOTES),
            done_note=done_note,
            evidence=self.province.evidence.get(item_id, GENERIC_EVIDENCE),
        )

    def _unfinished(self, item_id: str, started: bool) -> ItemPlan:
        if not started:
            return ItemPlan(item_id, note=self.rng.choice(WAITING_NOTES))
        return ItemPlan(
            item_id,
            started_on=day_between(self.rng, self.starts_on, self.horizon),
            note=self.rng.choice(PROGRESS_NOTES),
        )
