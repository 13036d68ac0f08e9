"""A school's organisations and staff roster: shapes within the rules, except where the school's flaws
say otherwise.

The roster is written in one fixed order — the school-level organisations first, then each college's —
so an earlier, partial upload is a prefix of the final one and its rows keep their row numbers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Any

from checks.schema import Level, Organisation, OrgKind, Political, Role, StaffMember
from reformboard.demo.limits import Limits
from reformboard.demo.profiles import Profile
from reformboard.demo.schools import DemoSchool
from reformboard.demo.vocabulary import EXTRA_TITLES, GRADUATE_UNION_DEPARTMENTS, SCHOOL_UNION_DEPARTMENTS

STAFF_SHEET = "工作人员名单"
ORGANISATION_SHEET = "组织架构"
SCHOOL_UNION_SIZE = (30, 45)
SCHOOL_GRADUATE_UNION_SIZE = (20, 40)
COLLEGE_DEPARTMENTS = ("学习部", "秘书部", "权益部", "文体部", "宣传部", "实践部")
_PARTY, _PROBATIONARY, _LEAGUE = Political.PARTY, Political.PROBATIONARY, Political.LEAGUE


@dataclass(frozen=True)
class Shape:
    presidium: int
    departments: tuple[tuple[str, int, int], ...]  # (name, heads, members)
    extra_title: str = ""  # a post outside the rulebook's titles, or none

    @property
    def size(self) -> int:
        return self.presidium + sum(h + m for _, h, m in self.departments) + bool(self.extra_title)


@dataclass(frozen=True)
class Roster:
    organisations: tuple[Organisation, ...]  # school level first, then college by college
    staff: tuple[StaffMember, ...]
    rows_through: tuple[int, ...]  # staff rows once the school level and then each college org are listed

    @property
    def school_level(self) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.level is Level.SCHOOL)

    @property
    def college_level(self) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.level is Level.COLLEGE)


def distribute(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """Split total into parts within [low, high], unevenly but adding up whenever the bounds allow."""
    counts = [total // parts] * parts
    for index in rng.sample(range(parts), total % parts):
        counts[index] += 1
    give, take = rng.sample(range(parts), 2) if parts > 1 else (0, 0)
    counts[give] += 1
    counts[take] -= 1
    return [min(high, max(low, c)) for c in counts]


class RosterBuilder:
    """Builds one school's roster; holds what every row needs (names, titles, serial numbers)."""

    def __init__(self, rng: random.Random, limits: Limits, names: tuple[str, ...], intake_year: int) -> None:
        self.rng, self.limits, self.names, self.intake = rng, limits, names, intake_year
        self.rank_max = int(limits.rank_max)
        self.heads = (limits.title(Role.DEPARTMENT_HEAD, "部长"), limits.title(Role.DEPARTMENT_HEAD, "副部长"))
        # organisations are named in the vocabulary's words, and only of the kinds it has
        self.union = f"校{limits.organisations[OrgKind.UNDERGRADUATE]}"
        self.graduate_word = limits.organisations.get(OrgKind.GRADUATE)
        self.registered = dict.fromkeys(limits.registrations, True)  # a field the province does not ask stays None

    def build(self, school: DemoSchool, profile: Profile) -> Roster:
        rng, info = self.rng, school.info
        self.serials = [rng.randint(1, 40) for _ in info.colleges]
        self.rows: list[StaffMember] = []
        rotating = not profile.has("rotating_chair")
        self.presidium_titles = (
            (self.limits.title(Role.PRESIDIUM, "执行主席"), self.limits.title(Role.PRESIDIUM, "主席团成员"))
            if rotating
            else (self.limits.title(Role.PRESIDIUM, "主席"), self.limits.title(Role.PRESIDIUM, "副主席"))
        )
        self.member_title = self.limits.title(Role.DEPARTMENT_MEMBER, "干事" if rng.random() < 0.85 else "部员")
        school_orgs = [(self.union, OrgKind.UNDERGRADUATE, info.undergraduates or 0)]
        if info.graduates and self.graduate_word:
            school_orgs.append((f"校{self.graduate_word}", OrgKind.GRADUATE, info.graduates))
        flawed_school_org = school_orgs[-1][0] if len(school_orgs) > 1 and rng.random() < 0.25 else self.union
        organisations = [
            self._school_org(index, name, kind, linked, rotating, profile, name == flawed_school_org)
            for index, (name, kind, linked) in enumerate(school_orgs)
        ]
        rows_through = [len(self.rows)]
        college_orgs = self._college_plan(school)
        oversized = rng.randrange(len(college_orgs)) if college_orgs else -1
        crowded = rng.randrange(len(college_orgs)) if college_orgs else -1
        for index, (college_no, name, kind, linked) in enumerate(college_orgs):
            shape = self._college_shape(
                profile.has("college_staff_size") and index == oversized,
                profile.has("college_presidium_size") and index == crowded,
            )
            organisations.append(
                self._organisation(
                    name, Level.COLLEGE, kind, linked, shape, rotating, len(organisations), info.colleges[college_no]
                )
            )
            self._write(name, shape, kind is OrgKind.GRADUATE, home_college=college_no)
            rows_through.append(len(self.rows))
        self._apply_row_flaws(profile)
        return Roster(tuple(organisations), tuple(self.rows), tuple(rows_through))

    def _college_plan(self, school: DemoSchool) -> list[tuple[int, str, OrgKind, int]]:
        plan = []
        for number, college in enumerate(school.info.colleges):
            union = f"{college}{self.limits.organisations[OrgKind.UNDERGRADUATE]}"
            plan.append((number, union, OrgKind.UNDERGRADUATE, school.undergraduates_by_college[number]))
            if school.info.graduates and self.graduate_word:
                graduates = school.graduates_by_college[number]
                plan.append((number, f"{college}{self.graduate_word}", OrgKind.GRADUATE, graduates))
        return plan

    def _school_org(
        self, index: int, name: str, kind: OrgKind, linked: int, rotating: bool, profile: Profile, flawed: bool
    ) -> Organisation:
        flaws = profile.flaws if flawed else frozenset()
        pool, size = (
            (GRADUATE_UNION_DEPARTMENTS, SCHOOL_GRADUATE_UNION_SIZE)
            if kind is OrgKind.GRADUATE
            else (SCHOOL_UNION_DEPARTMENTS, SCHOOL_UNION_SIZE)
        )
        shape = self._school_shape(pool, size, flaws)
        organisation = self._organisation(name, Level.SCHOOL, kind, linked, shape, rotating, index, "")
        experience = self._experience(shape.size, profile.has("college_experience_ratio"))
        self._write(name, shape, kind is OrgKind.GRADUATE, home_college=None, experience=experience)
        return organisation

    def _school_shape(self, pool: tuple[str, ...], size: tuple[int, int], flaws: frozenset[str]) -> Shape:
        rng, limits = self.rng, self.limits
        presidium = (
            limits.school_presidium_max + 2
            if "school_presidium_size" in flaws
            else rng.randint(3, limits.school_presidium_max)
        )
        count = limits.departments_max + 2 if "department_count" in flaws else rng.randint(4, limits.departments_max)
        count = min(count, len(pool))
        heads = [rng.randint(limits.heads_min, limits.heads_max) for _ in range(count)]
        oversized = "school_staff_size" in flaws
        target = limits.school_staff_max + rng.randint(8, 16) if oversized else rng.randint(*size)
        members = distribute(
            rng,
            target - presidium - sum(heads),
            count,
            1,  # a department's 6 include its heads
            10 * limits.members_max if oversized else limits.members_max - max(heads),
        )
        if "department_heads" in flaws:
            heads[rng.randrange(count)] = rng.choice((limits.heads_min - 1, limits.heads_max + 1))
        if "department_members" in flaws:
            members[rng.randrange(count)] = limits.members_max + 3
        extra = rng.choice(EXTRA_TITLES) if "no_other_titles" in flaws else ""
        return Shape(presidium, tuple(zip(rng.sample(pool, count), heads, members, strict=False)), extra)

    def _college_shape(self, oversized: bool, crowded: bool) -> Shape:
        rng, limits = self.rng, self.limits
        presidium = limits.college_presidium_max + 1 if crowded else rng.randint(2, limits.college_presidium_max)
        count = 5 if oversized else rng.randint(3, 5)
        heads = [limits.heads_max if oversized else rng.choice((2, 2, 3)) for _ in range(count)]
        target = (
            limits.college_staff_max + rng.randint(6, 10)
            if oversized
            else rng.randint(limits.college_staff_min, limits.college_staff_max)
        )
        members = distribute(rng, target - presidium - sum(heads), count, 1, limits.members_max)
        return Shape(presidium, tuple(zip(rng.sample(COLLEGE_DEPARTMENTS, count), heads, members, strict=False)))

    def _organisation(
        self, name: str, level: Level, kind: OrgKind, linked: int, shape: Shape, rotating: bool, row: int, college: str
    ) -> Organisation:
        return Organisation(
            name=name,
            level=level,
            kind=kind,
            college=college,
            students_linked=linked,
            presidium_size=shape.presidium,
            department_count=len(shape.departments),
            rotating_chair=rotating,
            source=f"{ORGANISATION_SHEET}!A{row + 2}",
        )

    def _write(
        self,
        organisation: str,
        shape: Shape,
        graduate: bool,
        home_college: int | None,
        experience: list[bool] | None = None,
    ) -> None:
        """The organisation's rows: presidium, then each department's heads and members."""
        chair, presidium = self.presidium_titles
        head, deputy = self.heads
        senior, middle, junior = (
            (self.intake - 1, self.intake - 1, self.intake)
            if graduate
            else (self.intake - 2, self.intake - 1, self.intake - 1)
        )
        posts = [(chair if n == 0 else presidium, "", senior, True) for n in range(shape.presidium)]
        for department, heads, members in shape.departments:
            posts += [(head if n == 0 else deputy, department, middle, False) for n in range(heads)]
            posts += [(self.member_title, department, junior, False) for _ in range(members)]
        if shape.extra_title:
            department = shape.departments[0][0] if shape.extra_title == "部长助理" else ""
            posts.append((shape.extra_title, department, middle, False))
        served: list[bool] | list[None] = experience or [None] * len(posts)
        for (title, department, year, leader), flag in zip(posts, served, strict=False):
            self.rows.append(self._member(organisation, title, department, year, leader, graduate, home_college, flag))

    def _member(
        self,
        organisation: str,
        title: str,
        department: str,
        year: int,
        leader: bool,
        graduate: bool,
        home_college: int | None,
        experience: bool | None,
    ) -> StaffMember:
        # rng.random() scaled by hand: randint/choice cost several times more, and rosters are long.
        draw, serials = self.rng.random, self.serials
        college = int(draw() * len(serials)) if home_college is None else home_college
        serials[college] += 1 + int(draw() * 9)
        number = (
            f"{year}1{college + 1:02d}{serials[college]:05d}"
            if graduate
            else f"{year}{college + 1:02d}{serials[college]:04d}"
        )
        party, probationary = (0.35, 0.45) if graduate else (0.2, 0.35) if leader else (0.04, 0.12)
        roll = draw()
        political = _PARTY if roll < party else _PROBATIONARY if roll < probationary else _LEAGUE
        return StaffMember(
            name=self.names[int(draw() * len(self.names))],
            student_no=number,
            organisation=organisation,
            title=title,
            department=department,
            political=political,
            rank_percent=float(1 + int(draw() * self.rank_max)),
            failed_courses=0,
            college_experience=experience,
            trained=True,
            zhtj_registered=self.registered.get("zhtj_registered"),
            ivolunteer_registered=self.registered.get("ivolunteer_registered"),
            source=f"{STAFF_SHEET}!A{len(self.rows) + 2}",
        )

    def _experience(self, count: int, flawed: bool) -> list[bool]:
        """Who served in a college union before: a healthy majority, or too few when flawed."""
        share = self.rng.uniform(0.2, 0.4) if flawed else self.rng.uniform(0.55, 0.9)
        experienced = math.floor(count * share) if flawed else math.ceil(count * share)
        flags = [True] * experienced + [False] * (count - experienced)
        self.rng.shuffle(flags)
        return flags

    def _apply_row_flaws(self, profile: Profile) -> None:
        """Individual rows that break the selection and training rules."""
        rng, rows = self.rng, self.rows
        if profile.has("political_status"):
            self._change(rng.randint(1, 2), political=Political.MASSES, zhtj_registered=None)
        if profile.has("academic_rank"):
            self._change(rng.randint(1, 3), rank_percent=float(self.limits.rank_max + rng.randint(8, 25)))
        if profile.has("no_failed_courses"):
            self._change(rng.randint(1, 2), failed_courses=rng.randint(1, 3))
        if profile.has("staff_trained"):
            self._change(rng.randint(3, 10), trained=False)
        if profile.has("ivolunteer_registered"):
            self._change(rng.randint(5, 15), ivolunteer_registered=False)
        if profile.has("zhtj_registered"):
            league = [i for i, row in enumerate(rows) if row.political is Political.LEAGUE]
            for index in rng.sample(league, min(len(league), rng.randint(2, 6))):
                rows[index] = replace(rows[index], zhtj_registered=False)

    def _change(self, count: int, **changes: Any) -> None:  # Any: fields of every type
        for index in self.rng.sample(range(len(self.rows)), min(count, len(self.rows))):
            self.rows[index] = replace(self.rows[index], **changes)

    def legacy_rows(self, count: int) -> list[StaffMember]:
        """Rows an early upload carried and a later one dropped: an abolished post, a 群众 member, a weak
        student — all in the school union. Their sources are left for each upload to number."""
        rng, limits = self.rng, self.limits
        departments = sorted({row.department for row in self.rows if row.organisation == self.union and row.department})
        rows = []
        for kind in rng.sample(range(4), min(count, 4)):
            row = self._member(
                self.union,
                self.member_title,
                rng.choice(departments),
                self.intake - 1,
                False,
                False,
                None,
                rng.random() < 0.5,
            )
            match kind:
                case 0:
                    row = replace(row, title=rng.choice(EXTRA_TITLES), department="")
                case 1:
                    row = replace(row, political=Political.MASSES, zhtj_registered=None)
                case 2:
                    row = replace(row, rank_percent=float(limits.rank_max + rng.randint(10, 30)))
                case _:
                    row = replace(row, failed_courses=rng.randint(1, 2))
            rows.append(replace(row, source=""))
        return rows
