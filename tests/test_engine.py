"""The engine: verdict rules, scoring, determinism, and the WUST self-check scored as its figures say."""

from dataclasses import replace
from datetime import date

import pytest

from checks.engine import assess, decide_verdict, item_credit
from checks.results import DeadlineState, Finding, Severity, Verdict
from checks.rulebook import RuleSpec
from checks.rules.registry import UnimplementedRuleError
from checks.schema import ItemReport, ItemStatus
from tests.fixtures.reports import (
    AS_OF,
    GRADUATE_UNION,
    all_done,
    assess_one,
    make_union,
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
        check for item in rulebook().items for check in item.checks}


def test_nothing_submitted():
    assessment = assess_one(None, as_of=date(2020, 7, 15))
    assert assessment.verdict is Verdict.NOT_SUBMITTED and assessment.score == 0
    assert all(not item.findings and item.status is None for item in assessment.items)
    assert assessment.item("3.1").state is DeadlineState.OVERDUE
    assert assessment.item("3.2").state is DeadlineState.NOT_DUE
    assert assessment.item("2.3").state is DeadlineState.ONGOING


def test_a_violation_blocks_passing_whatever_the_score():
    report = minimal_compliant_report()
    report = replace(report, staff=report.staff + tuple(make_union(GRADUATE_UNION, presidium=0, members=7)))
    assessment = assess_one(report)
    assert assessment.score >= VERDICT.pass_min_score
    assert Severity.VIOLATION in {f.severity for f in findings_of(assessment, "department_members")}
    assert assessment.verdict is Verdict.RECTIFY


def test_nothing_started_fails():
    report = minimal_compliant_report(
        items=tuple(ItemReport(item.id, ItemStatus.NOT_STARTED) for item in rulebook().items))
    assessment = assess_one(report)
    assert assessment.score == 0 and assessment.verdict is Verdict.FAILED


@pytest.mark.parametrize("score, findings, expected", [
    (VERDICT.pass_min_score, [], Verdict.PASSED),
    (VERDICT.pass_min_score - 0.1, [], Verdict.RECTIFY),
    (100.0, [Finding("x", Severity.VIOLATION, "")], Verdict.RECTIFY),
    (100.0, [Finding("x", Severity.ATTENTION, ""), Finding("y", Severity.UNVERIFIABLE, "")], Verdict.PASSED),
    (VERDICT.fail_below_score, [], Verdict.RECTIFY),
    (VERDICT.fail_below_score - 0.1, [], Verdict.FAILED),
])
def test_verdict_thresholds(score, findings, expected):
    assert decide_verdict(score, findings, VERDICT, submitted=True) is expected
    assert decide_verdict(score, findings, VERDICT, submitted=False) is Verdict.NOT_SUBMITTED


def test_credit_by_state():
    scoring = rulebook().scoring
    items = {item.item_id: item for item in all_done()}
    items["1.1"] = replace(items["1.1"], completed_on=date(2020, 7, 1))            # due 2020-06-30
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
    wust = assess_one(wust_report())
    assert wust.item("6.2").credit == 0  # four violations


def test_scores_add_up():
    assessment = assess_one(wust_report())
    credits = {item.item_id: item.credit for item in assessment.items}
    for task, scored in zip(rulebook().tasks, assessment.tasks):
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
    broken = replace(book, rules={**book.rules, "count_the_stars": RuleSpec("count_the_stars", "数星星",
                                                                           Severity.VIOLATION, {})},
                     tasks=(replace(task, items=(item, *task.items[1:])), *book.tasks[1:]))
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
    breaches = [f for f in wust_findings("department_members") if f.severity is Severity.VIOLATION]
    assert [f.message for f in breaches] == [
        "校研究生会有 3 个工作部门的部门成员（不含负责人）超过上限 6 人：“秘书部”7 人、“文体部”7 人、“宣传部”7 人"]


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


def test_wust_is_not_passed_at_acceptance():
    assessment = assess_one(wust_report())
    assert assessment.verdict is Verdict.RECTIFY
    assert assessment.item("7.3").state is DeadlineState.DONE_LATE  # reported done without a date


def test_a_rule_breached_by_two_organisations_costs_the_item_one_penalty():
    scoring = rulebook().scoring
    once = [Finding("department_members", Severity.VIOLATION, "校学生会“宣传部”工作人员 9 人")]
    twice = once + [Finding("department_members", Severity.VIOLATION, "校研究生会“秘书部”工作人员 7 人")]
    other = once + [Finding("department_heads", Severity.VIOLATION, "校学生会“宣传部”负责人 1 人")]
    credit = lambda findings: item_credit(DeadlineState.DONE, ItemStatus.DONE, findings, scoring)  # noqa: E731
    assert credit(twice) == credit(once) == 1.0 - scoring.finding_penalty[Severity.VIOLATION]
    assert credit(other) == 1.0 - 2 * scoring.finding_penalty[Severity.VIOLATION]
