"""Meeting rules (1.2, 1.3, 2.2, 8.1, 9.1, 9.2) and leadership rules (2.1, 10.2)."""

from datetime import date

import pytest

from checks.results import Severity
from tests.fixtures.reports import (
    GRADUATE_UNION,
    UNION,
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

OK, BAD, ATTENTION, UNKNOWN = Severity.OK, Severity.VIOLATION, Severity.ATTENTION, Severity.UNVERIFIABLE


def with_meetings(*meetings, **school):
    return minimal_compliant_report(meetings=meetings, school=school_info(**school))


@pytest.mark.parametrize(
    "rule, kinds_that_count",
    [
        ("mobilisation_meeting", {"改革动员会", "全员培训"}),
        ("training_meeting", {"全员培训"}),
        ("joint_meeting", {"工作联席会议"}),
    ],
)
@pytest.mark.parametrize("kind", rulebook().vocabulary.meeting_names)
def test_meeting_held_by_as_of(rule, kinds_that_count, kind):
    findings = run_rule(rule, with_meetings(meeting(kind, date(2020, 6, 1))))
    assert severities(findings) == [OK if kind in kinds_that_count else BAD]


def test_meetings_after_as_of_do_not_count():
    report = with_meetings(meeting("工作联席会议", date(2020, 11, 1)))
    [finding] = run_rule("joint_meeting", report)
    assert finding.severity is BAD and finding.message == "截至2020年10月31日没有工作联席会议的记录"


@pytest.mark.parametrize("held_on, expected", [(date(2019, 10, 31), OK), (date(2019, 10, 30), BAD)])
def test_party_hearing_within_twelve_months(held_on, expected):
    report = with_meetings(meeting("党委听取工作汇报", held_on))
    assert severities(run_rule("party_hearing", report)) == [expected]


@pytest.mark.parametrize("covered, expected", [(1, BAD), (2, OK), (None, UNKNOWN)])
def test_college_reports_heard_must_cover_every_college(covered, expected):
    report = with_meetings(
        meeting("听取学院学生会工作报告", date(2020, 9, 1), colleges_covered=covered),
        colleges=("计算机学院", "外国语学院"),
    )
    assert severities(run_rule("college_reports_heard", report)) == [expected]


def test_college_reports_heard_outside_the_interval_is_a_breach():
    old = meeting("听取学院学生会工作报告", date(2019, 9, 1), colleges_covered=2)
    assert severities(run_rule("college_reports_heard", with_meetings(old))) == [BAD]


def review(on, organisation=""):
    return meeting("述职评议会", on, organisation)


def reviews_report(*reviews):
    return minimal_compliant_report(organisations=(school_org(UNION),), meetings=reviews)


# Semesters start in February and August; the campaign starts 2020-05-01, in the spring term.
@pytest.mark.parametrize(
    "as_of, reviews, expected",
    [
        (date(2020, 6, 30), [date(2020, 5, 29)], [OK]),  # spring term running, review held
        (date(2020, 6, 30), [], [ATTENTION]),  # spring term running, none yet
        (date(2020, 10, 31), [date(2020, 5, 29)], [ATTENTION, OK]),  # spring done; autumn none yet
        (date(2020, 10, 31), [date(2020, 5, 29), date(2020, 9, 30)], [OK]),
        (date(2020, 10, 31), [date(2020, 9, 30)], [BAD]),  # spring term missed
        (date(2020, 10, 31), [date(2020, 1, 3)], [BAD, ATTENTION]),  # January is last autumn's term
        (date(2020, 8, 1), [date(2020, 7, 31)], [ATTENTION, OK]),  # the spring term ends on 31 July
    ],
)
def test_semester_reviews(as_of, reviews, expected):
    findings = run_rule("semester_reviews", reviews_report(*map(review, reviews)), as_of=as_of)
    assert severities(findings) == expected


def test_semester_review_of_another_organisation_does_not_count():
    report = minimal_compliant_report(
        organisations=(school_org(UNION),), meetings=(review(date(2020, 5, 29), GRADUATE_UNION),)
    )
    [finding, _] = run_rule("semester_reviews", report, as_of=date(2020, 10, 31))
    assert finding.severity is BAD and finding.message == (
        "校学生会以下学期未召开述职评议会：2020年2月起的学期（文件只写“每学期”；学期按2月、8月起算，以学校校历为准）"
    )


def test_a_figure_the_notice_does_not_give_is_named_in_every_finding_of_the_rule():
    for held_on in (date(2020, 9, 1), date(2019, 1, 1)):
        [finding] = run_rule("party_hearing", with_meetings(meeting("党委听取工作汇报", held_on)))
        assert finding.message.endswith("（文件只写“定期听取”，未规定间隔；按每年至少一次核验）")


@pytest.mark.parametrize("rotating, expected", [(True, OK), (False, "breach"), (None, UNKNOWN)])
def test_rotating_chair(rotating, expected):
    report = minimal_compliant_report(organisations=(school_org(UNION, rotating_chair=rotating),))
    breach = spec("rotating_chair").severity
    assert severities(run_rule("rotating_chair", report)) == [breach if expected == "breach" else expected]


@pytest.mark.parametrize("name, expected", [("李明", OK), ("", BAD), ("  ", BAD)])
def test_deputy_secretary(name, expected):
    report = minimal_compliant_report(school=school_info(deputy_secretary=name))
    assert severities(run_rule("deputy_secretary", report)) == [expected]


GANSU, GANSU_AS_OF = "gansu-2017", date(2019, 12, 31)
STANDING = "常任代表会议"  # a word of Gansu's vocabulary with no role in the built-in rules


def standing(*meetings):
    report = minimal_compliant_report(organisations=(school_org(UNION),), meetings=meetings)
    return run_rule("standing_congress", report, GANSU_AS_OF, book=GANSU)


@pytest.mark.parametrize(
    "kind, held_on, expected",
    [
        (STANDING, date(2019, 12, 31), OK),
        (STANDING, date(2018, 12, 31), OK),
        (STANDING, date(2018, 12, 30), ATTENTION),
        ("学生代表大会", date(2019, 5, 1), OK),  # a year with a congress needs no 常代会
        ("全员培训", date(2019, 5, 1), ATTENTION),
        (STANDING, date(2020, 1, 1), ATTENTION),  # after the assessment date
    ],
)
def test_a_meeting_of_the_named_kinds_within_the_interval(kind, held_on, expected):
    assert param("standing_congress", "max_interval_months", GANSU) == 12
    assert severities(standing(meeting(kind, held_on))) == [expected]


def test_periodic_meeting_names_the_latest_meeting_or_every_kind_it_looked_for():
    [on_time] = standing(meeting(STANDING, date(2019, 6, 1)))
    assert on_time.message == "校学生会最近一次常任代表会议在2019年6月1日，在 12 个月以内"
    [late] = standing(meeting("学生代表大会", date(2018, 5, 1), UNION))
    assert late.message == "校学生会最近一次学生代表大会在2018年5月1日，距2019年12月31日已超过 12 个月"
    [none] = standing()
    assert none.message == "校学生会截至2019年12月31日没有常任代表会议、学生代表大会、研究生代表大会的记录"


def test_a_meeting_of_another_organisation_does_not_count():
    assert severities(standing(meeting(STANDING, date(2019, 6, 1), "校研究生会"))) == [ATTENTION]


def test_a_written_work_report_meets_the_yearly_report_and_a_party_hearing_does_not():
    def report_rule(kind):
        report = minimal_compliant_report(
            organisations=(school_org(UNION),), meetings=(meeting(kind, date(2019, 3, 1)),)
        )
        return severities(run_rule("work_report_yearly", report, GANSU_AS_OF, book=GANSU))

    assert report_rule("向代表大会报告工作") == [OK]
    assert report_rule("党委听取工作汇报") == [BAD]
