"""How each demo school behaves: how far its reform has got, and which rules its latest report breaks.

A province in the middle of a reform: a few exemplary schools, most doing fairly well with a slip or
two, a few far behind, and about one in ten that has uploaded nothing. Flaws are named by the rule they
breach and dealt round-robin from a shuffled deck, so across a few dozen schools every rule is breached
by several schools and no school gets the same flaw twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from checks.rulebook import Rulebook


class Tier(StrEnum):
    SILENT = "silent"  # has uploaded nothing
    EXEMPLARY = "exemplary"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


# Share of schools per tier; GOOD takes whatever is left.
TIER_SHARES = {Tier.SILENT: 0.10, Tier.EXEMPLARY: 0.12, Tier.POOR: 0.13, Tier.FAIR: 0.32}

# Rule ids the demo knows how to breach (see rosters, meetings and history for how).
FLAWS = (
    "mobilisation_meeting",
    "training_meeting",
    "rotating_chair",
    "college_reports_heard",
    "school_staff_size",
    "school_presidium_size",
    "department_count",
    "department_heads",
    "department_members",
    "college_staff_size",
    "college_presidium_size",
    "no_other_titles",
    "political_status",
    "academic_rank",
    "no_failed_courses",
    "college_experience_ratio",
    "congress_annual",
    "congress_delegate_ratio",
    "congress_college_coverage",
    "non_cadre_delegates",
    "college_congress_annual",
    "election_approved",
    "election_filed",
    "staff_trained",
    "zhtj_registered",
    "ivolunteer_registered",
    "semester_reviews",
    "joint_meeting",
    "party_hearing",
    "deputy_secretary",
)


@dataclass(frozen=True)
class Profile:
    tier: Tier
    flaws: frozenset[str]  # rule ids breached in the school's latest report

    def has(self, flaw: str) -> bool:
        return flaw in self.flaws


class _Deck:
    """Deals flaws round-robin; reshuffles when it runs out."""

    def __init__(self, rng: random.Random, flaws: list[str]) -> None:
        self.rng, self.flaws = rng, flaws
        self.pending: list[str] = []

    def deal(self, count: int) -> set[str]:
        dealt: set[str] = set()
        count = min(count, len(self.flaws))
        while len(dealt) < count:
            if not self.pending:
                self.pending = self.rng.sample(self.flaws, len(self.flaws))
            dealt.add(self.pending.pop())
        return dealt


def deal_profiles(rng: random.Random, count: int, rulebook: Rulebook) -> list[Profile]:
    tiers = [tier for tier, share in TIER_SHARES.items() for _ in range(round(share * count))]
    tiers = (tiers + [Tier.GOOD] * count)[:count]
    rng.shuffle(tiers)
    known = [rule for rule in FLAWS if rule in rulebook.rules]
    blocking = [r for r in known if rulebook.rules[r].severity in rulebook.verdict.blocking]
    serious, minor = _Deck(rng, blocking), _Deck(rng, [r for r in known if r not in blocking])
    profiles = []
    for tier in tiers:
        serious_count, minor_count = _flaw_counts(rng, tier)
        flaws = serious.deal(serious_count) | minor.deal(minor_count)
        profiles.append(Profile(tier, frozenset(flaws)))
    return profiles


def _flaw_counts(rng: random.Random, tier: Tier) -> tuple[int, int]:
    """(blocking, non-blocking) flaws a school of this tier gets."""
    match tier:
        case Tier.SILENT:
            return 0, 0
        case Tier.EXEMPLARY:
            return 0, rng.choice((0, 0, 1))
        case Tier.GOOD:
            return int(rng.random() < 0.55), rng.randint(0, 1)
        case Tier.FAIR:
            return rng.randint(2, 3), rng.randint(0, 2)
        case Tier.POOR:
            return rng.randint(4, 6), rng.randint(1, 2)
