"""The presidium's make-up by title: Gansu's "由主席 1 名、副主席 4 至 6 名组成", at and around each limit."""

import pytest

from checks.results import Severity
from tests.fixtures.reports import (
    UNION,
    make_staff,
    minimal_compliant_report,
    param,
    run_rule,
    school_info,
    school_org,
    severities,
)

OK, BAD, ATTENTION, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.ATTENTION, Severity.UNVERIFIABLE
GANSU = "gansu-2017"
CHAIRS = param("presidium_composition", "chairs", GANSU)
LOW, HIGH = param("presidium_composition", "min_deputies", GANSU), param("presidium_composition", "max_deputies", GANSU)


def composition(chairs, deputies, campuses=None, members=0):
    staff = (
        make_staff(title="主席", n=chairs)
        + make_staff(title="副主席", n=deputies)
        + make_staff(title="主席团成员", n=members)
        + make_staff(title="干事", n=3)
    )
    report = minimal_compliant_report(
        organisations=(school_org(UNION),), staff=tuple(staff), school=school_info(campuses=campuses)
    )
    return run_rule("presidium_composition", report, book=GANSU)


@pytest.mark.parametrize(
    "chairs, deputies, expected",
    [
        (CHAIRS, LOW - 1, BAD),
        (CHAIRS, LOW, OK),
        (CHAIRS, HIGH, OK),
        (CHAIRS, HIGH + 1, BAD),
        (CHAIRS - 1, LOW, BAD),
        (CHAIRS + 1, LOW, BAD),
    ],
)
def test_exactly_one_chair_and_four_to_six_deputies(chairs, deputies, expected):
    assert (CHAIRS, LOW, HIGH) == (1, 4, 6)
    assert severities(composition(chairs, deputies)) == [expected]


def test_a_passing_presidium_is_named_with_its_figures():
    [finding] = composition(1, 5)
    assert finding.message == "校学生会主席团 6 人，其中主席 1 人、副主席 5 人，符合主席 1 人、副主席 4 至 6 人"


def test_every_figure_out_of_line_is_said_at_once():
    [finding] = composition(2, 7, members=1)
    assert finding.message == "校学生会主席团 10 人，其中主席 2 人、副主席 7 人；主席应为 1 人，副主席应不多于 6 人"


@pytest.mark.parametrize("campuses, expected", [(None, BAD), (1, BAD), (2, ATTENTION)])
def test_a_school_with_branch_campuses_may_have_more_deputies_for_the_inspectors_to_judge(campuses, expected):
    """ "有分校区的高校可酌情增加副主席人数": no figure, so more than six is left to the inspectors there."""
    [finding] = composition(1, HIGH + 1, campuses)
    assert finding.severity is expected
    if campuses == 2:
        assert finding.message.endswith("副主席应不多于 6 人，学校有 2 个校区，请核实是否属于酌情增加")


def test_the_campus_exception_does_not_excuse_too_few_deputies():
    assert severities(composition(1, LOW - 1, campuses=3)) == [BAD]


def test_a_roster_without_a_presidium_cannot_be_verified():
    [finding] = composition(0, 0)
    assert (finding.severity, finding.message) == (UNKNOWN, "校学生会未填写主席团成员名单")
