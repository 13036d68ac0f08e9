"""Stored results (#16 item 1): the board of any date from the roster rules' stored findings gives
exactly the assessments that reading every roster row gives."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import date, timedelta

import pytest

from checks.campaign import Campaign
from checks.deadlines import due_date
from checks.results import Verdict
from checks.rulebook import Rulebook
from checks.rules import eligibility, leadership, sizes
from checks.rules.registry import ROSTER_KINDS
from checks.stored import results_key, roster_findings
from reformboard.board import assess_schools
from reformboard.context import AppContext
from tenants.principal import local_operator
from tenants.store import latest_accepted, load_reports, stored_results

PROVINCE_USER = local_operator("test")


def dates_around_deadlines(rulebook: Rulebook, campaign: Campaign) -> list[date]:
    """Before, at, between and after the campaign's deadlines (the demo's are set relative to today)."""
    dues = sorted({due for item in rulebook.items if (due := due_date(item, campaign)) is not None})
    return [
        dues[0] - timedelta(days=1),
        dues[0],
        dues[2],
        dues[2] + timedelta(days=33),
        dues[-2],
        dues[-1] + timedelta(days=60),
    ]


def test_the_stored_path_gives_the_same_assessments_as_reading_the_rosters(demo_db) -> None:
    ctx = AppContext.open()
    try:
        with ctx.transaction(PROVINCE_USER) as session:
            campaign = ctx.campaign(session)
            rulebook = ctx.rulebook_for(campaign)
            roster_rules = {r for r, spec in rulebook.rules.items() if spec.kind in ROSTER_KINDS}
            boards = []
            for as_of in dates_around_deadlines(rulebook, campaign):
                latest = latest_accepted(session, campaign.id, as_of)
                stored = stored_results(session, [s.id for s in latest.values()], results_key(campaign))
                from_store = assess_schools(session, PROVINCE_USER, rulebook, campaign, as_of)
                # A campaign without a pinned rulebook has no key: every roster is read and every rule run.
                unpinned = replace(campaign, rulebook_texts=())
                from_rosters = assess_schools(session, PROVINCE_USER, rulebook, unpinned, as_of)
                assert set(stored) == {s.id for s in latest.values()}, as_of  # all from the store
                assert from_store == from_rosters, as_of
                boards.append(from_store)
    finally:
        ctx.engine.dispose()
    assessed = [a for board in boards for a in board if a.verdict is not Verdict.NOT_SUBMITTED]
    assert len(assessed) >= 3 * len(boards[0])  # most dates have schools submitted
    assert any(f.rule in roster_rules for a in assessed for i in a.items for f in i.findings)
    assert len({(a.score, a.verdict) for board in boards for a in board}) > len(boards[0])  # dates matter


def test_findings_under_another_rulebook_key_are_not_used(demo_db) -> None:
    ctx = AppContext.open()
    try:
        with ctx.transaction(PROVINCE_USER) as session:
            campaign = ctx.campaign(session)
            changed = replace(campaign, threshold_overrides={"school_staff_size": {"max": 1}})
            latest = latest_accepted(session, campaign.id, date(2021, 3, 1))
            assert results_key(changed) != results_key(campaign)
            assert stored_results(session, [s.id for s in latest.values()], results_key(changed)) == {}
    finally:
        ctx.engine.dispose()


@pytest.mark.parametrize("module", [sizes, eligibility, leadership])
def test_roster_rules_read_neither_the_date_the_meetings_nor_the_campaign(module) -> None:
    source = inspect.getsource(module)
    assert [word for word in ("as_of", "meeting", "campaign", "today") if word in source] == []
    assert {rule.name for rule in vars(module).values() if getattr(rule, "check", None)} <= ROSTER_KINDS


def stored_under_current_key() -> set[int]:
    """Ids of the demo campaign's latest submissions whose findings are stored under its current key."""
    ctx = AppContext.open()
    try:
        with ctx.transaction(PROVINCE_USER) as session:
            campaign = ctx.campaign(session)
            latest = latest_accepted(session, campaign.id, date(2100, 1, 1))
            return set(stored_results(session, [s.id for s in latest.values()], results_key(campaign)))
    finally:
        ctx.engine.dispose()


def test_changing_a_threshold_stores_the_results_under_the_new_key(demo_db, reformboard) -> None:
    before = stored_under_current_key()
    code, out, err = reformboard("campaign", "set-threshold", "demo", "school_staff_size", "max", "50")
    assert code == 0, err
    assert "已计算 12/12 份填报" in out  # every accepted submission, with progress
    assert stored_under_current_key() == before != set()
    code, out, err = reformboard("campaign", "refresh-results", "demo")
    assert code == 0, err
    assert "已存储 0 份填报的名单核验结果" in out  # nothing is missing any more


def test_stored_findings_read_back_equal_to_what_the_rules_found(demo_db) -> None:
    ctx = AppContext.open()
    try:
        with ctx.transaction(PROVINCE_USER) as session:
            campaign = ctx.campaign(session)
            rulebook = ctx.rulebook_for(campaign)
            latest = latest_accepted(session, campaign.id, date(2100, 1, 1))
            reports = load_reports(session, [s.id for s in latest.values()])
            stored = stored_results(session, reports, results_key(campaign))
    finally:
        ctx.engine.dispose()
    assert len(stored) == len(latest) > 0
    assert stored == {sid: roster_findings(report, rulebook, campaign) for sid, report in reports.items()}
