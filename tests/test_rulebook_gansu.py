"""The Gansu rulebook transcribes 甘团联发〔2017〕30号 (shared/seeds/002_…): every sub-item quotes the plan
verbatim (its spaces and page breaks aside), its clauses cover every word, every figure the plan sets
for a school's unions is a check's parameter, and every deadline is the one date the plan sets."""

from __future__ import annotations

from datetime import date

import pytest

from checks.rulebook import load_rulebook
from tests.fixtures.seeds import seed_text, uncovered, unspaced

BOOK = load_rulebook("gansu-2017")
PLAN = unspaced(seed_text("002_35ecef93de10f90d.txt"))


@pytest.mark.parametrize("item", BOOK.items, ids=lambda item: item.id)
def test_every_sub_item_quotes_the_plan_and_its_clauses_cover_every_word(item):
    assert unspaced(item.content) in PLAN
    assert uncovered(item.content, [clause.text for clause in item.clauses]) == []


def test_every_deadline_is_the_plans_goal_date_with_its_source():
    assert "努力在2020年前" in PLAN
    assert {(item.due, item.due_text, item.due_source) for item in BOOK.items} == {
        (date(2019, 12, 31), "2019年12月", "一、总体要求（三）主要目标")
    }


@pytest.mark.parametrize(
    "rule, params, words",
    [
        ("congress_annual", {"max_interval_months": 24}, "学生代表大会召开周期不得超过两年"),
        ("congress_delegate_ratio", {"min_ratio": 0.01}, "代表名额一般不低于学生会组织所联系学生人数的1%"),
        ("non_cadre_delegates", {"min_ratio": 0.6}, "非校、院（系）级学生会骨干的学生代表一般不低于60%"),
        ("standing_congress", {"max_interval_months": 12}, "在不召开学生代表大会的年度，应每年至少召集1次会议"),
        ("college_congress_annual", {"max_interval_months": 12}, "会议召开周期为一年"),
        ("college_congress_annual", {"assembly_threshold": 400}, "学生人数低于400人的院（系）可召开全体学生大会"),
        ("presidium_composition", {"chairs": 1, "min_deputies": 4, "max_deputies": 6}, "由主席1名、副主席4至6名组成"),
        ("presidium_composition", {"campus_exception": True}, "有分校区的高校可酌情增加副主席人数"),
        ("department_deputies", {"max": 2}, "各职能部门副职原则上不超过2名"),
        ("backbone_share", {"max_ratio": 0.01}, "骨干成员原则上不得超过联系服务学生总人数的1%"),
        ("college_reports_heard", {"max_interval_months": 12}, "每年至少1次通过集中会议或书面形式听取全部院（系）"),
        ("work_report_yearly", {"max_interval_months": 12}, "每年应至少1次通过集中会议或书面形式，向学生代表大会"),
    ],
)
def test_every_figure_of_the_plan_is_a_parameter_of_a_check(rule, params, words):
    assert words in PLAN
    assert {name: BOOK.rules[rule].params[name] for name in params} == params
    assert any(rule in item.checks for item in BOOK.items)


def test_only_the_measures_for_a_schools_unions_are_transcribed():
    assert [task.id for task in BOOK.tasks] == ["6", "7", "8", "9", "10", "11", "12", "13", "14"]
    assert sum(task.weight for task in BOOK.tasks) == 100
