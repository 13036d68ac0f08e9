"""Size and structure rules of 3.1, each at, just below and just above its limit."""

import pytest

from checks.results import Severity
from tests.fixtures.reports import (
    UNION,
    make_college_union,
    make_department,
    make_presidium,
    make_staff,
    make_union,
    minimal_compliant_report,
    param,
    run_rule,
    school_org,
    severities,
)

OK, BAD, ATTENTION, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.ATTENTION, Severity.UNVERIFIABLE


def union_report(staff, **org_fields):
    return minimal_compliant_report(organisations=(school_org(UNION, **org_fields),), staff=tuple(staff))


def college_report(*pairs):
    return minimal_compliant_report(organisations=tuple(org for org, _ in pairs),
                                    staff=tuple(p for _, staff in pairs for p in staff))


SOFT, MAX = param("school_staff_size", "attention_above"), param("school_staff_size", "max")


@pytest.mark.parametrize("size, expected", [
    (SOFT - 1, OK), (SOFT, OK), (SOFT + 1, ATTENTION), (MAX, ATTENTION), (MAX + 1, BAD),
])
def test_school_staff_size(size, expected):
    staff = make_presidium(n=5) + make_staff(n=size - 5)
    assert severities(run_rule("school_staff_size", union_report(staff))) == [expected]


def test_school_staff_size_message_names_figures_and_limit():
    staff = make_presidium(n=5) + make_staff(n=MAX + 7)
    [finding] = run_rule("school_staff_size", union_report(staff))
    assert finding.message == f"校学生会工作人员 {MAX + 12} 人，超过上限 {MAX} 人"
    assert len(finding.sources) == 20


def test_school_staff_size_without_roster_or_organisation_is_unverifiable():
    assert severities(run_rule("school_staff_size", union_report([]))) == [UNKNOWN]
    no_orgs = minimal_compliant_report(organisations=())
    assert severities(run_rule("school_staff_size", no_orgs)) == [UNKNOWN]


PRESIDIUM = param("school_presidium_size", "max")


@pytest.mark.parametrize("size, expected", [(PRESIDIUM - 1, OK), (PRESIDIUM, OK), (PRESIDIUM + 1, BAD)])
def test_school_presidium_size_counts_the_roster(size, expected):
    findings = run_rule("school_presidium_size", union_report(make_union(presidium=size)))
    assert severities(findings) == [expected]


def test_school_presidium_size_falls_back_on_the_declared_figure_without_roster():
    assert severities(run_rule("school_presidium_size", union_report([], presidium_size=7))) == [BAD]
    assert severities(run_rule("school_presidium_size", union_report([], presidium_size=None))) == [UNKNOWN]


DEPARTMENTS = param("department_count", "max")


@pytest.mark.parametrize("count, expected", [(DEPARTMENTS - 1, OK), (DEPARTMENTS, OK), (DEPARTMENTS + 1, BAD)])
def test_department_count(count, expected):
    findings = run_rule("department_count", union_report(make_union(departments=count, members=1)))
    assert severities(findings) == [expected]
    assert severities(run_rule("department_count", union_report([], department_count=count))) == [expected]


LOW, HIGH = param("department_heads", "min"), param("department_heads", "max")


@pytest.mark.parametrize("heads, expected", [(LOW - 1, BAD), (LOW, OK), (HIGH, OK), (HIGH + 1, BAD)])
def test_department_heads(heads, expected):
    findings = run_rule("department_heads", union_report(make_union(heads=heads)))
    assert severities(findings) == [expected]


def test_department_heads_message_lists_the_departments():
    staff = make_presidium() + make_department(name="秘书部", heads=1) + make_department(name="宣传部")
    [finding] = run_rule("department_heads", union_report(staff))
    assert finding.message == f"校学生会有 1 个工作部门的负责人不在 {LOW} 至 {HIGH} 人之间：“秘书部”1 人"


MEMBERS = param("department_members", "max")


@pytest.mark.parametrize("members, expected", [(MEMBERS - 1, OK), (MEMBERS, OK), (MEMBERS + 1, BAD)])
def test_department_members(members, expected):
    findings = run_rule("department_members", union_report(make_union(members=members)))
    assert severities(findings) == [expected]


def test_department_rules_need_departments_in_the_roster():
    presidium_only = union_report(make_presidium())
    assert severities(run_rule("department_heads", presidium_only)) == [UNKNOWN]
    assert severities(run_rule("department_members", presidium_only)) == [UNKNOWN]


C_LOW, C_HIGH = param("college_staff_size", "min"), param("college_staff_size", "max")


@pytest.mark.parametrize("size, expected", [
    (C_LOW - 1, ATTENTION), (C_LOW, OK), (C_HIGH, OK), (C_HIGH + 1, ATTENTION),
])
def test_college_staff_size_severity_comes_from_the_rulebook(size, expected):
    findings = run_rule("college_staff_size", college_report(make_college_union("计算机学院", size=size)))
    assert severities(findings) == [expected]


def test_college_staff_size_lists_each_college_outside_the_range():
    report = college_report(make_college_union("计算机学院", size=35), make_college_union("外国语学院", size=25))
    bad, good = run_rule("college_staff_size", report)
    assert bad.message == f"1 个院级组织工作人员人数不在 {C_LOW} 至 {C_HIGH} 人之间：计算机学院学生会 35 人"
    assert good.severity is OK and good.message.startswith("1 个院级组织")


def test_college_rules_without_college_organisations_are_unverifiable():
    report = union_report(make_union())
    for rule in ("college_staff_size", "college_presidium_size"):
        [finding] = run_rule(rule, report)
        assert finding.severity is UNKNOWN and "院级" in finding.message


C_PRESIDIUM = param("college_presidium_size", "max")


@pytest.mark.parametrize("size, expected", [(C_PRESIDIUM - 1, OK), (C_PRESIDIUM, OK), (C_PRESIDIUM + 1, BAD)])
def test_college_presidium_size(size, expected):
    findings = run_rule("college_presidium_size", college_report(make_college_union("计算机学院", presidium=size)))
    assert severities(findings) == [expected]


def test_no_other_titles_names_the_odd_titles_per_organisation():
    staff = make_union() + make_staff(title="秘书长", department="") + make_staff(title="中心主任", n=2)
    [finding] = run_rule("no_other_titles", union_report(staff))
    assert finding.severity is BAD
    assert finding.message == "校学生会设有主席团成员和工作部门成员以外的职务：“秘书长”1 人、“中心主任”2 人"
    assert len(finding.sources) == 3


def test_no_other_titles_passes_known_titles_and_needs_a_roster():
    assert severities(run_rule("no_other_titles", union_report(make_union()))) == [OK]
    assert severities(run_rule("no_other_titles", union_report([]))) == [UNKNOWN]
