"""Board facts for every day (checks.timeline, #16 item 2): a submission's stored timeline gives, on
every day it covers, exactly the facts that assessing it on that day gives; the board read from the
stored facts is the board of assessing every school."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from checks.engine import assess
from checks.rulebook import build_rulebook, load_rulebook
from checks.stored import derive, facts_key
from checks.timeline import Facts, Segment, facts_of, timeline
from reformboard.board import BoardLine, board_lines, standings
from reformboard.context import AppContext
from reformboard.demo import build_demo
from reformboard.services.campaigns import change_deadlines, refresh_campaign_results
from tenants.models import BoardFact
from tenants.principal import local_operator
from tenants.store import board_facts, latest_accepted

PROVINCE_USER = local_operator("test")
TODAY = date(2026, 12, 1)
RULEBOOKS = ["guangdong-2020", "gansu-2017", "shanghai-gongshang-2019"]
# Other month spans and semester months than any shipped rulebook's, so the change days do not merely
# happen to fall on the shipped values' days.
ODD_MONTHS = {
    "guangdong-2020": {
        "congress_annual": {"max_interval_months": 7},
        "semester_reviews": {"semester_start_months": [3, 10]},
    },
}


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def facts_on(segments: list[Segment], day: date) -> Facts | None:
    """What the stored rows give for `day` (tenants.stored_results.board_facts asks the database the same)."""
    covering = [s.facts for s in segments if s.first <= day <= s.last]
    assert len(covering) <= 1, day  # the segments never overlap
    return covering[0] if covering else None


def demo_cases(rulebook_id: str, every: int):
    """Every `every`th upload of a small demo province in the rulebook's words, its campaign, the first day
    the board could show it and a horizon a year past the acceptance."""
    rulebook = load_rulebook(rulebook_id)
    demo = build_demo(12, 5, today=TODAY, rulebook=rulebook)
    campaign = replace(demo.campaign, threshold_overrides=ODD_MONTHS.get(rulebook_id, {}))
    rulebook = build_rulebook(campaign.rulebook_texts, campaign.threshold_overrides)
    for upload in demo.submissions[::every]:
        yield rulebook, campaign, upload.report, upload.uploaded_at.date(), campaign.acceptance_on + timedelta(days=400)


@pytest.mark.parametrize("rulebook_id", RULEBOOKS)
def test_a_timeline_gives_the_facts_of_assessing_on_every_day(rulebook_id: str) -> None:
    checked = changes = 0
    for rulebook, campaign, report, first, last in demo_cases(rulebook_id, every=3):
        found = derive(report, rulebook, campaign, first).found
        segments = timeline(report, rulebook, campaign, first, last, found)
        lean = replace(report, staff=())
        for day in days(first, last):
            assert facts_on(segments, day) == facts_of(assess(lean, rulebook, campaign, day, found=found)), day
            checked += 1
        assert facts_on(segments, first - timedelta(days=1)) is None
        assert facts_on(segments, last + timedelta(days=1)) is None
        changes += len(segments) - 1
    assert checked > 3_000
    assert changes > 10  # the facts do change with the date, so the comparison means something


@pytest.fixture
def ctx(demo_db):
    context = AppContext.open()
    yield context
    context.engine.dispose()


def board_days(campaign) -> list[date]:
    """A day a week across the campaign, and the days around its acceptance."""
    start = campaign.starts_on - timedelta(days=7)
    weekly = days(start, campaign.acceptance_on + timedelta(days=120))[::7]
    return [*weekly, *days(campaign.acceptance_on - timedelta(days=2), campaign.acceptance_on + timedelta(days=2))]


def test_the_board_from_stored_facts_is_the_board_of_assessing_every_school(ctx) -> None:
    with ctx.transaction(PROVINCE_USER) as session:
        campaign = ctx.campaign(session)
        rulebook = ctx.rulebook_for(campaign)
        stored_days = 0
        for day in board_days(campaign):
            latest = latest_accepted(session, campaign.id, day)
            from_facts = board_lines(session, PROVINCE_USER, rulebook, campaign, day)
            assessed = [BoardLine.of(s) for s in standings(session, PROVINCE_USER, rulebook, campaign, day)]
            assert from_facts == assessed, day
            covered = session.scalar(
                select(func.count()).where(
                    BoardFact.submission_id.in_([s.id for s in latest.values()]),
                    BoardFact.facts_key == facts_key(campaign),
                    BoardFact.first_day <= day,
                    BoardFact.last_day >= day,
                )
            )
            assert covered == len(latest), day  # every school submitted by then is read from its facts
            stored_days += bool(latest)
    assert stored_days > 10


def test_refresh_results_stores_the_facts_of_submissions_stored_before_them(ctx, reformboard) -> None:
    with ctx.transaction(PROVINCE_USER) as session:
        before = session.execute(select(BoardFact.submission_id, BoardFact.first_day, BoardFact.states)).all()
        session.execute(delete(BoardFact))
    code, out, _ = reformboard("campaign", "refresh-results", "demo")
    assert code == 0, out
    with ctx.transaction(PROVINCE_USER) as session:
        after = session.execute(select(BoardFact.submission_id, BoardFact.first_day, BoardFact.states)).all()
    assert sorted(after) == sorted(before) and before


def test_facts_made_under_other_deadlines_are_never_used(ctx) -> None:
    with ctx.transaction(PROVINCE_USER, writes=True) as session:
        campaign = ctx.campaign(session)
        first_item = ctx.rulebook_for(campaign).items[0]
        moved = change_deadlines(session, PROVINCE_USER, campaign.id, {first_item.id: campaign.starts_on})
    assert facts_key(moved) != facts_key(campaign)
    with ctx.transaction(PROVINCE_USER) as session:
        rulebook = ctx.rulebook_for(moved)
        day = moved.acceptance_on
        ids = [s.id for s in latest_accepted(session, moved.id, day).values()]
        assert board_facts(session, ids, facts_key(moved), day) == {}
        assessed = [BoardLine.of(s) for s in standings(session, PROVINCE_USER, rulebook, moved, day)]
        assert board_lines(session, PROVINCE_USER, rulebook, moved, day) == assessed  # every school assessed
        stale = board_facts(session, ids, facts_key(campaign), day)  # made under the old deadlines
        assert any(stale[line.submission.id] != line.facts for line in assessed if line.submission)
    with ctx.transaction(PROVINCE_USER, writes=True) as session:
        assert refresh_campaign_results(session, PROVINCE_USER, moved.id, lambda done, total: None) > 0
    with ctx.transaction(PROVINCE_USER) as session:
        assert set(board_facts(session, ids, facts_key(moved), day)) == set(ids) != set()
        assessed = [BoardLine.of(s) for s in standings(session, PROVINCE_USER, rulebook, moved, day)]
        assert board_lines(session, PROVINCE_USER, rulebook, moved, day) == assessed  # from the new facts
