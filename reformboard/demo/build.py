"""build_demo: the whole demo province from a seed, relative to today."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from checks.rulebook import Rulebook
from checks.schema import SchoolInfo, StaffMember
from reformboard.demo.dates import demo_campaign, due_dates
from reformboard.demo.history import Timeline, submissions, upload_days
from reformboard.demo.limits import Limits
from reformboard.demo.materials import plan_documents
from reformboard.demo.meetings import MeetingPlanner
from reformboard.demo.model import Demo, DemoError, DemoSubmission
from reformboard.demo.people import name_pool
from reformboard.demo.profiles import Profile, Tier, deal_profiles
from reformboard.demo.progress import ItemPlanner
from reformboard.demo.province import DemoProvince, province_of
from reformboard.demo.rosters import RosterBuilder
from reformboard.demo.schools import DemoSchool, SchoolNamer, assign_regions, make_school, school_codes

MAX_SCHOOLS = 5000
MAX_ROSTER_SCALE = 3.3  # the college-name pool runs out beyond ~30 colleges × 3.3
DROPPED_ROWS_CHANCE = 0.6  # schools whose early uploads carried rows a later one cleaned out


def build_demo(schools: int = 40, seed: int = 7, *, today: date, rulebook: Rulebook, roster_scale: float = 1.0) -> Demo:
    """A believable province in the rulebook's words (its [demo] units and places, its vocabulary, its
    thresholds): units, schools, a campaign whose deadlines sit around today, and each school's
    uploads. The same arguments always give an equal Demo."""
    _check(schools, roster_scale)
    province = province_of(rulebook)
    rng = random.Random(seed)
    campaign = demo_campaign(rulebook, today)
    world = _World(rng, rulebook, province, today, campaign.starts_on, due_dates(rulebook, campaign))
    all_regions = province.regions
    names = name_pool(rng)
    namer = SchoolNamer(rng, province.independent_brands)
    codes = school_codes(rng, schools, province)
    placed = assign_regions(rng, all_regions, schools)
    profiles = deal_profiles(rng, schools, rulebook)
    infos: list[SchoolInfo] = []
    uploads: list[DemoSubmission] = []
    for code, region, profile in zip(codes, placed, profiles, strict=False):
        school = make_school(rng, namer, region, code, names, roster_scale)
        history = world.history(school, profile, names) if profile.tier is not Tier.SILENT else []
        infos.append(history[-1].report.school if history else replace(school.info, deputy_secretary=""))
        uploads += history
    # A generator of its own: the documents leave every school and upload the same seed gave before.
    documents = plan_documents(random.Random(f"{seed}:documents"), rulebook, campaign, uploads, today)
    return Demo(
        units=tuple(r.unit for r in all_regions),
        schools=tuple(infos),
        campaign=campaign,
        submissions=tuple(uploads),
        documents=documents,
    )


def _check(schools: int, roster_scale: float) -> None:
    if not 1 <= schools <= MAX_SCHOOLS:
        raise DemoError(f"演示学校数量应在 1 至 {MAX_SCHOOLS} 之间，收到 {schools}")
    if not 0 < roster_scale <= MAX_ROSTER_SCALE:
        raise DemoError(f"名单规模倍数应大于 0 且不超过 {MAX_ROSTER_SCALE}，收到 {roster_scale}")


class _World:
    """What every school's history is built against: the rulebook, its limits and the calendar."""

    def __init__(
        self,
        rng: random.Random,
        rulebook: Rulebook,
        province: DemoProvince,
        today: date,
        starts_on: date,
        dues: dict[str, date | None],
    ) -> None:
        self.rng, self.rulebook, self.province, self.limits = rng, rulebook, province, Limits.of(rulebook)
        self.today, self.starts_on, self.dues = today, starts_on, dues
        self.intake_year = today.year if today.month >= 9 else today.year - 1

    def history(self, school: DemoSchool, profile: Profile, names: tuple[str, ...]) -> list[DemoSubmission]:
        rng = self.rng
        days = upload_days(rng, profile.tier, self.starts_on, self.today)
        horizon = days[-1]
        items = ItemPlanner(rng, profile.tier, self.starts_on, horizon, self.today, self.province).plans(
            self.rulebook, self.dues
        )
        builder = RosterBuilder(rng, self.limits, names, self.intake_year)
        roster = builder.build(school, profile)
        dropped: tuple[tuple[StaffMember, date], ...] = ()
        if len(days) > 1 and rng.random() < DROPPED_ROWS_CHANCE:
            dropped = tuple(
                (row, days[rng.randint(1, len(days) - 1)]) for row in builder.legacy_rows(rng.randint(1, 3))
            )
        meetings = MeetingPlanner(rng, self.rulebook, self.limits, self.today, horizon, self.starts_on).plan(
            roster, len(school.info.colleges), profile, items
        )
        designated = (
            None
            if profile.has("deputy_secretary")
            else min(horizon, self.starts_on + timedelta(days=rng.randint(-90, 40)))
        )
        timeline = Timeline(school, tuple(items.values()), roster, meetings, dropped, designated)
        return submissions(rng, timeline, days)
