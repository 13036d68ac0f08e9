"""Eligibility and training rules over the roster (4.1, 5.2, 7.2)."""

import pytest

from checks.results import Severity
from checks.schema import Political
from tests.fixtures.reports import (
    UNION,
    make_presidium,
    make_staff,
    minimal_compliant_report,
    param,
    run_rule,
    school_org,
    severities,
    spec,
)

OK, BAD, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.UNVERIFIABLE


def roster_report(staff):
    return minimal_compliant_report(organisations=(school_org(UNION),), staff=tuple(staff))


@pytest.mark.parametrize(
    "political, expected",
    [
        (Political.PARTY, OK),
        (Political.PROBATIONARY, OK),
        (Political.LEAGUE, OK),
        (Political.MASSES, BAD),
        (Political.OTHER, BAD),
    ],
)
def test_political_status(political, expected):
    findings = run_rule("political_status", roster_report(make_staff(n=3) + make_staff(political=political)))
    assert severities(findings) == [expected]


def test_missing_data_says_which_column_and_how_many():
    staff = make_staff(n=5) + make_staff(n=3, political=None)
    [finding] = run_rule("political_status", roster_report(staff))
    assert finding.severity is UNKNOWN
    assert finding.message == "工作人员名单未填写政治面貌：3 人"
    assert finding.sources == tuple(p.source for p in staff[5:])


def test_breach_and_missing_data_are_both_reported():
    staff = make_staff(political=Political.MASSES, n=2) + make_staff(political=None)
    bad, unknown = run_rule("political_status", roster_report(staff))
    assert (bad.severity, unknown.severity) == (BAD, UNKNOWN)
    assert bad.message == "政治面貌不是中共党员、中共预备党员、共青团员：2 人"


RANK = param("academic_rank", "max_percent")


@pytest.mark.parametrize("rank, expected", [(RANK - 1, OK), (RANK, OK), (RANK + 0.5, BAD), (None, UNKNOWN)])
def test_academic_rank(rank, expected):
    assert severities(run_rule("academic_rank", roster_report(make_staff(rank_percent=rank)))) == [expected]


FAILED = param("no_failed_courses", "max_failed")


@pytest.mark.parametrize("failed, expected", [(FAILED, OK), (FAILED + 1, BAD), (None, UNKNOWN)])
def test_no_failed_courses(failed, expected):
    assert severities(run_rule("no_failed_courses", roster_report(make_staff(failed_courses=failed)))) == [expected]


RATIO = param("college_experience_ratio", "min_ratio")


@pytest.mark.parametrize("served, expected", [(9, Severity.ATTENTION), (10, OK), (11, OK)])
def test_college_experience_ratio_at_half_of_twenty(served, expected):
    assert RATIO == 0.5
    staff = make_staff(n=served, college_experience=True) + make_staff(n=20 - served, college_experience=False)
    assert severities(run_rule("college_experience_ratio", roster_report(staff))) == [expected]


@pytest.mark.parametrize(
    "served, unknown, expected",
    [
        (10, 5, OK),  # already half of 20 whatever the unknowns say
        (3, 5, Severity.ATTENTION),  # even if all unknowns served, 8 of 20 is too few ("一般不少于50%")
        (7, 5, UNKNOWN),  # the unknowns decide it
    ],
)
def test_college_experience_ratio_with_gaps(served, unknown, expected):
    staff = (
        make_staff(n=served, college_experience=True)
        + make_staff(n=unknown, college_experience=None)
        + make_staff(n=20 - served - unknown, college_experience=False)
    )
    assert severities(run_rule("college_experience_ratio", roster_report(staff))) == [expected]


@pytest.mark.parametrize(
    "rule, column",
    [
        ("staff_trained", "trained"),
        ("ivolunteer_registered", "ivolunteer_registered"),
    ],
)
@pytest.mark.parametrize("answer, expected", [(True, OK), (False, "breach"), (None, UNKNOWN)])
def test_yes_no_columns(rule, column, answer, expected):
    staff = make_staff(n=4) + make_staff(**{column: answer})
    breach = spec(rule).severity
    assert severities(run_rule(rule, roster_report(staff))) == [breach if expected == "breach" else expected]


def test_ivolunteer_breach_has_the_rulebook_severity():
    [finding] = run_rule("ivolunteer_registered", roster_report(make_staff(ivolunteer_registered=False)))
    assert finding.severity is Severity.ATTENTION


def test_zhtj_concerns_league_members_only():
    party_unregistered = make_staff(political=Political.PARTY, zhtj_registered=False)
    league_registered = make_staff(n=3)
    [finding] = run_rule("zhtj_registered", roster_report(party_unregistered + league_registered))
    assert finding.severity is OK and finding.message == "3 名共青团员工作人员均已在智慧团建报到"
    league_unregistered = make_staff(n=2, zhtj_registered=False)
    [finding] = run_rule("zhtj_registered", roster_report(league_registered + league_unregistered))
    assert finding.severity is BAD and finding.message == "共青团员工作人员未在智慧团建报到：2 人"
    missing = make_staff(zhtj_registered=None)
    assert severities(run_rule("zhtj_registered", roster_report(league_registered + missing))) == [UNKNOWN]


def test_roster_rules_without_a_roster_are_unverifiable():
    for rule in (
        "political_status",
        "academic_rank",
        "no_failed_courses",
        "staff_trained",
        "zhtj_registered",
        "ivolunteer_registered",
        "college_experience_ratio",
    ):
        assert severities(run_rule(rule, roster_report([]))) == [UNKNOWN], rule


def test_sources_are_capped():
    [finding] = run_rule("academic_rank", roster_report(make_presidium() + make_staff(n=30, rank_percent=50)))
    assert finding.message.endswith("：30 人") and len(finding.sources) == 20


CADRES = ["主席团成员", "部门负责人"]  # seed 001's 主要学生干部, as a rulebook names them by role


def test_a_check_limited_to_some_roles_judges_only_their_rows_and_names_them():
    """Seed 001: the top-30% rank binds 主要学生干部候选人, not every 干事: 80 ordinary staff ranked in the top
    half are not flagged, the one department head outside the top 30% is."""
    staff = (
        make_presidium(n=5)
        + make_staff(title="部长", n=3)
        + make_staff(title="部长", rank_percent=40.0)
        + make_staff(title="干事", n=80, rank_percent=50.0)
    )
    report = roster_report(staff)
    assert severities(run_rule("academic_rank", report)) == [BAD]  # unlimited: 81 people outside the top 30%
    [finding] = run_rule("academic_rank", report, roles=CADRES)
    assert finding.severity is BAD
    assert finding.message == "主席团成员、部门负责人中学习成绩综合排名不在本专业前 30% 以内：1 人"
    assert finding.sources == (staff[8].source,)


def test_the_limited_check_passes_naming_how_many_of_those_roles_it_checked():
    report = roster_report(make_presidium(n=5) + make_staff(title="干事", n=80, failed_courses=2))
    [finding] = run_rule("no_failed_courses", report, roles=CADRES)
    assert (finding.severity, finding.message) == (OK, "主席团成员、部门负责人中 5 名工作人员不及格课程均不超过 0 门")


def test_a_roster_without_anyone_of_those_roles_cannot_be_verified():
    [finding] = run_rule("academic_rank", roster_report(make_staff(title="干事", n=3)), roles=["部门负责人"])
    assert (finding.severity, finding.message) == (UNKNOWN, "工作人员名单中没有部门负责人，无法核验")


def test_missing_values_of_the_limited_roles_are_counted_among_them_only():
    staff = make_presidium(n=2, rank_percent=None) + make_staff(title="干事", n=9, rank_percent=None)
    [finding] = run_rule("academic_rank", roster_report(staff), roles=CADRES)
    assert (finding.severity, finding.message) == (UNKNOWN, "工作人员名单中主席团成员、部门负责人未填写成绩排名：2 人")
