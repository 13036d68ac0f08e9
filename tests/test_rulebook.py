"""The Guangdong 2020 rulebook matches the annex of 团粤办发〔2020〕14号, and a malformed rulebook fails
at load with a RulebookError naming the file and the key."""

from datetime import date
from pathlib import Path

import pytest

from checks.deadlines import COMPLETION_DATE_RULE
from checks.rulebook import RULEBOOK_DIR, RulebookError, load_rulebook
from checks.rules.registry import RULES

EXPECTED_DUE = {
    "1.1": date(2020, 6, 10),
    "1.2": date(2020, 6, 30),
    "1.3": date(2020, 10, 31),
    "1.4": date(2020, 10, 15),
    "2.1": date(2020, 10, 31),
    "2.2": date(2020, 10, 31),
    "2.3": None,
    "3.1": date(2020, 6, 30),
    "3.2": date(2020, 10, 31),
    "4.1": date(2020, 7, 31),
    "4.2": date(2020, 10, 31),
    "5.1": date(2020, 7, 31),
    "5.2": date(2020, 7, 31),
    "5.3": date(2020, 10, 31),
    "6.1": date(2020, 10, 31),
    "6.2": date(2020, 10, 31),
    "7.1": date(2020, 6, 30),
    "7.2": date(2020, 8, 31),
    "7.3": date(2020, 8, 31),
    "7.4": date(2020, 10, 31),
    "8.1": date(2020, 6, 30),
    "8.2": date(2020, 10, 31),
    "9.1": date(2020, 10, 31),
    "9.2": date(2020, 10, 31),
    "10.1": date(2020, 10, 31),
    "10.2": date(2020, 8, 31),
    "10.3": date(2020, 8, 31),
}
SOURCE = (RULEBOOK_DIR / "guangdong-2020.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book():
    return load_rulebook()


def test_ten_tasks_with_the_annex_names(book):
    assert [t.id for t in book.tasks] == [str(n) for n in range(1, 11)]
    assert [t.name for t in book.tasks] == [
        "明确职能定位",
        "改革运行机制",
        "坚持精简原则",
        "明确遴选条件",
        "严格遴选程序",
        "规范召开代表大会",
        "坚持从严治会",
        "建立述职评议制度",
        "落实党委全面领导",
        "加强团委具体指导",
    ]
    assert sum(t.weight for t in book.tasks) == 100


def test_twenty_seven_sub_items_with_their_deadlines(book):
    assert [i.id for i in book.items] == list(EXPECTED_DUE)
    assert {i.id: i.due for i in book.items} == EXPECTED_DUE


def test_ongoing_item_and_the_item_sharing_a_deadline(book):
    assert book.item("2.3").ongoing and book.item("2.3").due_text == "全年持续推进"
    assert book.item("9.2").due == book.item("9.1").due
    assert book.item("3.1").due_text == "2020年6月"


def test_every_named_check_has_an_implementation(book):
    named = {check for item in book.items for check in item.checks}
    assert named <= set(RULES)
    assert set(book.rules) <= set(RULES) | {COMPLETION_DATE_RULE}  # the engine checks dates itself


def test_verdict_and_onsite_words(book):
    assert book.verdict.pass_min_score == 85 and book.verdict.fail_below_score == 60
    assert set(book.onsite_severity) == {"符合", "基本符合", "不符合"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change, key",
    [
        (('id = "guangdong-2020"\n', ""), "id"),
        (('due = "2020-06"\n', 'due = "2020-13"\n'), "tasks[0].items[1].due"),
        (('checks = ["mobilisation_meeting"]', 'checks = ["no_such_rule"]'), "tasks[0].items[1].checks"),
        (('severity = "需关注"    # "一般为20至30人"', 'severity = "严重"'), "rules.college_staff_size.severity"),
        (
            (
                '[rules.school_staff_size]\nlabel = "校级学生会（研究生会）工作人员规模"\n',
                "[rules.school_staff_size]\n",
            ),
            "rules.school_staff_size.label",
        ),
        # day-level deadlines, their sources and the clauses quoted from the annex
        (('due = "2020-06-10"', 'due = "2020-06-31"'), "tasks[0].items[0].due"),
        (('due = "2020-06-10"', 'due = "2020/06/10"'), "tasks[0].items[0].due"),
        (('due_source = "通知正文 三、材料报送"\n', ""), "tasks[0].items[0].due_source"),
        (('{ text = "以学期为一个轮值周期"', '{ text = "以月为一个轮值周期"'), "tasks[1].items[0].clauses[2].text"),
        (
            (
                '{ text = "并经同级党委批准", checks = ["election_approved"] }',
                '{ text = "并经同级党委批准", checks = ["joint_meeting"] }',
            ),
            "tasks[5].items[1].clauses[2].checks",
        ),
        (
            ('{ text = "并经同级党委批准", checks = ["election_approved"] }', '{ text = "并经同级党委批准" }'),
            "tasks[5].items[1].clauses[2]",
        ),
    ],
)
def test_malformed_rulebook_names_the_file_and_the_key(tmp_path, change, key):
    old, new = change
    assert old in SOURCE
    path = write(tmp_path, SOURCE.replace(old, new, 1))
    with pytest.raises(RulebookError) as error:
        load_rulebook(path)
    assert str(path) in str(error.value)
    assert f"{key}:" in str(error.value)


def test_bad_toml_syntax_names_the_file(tmp_path):
    path = write(tmp_path, SOURCE.replace('name = "广东省', "name = 广东省", 1))
    with pytest.raises(RulebookError, match="TOML") as error:
        load_rulebook(path)
    assert str(path) in str(error.value)
