"""The Shanghai vocational college's plan (shared/seeds/001_…) as a variant of guangdong-2020: it changes only
the presidium (≤5, no chair, a rotating 执行主席, binding), the 400-student assembly threshold and the top-30%
rule, which binds the main cadres only; everything else is the base's."""

from __future__ import annotations

from datetime import date

from checks.rulebook import load_rulebook
from checks.schema import Role
from tests.fixtures.seeds import seed_text, unspaced

BASE = load_rulebook("guangdong-2020")
BOOK = load_rulebook("shanghai-gongshang-2019")
PLAN = unspaced(seed_text("001_81801378e4763d32.txt"))
CHANGED = {"school_presidium_size", "rotating_chair", "college_congress_annual", "academic_rank", "no_failed_courses"}


def test_it_is_its_own_campaign_dated_by_the_plan():
    assert (BOOK.id, BOOK.campaign.id, BOOK.campaign.starts_on) == (
        "shanghai-gongshang-2019",
        "sh-gongshang-2019",
        date(2019, 12, 2),
    )
    assert "2019年12月2日" in PLAN and BOOK.campaign.contact == "院团委"


def test_the_top_thirty_percent_and_no_failed_course_bind_the_main_cadres_only():
    assert "主要学生干部候选人必须符合" in PLAN and "学习成绩综合排名在本专业前30%以内且无课程不及格" in PLAN
    for rule in ("academic_rank", "no_failed_courses"):
        assert BOOK.rules[rule].roles == (Role.PRESIDIUM, Role.DEPARTMENT_HEAD)
        assert BASE.rules[rule].roles == ()
    assert BOOK.rules["academic_rank"].params["max_percent"] == 30


def test_the_presidium_is_at_most_five_with_a_rotating_executive_chair_and_no_chair_or_deputies():
    assert "主席团成员不超过5人，不设主席、副主席，设执行主席，执行主席由主席团成员轮值担任" in PLAN
    assert BOOK.rules["school_presidium_size"].params == {"max": 5}
    assert (BASE.rules["rotating_chair"].severity.value, BOOK.rules["rotating_chair"].severity.value) == (
        "需关注",
        "不符合",
    )
    no_chair = BOOK.rules["no_chair_or_deputy"]
    assert (no_chair.kind, no_chair.params["chairs"], no_chair.params["max_deputies"]) == (
        "presidium_composition",
        0,
        0,
    )
    assert BOOK.item("2.1").checks == ("rotating_chair", "no_chair_or_deputy")


def test_colleges_under_four_hundred_students_may_hold_an_all_student_assembly():
    assert "学生人数低于400人的系（院）可召开全体学生大会" in PLAN
    assert BOOK.rules["college_congress_annual"].params["assembly_threshold"] == 400
    assert "assembly_threshold" not in BASE.rules["college_congress_annual"].params


def test_everything_else_is_the_bases():
    assert {rid: spec for rid, spec in BOOK.rules.items() if rid not in CHANGED | {"no_chair_or_deputy"}} == {
        rid: spec for rid, spec in BASE.rules.items() if rid not in CHANGED
    }
    assert [item for item in BOOK.items if item.id != "2.1"] == [item for item in BASE.items if item.id != "2.1"]
    assert (BOOK.scoring, BOOK.verdict, BOOK.titles) == (BASE.scoring, BASE.verdict, BASE.titles)
    assert (BOOK.vocabulary, BOOK.demo) == (BASE.vocabulary, BASE.demo)
