"""Size and structure rules of 3.1, each at, just below and just above its limit."""

from dataclasses import replace

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
    school_info,
    school_org,
    severities,
    spec,
)

OK, BAD, ATTENTION, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.ATTENTION, Severity.UNVERIFIABLE


def union_report(staff, **org_fields):
    return minimal_compliant_report(organisations=(school_org(UNION, **org_fields),), staff=tuple(staff))


def college_report(*pairs):
    return minimal_compliant_report(
        organisations=tuple(org for org, _ in pairs), staff=tuple(p for _, staff in pairs for p in staff)
    )


TYPICAL, MAX = param("school_staff_size", "typical"), param("school_staff_size", "max")


def test_sizes_worded_generally_or_in_principle_are_only_of_concern():
    # "一般为40人左右 … 原则上不超过60人", "工作部门一般不超过6个", "工作人员一般不超过6人"
    for rule in ("school_staff_size", "department_count", "department_members", "college_staff_size"):
        assert spec(rule).severity is ATTENTION, rule
    for rule in ("school_presidium_size", "department_heads", "college_presidium_size", "no_other_titles"):
        assert spec(rule).severity is BAD, rule  # "不超过5人", "设负责人2至3人", "不超过3人", "均不设置"


@pytest.mark.parametrize(
    "size, reason, expected",
    [
        (TYPICAL, "", OK),
        (TYPICAL + 1, "", "no reason"),
        (TYPICAL + 1, "学生人数较多", OK),
        (MAX, "分校区较多", OK),
        (MAX, "", "no reason"),
        (MAX + 1, "学生人数较多且分校区较多", "over the ceiling"),
    ],
)
def test_school_staff_size_over_forty_needs_the_schools_declared_reason(size, reason, expected):
    staff = make_presidium(n=5) + make_staff(n=size - 5)
    report = replace(union_report(staff), school=school_info(staff_increase_reason=reason))
    [finding] = run_rule("school_staff_size", report)
    if expected is OK:
        assert finding.severity is OK and (f"“{reason}”" in finding.message) is bool(reason)
    elif expected == "no reason":
        assert finding.severity is ATTENTION
        assert finding.message == (
            f"校学生会工作人员 {size} 人，多于一般的 {TYPICAL} 人左右，学校信息未说明学生人数较多或分校区较多"
        )
        assert finding.sources[0] == "学校信息!B1"  # where the reason goes
    else:
        assert finding.severity is ATTENTION and finding.message == f"校学生会工作人员 {size} 人，超过上限 {MAX} 人"


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


@pytest.mark.parametrize("count, expected", [(DEPARTMENTS - 1, OK), (DEPARTMENTS, OK), (DEPARTMENTS + 1, ATTENTION)])
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


@pytest.mark.parametrize(
    "heads, members, expected",
    [
        (2, MEMBERS - 2, OK),
        (3, MEMBERS - 3, OK),
        (2, MEMBERS - 1, ATTENTION),
        (3, MEMBERS - 2, ATTENTION),
    ],
)
def test_department_members_count_the_heads_too(heads, members, expected):
    findings = run_rule("department_members", union_report(make_union(heads=heads, members=members)))
    assert severities(findings) == [expected]
    if expected is ATTENTION:
        assert (
            f"有 4 个工作部门的工作人员（含负责人）超过 {MEMBERS} 人：“秘书部”{MEMBERS + 1} 人" in findings[0].message
        )


def test_department_rules_need_departments_in_the_roster():
    presidium_only = union_report(make_presidium())
    assert severities(run_rule("department_heads", presidium_only)) == [UNKNOWN]
    assert severities(run_rule("department_members", presidium_only)) == [UNKNOWN]


C_LOW, C_HIGH = param("college_staff_size", "min"), param("college_staff_size", "max")


@pytest.mark.parametrize(
    "size, expected",
    [
        (C_LOW - 1, ATTENTION),
        (C_LOW, OK),
        (C_HIGH, OK),
        (C_HIGH + 1, ATTENTION),
    ],
)
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


GANSU = "gansu-2017"
DEPUTIES = param("department_deputies", "max", GANSU)


def department_with_deputies(deputies):
    return (
        make_staff(title="部长", department="权益部")
        + make_staff(title="副部长", department="权益部", n=deputies)
        + make_staff(title="干事", department="权益部", n=3)
    )


@pytest.mark.parametrize("deputies, expected", [(DEPUTIES - 1, OK), (DEPUTIES, OK), (DEPUTIES + 1, ATTENTION)])
def test_deputies_per_department_are_counted_apart_from_the_head(deputies, expected):
    """Gansu: "各职能部门副职原则上不超过 2 名": the 部长 and the 干事 are not 副职."""
    assert DEPUTIES == 2
    findings = run_rule("department_deputies", union_report(department_with_deputies(deputies)), book=GANSU)
    assert severities(findings) == [expected]


def test_too_many_deputies_names_the_department_and_the_count():
    [finding] = run_rule("department_deputies", union_report(department_with_deputies(3)), book=GANSU)
    assert finding.message == "校学生会有 1 个工作部门的副职（副部长）超过 2 人：“权益部”3 人"
    assert len(finding.sources) == 7


SHARE = param("backbone_share", "max_ratio", GANSU)
BACKBONE_NOTE = "（文件未界定“骨干成员”；按名单上全部工作人员计，为骨干人数的上限）"


@pytest.mark.parametrize(
    "listed, students, expected",
    [(24, 2500, OK), (25, 2500, OK), (26, 2500, ATTENTION), (25, 2550, OK), (26, 2550, ATTENTION)],
)
def test_backbone_at_most_one_percent_of_the_students_linked(listed, students, expected):
    assert SHARE == 0.01
    staff = make_staff(title="干事", n=listed)
    report = minimal_compliant_report(organisations=(school_org(UNION, students_linked=students),), staff=tuple(staff))
    assert severities(run_rule("backbone_share", report, book=GANSU)) == [expected]


def test_backbone_share_names_the_count_the_students_and_the_limit():
    staff = make_staff(title="干事", n=26)
    report = minimal_compliant_report(organisations=(school_org(UNION, students_linked=2550),), staff=tuple(staff))
    [finding] = run_rule("backbone_share", report, book=GANSU)
    assert finding.message == f"校学生会工作人员 26 人，所联系学生 2550 人的 1% 为 25.5 人，超过比例上限{BACKBONE_NOTE}"


def test_without_the_organisations_figure_the_schools_student_count_is_used_and_without_both_it_is_unverifiable():
    staff = tuple(make_staff(title="干事", n=26))
    counted = minimal_compliant_report(
        organisations=(school_org(UNION),), staff=staff, school=school_info(undergraduates=2600)
    )
    assert severities(run_rule("backbone_share", counted, book=GANSU)) == [OK]
    unknown = replace(counted, school=school_info(undergraduates=None))
    [finding] = run_rule("backbone_share", unknown, book=GANSU)
    assert finding.severity is UNKNOWN and "未填写所联系学生人数" in finding.message


def test_staff_share_limited_to_some_roles_counts_only_them():
    staff = make_staff(title="主席") + make_staff(title="副主席", n=4) + make_staff(title="部长", n=21)
    staff += make_staff(title="干事", n=100)
    report = minimal_compliant_report(organisations=(school_org(UNION, students_linked=2550),), staff=tuple(staff))
    [finding] = run_rule("backbone_share", report, book=GANSU, roles=("主席团成员", "部门负责人"), source_note="")
    assert (finding.severity, finding.message) == (
        ATTENTION,
        "校学生会主席团成员、部门负责人 26 人，所联系学生 2550 人的 1% 为 25.5 人，超过比例上限",
    )
