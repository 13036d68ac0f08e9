"""A school's uploads over the campaign: when it uploaded, who did, and what each workbook held.

Each upload is a snapshot of the school's timeline on its day: items as far as they had got, meetings
recorded by then, the roster as far as it had been collected (school level first, then college by
college), rows later cleaned out still present, the deputy secretary only once designated.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone

from checks.schema import SchoolReport, StaffMember
from reformboard.demo.meetings import MeetingLog
from reformboard.demo.model import DemoSubmission
from reformboard.demo.profiles import Tier
from reformboard.demo.progress import ItemPlan
from reformboard.demo.rosters import STAFF_SHEET, Roster
from reformboard.demo.schools import DemoSchool

CHINA = timezone(timedelta(hours=8))  # schools upload in office hours, Beijing time
ITEM_SHEET = "任务进展"
FIRST_UPLOAD_AFTER = timedelta(days=15)
UPLOADS = {Tier.EXEMPLARY: (2, 4), Tier.GOOD: (2, 4), Tier.FAIR: (1, 3), Tier.POOR: (1, 2)}
STALE_CHANCE = 0.3  # poor schools that stopped uploading a month or two ago
FILENAMES = (
    "{school}学生会（研究生会）深化改革情况填报表.xlsx",
    "{school}-改革进展-{day:%Y%m%d}.xlsx",
    "深化改革填报表_{school}_v{number}.xlsx",
    "{school}自查表（第{number}次报送）.xlsx",
)


@dataclass(frozen=True)
class Timeline:
    """Everything that happened at one school, to be cut into snapshots."""

    school: DemoSchool
    items: tuple[ItemPlan, ...]  # in rulebook order
    roster: Roster
    meetings: MeetingLog
    dropped: tuple[tuple[StaffMember, date], ...]  # rows cleaned out, and the upload that dropped them
    designated_on: date | None  # when the deputy secretary was named; None if never


def upload_days(rng: random.Random, tier: Tier, starts_on: date, today: date) -> list[date]:
    """One to four upload days; the latest is recent unless the school went quiet."""
    low, high = UPLOADS[tier]
    count = rng.randint(low, high)
    last = today - timedelta(days=rng.randint(0, 14))
    if tier is Tier.POOR and rng.random() < STALE_CHANCE:
        last = today - timedelta(days=rng.randint(30, 70))
    first = starts_on + FIRST_UPLOAD_AFTER
    span = (last - timedelta(days=7) - first).days
    earlier = sorted(rng.sample(range(span + 1), min(count - 1, span + 1))) if span >= 0 else []
    return [first + timedelta(days=d) for d in earlier] + [last]


def listed_college_orgs(rng: random.Random, uploads: int, college_orgs: int) -> list[int]:
    """How many college organisations each upload lists: a growing share, all of them at the end."""
    shares = sorted(rng.uniform(0.3, 0.95) for _ in range(uploads - 1))
    return [round(share * college_orgs) for share in shares] + [college_orgs]


def submissions(rng: random.Random, timeline: Timeline, days: list[date]) -> list[DemoSubmission]:
    info = timeline.school.info
    listed = listed_college_orgs(rng, len(days), len(timeline.roster.rows_through) - 1)
    filename = rng.choice(FILENAMES)
    uploads = []
    for number, (day, colleges) in enumerate(zip(days, listed, strict=False)):
        uploader = info.contact_name if rng.random() < 0.75 else timeline.school.teacher
        uploads.append(
            DemoSubmission(
                tenant_code=info.code,
                uploaded_at=_office_hours(rng, day),
                uploader=uploader,
                filename=filename.format(school=info.name, day=day, number=number + 1),
                report=snapshot(timeline, day, colleges),
            )
        )
    return uploads


def snapshot(timeline: Timeline, day: date, colleges_listed: int) -> SchoolReport:
    roster, info = timeline.roster, timeline.school.info
    if timeline.designated_on is None or timeline.designated_on > day:
        info = replace(info, deputy_secretary="")
    listed = roster.staff[: roster.rows_through[colleges_listed]]
    dropped = [row for row, dropped_on in timeline.dropped if dropped_on > day]
    staff = listed + tuple(
        replace(row, source=f"{STAFF_SHEET}!A{len(listed) + n + 2}") for n, row in enumerate(dropped)
    )
    recorded = bisect_right(timeline.meetings.recorded_on, day)
    return SchoolReport(
        school=info,
        items=tuple(plan.report(day, f"{ITEM_SHEET}!A{row + 2}") for row, plan in enumerate(timeline.items)),
        organisations=roster.organisations,
        staff=staff,
        meetings=timeline.meetings.meetings[:recorded],
    )


def _office_hours(rng: random.Random, day: date) -> datetime:
    local = datetime.combine(day, time(rng.randint(9, 21), rng.randint(0, 59), rng.randint(0, 59)), CHINA)
    return local.astimezone(UTC)
