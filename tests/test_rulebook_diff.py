"""What `campaign update-rulebook` says changes between two rulebooks: one Chinese line per change."""

from checks.campaign import RulebookText
from checks.rulebook import build_rulebook, load_rulebook, read_rulebook
from checks.rulebook_diff import rulebook_changes
from tests.test_rulebook_merge import VARIANT


def test_every_kind_of_change_is_named():
    base = load_rulebook()
    variant = build_rulebook((*read_rulebook("guangdong-2020"), RulebookText("college-variant", VARIANT)))
    assert rulebook_changes(base, variant) == [
        "删除核验 training_meeting（指导老师和学生会（研究生会）成员全员培训）",
        "核验 school_presidium_size（校级主席团成员人数）：参数 max 5 → 7",
        "新增子项 3.3（完成时限 2021年9月30日）",
        "删除子项 1.3",
        "子项 3.1：完成时限 2020年6月 → 2021年6月",
    ]


def test_the_same_rulebook_has_no_changes():
    assert rulebook_changes(load_rulebook(), load_rulebook()) == []


def test_a_threshold_override_shows_as_a_changed_parameter():
    texts = read_rulebook("guangdong-2020")
    overridden = build_rulebook(texts, {"school_staff_size": {"max": 50}})
    assert rulebook_changes(build_rulebook(texts), overridden) == [
        "核验 school_staff_size（校级学生会（研究生会）工作人员规模）：参数 max 60 → 50"
    ]
