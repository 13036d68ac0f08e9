"""What rules share about one report, computed once: staff counts by organisation, the role of
every title used, the combinations of the roster's categorical columns, the school-level rosters
sorted by role, and the meetings held by the assessment date.

Rosters run to thousands of rows and a province has thousands of schools, so the context reads the
rows in C-level passes only (map/Counter): every row's organisation, title and categorical columns,
and any other column a rule asks about. Everything else works on those lists and counts; only the
school-level organisations' rows (a few dozen each) are sorted by role in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import compress, islice, repeat
from operator import attrgetter, itemgetter
from typing import Any

from checks.campaign import Campaign
from checks.rulebook import Rulebook, RuleSpec
from checks.rules.common import MAX_SOURCES
from checks.schema import (
    Level,
    Meeting,
    MeetingRole,
    Organisation,
    OrgKind,
    Role,
    SchoolReport,
    StaffMember,
)

CONGRESS_OF = {OrgKind.UNDERGRADUATE: MeetingRole.CONGRESS, OrgKind.GRADUATE: MeetingRole.GRADUATE_CONGRESS}

# Roster columns of a handful of values each: a school's staff share only a few combinations of them,
# so one pass counts the combinations and questions about these columns are answered from those.
CATEGORICAL = ("political", "failed_courses", "trained", "zhtj_registered", "ivolunteer_registered")


@dataclass
class Roster:
    """One organisation's staff sorted by role; departments in the order they first appear."""

    staff: list[StaffMember] = field(default_factory=list)
    presidium: list[StaffMember] = field(default_factory=list)
    heads: dict[str, list[StaffMember]] = field(default_factory=dict)
    members: dict[str, list[StaffMember]] = field(default_factory=dict)
    departments: dict[str, list[StaffMember]] = field(default_factory=dict)


class RuleContext:
    def __init__(self, report: SchoolReport, rulebook: Rulebook, campaign: Campaign, as_of: date) -> None:
        self.report = report
        self.rulebook = rulebook
        self.campaign = campaign
        self.as_of = as_of
        self.school_orgs = report.organisations_at(Level.SCHOOL)
        self.college_orgs = report.organisations_at(Level.COLLEGE)
        # Every row's organisation and title, read once: sizes, presidium counts, titles and the
        # school-level rosters follow from these lists without touching the rows again.
        self._organisations = list(map(_organisation, report.staff))
        self._titles = list(map(_title, report.staff))
        self.role_of_title = {t: rulebook.role_of(t) for t in set(self._titles)}
        presidium_titles = {t for t, role in self.role_of_title.items() if role is Role.PRESIDIUM}
        self._sizes = Counter(self._organisations)
        in_presidium = map(presidium_titles.__contains__, self._titles)
        self._presidium_sizes = Counter(compress(self._organisations, in_presidium))
        self._combinations = Counter(map(_categorical, report.staff))
        school_orgs = {org.name for org in self.school_orgs}
        self._rosters = _rosters(
            compress(report.staff, map(school_orgs.__contains__, self._organisations)), self.role_of_title
        )
        self._meetings: dict[str, list[Meeting]] = defaultdict(list)  # by the rulebook's word
        for meeting in sorted([m for m in report.meetings if m.held_on <= as_of], key=_held_on):
            self._meetings[meeting.kind].append(meeting)
        self._congresses: dict[str, list[Meeting]] = {}
        self.roles: tuple[Role, ...] = ()  # the roles the staff in view are limited to; empty for all
        self._by_roles: dict[tuple[Role, ...], RuleContext] = {}

    def scoped(self, spec: RuleSpec) -> RuleContext:
        """The context seen by a check limited to one kind of organisation (学生会 / 研究生会) and/or to the
        staff of some roles. The organisation scope keeps the counts and caches and only changes the
        organisations gone through; a role scope is a context of its own over those staff, built once."""
        limited = self._of_roles(spec.roles) if spec.roles else self
        if not spec.scope:
            return limited
        limited = copy(limited)
        limited.school_orgs = tuple(org for org in limited.school_orgs if org.kind == spec.scope)
        limited.college_orgs = tuple(org for org in limited.college_orgs if org.kind == spec.scope)
        return limited

    def _of_roles(self, roles: tuple[Role, ...]) -> RuleContext:
        if roles not in self._by_roles:
            titles = {title for title, role in self.role_of_title.items() if role in roles}
            staff = tuple(compress(self.report.staff, map(titles.__contains__, self._titles)))
            limited = RuleContext(replace(self.report, staff=staff), self.rulebook, self.campaign, self.as_of)
            limited.roles = roles
            self._by_roles[roles] = limited
        return self._by_roles[roles]

    @property
    def people(self) -> str:
        """What the staff in view are called in findings."""
        return "、".join(self.roles) if self.roles else "工作人员"

    def roster(self, organisation: str) -> Roster:
        """The rows of a school-level organisation sorted by role (empty for any other)."""
        return self._rosters.get(organisation) or Roster()

    def size(self, organisation: str) -> int:
        return self._sizes.get(organisation, 0)

    def presidium_size(self, org: Organisation) -> int | None:
        """Counted from the roster; the declared figure only when the organisation has no roster."""
        if org.name not in self._sizes:
            return org.presidium_size
        return self._presidium_sizes.get(org.name, 0)

    def title_counts(self, titles: set[str]) -> Counter[tuple[str, str]]:
        """How many staff of each organisation hold each of `titles`, in the order they first appear."""
        held = map(titles.__contains__, self._titles)
        return Counter(compress(zip(self._organisations, self._titles, strict=False), held))

    def column_values(self, columns: tuple[str, ...]) -> set[Any]:
        """The distinct values of roster `columns` (tuples of values when several)."""
        values, _ = self._column(columns)
        return set(values)

    def count_with(self, columns: tuple[str, ...], values: set[Any]) -> int:
        """How many staff hold one of `values` in roster `columns`."""
        held, weights = self._column(columns)
        return sum(compress(weights, map(values.__contains__, held)))

    def _column(self, columns: tuple[str, ...]) -> tuple[Iterator[Any], Iterable[int]]:
        """The values of `columns` and how many staff each stands for: per combination when the
        columns are categorical, else per row."""
        if _all_categorical(columns):
            pick = itemgetter(*map(CATEGORICAL.index, columns))
            return map(pick, self._combinations), self._combinations.values()
        return map(attrgetter(*columns), self.report.staff), repeat(1)

    def rows_with(self, pairs: set[tuple[str, str]]) -> list[StaffMember]:
        """The first rows (as many as a finding cites) whose (organisation, title) is in `pairs`."""
        held = map(pairs.__contains__, zip(self._organisations, self._titles, strict=False))
        return list(islice(compress(self.report.staff, held), MAX_SOURCES))

    def rows_holding(self, columns: tuple[str, ...], values: set[Any]) -> list[StaffMember]:
        """The first rows (as many as a finding cites) holding one of `values` in roster `columns`."""
        held = map(values.__contains__, map(attrgetter(*columns), self.report.staff))
        return list(islice(compress(self.report.staff, held), MAX_SOURCES))

    def meetings(self, *kinds: str) -> list[Meeting]:
        """Meetings of these kinds (the rulebook's words) held by `as_of`, oldest first."""
        return _oldest_first([self._meetings.get(kind, []) for kind in kinds])

    def meetings_as(self, *roles: MeetingRole) -> list[Meeting]:
        """Meetings whose kind the vocabulary gives one of these roles, held by `as_of`, oldest first."""
        return self.meetings(*self.rulebook.vocabulary.meeting_words(*roles))

    def congress_named(self, org: Organisation) -> str:
        """What the organisation's congress is called in the rulebook's words."""
        return self.rulebook.vocabulary.meeting_named(CONGRESS_OF[org.kind])

    def congresses(self, org: Organisation) -> list[Meeting]:
        """The organisation's congresses held by `as_of`, oldest first.

        A meeting with no organisation named counts for every organisation of its kind.
        """
        if org.name not in self._congresses:  # several rules judge the same organisation's congresses
            held = self.meetings_as(CONGRESS_OF[org.kind])
            self._congresses[org.name] = _oldest_first(
                [[m for m in held if m.organisation == name] for name in ("", org.name)]
            )
        return self._congresses[org.name]

    def latest_congress(self, org: Organisation) -> Meeting | None:
        held = self.congresses(org)
        return held[-1] if held else None

    def students_linked(self, org: Organisation) -> int | None:
        """The organisation's own figure, else the school's student count of its kind."""
        if org.students_linked is not None:
            return org.students_linked
        school = self.report.school
        return school.undergraduates if org.kind is OrgKind.UNDERGRADUATE else school.graduates


_categorical = attrgetter(*CATEGORICAL)
_all_categorical = frozenset(CATEGORICAL).issuperset
_organisation = attrgetter("organisation")
_title = attrgetter("title")
_held_on = attrgetter("held_on")


def _oldest_first(lists: list[list[Meeting]]) -> list[Meeting]:
    """One list from several each sorted by date; most calls have a single non-empty one."""
    filled = [meetings for meetings in lists if meetings]
    if len(filled) <= 1:
        return filled[0] if filled else []
    return sorted((m for meetings in filled for m in meetings), key=_held_on)


def _rosters(staff: Iterable[StaffMember], role_of_title: dict[str, Role | None]) -> dict[str, Roster]:
    """Rosters of the organisations `staff` belong to."""
    # bound once, not looked up per row: Role.X goes through the enum metaclass's slow __getattr__ hook
    presidium, head, member = Role.PRESIDIUM, Role.DEPARTMENT_HEAD, Role.DEPARTMENT_MEMBER
    rosters: dict[str, Roster] = defaultdict(Roster)
    for person in staff:
        roster = rosters[person.organisation]
        roster.staff.append(person)
        role = role_of_title[person.title]
        if role is presidium:
            roster.presidium.append(person)
        elif person.department:
            roster.departments.setdefault(person.department, []).append(person)
            if role is head:
                roster.heads.setdefault(person.department, []).append(person)
            elif role is member:
                roster.members.setdefault(person.department, []).append(person)
    return dict(rosters)
