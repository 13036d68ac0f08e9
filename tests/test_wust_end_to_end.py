"""武汉科技大学's self-check (shared/seeds/004), filled into the template, loads and scores as its figures say."""

from __future__ import annotations

from datetime import date

import pytest

from checks.engine import assess
from checks.results import DeadlineState, Severity
from checks.rulebook import load_rulebook
from loaders.template import fill_template
from loaders.workbook import read_workbook
from tests.fixtures.wust import REPORT_DAY, wust_report

RULEBOOK = load_rulebook()
CAMPAIGN = RULEBOOK.campaign
AS_OF = date(2020, 10, 31)


@pytest.fixture(scope="module")
def loaded():
    data = fill_template(wust_report(), RULEBOOK, CAMPAIGN)
    result = read_workbook(data, "武汉科技大学.xlsx", RULEBOOK, today=AS_OF)
    assert result.report is not None, [p.message for p in result.problems if p.is_error]
    return assess(result.report, RULEBOOK, CAMPAIGN, AS_OF, tenant="4142010488", school="武汉科技大学")


def messages(assessment, item_id: str, severity: Severity) -> list[str]:
    return [f.message for f in assessment.item(item_id).findings if f.severity is severity]


def test_the_loaded_workbook_scores_exactly_as_the_report_it_was_filled_from(loaded):
    direct = assess(wust_report(), RULEBOOK, CAMPAIGN, AS_OF, tenant="4142010488", school="武汉科技大学")
    assert (loaded.score, loaded.verdict) == (direct.score, direct.verdict)
    for ours, theirs in zip(loaded.items, direct.items, strict=False):
        assert (ours.state, [f.message for f in ours.findings]) == (theirs.state, [f.message for f in theirs.findings])


def test_five_presidium_members_and_five_departments_pass(loaded):
    passed = " ".join(messages(loaded, "3.1", Severity.OK))
    assert "校学生会主席团成员 5 人，不超过 5 人" in passed
    assert "校学生会工作部门 5 个，不超过 6 个" in passed


def test_the_graduate_unions_departments_of_nine_staff_heads_included_exceed_the_usual_six(loaded):
    [concern] = [m for m in messages(loaded, "3.1", Severity.ATTENTION) if "部" in m]
    assert "校研究生会" in concern and "“秘书部”9 人" in concern and "超过 6 人" in concern


def test_the_rotating_presidium_is_only_announced_so_2_1_is_not_done(loaded):
    assert loaded.item("2.1").state is DeadlineState.NOT_DUE  # 推进中 on 2.1's deadline day
    concerns = messages(loaded, "2.1", Severity.ATTENTION)
    assert concerns == ["校学生会未实行主席团轮值", "校研究生会未实行主席团轮值"]


def test_the_congresses_the_report_announces_are_no_record_of_one():
    on_report_day = assess(wust_report(), RULEBOOK, CAMPAIGN, REPORT_DAY)
    late = [f for f in on_report_day.item("6.1").findings if f.rule == "congress_annual"]
    assert [f.severity for f in late] == [Severity.VIOLATION] * 2
    assert all(f.early and f.text.endswith("（到期前须整改，期限2020年10月31日）") for f in late)  # still time
    after = assess(wust_report(), RULEBOOK, CAMPAIGN, date(2020, 11, 1))
    assert not any(f.early for f in after.item("6.1").findings if f.rule == "congress_annual")
    assert after.item("6.1").credit < on_report_day.item("6.1").credit


def test_the_2019_congresses_had_enough_delegates_but_are_over_a_year_old_at_acceptance(loaded):
    assert any("256" in m for m in messages(loaded, "6.1", Severity.OK))
    assert any("2019年9月28日" in m for m in messages(loaded, "6.1", Severity.VIOLATION))


def test_reviews_each_semester_are_recognised(loaded):
    assert any("述职评议会" in m for m in messages(loaded, "8.1", Severity.OK))
