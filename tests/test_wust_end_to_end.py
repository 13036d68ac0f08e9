"""武汉科技大学's self-check (shared/seeds/004), filled into the template, loads and scores as its figures say."""

from __future__ import annotations

from datetime import date

import pytest

from checks.engine import assess
from checks.results import Severity
from checks.rulebook import load_rulebook
from loaders.template import fill_template
from loaders.workbook import read_workbook
from tests.fixtures.wust import wust_report

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
    for ours, theirs in zip(loaded.items, direct.items):
        assert (ours.state, [f.message for f in ours.findings]) == (theirs.state, [f.message for f in theirs.findings])


def test_five_presidium_members_and_five_departments_pass(loaded):
    passed = " ".join(messages(loaded, "3.1", Severity.OK))
    assert "校学生会主席团成员 5 人，不超过 5 人" in passed
    assert "校学生会工作部门 5 个，不超过 6 个" in passed


def test_the_graduate_unions_departments_of_seven_staff_break_the_six_limit(loaded):
    [breach] = [m for m in messages(loaded, "3.1", Severity.VIOLATION) if "部" in m]
    assert "校研究生会" in breach and "7 人" in breach and "6 人" in breach


def test_the_2019_congresses_had_enough_delegates_but_are_over_a_year_old_at_acceptance(loaded):
    assert any("256" in m for m in messages(loaded, "6.1", Severity.OK))
    assert any("2019年9月28日" in m for m in messages(loaded, "6.1", Severity.VIOLATION))


def test_reviews_each_semester_are_recognised(loaded):
    assert any("述职评议会" in m for m in messages(loaded, "8.1", Severity.OK))
