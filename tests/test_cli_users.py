"""`reformboard user` and `reformboard tenant`: what they change, what they refuse, and their exit codes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from tenants.accounts import Outcome, authenticate, get_user
from tenants.audit import AuditAction
from tenants.models import Tenant
from tenants.store import audit_entries, list_schools
from tests.conftest import PROVINCE, Directory
from tests.fixtures.cli import school_list

PASSWORD = "correct horse battery"


# --- users -----------------------------------------------------------------------------------------------


def test_adding_a_school_account_and_signing_in_with_it(reformboard, session: Session, directory: Directory) -> None:
    code, out, _ = reformboard(
        "user",
        "add",
        "gz.school",
        "--role",
        "school",
        "--tenant",
        directory.school,
        "--display-name",
        "王老师",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )

    assert (code, out.strip()) == (0, f"已添加账号 gz.school（学校团委，{directory.school}）")
    assert authenticate(session, "gz.school", PASSWORD, sleep=lambda _: None).outcome is Outcome.SIGNED_IN
    [entry] = audit_entries(session, PROVINCE, action="user_added")
    assert entry.actor.startswith("cli:")


def test_a_school_account_without_its_school_is_refused(reformboard, session: Session, directory: Directory) -> None:
    code, _, err = reformboard("user", "add", "gz.school", "--role", "school", "--password-stdin", stdin=PASSWORD)

    assert code == 1
    assert "学校团委账号须指定所属学校，且不能指定单位" in err
    assert get_user(session, "gz.school") is None


def test_a_unit_account_needs_an_existing_unit(reformboard, directory: Directory) -> None:
    code, _, err = reformboard(
        "user", "add", "sz.unit", "--role", "unit", "--unit", "4403", "--password-stdin", stdin=PASSWORD
    )

    assert (code, err.strip()) == (1, "错误：找不到单位代码为 4403 的单位，请先添加该单位")


@pytest.mark.parametrize(
    "argv",
    [
        ("user", "add", "x", "--role", "superuser", "--password-stdin"),  # no such role
        ("user", "add", "x", "--role", "school", "--tenant", "4144010558", "--unit", "4401"),  # both
        ("user", "passwd", "x"),  # the password must come from stdin
        ("user",),
    ],
    ids=["bad-role", "tenant-and-unit", "passwd-without-stdin", "no-action"],
)
def test_usage_errors_exit_2(reformboard, argv: tuple[str, ...]) -> None:
    assert reformboard(*argv)[0] == 2


def test_an_empty_password_on_stdin_is_refused(reformboard, directory: Directory) -> None:
    code, _, err = reformboard("user", "add", "viewer", "--role", "province-viewer", "--password-stdin")

    assert code == 1
    assert "没有从标准输入读到密码" in err


def test_a_weak_password_is_refused(reformboard, directory: Directory) -> None:
    code, _, err = reformboard(
        "user", "add", "viewer", "--role", "province-viewer", "--password-stdin", stdin="123456\n"
    )

    assert (code, err.strip()) == (1, "错误：密码至少需要 10 个字符")


def test_passwd_sets_a_new_password(reformboard, session: Session, directory: Directory) -> None:
    reformboard("user", "add", "viewer", "--role", "province-viewer", "--password-stdin", stdin=PASSWORD)

    code, out, _ = reformboard("user", "passwd", "viewer", "--password-stdin", stdin="a brand new secret\n")

    assert (code, out.strip()) == (0, "已为账号 viewer 设置新密码")
    assert authenticate(session, "viewer", "a brand new secret", sleep=lambda _: None).user is not None


def test_passwd_for_an_unknown_user_exits_1(reformboard, directory: Directory) -> None:
    code, _, err = reformboard("user", "passwd", "nobody", "--password-stdin", stdin=PASSWORD)

    assert (code, err.strip()) == (1, "错误：找不到用户 nobody")


def test_disable_and_list_show_the_accounts_in_chinese(reformboard, directory: Directory) -> None:
    reformboard(
        "user",
        "add",
        "viewer",
        "--role",
        "province-viewer",
        "--display-name",
        "李处长",
        "--password-stdin",
        stdin=PASSWORD,
    )
    reformboard("user", "add", "gz.unit", "--role", "unit", "--unit", directory.unit, "--email", "unit@example.edu.cn")

    assert reformboard("user", "disable", "viewer")[:2] == (0, "已停用账号 viewer\n")
    code, out, _ = reformboard("user", "list")

    assert code == 0
    assert out.splitlines() == [
        "用户名\t姓名\t角色\t学校/单位\t状态\t最近登录",
        "viewer\t李处长\t省级查看\t\t停用\t从未登录",
        f"gz.unit\t\t主管单位\t{directory.unit}\t启用\t从未登录",
    ]


# --- tenants ---------------------------------------------------------------------------------------------


def test_adding_a_unit_and_a_school(reformboard, session: Session, db_url: str) -> None:
    assert reformboard("tenant", "add-unit", "4403", "深圳市团委", "--kind", "地市团委")[:2] == (
        0,
        "已添加主管单位 4403 深圳市团委（地市团委）\n",
    )
    code, out, _ = reformboard("tenant", "add", "4144030001", "深圳示范大学", "--unit", "4403", "--type", "高职")

    assert (code, out.strip()) == (0, "已添加学校 4144030001 深圳示范大学（主管单位：深圳市团委；尚无验收批次）")
    assert session.get(Tenant, "4144030001").school_type == "高职（专科）"
    assert {e.action for e in audit_entries(session, PROVINCE)} == {"unit_added", "school_added"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("tenant", "add", "41440", "某大学", "--unit", "4401"), "学校标识码应为10位数字，收到“41440”"),
        (("tenant", "add", "4144010558", "重复大学", "--unit", "4401"), "学校标识码 4144010558 已存在"),
        (("tenant", "add", "4144019999", "某大学", "--unit", "9999"), "找不到单位代码为 9999 的单位"),
        (("tenant", "add", "4144019999", "某大学", "--unit", "4401", "--type", "大专院"), "学校类型“大专院”无效"),
        (("tenant", "add-unit", "4401", "广州市团委", "--kind", "地市团委"), "单位代码 4401 已存在"),
        (("tenant", "list", "--unit", "9999"), "找不到单位代码为 9999 的单位"),
    ],
    ids=["short-code", "duplicate-school", "unknown-unit", "bad-type", "duplicate-unit", "list-unknown-unit"],
)
def test_bad_tenant_changes_exit_1_with_a_chinese_message(
    reformboard, directory: Directory, argv: tuple[str, ...], message: str
) -> None:
    code, _, err = reformboard(*argv)

    assert code == 1
    assert message in err


def test_a_unit_kind_outside_the_rulebooks_vocabulary_is_refused_naming_the_kinds(reformboard) -> None:
    code, _, err = reformboard("tenant", "add-unit", "4403", "深圳市团委", "--kind", "县团委")

    assert code == 1 and "单位类型“县团委”不在规则手册的词汇表中，应为 地市团委、省直机关团工委 之一" in err


def test_tenant_list_shows_a_units_schools(reformboard, directory: Directory) -> None:
    code, out, _ = reformboard("tenant", "list", "--unit", directory.unit)

    assert code == 0
    assert out.splitlines() == [
        "学校标识码\t学校名称\t主管单位\t学校类型\t状态",
        f"{directory.school}\t广州示范大学\t广州市团委\t本科\t在册",
        f"{directory.other_school}\t广州职业技术学院\t广州市团委\t高职（专科）\t在册",
    ]


# --- importing a province's list --------------------------------------------------------------------------


def test_import_adds_new_schools_and_updates_changed_ones(
    reformboard, session: Session, directory: Directory, tmp_path: Path
) -> None:
    path = school_list(
        tmp_path / "名单.xlsx",
        (directory.school, "广州示范大学", "广州市团委", ""),  # unchanged: no type given
        (directory.other_school, "广州职业技术大学", "4401", "本科"),  # renamed, retyped
        ("4144010600", "广州新大学", " 广州市团委", ""),
    )

    code, out, err = reformboard("tenant", "import", str(path))

    assert (code, out.strip(), err) == (
        0,
        "导入完成：新增 1 所，更新 1 所，未变 1 所\n名单中的学校均已列入验收批次：gd-2020",
        "",
    )
    session.expire_all()
    assert [(s.code, s.name, s.school_type) for s in list_schools(session)] == [
        (directory.school, "广州示范大学", "本科"),
        (directory.other_school, "广州职业技术大学", "本科"),
        ("4144010600", "广州新大学", ""),
    ]
    [updated] = audit_entries(session, PROVINCE, action=AuditAction.SCHOOL_UPDATED)
    assert updated.detail == {"name": "广州职业技术大学", "school_type": "本科"}


def test_import_reports_every_bad_row_and_stores_nothing(
    reformboard, session: Session, directory: Directory, tmp_path: Path
) -> None:
    path = school_list(
        tmp_path / "名单.xlsx",
        ("4144010600", "广州新大学", "广州市团委", "本科"),
        ("41440106", "短码学院", "广州市团委", "本科"),
        ("4144010601", "", "广州市团委", "本科"),
        ("4144010602", "外市学院", "珠海市团委", "本科"),
        ("4144010600", "重复大学", "广州市团委", "本科"),
        ("4144010603", "奇怪学院", "广州市团委", "研究院"),
    )

    code, _, err = reformboard("tenant", "import", str(path))

    assert code == 1
    assert err.splitlines() == [
        "第 4 行：学校标识码应为10位数字，收到“41440106”",
        "第 5 行：“学校名称”不能为空",
        "第 6 行：找不到主管单位“珠海市团委”，请先用 reformboard tenant add-unit 添加",
        "第 7 行：学校标识码 4144010600 与第 3 行重复",
        "第 8 行：“学校类型”应为以下之一：本科、高职（专科）、独立学院、其他",
        "错误：学校名单中有 5 处问题（见上），未导入任何学校",
    ]
    assert session.get(Tenant, "4144010600") is None


def test_import_of_a_file_without_a_school_list_exits_1(reformboard, directory: Directory, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.save(tmp_path / "通讯录.xlsx")

    code, _, err = reformboard("tenant", "import", str(tmp_path / "通讯录.xlsx"))

    assert code == 1
    assert "找不到学校名单" in err


def test_import_of_a_missing_file_exits_1(reformboard, tmp_path: Path) -> None:
    code, _, err = reformboard("tenant", "import", str(tmp_path / "没有.xlsx"))

    assert code == 1
    assert "无法读取文件" in err
