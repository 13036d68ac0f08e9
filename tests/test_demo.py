"""The demo province: deterministic, believable, and broad enough to show every state and verdict."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from checks.engine import assess
from checks.results import DeadlineState, Severity, Verdict
from checks.rulebook import load_rulebook
from checks.schema import ItemStatus, Level, OrgKind
from reformboard.demo import Demo, build_demo

TODAY = date(2025, 3, 1)
SCHOOLS = 40


@pytest.fixture(scope="module")
def rulebook():
    return load_rulebook()


@pytest.fixture(scope="module")
def demo(rulebook) -> Demo:
    return build_demo(SCHOOLS, seed=7, today=TODAY, rulebook=rulebook)


@pytest.fixture(scope="module")
def uploads(demo) -> dict[str, list]:
    by_school = defaultdict(list)
    for submission in demo.submissions:
        by_school[submission.tenant_code].append(submission)
    return by_school


@pytest.fixture(scope="module")
def assessments(demo, rulebook, uploads):
    return [
        assess(
            uploads[s.code][-1].report if uploads.get(s.code) else None, rulebook, demo.campaign, TODAY, s.code, s.name
        )
        for s in demo.schools
    ]


def test_the_same_arguments_build_an_equal_demo(rulebook, demo):
    assert build_demo(SCHOOLS, seed=7, today=TODAY, rulebook=rulebook) == demo


def test_another_seed_builds_another_province(rulebook, demo):
    other = build_demo(SCHOOLS, seed=8, today=TODAY, rulebook=rulebook)
    assert [s.name for s in other.schools] != [s.name for s in demo.schools]


def test_builds_the_requested_number_of_schools_with_unique_names_and_codes(demo):
    assert len(demo.schools) == SCHOOLS
    assert len({s.name for s in demo.schools}) == SCHOOLS
    codes = [s.code for s in demo.schools]
    assert len(set(codes)) == SCHOOLS
    assert all(len(code) == 10 and code.isdigit() and code.startswith("41440") for code in codes)


def test_units_are_the_21_city_committees_and_the_provincial_one_all_in_use(demo):
    names = [u.name for u in demo.units]
    assert len(names) == 22 and "广州市团委" in names and "深圳市团委" in names and "省直机关团工委" in names
    assert len({u.code for u in demo.units}) == 22
    assert {s.unit for s in demo.schools} == set(names)


def test_about_one_school_in_ten_has_uploaded_nothing(demo, uploads):
    silent = [s for s in demo.schools if s.code not in uploads]
    assert len(silent) == round(SCHOOLS * 0.1)


def test_school_sizes_follow_their_type(demo):
    for school in demo.schools:
        assert 3000 <= school.undergraduates <= 45000
        assert 1 <= school.campuses <= 4
        assert 8 <= len(school.colleges) <= 30
        if school.school_type == "本科":
            assert 0 <= school.graduates <= 15000
        else:
            assert school.graduates == 0


def test_graduate_unions_exist_exactly_where_there_are_graduates(demo, uploads):
    for school in demo.schools:
        if school.code not in uploads:
            continue
        report = uploads[school.code][-1].report
        graduate_orgs = [o for o in report.organisations if o.kind is OrgKind.GRADUATE]
        if school.graduates:
            assert any(o.level is Level.SCHOOL for o in graduate_orgs)
            assert len(graduate_orgs) == len(school.colleges) + 1
        else:
            assert graduate_orgs == []


def test_uploads_are_in_time_order_and_none_after_today(uploads):
    for history in uploads.values():
        times = [s.uploaded_at for s in history]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert all(t.tzinfo is not None and t.utcoffset() == timedelta(0) for t in times)
        assert times[-1].date() <= TODAY
        assert 1 <= len(history) <= 4


def test_later_uploads_never_undo_finished_items(uploads):
    schools_with_history = [h for h in uploads.values() if len(h) > 1]
    assert schools_with_history
    for history in schools_with_history:
        done_before: set[str] = set()
        for submission in history:
            done = {i.item_id for i in submission.report.items if i.status is ItemStatus.DONE}
            assert done_before <= done
            done_before = done
        assert len(history[-1].report.staff) >= len(history[0].report.staff) - 4  # a few rows cleaned out


def test_roster_rows_are_numbered_as_the_sheet_would_show_them(uploads):
    for history in uploads.values():
        for submission in history:
            sources = [s.source for s in submission.report.staff]
            assert sources == [f"工作人员名单!A{row}" for row in range(2, len(sources) + 2)]


def test_rosters_run_to_hundreds_of_rows_and_scale_with_roster_scale(rulebook, uploads):
    sizes = [len(h[-1].report.staff) for h in uploads.values()]
    assert min(sizes) >= 150 and max(sizes) <= 2000
    small = build_demo(12, seed=3, today=TODAY, rulebook=rulebook)
    large = build_demo(12, seed=3, today=TODAY, rulebook=rulebook, roster_scale=3.0)

    def mean_colleges(demo: Demo) -> float:
        return sum(len(s.colleges) for s in demo.schools) / len(demo.schools)

    assert 2.5 <= mean_colleges(large) / mean_colleges(small) <= 3.5


def test_deadlines_sit_around_today_in_the_rulebooks_order(rulebook, demo):
    campaign = demo.campaign
    assert campaign.id == "demo" and campaign.rulebook == rulebook.id
    dated = [item for item in rulebook.items if item.due is not None]
    materials = {m.id for m in rulebook.submissions}
    assert set(campaign.deadline_overrides) == {item.id for item in dated} | materials
    due = campaign.deadline_overrides
    past = [i for i in dated if due[i.id] < TODAY]
    soon = [i for i in dated if TODAY <= due[i.id] <= TODAY + timedelta(days=14)]
    later = [i for i in dated if due[i.id] > TODAY + timedelta(days=14)]
    assert len(dated) / 4 <= len(past) <= len(dated) / 2
    assert soon and later
    assert all(TODAY - timedelta(days=155) <= due[i.id] <= TODAY - timedelta(days=30) for i in past)
    assert all(due[i.id] <= TODAY + timedelta(days=125) for i in later)
    for a in dated:
        for b in dated:
            if a.due < b.due:
                assert due[a.id] < due[b.id]
    assert campaign.starts_on < min(due.values()) and campaign.starts_on < TODAY < campaign.acceptance_on


def test_every_verdict_appears_several_times(assessments):
    counts = {verdict: sum(1 for a in assessments if a.verdict is verdict) for verdict in Verdict}
    assert all(count >= 3 for count in counts.values()), counts
    assert counts[Verdict.RECTIFY] == max(counts.values())  # a province in the middle of a reform


def test_every_deadline_state_appears(assessments):
    states = {item.state for a in assessments for item in a.items}
    assert states == set(DeadlineState)


def test_every_rule_is_breached_by_some_school(rulebook, assessments):
    breached = {(f.rule, f.severity) for a in assessments for item in a.items for f in item.findings}
    missing = [rule for rule, spec in rulebook.rules.items() if (rule, spec.severity) not in breached]
    assert missing == []


def test_most_schools_break_only_a_few_rules(assessments):
    submitted = [a for a in assessments if a.verdict is not Verdict.NOT_SUBMITTED]
    broken = [len({f.rule for i in a.items for f in i.findings if f.severity is Severity.VIOLATION}) for a in submitted]
    assert sum(1 for n in broken if n <= 3) >= 0.7 * len(submitted)


@pytest.mark.parametrize("schools, scale", [(0, 1.0), (5001, 1.0), (10, 0.0), (10, 4.0)])
def test_out_of_range_arguments_are_refused_in_chinese(rulebook, schools, scale):
    with pytest.raises(ValueError, match="演示|名单"):
        build_demo(schools, today=TODAY, rulebook=rulebook, roster_scale=scale)
