"""The final verdict: the system's assessment combined with the on-site inspectors' results."""

from datetime import date

import pytest

from checks.final import OnsiteError, apply_onsite, final_verdict
from checks.results import OnsiteResult, Severity, Verdict
from tests.fixtures.reports import assess_one, minimal_compliant_report, rulebook


def onsite(item_id, result, note=""):
    return {item_id: OnsiteResult(item_id, result, note, "张三、李四", date(2020, 10, 20))}


@pytest.fixture(scope="module")
def passed():
    assessment = assess_one(minimal_compliant_report())
    assert assessment.verdict is Verdict.PASSED
    return assessment


def test_an_inspectors_violation_turns_a_pass_into_rectification(passed):
    final = apply_onsite(passed, onsite("3.1", "不符合", "校学生会实有工作人员 75 人"), rulebook())
    assert final.verdict is Verdict.RECTIFY
    assert final_verdict(passed, onsite("3.1", "不符合"), rulebook()) is Verdict.RECTIFY
    added = final.item("3.1").findings[-1]
    assert added.severity is Severity.VIOLATION
    assert added.message == "现场核查结论“不符合”：校学生会实有工作人员 75 人（张三、李四，2020年10月20日）"
    assert final.item("3.1").credit == 1 - rulebook().scoring.finding_penalty[Severity.VIOLATION]
    assert final.score < passed.score


def test_basically_compliant_adds_attention_and_its_penalty(passed):
    final = apply_onsite(passed, onsite("6.1", "基本符合"), rulebook())
    assert final.item("6.1").findings[-1].severity is Severity.ATTENTION
    assert final.item("6.1").credit == pytest.approx(1 - rulebook().scoring.finding_penalty[Severity.ATTENTION])
    assert final.verdict is Verdict.PASSED
    assert final.item("6.2") == passed.item("6.2")


def test_compliant_changes_nothing_but_the_record(passed):
    final = apply_onsite(passed, onsite("1.1", "符合"), rulebook())
    assert final.score == passed.score and final.verdict is Verdict.PASSED
    assert final.item("1.1").findings[-1].severity is Severity.OK


def test_unsubmitted_school_stays_unsubmitted():
    assert final_verdict(assess_one(None), onsite("1.1", "符合"), rulebook()) is Verdict.NOT_SUBMITTED


@pytest.mark.parametrize(
    "results, message",
    [
        (onsite("3.1", "差不多"), "子项 3.1 的现场核查结论“差不多”无效，应为 符合、基本符合、不符合 之一"),
        (onsite("11.1", "符合"), "现场核查结果的子项编号“11.1”不在任务列表中"),
        ({"3.1": onsite("3.2", "符合")["3.2"]}, "子项 3.1 下的现场核查结果写的是子项 3.2"),
    ],
)
def test_bad_onsite_results_are_refused_in_chinese(passed, results, message):
    with pytest.raises(OnsiteError) as error:
        apply_onsite(passed, results, rulebook())
    assert str(error.value) == message
