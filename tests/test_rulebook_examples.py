"""Each shipped rulebook's example workbook (tests/data/example-<id>.xlsx, written into that rulebook's own
template by tests/fixtures/examples.py) loads without a problem and scores as its seed's rules say."""

from __future__ import annotations

from datetime import date

import pytest

from checks.engine import assess
from checks.results import SchoolAssessment, Severity, Verdict
from checks.rulebook import load_rulebook
from loaders.workbook import read_workbook
from tests.fixtures.examples import EXAMPLES, example_path


def loaded(example: str, rulebook_id: str | None = None) -> SchoolAssessment:
    """The example workbook read and scored by its own rulebook (or by `rulebook_id`) on its day."""
    book = load_rulebook(rulebook_id or example)
    as_of = EXAMPLES[example][1]
    result = read_workbook(example_path(example).read_bytes(), example_path(example).name, book, today=as_of)
    assert result.problems == [] and result.report is not None, [p.message for p in result.problems]
    return assess(result.report, book, book.campaign, as_of)


def concerns(assessment: SchoolAssessment) -> list[tuple[str, str, Severity, str]]:
    """Every finding that is not 符合: (item, rule, severity, message)."""
    return [
        (item.item_id, f.rule, f.severity, f.message)
        for item in assessment.items
        for f in item.findings
        if f.severity is not Severity.OK
    ]


def messages(assessment: SchoolAssessment, rule: str) -> list[str]:
    return [f.message for item in assessment.items for f in item.findings if f.rule == rule]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_committed_workbook_scores_as_the_report_it_was_written_from(example):
    """A stale workbook (the example changed, the file not written again) fails here."""
    school, as_of = EXAMPLES[example]
    book = load_rulebook(example)
    direct, from_file = assess(school(), book, book.campaign, as_of), loaded(example)
    assert (from_file.score, from_file.verdict) == (direct.score, direct.verdict)
    assert [(i.state, [f.message for f in i.findings]) for i in from_file.items] == [
        (i.state, [f.message for f in i.findings]) for i in direct.items
    ]


def test_guangdong_a_presidium_of_seven_is_to_be_rectified():
    assessment = loaded("guangdong-2020")
    assert (assessment.score, assessment.verdict) == (97.5, Verdict.RECTIFY)
    assert concerns(assessment) == [
        ("3.1", "school_presidium_size", Severity.VIOLATION, "校学生会主席团成员 7 人，超过上限 5 人")
    ]


def test_gansu_the_plans_figures_decide_the_verdict():
    assessment = loaded("gansu-2017")
    assert assessment.as_of == date(2020, 1, 1)
    assert (assessment.score, assessment.verdict) == (94.4, Verdict.RECTIFY)
    assert concerns(assessment) == [
        (
            "8.1",
            "non_cadre_delegates",
            Severity.ATTENTION,
            "校学生会2018年11月20日学生代表大会代表 30 人，其中非学生干部 15 人，低于 60%",
        ),
        (
            "9.1",
            "presidium_composition",
            Severity.VIOLATION,
            "校学生会主席团 8 人，其中主席 1 人、副主席 7 人；副主席应不多于 6 人",
        ),
        (
            "9.1",
            "department_deputies",
            Severity.ATTENTION,
            "校学生会有 1 个工作部门的副职（副部长）超过 2 人：“权益部”3 人",
        ),
        (
            "9.1",
            "backbone_share",
            Severity.ATTENTION,
            "校学生会工作人员 33 人，所联系学生 2550 人的 1% 为 25.5 人，超过比例上限"
            "（文件未界定“骨干成员”；按名单上全部工作人员计，为骨干人数的上限）",
        ),
    ]


def test_gansu_a_congress_within_two_years_a_standing_congress_in_the_year_between_and_a_small_colleges_assembly():
    assessment = loaded("gansu-2017")
    assert messages(assessment, "congress_annual") == ["校学生会最近一次学生代表大会在2018年11月20日，在 24 个月以内"]
    assert messages(assessment, "standing_congress") == ["校学生会最近一次常任代表会议在2019年5月10日，在 12 个月以内"]
    assert messages(assessment, "work_report_yearly") == messages(assessment, "standing_congress")
    assert messages(assessment, "college_congress_annual") == [
        "3 个院级组织在 12 个月内召开了代表大会（其中 1 个所联系学生少于 400 人，召开了全体学生大会）"
    ]


def test_shanghai_the_college_meets_its_own_plan_where_the_main_cadres_alone_rank_in_the_top_thirty_percent():
    assessment = loaded("shanghai-gongshang-2019")
    assert (assessment.score, assessment.verdict, concerns(assessment)) == (100.0, Verdict.PASSED, [])
    note = "（方案所称主要学生干部候选人，按名单上的主席团成员和部门负责人核验）"
    assert messages(assessment, "academic_rank") == [
        f"主席团成员、部门负责人中 22 名工作人员学习成绩综合排名均在本专业前 30% 以内{note}"
    ]
    assert messages(assessment, "no_chair_or_deputy") == [
        "校学生会主席团 5 人，其中主席 0 人、副主席 0 人，符合主席 0 人、副主席 0 人"
    ]
    assert (
        "（其中 1 个所联系学生少于 400 人，召开了全体学生大会）" in messages(assessment, "college_congress_annual")[0]
    )


def test_shanghai_the_same_workbook_under_the_guangdong_list_flags_every_ordinary_staff_member():
    assessment = loaded("shanghai-gongshang-2019", "guangdong-2020")
    assert (assessment.score, assessment.verdict) == (97.5, Verdict.RECTIFY)
    assert messages(assessment, "academic_rank") == ["学习成绩综合排名不在本专业前 30% 以内：82 人"]
    [small_college] = [m for m in messages(assessment, "college_congress_annual") if "未召开" in m]
    assert small_college == "1 个院级组织 12 个月内未召开学生（研究生）代表大会：艺术系学生会"
