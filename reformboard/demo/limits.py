"""The rulebook's thresholds, read once, so the demo lands just inside or clearly outside each limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.rulebook import Rulebook
from checks.schema import OrgKind, Role


@dataclass(frozen=True)
class Limits:
    school_staff_max: int
    school_presidium_max: int
    departments_max: int
    heads_min: int
    heads_max: int
    members_max: int
    college_staff_min: int
    college_staff_max: int
    college_presidium_max: int
    rank_max: float
    experience_min: float
    delegates_min: float
    non_cadre_min: float
    interval_months: int
    assembly_threshold: int
    semester_months: tuple[int, ...]
    titles: dict[Role, tuple[str, ...]]  # the rulebook's words for each role
    organisations: dict[OrgKind, str]  # the vocabulary's word for each kind of organisation it has
    registrations: frozenset[str]  # the roster's registration fields the vocabulary asks about

    @classmethod
    def of(cls, rulebook: Rulebook) -> Limits:
        def param(rule: str, name: str, default: Any) -> Any:
            spec = rulebook.rules.get(rule)
            return spec.params.get(name, default) if spec else default

        return cls(
            school_staff_max=param("school_staff_size", "max", 60),
            school_presidium_max=param("school_presidium_size", "max", 5),
            departments_max=param("department_count", "max", 6),
            heads_min=param("department_heads", "min", 2),
            heads_max=param("department_heads", "max", 3),
            members_max=param("department_members", "max", 6),
            college_staff_min=param("college_staff_size", "min", 20),
            college_staff_max=param("college_staff_size", "max", 30),
            college_presidium_max=param("college_presidium_size", "max", 3),
            rank_max=param("academic_rank", "max_percent", 30),
            experience_min=param("college_experience_ratio", "min_ratio", 0.5),
            delegates_min=param("congress_delegate_ratio", "min_ratio", 0.01),
            non_cadre_min=param("non_cadre_delegates", "min_ratio", 0.6),
            interval_months=param("congress_annual", "max_interval_months", 12),
            assembly_threshold=param("college_congress_annual", "assembly_threshold", 0),  # none unless given
            semester_months=tuple(param("semester_reviews", "semester_start_months", [2, 8])),
            titles={role: tuple(w for w, r in rulebook.titles.items() if r is role) for role in Role},
            organisations=dict(rulebook.vocabulary.organisation_kinds),
            registrations=frozenset(r.field for r in rulebook.vocabulary.registrations),
        )

    def title(self, role: Role, preferred: str) -> str:
        """The preferred word when the rulebook files it under this role, else the rulebook's first word."""
        words = self.titles[role]
        return preferred if preferred in words else words[0]
