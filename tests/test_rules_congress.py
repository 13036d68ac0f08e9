"""Congress rules of 6.1 and 6.2: frequency, delegates, coverage and election results."""

from dataclasses import replace
from datetime import date

import pytest

from checks.results import Severity
from checks.rulebook import RuleSpec
from checks.rules.context import RuleContext
from checks.rules.registry import RULES
from checks.schema import OrgKind
from tests.fixtures.reports import (
    AS_OF,
    UNION,
    congress,
    make_college_union,
    meeting,
    minimal_compliant_report,
    param,
    rulebook,
    run_rule,
    school_info,
    school_org,
    severities,
    spec,
)

OK, BAD, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.UNVERIFIABLE


def union_report(*meetings, students_linked=None, **school):
    return minimal_compliant_report(
        school=school_info(**school),
        organisations=(school_org(UNION, students_linked=students_linked),),
        meetings=meetings,
    )


@pytest.mark.parametrize(
    "held_on, expected",
    [
        (date(2019, 10, 31), OK),  # exactly 12 months before 2020-10-31
        (date(2019, 10, 30), BAD),
        (date(2020, 10, 31), OK),
    ],
)
def test_congress_annual_at_the_twelve_month_edge(held_on, expected):
    assert param("congress_annual", "max_interval_months") == 12
    assert severities(run_rule("congress_annual", union_report(congress(held_on=held_on)))) == [expected]


def test_congress_annual_message_and_future_congresses_ignored():
    report = union_report(congress(held_on=date(2019, 9, 28)), congress(held_on=date(2020, 11, 17)))
    [finding] = run_rule("congress_annual", report)
    assert finding.severity is BAD
    assert finding.message == "校学生会最近一次学生代表大会在2019年9月28日，距2020年10月31日已超过 12 个月"
    [finding] = run_rule("congress_annual", union_report())
    assert finding.severity is BAD and "没有学生代表大会的记录" in finding.message


def test_congress_of_the_other_kind_does_not_count():
    graduate = meeting("研究生代表大会", date(2020, 10, 1), UNION, delegates=100)
    assert severities(run_rule("congress_annual", union_report(graduate))) == [BAD]


@pytest.mark.parametrize("delegates, expected", [(199, Severity.ATTENTION), (200, OK), (201, OK)])  # "一般不低于"
def test_delegate_ratio_against_the_school_figure(delegates, expected):
    assert param("congress_delegate_ratio", "min_ratio") == 0.01
    report = union_report(congress(delegates=delegates), undergraduates=20000)
    assert severities(run_rule("congress_delegate_ratio", report)) == [expected]


def test_delegate_ratio_prefers_the_organisations_own_figure_and_names_numbers():
    report = union_report(congress(delegates=200), students_linked=30000, undergraduates=20000)
    [finding] = run_rule("congress_delegate_ratio", report)
    assert finding.severity is Severity.ATTENTION
    assert finding.message == (
        "校学生会2020年10月17日学生代表大会代表 200 人，所联系学生 30000 人的 1%为 300 人，代表名额不足"
    )


def test_delegate_ratio_with_missing_figures_is_unverifiable():
    assert severities(run_rule("congress_delegate_ratio", union_report(congress(delegates=None)))) == [UNKNOWN]
    no_students = union_report(congress(), undergraduates=None)
    assert severities(run_rule("congress_delegate_ratio", no_students)) == [UNKNOWN]
    assert severities(run_rule("congress_delegate_ratio", union_report())) == [UNKNOWN]


@pytest.mark.parametrize("covered, expected", [(1, BAD), (2, OK), (3, OK), (None, UNKNOWN)])
def test_college_coverage(covered, expected):
    report = union_report(congress(colleges_covered=covered), colleges=("计算机学院", "外国语学院"))
    assert severities(run_rule("congress_college_coverage", report)) == [expected]


def test_college_coverage_needs_the_college_list():
    assert severities(run_rule("congress_college_coverage", union_report(congress(), colleges=()))) == [UNKNOWN]


# Not in Guangdong's list: 甘肃's plan (seed 002) asks for ≥60% non-cadre delegates; a rulebook adopting it
# names the rule with that ratio.
GANSU_NON_CADRE = RuleSpec("non_cadre_delegates", "非学生干部代表比例", Severity.VIOLATION, {"min_ratio": 0.6})


def test_guangdong_applies_no_non_cadre_ratio():
    assert "non_cadre_delegates" not in rulebook().rules
    assert all("non_cadre_delegates" not in item.checks for item in rulebook().items)


@pytest.mark.parametrize("non_cadre, expected", [(119, BAD), (120, OK), (121, OK), (None, UNKNOWN)])
def test_non_cadre_delegates_where_a_rulebook_adopts_it(non_cadre, expected):
    report = union_report(congress(delegates=200, non_cadre_delegates=non_cadre))
    book = rulebook()
    findings = RULES["non_cadre_delegates"](report, GANSU_NON_CADRE, RuleContext(report, book, book.campaign, AS_OF))
    assert severities(findings) == [expected]


@pytest.mark.parametrize("rule, field", [("election_approved", "approved_on"), ("election_filed", "filed_on")])
@pytest.mark.parametrize("on, expected", [(date(2020, 10, 20), OK), (None, BAD), (date(2020, 11, 2), BAD)])
def test_election_results_need_a_date_by_as_of(rule, field, on, expected):
    report = union_report(congress(**{field: on}))
    assert severities(run_rule(rule, report)) == [expected]


def test_election_rules_look_at_the_latest_congress_only():
    report = union_report(congress(held_on=date(2019, 10, 1)), congress(approved_on=None))
    [finding] = run_rule("election_approved", report)
    assert finding.severity is BAD and "2020年10月17日" in finding.message


def college_report(org_staff, *meetings):
    org, staff = org_staff
    return minimal_compliant_report(organisations=(org,), staff=tuple(staff), meetings=meetings)


@pytest.mark.parametrize("held_on, expected", [(date(2019, 10, 31), OK), (date(2019, 10, 30), "breach")])
def test_college_congress_annual(held_on, expected):
    org_staff = make_college_union("计算机学院")
    report = college_report(org_staff, meeting("学生代表大会", held_on, org_staff[0].name))
    breach = spec("college_congress_annual").severity
    findings = run_rule("college_congress_annual", report)
    assert severities(findings) == [breach if expected == "breach" else expected]


def test_an_all_student_assembly_replaces_a_college_congress_only_where_the_rulebook_says_so():
    assert "assembly_threshold" not in spec("college_congress_annual").params  # not in 团粤办发〔2020〕14号
    org, staff = make_college_union("艺术学院", OrgKind.UNDERGRADUATE)
    assembly = meeting("全体学生大会", date(2020, 9, 1), org.name)
    small = college_report((replace(org, students_linked=299), staff), assembly)
    [finding] = run_rule("college_congress_annual", small)
    assert finding.severity is spec("college_congress_annual").severity and "艺术学院学生会" in finding.message
    # seed 000's plan: colleges under 300 students may hold a 全体学生大会
    assert severities(run_rule("college_congress_annual", small, assembly_threshold=300)) == [OK]
    large = college_report((replace(org, students_linked=300), staff), assembly)
    assert severities(run_rule("college_congress_annual", large, assembly_threshold=300)) != [OK]


@pytest.mark.parametrize("students, expected", [(399, OK), (400, Severity.ATTENTION)])
def test_gansu_lets_colleges_under_four_hundred_students_hold_an_all_student_assembly(students, expected):
    """ "学生人数低于 400 人的院（系）可召开全体学生大会": 399 may, 400 must hold a congress."""
    org, staff = make_college_union("艺术学院", OrgKind.UNDERGRADUATE)
    assembly = meeting("全体学生大会", date(2019, 9, 1), org.name)
    report = college_report((replace(org, students_linked=students), staff), assembly)
    [finding] = run_rule("college_congress_annual", report, date(2020, 1, 1), book="gansu-2017")
    assert finding.severity is expected
    if expected is OK:
        assert (
            finding.message
            == "1 个院级组织在 12 个月内召开了代表大会（其中 1 个所联系学生少于 400 人，召开了全体学生大会）"
        )
