"""Rule kinds: each declares its parameters and scopes; the rulebook loader refuses a check that does not
fit its kind's declaration; one kind can serve several checks; `reformboard rulebook` shows rulebooks
and writes the reference of the kinds, which must be up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.engine import assess
from checks.results import Severity
from checks.rulebook import RULEBOOK_DIR, RulebookError, load_rulebook
from checks.rules.registry import KINDS
from reformboard.cli import main
from reformboard.rulebooks import reference
from tests.fixtures.reports import AS_OF, GRADUATE_UNION, UNION, minimal_compliant_report

SOURCE = (RULEBOOK_DIR / "guangdong-2020.toml").read_text(encoding="utf-8")
REFERENCE = Path(__file__).parent.parent / "docs" / "rule-kinds.md"
PRESIDIUM = '[rules.school_presidium_size]\nlabel = "校级主席团成员人数"\nseverity = "不符合"    # "主席团成员不超过5人"\nmax = 5\n'
GRADUATE_STAFF = """
[rules.graduate_staff_size]
kind = "school_staff_size"
label = "校研究生会工作人员规模"
severity = "不符合"
scope = "研究生会"
typical = 20
max = 25
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "book.toml"
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert old in SOURCE
    return SOURCE.replace(old, new, 1)


@pytest.mark.parametrize(
    "text, key, message",
    [
        (
            changed(PRESIDIUM, PRESIDIUM.replace("max = 5", "maxx = 5")),
            "rules.school_presidium_size.maxx",
            "school_presidium_size 种类没有参数 'maxx'（它的参数：max、source_note）",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM.replace("max = 5\n", "")),
            "rules.school_presidium_size.max",
            "缺少参数 max（主席团成员人数上限），school_presidium_size 种类必须填写",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM.replace("max = 5", 'max = "五"')),
            "rules.school_presidium_size.max",
            "参数 max 应为整数，现为 '五'",
        ),
        (
            changed("min_ratio = 0.5", "min_ratio = 50"),
            "rules.college_experience_ratio.min_ratio",
            "参数 min_ratio 应为比例（0 至 1 的小数），现为 50",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM + 'kind = "count_the_stars"\n'),
            "rules.school_presidium_size.kind",
            "未知的核验种类 'count_the_stars'",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM + '\n[rules.count_the_stars]\nlabel = "数星星"\nseverity = "不符合"\n'),
            "rules.count_the_stars",
            "未知的核验种类 'count_the_stars'",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM + 'scope = "研究生会"\nkind = "department_count"\n'),
            "rules.school_presidium_size",
            "编号与核验种类 school_presidium_size 同名，却是 department_count 种类",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM + 'scope = "团委"\n'),
            "rules.school_presidium_size.scope",
            "school_presidium_size 种类只接受 学生会、研究生会，不能限定为 '团委'",
        ),
        (
            changed("max_failed = 0\n", 'max_failed = 0\nscope = "学生会"\n'),
            "rules.no_failed_courses.scope",
            "no_failed_courses 种类不接受范围限定",
        ),
        (
            changed("max_percent = 30\n", 'max_percent = 30\nroles = ["主要学生干部"]\n'),
            "rules.academic_rank.roles",
            "未知的角色 '主要学生干部'（可选：主席团成员、部门负责人、部门成员）",
        ),
        (
            changed("max_percent = 30\n", 'max_percent = 30\nroles = "主席团成员"\n'),
            "rules.academic_rank.roles",
            "应为角色列表",
        ),
        (
            changed(PRESIDIUM, PRESIDIUM + 'roles = ["主席团成员"]\n'),
            "rules.school_presidium_size.roles",
            "school_presidium_size 种类不接受按角色限定",
        ),
        (changed('due = "2020-06"\n', 'due = "2020-02-30"\n'), "tasks[0].items[1].due", "应写成 YYYY-MM"),
        (
            changed('checks = ["mobilisation_meeting"]', 'checks = ["completion_date"]'),
            "tasks[0].items[1].checks",
            "completion_date 由系统对每个子项自动核验，不必也不能列在子项的 checks 中",
        ),
    ],
)
def test_a_check_that_does_not_fit_its_kind_is_refused_at_load_naming_file_and_key(tmp_path, text, key, message):
    path = write(tmp_path, text)
    with pytest.raises(RulebookError) as error:
        load_rulebook(path)
    assert str(error.value).startswith(f"{path}: {key}: ")
    assert message in str(error.value)


def test_the_same_kind_serves_two_checks_with_their_own_parameters_and_scope(tmp_path):
    text = changed("[rules.school_staff_size]\n", '[rules.school_staff_size]\nscope = "学生会"\n')
    text = text.replace('checks = ["school_staff_size", ', 'checks = ["school_staff_size", "graduate_staff_size", ', 1)
    book = load_rulebook(write(tmp_path, text + GRADUATE_STAFF))
    assert book.rules["graduate_staff_size"].kind == "school_staff_size"
    assert book.rules["graduate_staff_size"].params == {"typical": 20, "max": 25}
    assert book.rules["school_staff_size"].params == {"typical": 40, "max": 60}

    item = assess(minimal_compliant_report(), book, book.campaign, AS_OF).item("3.1")  # 29 staff in each union
    undergraduate = [f for f in item.findings if f.rule == "school_staff_size"]
    graduate = [f for f in item.findings if f.rule == "graduate_staff_size"]
    assert [f.severity for f in undergraduate] == [Severity.OK] and UNION in undergraduate[0].message
    assert GRADUATE_UNION not in undergraduate[0].message
    assert [(f.severity, f.message) for f in graduate] == [
        (Severity.VIOLATION, f"{GRADUATE_UNION}工作人员 29 人，超过上限 25 人")
    ]


def test_every_kind_declares_what_its_rule_reads():
    """The Guangdong rulebook sets exactly the declared parameters: nothing undeclared reaches a rule."""
    book = load_rulebook()
    for spec in book.rules.values():
        declared = {p.name for p in KINDS[spec.kind].all_params}
        assert set(spec.params) <= declared, spec.id


def test_rulebook_check_prints_tasks_items_deadlines_and_checks_with_parameters(capsys):
    assert main(["rulebook", "check", str(RULEBOOK_DIR / "guangdong-2020.toml")]) == 0
    out = capsys.readouterr().out
    assert "共 10 项任务、27 个子项、30 项核验" in out
    assert "任务 3 坚持精简原则（权重 10）" in out
    assert "  子项 1.1  完成时限 2020年6月10日（出处：通知正文 三、材料报送）" in out
    assert "  school_staff_size（校级学生会（研究生会）工作人员规模，需关注）：typical = 40人；max = 60人" in out


def test_rulebook_check_of_a_bad_file_is_a_chinese_message(tmp_path, capsys):
    path = write(tmp_path, changed(PRESIDIUM, PRESIDIUM.replace("max = 5", "maxx = 5")))
    assert main(["rulebook", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"错误：{path}: rules.school_presidium_size.maxx: ")


def test_rulebook_list_names_the_available_rulebooks(capsys):
    assert main(["rulebook", "list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"gansu-2017\t甘肃省学联学生会组织改革方案\t{RULEBOOK_DIR / 'gansu-2017.toml'}",
        f"guangdong-2020\t广东省高校学生会（研究生会）深化改革任务列表\t{RULEBOOK_DIR / 'guangdong-2020.toml'}",
        f"shanghai-gongshang-2019\t上海工商职业技术学院学生会组织改革方案\t{RULEBOOK_DIR / 'shanghai-gongshang-2019.toml'}",
    ]


def test_rule_kinds_reference_is_up_to_date():
    assert REFERENCE.read_text(encoding="utf-8") == reference(KINDS), (
        "docs/rule-kinds.md 已过期：请运行 reformboard rulebook docs -o docs/rule-kinds.md"
    )


def test_rulebook_docs_writes_the_reference_of_every_kind(tmp_path, capsys):
    output = tmp_path / "kinds.md"
    assert main(["rulebook", "docs", "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert text == reference(KINDS)
    assert all(f"## `{name}`" in text for name in KINDS)
    assert "| `max` | 整数 | 必填 | 主席团成员人数上限 | 人 |" in text


def test_a_meeting_kind_outside_the_rulebooks_vocabulary_is_refused_at_load(tmp_path):
    gansu = (RULEBOOK_DIR / "gansu-2017.toml").read_text(encoding="utf-8")
    path = write(tmp_path, gansu.replace('meetings = ["常任代表会议", ', 'meetings = ["常委会", ', 1))
    with pytest.raises(RulebookError) as error:
        load_rulebook(path)
    assert str(error.value) == (
        f"{path}: rules.standing_congress.meetings: 参数 meetings 中的 '常委会' 不在词汇表中（可选：学生代表大会、"
        "研究生代表大会、常任代表会议、向代表大会报告工作、全体学生大会、述职评议会、党委听取工作汇报、听取学院学生会工作报告）"
    )


def test_a_meeting_kind_is_any_word_the_rulebooks_vocabulary_adds(tmp_path):
    gansu = (RULEBOOK_DIR / "gansu-2017.toml").read_text(encoding="utf-8")
    added = gansu.replace('{ name = "常任代表会议" },', '{ name = "常任代表会议" },\n  { name = "常委会" },', 1)
    book = load_rulebook(write(tmp_path, added.replace('meetings = ["常任代表会议", ', 'meetings = ["常委会", ', 1)))
    assert book.rules["standing_congress"].param("meetings") == ["常委会", "学生代表大会", "研究生代表大会"]


def test_a_yes_or_no_parameter_takes_true_or_false_only(tmp_path):
    gansu = (RULEBOOK_DIR / "gansu-2017.toml").read_text(encoding="utf-8")
    path = write(tmp_path, gansu.replace("campus_exception = true", 'campus_exception = "是"', 1))
    with pytest.raises(RulebookError) as error:
        load_rulebook(path)
    assert str(error.value) == (
        f"{path}: rules.presidium_composition.campus_exception: 参数 campus_exception 应为是或否（true / false），现为 '是'"
    )


def test_rulebook_check_names_the_roles_a_check_is_limited_to(capsys):
    assert main(["rulebook", "check", str(RULEBOOK_DIR / "shanghai-gongshang-2019.toml")]) == 0
    out = capsys.readouterr().out
    assert (
        "  academic_rank（主要学生干部学习成绩综合排名，限 主席团成员、部门负责人，不符合）：max_percent = 30%" in out
    )
    assert "  no_chair_or_deputy（不设主席、副主席，种类 presidium_composition，不符合）" in out
