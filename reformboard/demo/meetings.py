"""A school's meeting log: congresses, reviews, hearings and trainings, dated around today, each named
by the rulebook's word for its role (a role the vocabulary has no word for is not held); the
vocabulary's meeting kinds without a role are held yearly.

Recurring meetings fall within the last year; a flawed school's meeting is missing or more than a year
old. Each meeting is recorded once its last date (held, approved, filed) has passed, and the log is
ordered by that day, so an earlier upload lists a prefix of a later one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from checks.rulebook import Rulebook
from checks.schema import Meeting, MeetingRole, Organisation, OrgKind
from checks.vocabulary import Vocabulary
from reformboard.demo.dates import semesters
from reformboard.demo.limits import Limits
from reformboard.demo.profiles import Profile
from reformboard.demo.progress import ItemPlan, day_between
from reformboard.demo.rosters import Roster

MEETING_SHEET = "会议记录"
RECENT = timedelta(days=300)  # recurring meetings fall within this much of today
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class MeetingLog:
    meetings: tuple[Meeting, ...]  # ordered by recorded_on
    recorded_on: tuple[date, ...]  # aligned with meetings


class MeetingPlanner:
    def __init__(
        self, rng: random.Random, rulebook: Rulebook, limits: Limits, today: date, horizon: date, starts_on: date
    ) -> None:
        self.rng, self.limits, self.vocabulary = rng, limits, rulebook.vocabulary
        self.today, self.horizon, self.starts_on = today, horizon, starts_on
        # the items a mobilisation meeting and a training complete: those citing a check of that kind
        self.mobilisation_item = _item_checked_by(rulebook, "mobilisation_meeting")
        self.training_item = _item_checked_by(rulebook, "training_meeting")

    def _word(self, role: MeetingRole) -> str | None:
        words = self.vocabulary.meeting_words(role)
        return words[0] if words else None

    def plan(self, roster: Roster, colleges: int, profile: Profile, items: dict[str, ItemPlan]) -> MeetingLog:
        meetings: list[Meeting] = []
        for organisation in roster.school_level:
            flaws = profile.flaws if organisation.kind is OrgKind.UNDERGRADUATE else frozenset()
            meetings += self._congress(organisation, colleges, flaws)
            meetings += self._reviews(organisation, "semester_reviews" in flaws)
        meetings += self._college_reports(
            [o.name for o in roster.school_level], colleges, profile.has("college_reports_heard")
        )
        meetings += self._college_congresses(roster.college_level, profile.has("college_congress_annual"))
        meetings += self._recurring(self._word(MeetingRole.PARTY_HEARING), "", profile.has("party_hearing"))
        joint = self._word(MeetingRole.JOINT_MEETING)
        if joint and not profile.has("joint_meeting"):
            meetings += [
                Meeting(
                    joint,
                    day_between(self.rng, self.starts_on, self.horizon),
                    note="学生会（研究生会）深化改革工作联席会议",
                )
                for _ in range(self.rng.randint(1, 2))
            ]
        for word in (m.name for m in self.vocabulary.meeting_kinds if m.role is None):
            meetings += self._recurring(word, "", flawed=False)
        meetings += self._item_meetings(profile, items)
        return _log(meetings, self.vocabulary)

    def _recent(self, margin: int = 0) -> date:
        return day_between(self.rng, self.today - RECENT, self.horizon - timedelta(days=margin))

    def _stale(self) -> date:
        """Clearly more than the allowed interval ago."""
        months = self.limits.interval_months
        return self.today - timedelta(days=round(months * 30.5) + self.rng.randint(35, 200))

    def _recurring(self, kind: str | None, organisation: str, flawed: bool) -> list[Meeting]:
        """A yearly meeting: held recently, or — when flawed — never or too long ago."""
        if kind is None or (flawed and self.rng.random() < 0.5):
            return []
        held = self._stale() if flawed else self._recent(margin=7)
        return [Meeting(kind, held, organisation=organisation)]

    def _college_reports(self, organisations: list[str], colleges: int, flawed: bool) -> list[Meeting]:
        """Each school-level union hears every college's report yearly. A flawed school did not: it
        heard only some colleges, heard none, or last heard them too long ago."""
        rng, kind = self.rng, self._word(MeetingRole.COLLEGE_REPORTS)
        mode = rng.choice(("partial", "none", "stale") if colleges > 1 else ("none", "stale")) if flawed else ""
        if mode == "none" or kind is None:
            return []
        meetings = []
        for organisation in organisations:
            held = self._stale() if mode == "stale" else self._recent(margin=7)
            covered = colleges - rng.randint(1, min(4, colleges - 1)) if mode == "partial" else colleges
            meetings.append(Meeting(kind, held, organisation=organisation, colleges_covered=covered))
        return meetings

    def _congress_word(self, organisation: Organisation) -> str | None:
        return self._word(
            MeetingRole.GRADUATE_CONGRESS if organisation.kind is OrgKind.GRADUATE else MeetingRole.CONGRESS
        )

    def _congress(self, organisation: Organisation, colleges: int, flaws: frozenset[str]) -> list[Meeting]:
        rng, limits, kind = self.rng, self.limits, self._congress_word(organisation)
        if kind is None or ("congress_annual" in flaws and rng.random() < 0.5):
            return []
        held = self._stale() if "congress_annual" in flaws else self._recent(margin=40)
        linked = organisation.students_linked or 0
        if "congress_delegate_ratio" in flaws:
            delegates = max(1, math.floor(linked * limits.delegates_min * rng.uniform(0.4, 0.8)))
        else:
            delegates = math.ceil(linked * limits.delegates_min * rng.uniform(1.1, 2.0))
        if "non_cadre_delegates" in flaws:
            non_cadre = math.floor(delegates * rng.uniform(0.35, limits.non_cadre_min - 0.05))
        else:
            non_cadre = math.ceil(delegates * rng.uniform(limits.non_cadre_min + 0.02, 0.78))
        covered = colleges
        if "congress_college_coverage" in flaws and colleges > 1:
            covered -= rng.randint(1, min(3, colleges - 1))
        approved = None if "election_approved" in flaws else held + timedelta(days=rng.randint(3, 12))
        filed = None if "election_filed" in flaws else (approved or held) + timedelta(days=rng.randint(5, 20))
        return [
            Meeting(
                kind,
                held,
                organisation=organisation.name,
                delegates=delegates,
                non_cadre_delegates=non_cadre,
                colleges_covered=covered,
                approved_on=approved,
                filed_on=filed,
                note=f"第{rng.randint(8, 32)}次{kind}",
            )
        ]

    def _college_congresses(self, organisations: tuple[Organisation, ...], flawed: bool) -> list[Meeting]:
        rng = self.rng
        lapsed = (
            set(rng.sample(range(len(organisations)), min(len(organisations), rng.randint(2, 4)))) if flawed else set()
        )
        meetings = []
        for index, organisation in enumerate(organisations):
            if index in lapsed and rng.random() < 0.5:
                continue
            held = (
                self._stale()
                if index in lapsed
                else day_between(rng, self.today - YEAR + timedelta(days=35), self.horizon - timedelta(days=30))
            )
            meetings += self._college_congress(organisation, held)
        return meetings

    def _college_congress(self, organisation: Organisation, held: date) -> list[Meeting]:
        rng, linked = self.rng, organisation.students_linked or 0
        approved = held + timedelta(days=rng.randint(2, 10))
        filed = approved + timedelta(days=rng.randint(2, 12))
        assembly = self._word(MeetingRole.ALL_STUDENT_ASSEMBLY)
        if assembly and linked < self.limits.assembly_threshold:
            return [Meeting(assembly, held, organisation=organisation.name, approved_on=approved, filed_on=filed)]
        kind = self._congress_word(organisation)
        if kind is None:
            return []
        delegates = max(10, math.ceil(linked * rng.uniform(0.04, 0.08)))
        return [
            Meeting(
                kind,
                held,
                organisation=organisation.name,
                delegates=delegates,
                non_cadre_delegates=math.ceil(delegates * rng.uniform(0.62, 0.8)),
                approved_on=approved,
                filed_on=filed,
            )
        ]

    def _reviews(self, organisation: Organisation, flawed: bool) -> list[Meeting]:
        """One review per term, towards its end; a flawed school skipped them since the campaign began."""
        meetings: list[Meeting] = []
        kind = self._word(MeetingRole.REVIEW)
        if kind is None:
            return meetings
        for first, last in semesters(self.today - YEAR, self.horizon, list(self.limits.semester_months)):
            if flawed and last >= self.starts_on:
                continue
            latest = min(last - timedelta(days=7), self.horizon)
            earliest = max(first + timedelta(days=14), self.today - YEAR)
            if earliest <= latest:
                held = day_between(self.rng, max(earliest, latest - timedelta(days=45)), latest)
                term = "春季" if first.month < 7 else "秋季"
                meetings.append(
                    Meeting(
                        kind,
                        held,
                        organisation=organisation.name,
                        note=f"{first.year}年{term}学期述职评议",
                    )
                )
        return meetings

    def _item_meetings(self, profile: Profile, items: dict[str, ItemPlan]) -> list[Meeting]:
        """The mobilisation meeting marks its item done; the first all-staff training starts its item.
        A school without a mobilisation meeting held no training either (a training would stand in)."""
        meetings: list[Meeting] = []
        if profile.has("mobilisation_meeting"):
            return meetings
        mobilisation, word = items.get(self.mobilisation_item), self._word(MeetingRole.MOBILISATION)
        if word and mobilisation and mobilisation.completed_on:
            meetings.append(Meeting(word, mobilisation.completed_on, note="学生会（研究生会）深化改革动员部署会"))
        training, word = items.get(self.training_item), self._word(MeetingRole.TRAINING)
        if word and not profile.has("training_meeting") and training and training.started_by(self.horizon):
            started = training.started_on
            assert started is not None  # started_by: it has a first day
            held = training.completed_on or day_between(self.rng, started, self.horizon)
            meetings.append(Meeting(word, held, note="指导老师和学生会（研究生会）成员全员培训"))
        return meetings


def _recorded(meeting: Meeting) -> date:
    return max(d for d in (meeting.held_on, meeting.approved_on, meeting.filed_on) if d is not None)


def _item_checked_by(rulebook: Rulebook, kind: str) -> str:
    """The first item citing a check of this rule kind; "" when none does."""
    return next((i.id for i in rulebook.items if any(rulebook.rules[c].kind == kind for c in i.checks)), "")


def _log(meetings: list[Meeting], vocabulary: Vocabulary) -> MeetingLog:
    order = {name: n for n, name in enumerate(vocabulary.meeting_names)}
    ordered = sorted(meetings, key=lambda m: (_recorded(m), order[m.kind], m.organisation))
    numbered = tuple(replace(m, source=f"{MEETING_SHEET}!A{row + 2}") for row, m in enumerate(ordered))
    return MeetingLog(numbered, tuple(_recorded(m) for m in numbered))
