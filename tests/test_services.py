"""An action done on a page and the same action done on the command line are one service: both record the
same audit action with the same detail, and everything they record is in the audit catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from checks.errors import NotFound
from reformboard.cli import main
from reformboard.services.downloads import submission_file
from tenants.access import AccessDenied, PermissionAction, scoped_transaction
from tenants.audit import AuditAction
from tenants.db import make_sessionmaker
from tenants.models import AuditEntry, Submission
from tests import test_dashboard_pages as pages
from tests.test_dashboard_pages import (
    AS_OF,
    CAMPAIGN,
    FAR_AWAY,
    NEIGHBOUR,
    WUST,
    Board,
    button,
    good_workbook,
    open_page,
    submit,
    texts,
)

board = pages.board  # the pages' database: three schools, an account per role


def recorded(board: Board, action: AuditAction | None = None) -> list[AuditEntry]:
    """Audit entries in the order they were written, of one action or all."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    with make_sessionmaker(board.engine)() as session:
        return list(session.scalars(query))


def field(at: AppTest, label: str):
    return next(t for t in at.text_input if t.label == label)


def page_and_cli(board: Board, action: AuditAction) -> tuple[AuditEntry, AuditEntry]:
    """The two entries of `action`, the page's then the command line's; and nothing outside the catalogue."""
    page, cli = recorded(board, action)
    assert (page.actor, cli.actor[:4]) == ("admin", "cli:")
    assert {e.action for e in recorded(board)} <= set(AuditAction)
    return page, cli


def test_adding_a_unit_records_the_same_detail_from_page_and_cli(board):
    at = open_page("admin", board.principal("admin"))
    field(at, "单位代码").input("4403")
    field(at, "单位名称").input("珠海市团委")
    button(at, "添加单位").click().run()
    assert "已添加主管单位：珠海市团委（4403）" in texts(at)
    assert main(["tenant", "add-unit", "4404", "汕头市团委", "--kind", "地市团委"]) == 0

    page, cli = page_and_cli(board, AuditAction.UNIT_ADDED)
    assert page.detail == {"unit": "4403", "name": "珠海市团委", "kind": "地市团委"}
    assert cli.detail == {"unit": "4404", "name": "汕头市团委", "kind": "地市团委"}


def test_adding_a_school_is_one_action_from_page_and_cli(board):
    at = open_page("admin", board.principal("admin"))
    at.text_input(key="admin.school.code").input("4144010601")
    at.text_input(key="admin.school.name").input("佛山示范学院")
    field(at, "学校类型（如 本科、高职（专科））").input("本科")
    button(at, "添加学校").click().run()
    assert main(["tenant", "add", "4144010602", "江门示范学院", "--unit", "4401", "--type", "本科"]) == 0

    page, cli = page_and_cli(board, AuditAction.SCHOOL_ADDED)
    assert (page.tenant_code, page.detail) == (
        "4144010601",
        {"name": "佛山示范学院", "unit": "4401", "school_type": "本科", "campaigns": ["gd-2020"]},
    )
    assert (cli.tenant_code, cli.detail) == (
        "4144010602",
        {"name": "江门示范学院", "unit": "4401", "school_type": "本科", "campaigns": ["gd-2020"]},
    )


def test_a_taken_school_code_is_refused_alike_on_page_and_cli(board, capsys):
    at = open_page("admin", board.principal("admin"))
    at.text_input(key="admin.school.code").input(WUST)
    at.text_input(key="admin.school.name").input("重复大学")
    button(at, "添加学校").click().run()
    assert main(["tenant", "add", WUST, "重复大学", "--unit", "4401"]) == 1

    said = f"学校标识码 {WUST} 已存在"
    assert said in texts(at) and said in capsys.readouterr().err
    assert recorded(board, AuditAction.SCHOOL_ADDED) == []


def test_a_verification_sheet_is_audited_alike_from_page_and_cli(board, tmp_path: Path):
    submit(board, good_workbook())
    at = open_page("exports", board.principal("admin"))
    at.selectbox(key="exports.school").select(WUST).run()
    button(at, "生成核查表").click().run()
    assert main(["export-sheets", "--tenant", WUST, "--as-of", AS_OF.isoformat(), "-o", str(tmp_path / "a.xlsx")]) == 0

    page, cli = page_and_cli(board, AuditAction.EXPORT)
    with make_sessionmaker(board.engine)() as session:
        [submission] = session.scalars(select(Submission.id))
    expected = {
        "kind": "verification_sheets",
        "campaign": CAMPAIGN.id,
        "as_of": AS_OF.isoformat(),
        "schools": [WUST],
        "submissions": [str(submission)],
    }
    assert (page.tenant_code, page.detail) == (cli.tenant_code, cli.detail) == (WUST, expected)


def test_the_province_summary_is_audited_alike_from_page_and_cli(board, tmp_path: Path):
    submit(board, good_workbook())
    at = open_page("exports", board.principal("admin"))
    button(at, "生成汇总表").click().run()
    assert main(["export-summary", "--as-of", AS_OF.isoformat(), "-o", str(tmp_path / "s.xlsx")]) == 0

    page, cli = page_and_cli(board, AuditAction.EXPORT)
    expected = {"kind": "province_summary", "campaign": CAMPAIGN.id, "as_of": AS_OF.isoformat(), "schools": 3}
    assert page.detail == cli.detail == expected


class TestDownloadingASubmission:
    def test_the_school_gets_its_file_and_the_download_is_audited(self, board):
        submit(board, good_workbook())
        wust = board.principal("wust")
        with scoped_transaction(board.engine, wust) as session:
            [submission_id] = session.scalars(select(Submission.id))
            download = submission_file(session, wust, WUST, submission_id)
        assert (download.data, download.filename) == (good_workbook(), "wust.xlsx")
        [entry] = recorded(board, AuditAction.SUBMISSION_DOWNLOADED)
        assert (entry.actor, entry.tenant_code, entry.detail) == ("wust", WUST, {"submission_id": submission_id})

    def test_another_schools_file_is_not_found_under_ones_own_code(self, board):
        submit(board, good_workbook())
        neighbour = board.principal("neighbour")
        with scoped_transaction(board.engine, neighbour) as session:
            [submission_id] = session.scalars(select(Submission.id))
            with pytest.raises(NotFound):
                submission_file(session, neighbour, NEIGHBOUR, submission_id)
        assert recorded(board, AuditAction.SUBMISSION_DOWNLOADED) == []

    def test_a_school_outside_the_scope_is_refused_and_the_attempt_audited(self, board):
        gz = board.principal("gz")
        with pytest.raises(AccessDenied), scoped_transaction(board.engine, gz) as session:
            submission_file(session, gz, FAR_AWAY, 1)
        [denial] = recorded(board, AuditAction.PERMISSION_DENIED)
        assert denial.detail == {"attempted": PermissionAction.DOWNLOAD_SUBMISSION, "tenant": FAR_AWAY}


class TestTheAuditLogFilter:
    def test_offers_the_catalogue_in_chinese(self, board):
        at = open_page("admin", board.principal("admin"))
        assert at.selectbox(key="admin.audit.action").options == ["全部", *(a.label for a in AuditAction)]

    def test_shows_refusals_with_what_was_attempted_in_words(self, board):
        open_page("admin", board.principal("viewer"))  # refused, and audited
        at = open_page("admin", board.principal("admin"))
        at.selectbox(key="admin.audit.action").select(AuditAction.PERMISSION_DENIED).run()
        log = at.dataframe[-1].value
        assert list(log["操作"]) == ["越权操作被拒绝"]
        assert PermissionAction.VIEW_ADMIN.label in log["详情"].iloc[0]
