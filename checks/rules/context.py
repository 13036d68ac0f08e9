"""What rules share about one report, computed once: the roster grouped by organisation, the role
of every title used, and the meetings held by the assessment date.

Rosters run to thousands of rows and a province has thousands of schools, so the context touches the
rows in C-level passes only (map/compress/Counter) and sorts by role only the organisations a rule
asks about (school-level ones, a few dozen rows each).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice
from operator import attrgetter

from checks.campaign import Campaign
from checks.rulebook import Rulebook
from checks.rules.common import MAX_SOURCES
from checks.schema import (
    Level,
    Meeting,
    MeetingKind,
    Organisation,
    OrgKind,
    Role,
    SchoolReport,
    StaffMember,
)

CONGRESS_OF = {OrgKind.UNDERGRADUATE: MeetingKind.CONGRESS, OrgKind.GRADUATE: MeetingKind.GRADUATE_CONGRESS}


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
        # One C-level pass counts every (organisation, title): sizes, presidium counts and odd
        # titles of every organisation follow from it without touching the rows again.
        self.title_counts = Counter(map(_org_title, report.staff))
        self.role_of_title = {t: rulebook.role_of(t) for t in {t for _, t in self.title_counts}}
        self._sizes: Counter[str] = Counter()
        self._role_counts: Counter[tuple[str, Role | None]] = Counter()
        for (organisation, title), count in self.title_counts.items():
            self._sizes[organisation] += count
            self._role_counts[organisation, self.role_of_title[title]] += count
        self._rosters = _rosters(report.staff, {org.name for org in self.school_orgs}, self.role_of_title)
        held = sorted((m for m in report.meetings if m.held_on <= as_of), key=_held_on)
        self._meetings: dict[MeetingKind, list[Meeting]] = defaultdict(list)
        self._meetings_of: dict[tuple[str, MeetingKind], list[Meeting]] = defaultdict(list)
        for meeting in held:
            self._meetings[meeting.kind].append(meeting)
            self._meetings_of[meeting.organisation, meeting.kind].append(meeting)

    def roster(self, organisation: str) -> Roster:
        """The rows of a school-level organisation sorted by role (empty for any other)."""
        return self._rosters.get(organisation) or Roster()

    def size(self, organisation: str) -> int:
        return self._sizes[organisation]

    def count_with_role(self, organisation: str, role: Role | None) -> int:
        return self._role_counts[organisation, role]

    def rows_with(self, pairs: set[tuple[str, str]]) -> list[StaffMember]:
        """The first rows (as many as a finding cites) whose (organisation, title) is in `pairs`."""
        matches = compress(self.report.staff, map(pairs.__contains__, map(_org_title, self.report.staff)))
        return list(islice(matches, MAX_SOURCES))

    def meetings(self, *kinds: MeetingKind) -> list[Meeting]:
        """Meetings of these kinds held by `as_of`, oldest first."""
        return _oldest_first([self._meetings.get(kind, []) for kind in kinds])

    def congresses(self, org: Organisation, *extra: MeetingKind) -> list[Meeting]:
        """The organisation's congresses (and meetings of `extra` kinds) held by `as_of`, oldest first.

        A meeting with no organisation named counts for every organisation of its kind.
        """
        kinds = (CONGRESS_OF[org.kind], *extra)
        return _oldest_first([self._meetings_of.get((name, kind), [])
                              for name in ("", org.name) for kind in kinds])

    def latest_congress(self, org: Organisation) -> Meeting | None:
        held = self.congresses(org)
        return held[-1] if held else None

    def students_linked(self, org: Organisation) -> int | None:
        """The organisation's own figure, else the school's student count of its kind."""
        if org.students_linked is not None:
            return org.students_linked
        school = self.report.school
        return school.undergraduates if org.kind is OrgKind.UNDERGRADUATE else school.graduates


_org_title = attrgetter("organisation", "title")
_organisation = attrgetter("organisation")
_held_on = attrgetter("held_on")


def _oldest_first(lists: list[list[Meeting]]) -> list[Meeting]:
    """One list from several each sorted by date; most calls have a single non-empty one."""
    filled = [meetings for meetings in lists if meetings]
    if len(filled) <= 1:
        return filled[0] if filled else []
    return sorted((m for meetings in filled for m in meetings), key=_held_on)


def _rosters(staff: tuple[StaffMember, ...], organisations: set[str],
             role_of_title: dict[str, Role | None]) -> dict[str, Roster]:
    """Rosters of `organisations`, picked out of the whole staff list in one C-level pass."""
    rosters: dict[str, Roster] = defaultdict(Roster)
    for person in compress(staff, map(organisations.__contains__, map(_organisation, staff))):
        roster = rosters[person.organisation]
        roster.staff.append(person)
        role = role_of_title[person.title]
        if role is Role.PRESIDIUM:
            roster.presidium.append(person)
        elif person.department:
            roster.departments.setdefault(person.department, []).append(person)
            if role is Role.DEPARTMENT_HEAD:
                roster.heads.setdefault(person.department, []).append(person)
            elif role is Role.DEPARTMENT_MEMBER:
                roster.members.setdefault(person.department, []).append(person)
    return dict(rosters)
