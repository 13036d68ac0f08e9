"""Names and codes registered by staff: no control or direction-changing characters, no overlong names,
no full-width twin of a code already on record."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants import store
from tenants.accounts import get_user
from tenants.models import Tenant, Unit
from tests.conftest import Directory
from tests.fixtures.cli import school_list
from tests.fixtures.reports import UNIT_KINDS

BAD_NAMES = [  # name, what the refusal says
    pytest.param("广州\x00大学", "控制字符", id="nul"),
    pytest.param("广州\x1b[31m大学", "控制字符", id="escape"),
    pytest.param("广州\n大学", "控制字符", id="line-break"),
    pytest.param("广州\u202e学大", "改变文字方向", id="right-to-left-override"),
    pytest.param("广" * 101, "最多 100 个字符", id="too-long"),
]


@pytest.mark.parametrize(("name", "refusal"), BAD_NAMES)
def test_a_bad_school_name_is_refused_with_a_message_and_nothing_stored(
    reformboard, session: Session, directory: Directory, name, refusal
):
    code, _, err = reformboard("tenant", "add", "4144010600", name, "--unit", directory.unit)

    assert code == 1 and refusal in err
    assert session.get(Tenant, "4144010600") is None


@pytest.mark.parametrize(("name", "refusal"), BAD_NAMES)
def test_a_bad_unit_name_is_refused_by_the_store_the_cli_and_the_admin_page_share(session: Session, name, refusal):
    with pytest.raises(ValueError, match=refusal):
        store.add_unit(session, "4403", name, "地市团委", kinds=UNIT_KINDS)
    assert session.get(Unit, "4403") is None


def test_a_name_of_100_characters_is_accepted(reformboard, session: Session, directory: Directory):
    assert reformboard("tenant", "add", "4144010600", "广" * 100, "--unit", directory.unit)[0] == 0
    assert session.get(Tenant, "4144010600").name == "广" * 100


def test_a_full_width_school_code_is_stored_in_ascii_digits(reformboard, session: Session, directory: Directory):
    code, out, _ = reformboard("tenant", "add", "４１４４０１０６００", "广州新大学", "--unit", directory.unit)

    assert code == 0 and "4144010600" in out
    assert session.scalars(select(Tenant.code).where(Tenant.name == "广州新大学")).all() == ["4144010600"]


def test_the_full_width_twin_of_a_code_on_record_is_refused(reformboard, session: Session, directory: Directory):
    twin = directory.school.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    code, _, err = reformboard("tenant", "add", twin, "另一所大学", "--unit", directory.unit)

    assert code == 1 and f"学校标识码 {directory.school} 已存在" in err
    with pytest.raises(ValueError, match="已存在"):
        store.add_school(session, twin, "另一所大学", directory.unit)  # the admin page's way in
    assert session.scalars(select(Tenant.code).where(Tenant.name == "另一所大学")).all() == []


def test_a_full_width_unit_code_is_stored_in_ascii_and_its_twin_refused(
    reformboard, session: Session, directory: Directory
):
    assert reformboard("tenant", "add-unit", "４４０３", "深圳市团委", "--kind", "地市团委")[0] == 0
    assert session.get(Unit, "4403").name == "深圳市团委"
    code, _, err = reformboard("tenant", "add-unit", "４４０１", "又一个团委", "--kind", "地市团委")
    assert code == 1 and f"单位代码 {directory.unit} 已存在" in err


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_school_added_under_a_full_width_unit_code_is_filed_under_the_unit(
    reformboard, session: Session, directory: Directory
):
    code, out, _ = reformboard(
        "tenant", "add", "4144010600", "广州新大学", "--unit", directory.unit.translate(FULL_WIDTH)
    )

    assert code == 0 and "主管单位：广州市团委" in out
    assert session.get(Tenant, "4144010600").unit_code == directory.unit


def test_a_units_schools_are_listed_by_its_full_width_code(reformboard, directory: Directory):
    code, out, _ = reformboard("tenant", "list", "--unit", directory.unit.translate(FULL_WIDTH))

    assert code == 0 and f"{directory.school}\t广州示范大学" in out


@pytest.mark.parametrize("attachment", ["--tenant", "--unit"])
def test_an_account_attached_by_a_full_width_code_is_stored_in_ascii(
    reformboard, session: Session, directory: Directory, attachment
):
    role, ascii_code = ("school", directory.school) if attachment == "--tenant" else ("unit", directory.unit)
    code, out, _ = reformboard(
        "user",
        "add",
        "new.user",
        "--role",
        role,
        attachment,
        ascii_code.translate(FULL_WIDTH),
        "--password-stdin",
        stdin="correct horse battery\n",
    )

    assert code == 0 and f"，{ascii_code}）" in out
    user = get_user(session, "new.user")
    assert (user.tenant_code or user.unit_code) == ascii_code


@pytest.mark.parametrize(
    ("attachment", "typed", "refusal"),
    [
        ("--tenant", "４１４４０", "学校标识码应为10位数字，收到“４１４４０”"),
        ("--unit", "４４０１號", "单位代码应为 1–20 位字母或数字，收到“４４０１號”"),
    ],
)
def test_an_account_attached_by_a_malformed_code_is_refused_in_chinese(
    reformboard, session: Session, directory: Directory, attachment, typed, refusal
):
    role = "school" if attachment == "--tenant" else "unit"
    code, _, err = reformboard(
        "user",
        "add",
        "new.user",
        "--role",
        role,
        attachment,
        typed,
        "--password-stdin",
        stdin="correct horse battery\n",
    )

    assert code == 1 and refusal in err
    assert get_user(session, "new.user") is None


def test_an_imported_list_with_a_bad_name_is_refused_row_by_row(
    reformboard, session: Session, directory: Directory, tmp_path: Path
):
    path = school_list(
        tmp_path / "名单.xlsx",
        ("4144010600", "广州新大学", "广州市团委", "本科"),
        ("4144010601", "广州\u202e学大", "广州市团委", "本科"),
    )

    code, _, err = reformboard("tenant", "import", str(path))

    assert code == 1 and "第 4 行：学校名称中含有控制字符或改变文字方向的不可见字符" in err
    assert session.get(Tenant, "4144010600") is None


def test_tenant_list_shows_a_stored_escape_sequence_as_text(reformboard, session: Session, directory: Directory):
    session.get(Tenant, directory.school).name = "广州\x1b[2J大学"  # as an older version could store it
    session.commit()

    code, out, _ = reformboard("tenant", "list")

    assert code == 0 and "\x1b" not in out and "广州\\x1b[2J大学" in out
