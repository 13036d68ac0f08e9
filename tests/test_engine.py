"""The engine: verdict rules, scoring, determinism, and the WUST self-check scored as its figures say."""

from dataclasses import replace
from datetime import date

import pytest

from checks.engine import assess, decide_verdict, item_credit
from checks.results import SEVERITY_ORDER, DeadlineState, Finding, ItemAssessment, Severity, Verdict
from checks.rulebook import RuleSpec
from checks.rules.registry import UnimplementedRuleError
from checks.schema import ItemReport, ItemStatus
from tests.fixtures.reports import (
    AS_OF,
    GRADUATE_UNION,
    all_done,
    assess_one,
    make_presidium,
    meeting,
    minimal_compliant_report,
    rulebook,
)
from tests.fixtures.wust import wust_report

VERDICT = rulebook().verdict


def findings_of(assessment, rule):
    return [f for item in assessment.items for f in item.findings if f.rule == rule]


def test_compliant_report_passes_with_full_marks():
    assessment = assess_one(minimal_compliant_report())
    assert assessment.score == 100.0
    assert assessment.verdict is Verdict.PASSED
    assert assessment.count(DeadlineState.DONE) == 26 and assessment.count(DeadlineState.ONGOING) == 1
    assert {f.severity for item in assessment.items for f in item.findings} == {Severity.OK}
    assert (assessment.tenant, assessment.school, assessment.campaign_id) == ("4144010561", "广东示例大学", "gd-2020")


def test_every_data_rule_reports_what_it_verified():
    assessment = assess_one(minimal_compliant_report())
    assert {f.rule for item in assessment.items for f in item.findings} == {
        check for item in rulebook().items for check in item.checks
    }


def test_nothing_submitted():
    assessment = assess_one(None, as_of=date(2020, 7, 15))
    assert assessment.verdict is Verdict.NOT_SUBMITTED and assessment.score == 0
    assert all(not item.findings and item.status is None for item in assessment.items)
    assert assessment.item("3.1").state is DeadlineState.OVERDUE
    assert assessment.item("3.2").state is DeadlineState.NOT_DUE
    assert assessment.item("2.3").state is DeadlineState.ONGOING


def test_a_violation_blocks_passing_whatever_the_score():
    report = minimal_compliant_report()
    report = replace(report, staff=report.staff + tuple(make_presidium(GRADUATE_UNION, n=1)))
    assessment = assess_one(report, date(2020, 11, 1))
    assert assessment.score >= VERDICT.pass_min_score
    assert Severity.VIOLATION in {f.severity for f in findings_of(assessment, "school_presidium_size")}
    assert assessment.verdict is Verdict.RECTIFY


def test_nothing_started_fails():
    report = minimal_compliant_report(
        items=tuple(ItemReport(item.id, ItemStatus.NOT_STARTED) for item in rulebook().items)
    )
    assessment = assess_one(report)
    assert assessment.score == 0 and assessment.verdict is Verdict.FAILED


@pytest.mark.parametrize(
    "score, findings, expected",
    [
        (VERDICT.pass_min_score, [], Verdict.PASSED),
        (VERDICT.pass_min_score - 0.1, [], Verdict.RECTIFY),
        (100.0, [Finding("x", Severity.VIOLATION, "")], Verdict.RECTIFY),
        (100.0, [Finding("x", Severity.ATTENTION, ""), Finding("y", Severity.UNVERIFIABLE, "")], Verdict.PASSED),
        (VERDICT.fail_below_score, [], Verdict.RECTIFY),
        (VERDICT.fail_below_score - 0.1, [], Verdict.FAILED),
    ],
)
def test_verdict_thresholds(score, findings, expected):
    assert decide_verdict(score, findings, VERDICT, submitted=True) is expected
    assert decide_verdict(score, findings, VERDICT, submitted=False) is Verdict.NOT_SUBMITTED


def test_credit_by_state():
    scoring = rulebook().scoring
    items = {item.item_id: item for item in all_done()}
    items["1.1"] = replace(items["1.1"], completed_on=date(2020, 7, 1))  # due 2020-06-30
    items["1.2"] = replace(items["1.2"], status=ItemStatus.IN_PROGRESS, completed_on=None)
    items["2.3"] = replace(items["2.3"], status=ItemStatus.NOT_STARTED, completed_on=None)
    report = minimal_compliant_report(items=tuple(items.values()))
    assessment = assess_one(report)
    assert assessment.item("1.1").credit == scoring.credit["逾期完成"]
    assert assessment.item("1.2").credit == scoring.credit["逾期未完成"]
    assert assessment.item("2.3").credit == scoring.credit_ongoing[ItemStatus.NOT_STARTED]
    before = assess_one(report, as_of=date(2020, 6, 30))
    assert before.item("1.2").state is DeadlineState.NOT_DUE
    assert before.item("1.2").credit == scoring.credit_not_due[ItemStatus.IN_PROGRESS]


def test_each_finding_takes_its_penalty_and_credit_never_goes_below_zero():
    report = minimal_compliant_report(school=replace(minimal_compliant_report().school, deputy_secretary=""))
    assert assess_one(report).item("10.2").credit == 1 - rulebook().scoring.finding_penalty[Severity.VIOLATION]
    wust = assess_one(wust_report(), date(2020, 11, 1))  # the day after 6.2's deadline
    assert wust.item("6.2").credit == 0  # four violations


def test_scores_add_up():
    assessment = assess_one(wust_report())
    credits = {item.item_id: item.credit for item in assessment.items}
    for task, scored in zip(rulebook().tasks, assessment.tasks, strict=False):
        assert scored.score == pytest.approx(task.weight * sum(credits[i.id] for i in task.items) / len(task.items))
    assert assessment.score == round(sum(t.score for t in assessment.tasks), 1)


def test_assess_is_deterministic():
    book = rulebook()
    first = assess(wust_report(), book, book.campaign, AS_OF)
    assert assess(wust_report(), book, book.campaign, AS_OF) == first


def test_deadline_overrides_of_the_campaign_apply():
    book = rulebook()
    campaign = replace(book.campaign, deadline_overrides={"1.1": date(2020, 5, 31)})
    assessment = assess(minimal_compliant_report(), book, campaign, AS_OF)
    assert assessment.item("1.1").deadline == date(2020, 5, 31)
    assert assessment.item("1.1").state is DeadlineState.DONE_LATE


def test_a_rule_without_implementation_is_refused():
    book = rulebook()
    task = book.tasks[0]
    item = replace(task.items[0], checks=("count_the_stars",))
    broken = replace(
        book,
        rules={**book.rules, "count_the_stars": RuleSpec("count_the_stars", "数星星", Severity.VIOLATION, {})},
        tasks=(replace(task, items=(item, *task.items[1:])), *book.tasks[1:]),
    )
    with pytest.raises(UnimplementedRuleError, match="子项 1.1 的核验规则 'count_the_stars' 尚未实现"):
        assess(minimal_compliant_report(), broken, book.campaign, AS_OF)


# --- 武汉科技大学 (seed 004) ------------------------------------------------------------------


def wust_findings(rule, as_of=AS_OF):
    return findings_of(assess_one(wust_report(), as_of), rule)


def test_wust_union_presidium_and_departments_pass():
    [presidium] = wust_findings("school_presidium_size")
    assert presidium.severity is Severity.OK and "校学生会主席团成员 5 人" in presidium.message
    [departments] = wust_findings("department_count")
    assert departments.severity is Severity.OK and "校学生会工作部门 5 个" in departments.message


def test_wust_graduate_union_departments_over_six_members_are_reported_with_numbers():
    breaches = [f for f in wust_findings("department_members") if f.severity is Severity.ATTENTION]
    assert [f.message for f in breaches] == [
        "校研究生会有 4 个工作部门的工作人员（含负责人）超过 6 人：“秘书部”9 人、“文体部”9 人、“宣传部”9 人、"
        "“生活权益部”8 人"
    ]


def test_wust_congresses_lapse_after_twelve_months():
    late = wust_findings("congress_annual", as_of=date(2020, 10, 31))
    assert [f.severity for f in late] == [Severity.VIOLATION, Severity.VIOLATION]
    assert "2019年9月28日" in late[0].message
    in_time = wust_findings("congress_annual", as_of=date(2020, 6, 30))
    assert [f.severity for f in in_time] == [Severity.OK, Severity.OK]


def test_wust_delegate_ratio_passes():
    [finding] = wust_findings("congress_delegate_ratio")
    assert finding.severity is Severity.OK
    assert "代表 256 人，所联系学生 25600 人的 1%为 256 人" in finding.message


def test_wust_is_not_passed_once_its_october_items_are_due():
    on_the_deadline = assess_one(wust_report(), date(2020, 10, 31))
    assert on_the_deadline.verdict is Verdict.PASSED  # 6.1, 6.2, 9.1 … may still be put right that day
    assessment = assess_one(wust_report(), date(2020, 11, 1))
    assert assessment.verdict is Verdict.RECTIFY
    assert assessment.item("7.3").state is DeadlineState.DONE_LATE  # reported done without a date


def test_a_rule_breached_by_two_organisations_costs_the_item_one_penalty():
    scoring = rulebook().scoring
    once = [Finding("department_members", Severity.VIOLATION, "校学生会“宣传部”工作人员 9 人")]
    twice = once + [Finding("department_members", Severity.VIOLATION, "校研究生会“秘书部”工作人员 7 人")]
    other = once + [Finding("department_heads", Severity.VIOLATION, "校学生会“宣传部”负责人 1 人")]

    def credit(findings: list[Finding]) -> float:
        return item_credit(DeadlineState.DONE, ItemStatus.DONE, findings, scoring)

    assert credit(twice) == credit(once) == 1.0 - scoring.finding_penalty[Severity.VIOLATION]
    assert credit(other) == 1.0 - 2 * scoring.finding_penalty[Severity.VIOLATION]


# --- the deadline decides whether a finding counts ------------------------------------------

PENALTY = rulebook().scoring.finding_penalty


def without_meetings(*kinds, add=()):
    report = minimal_compliant_report()
    return replace(report, meetings=tuple(m for m in report.meetings if m.kind not in kinds) + tuple(add))


@pytest.mark.parametrize(
    "as_of, early",
    [
        (date(2020, 10, 30), True),  # the day before 1.3's deadline
        (date(2020, 10, 31), True),  # the deadline itself is still in time
        (date(2020, 11, 1), False),  # from the day after, it counts
    ],
)
def test_a_finding_before_its_items_deadline_is_an_early_warning_that_costs_nothing(as_of, early):
    assessment = assess_one(without_meetings("全员培训"), as_of)
    [finding] = findings_of(assessment, "training_meeting")
    assert finding.severity is Severity.VIOLATION and finding.early is early
    if early:
        assert finding.text == f"{finding.message}（到期前须整改，期限2020年10月31日）"
        assert assessment.item("1.3").credit == 1.0 and assessment.verdict is Verdict.PASSED
    else:
        assert finding.text == finding.message
        assert assessment.item("1.3").credit == 1.0 - PENALTY[Severity.VIOLATION]
        assert assessment.verdict is Verdict.RECTIFY


def test_a_finding_on_a_period_still_running_is_an_early_warning_until_the_period_ends():
    report = without_meetings("述职评议会", add=[meeting("述职评议会", date(2020, 6, 20))])
    assessment = assess_one(report, date(2020, 10, 31))  # 8.1 was due 2020-06-30; the autumn term runs on
    running = [f for f in findings_of(assessment, "semester_reviews") if f.severity is Severity.ATTENTION]
    assert len(running) == 2  # one per school-level organisation
    assert all(f.early and f.due == date(2021, 1, 31) and "本学期" in f.message for f in running)
    assert assessment.item("8.1").credit == 1.0
    after = assess_one(report, date(2021, 2, 1))  # the autumn term has ended without a review
    missed = [f for f in findings_of(after, "semester_reviews") if f.severity is Severity.VIOLATION]
    assert len(missed) == 2 and not any(f.early for f in missed)
    assert all("2020年8月起的学期" in f.message for f in missed)
    assert after.item("8.1").credit == 1.0 - PENALTY[Severity.VIOLATION]


def test_an_event_after_the_deadline_makes_the_item_late_and_says_by_how_many_days():
    report = without_meetings("改革动员会", "全员培训", add=[meeting("全员培训", date(2020, 8, 21))])
    assessment = assess_one(report)
    item = assessment.item("1.2")  # reported done on 2020-06-01, due 2020-06-30
    assert item.state is DeadlineState.DONE_LATE
    assert item.credit == rulebook().scoring.credit["逾期完成"]
    [finding] = findings_of(assessment, "mobilisation_meeting")
    assert finding.severity is Severity.OK
    assert finding.message == "已于2020年8月21日召开全员培训（晚于完成时限2020年6月30日 52 天，逾期完成）"
    assert assessment.item("1.3").state is DeadlineState.DONE  # the same training is on time for 1.3


def test_an_event_before_the_campaign_does_not_meet_a_campaign_item():
    report = without_meetings("改革动员会", "全员培训", add=[meeting("全员培训", date(2016, 5, 10))])
    assessment = assess_one(report, date(2020, 11, 1))
    for rule in ("mobilisation_meeting", "training_meeting"):
        [finding] = findings_of(assessment, rule)
        assert finding.severity is Severity.VIOLATION and not finding.early
        assert "2016年5月10日" in finding.message and "早于本次改革启动（2020年5月1日）" in finding.message


@pytest.mark.parametrize(
    "earlier, state",
    [
        (None, DeadlineState.DONE_LATE),  # met only by the November hearing
        (date(2019, 12, 1), DeadlineState.DONE),  # within 12 months of it: met all along
        (date(2019, 11, 14), DeadlineState.DONE_LATE),  # a gap of over 12 months before November
    ],
)
def test_a_recurring_requirement_is_late_when_its_unbroken_run_began_after_the_deadline(earlier, state):
    hearings = [meeting("党委听取工作汇报", day) for day in (earlier, date(2020, 11, 15)) if day]
    assessment = assess_one(without_meetings("党委听取工作汇报", add=hearings), date(2020, 12, 31))
    assert assessment.item("9.2").state is state
    [finding] = findings_of(assessment, "party_hearing")
    assert ("逾期完成" in finding.message) is (state is DeadlineState.DONE_LATE)


def test_one_severity_order_ranks_every_severity_and_marks_the_item():
    assert sorted(SEVERITY_ORDER) == sorted(Severity)  # a new severity must be given its place
    findings = tuple(Finding("r", s, str(s)) for s in reversed(SEVERITY_ORDER))
    item = ItemAssessment("1.1", "1", None, DeadlineState.ONGOING, None, None, "", findings, 0.0)
    assert item.worst is SEVERITY_ORDER[0]
