"""The 上传填报, 提醒督办, 导出核查表, 管理 and 首页 pages, run one by one with AppTest for each role that
may (or may not) see them, on a small SQLite database.
"""

from __future__ import annotations

import ast
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from checks.campaign import Campaign, RulebookText
from checks.rulebook import build_rulebook, load_rulebook, read_rulebook
from dashboard import ui
from dashboard.views import admin as admin_page
from loaders import verification
from loaders.template import fill_template
from reformboard.services.uploads import ingest
from reformboard.settings import Settings
from tenants import store
from tenants.accounts import add_user, get_user, principal_for
from tenants.audit import AuditAction
from tenants.db import make_engine, make_sessionmaker, migrate
from tenants.models import AuditEntry, Escalation, Reminder, Submission
from tenants.principal import Principal, UserRole, local_operator
from tenants.reminders import record_delivery, replace_school_contacts, school_contacts
from tests.conftest import PROVINCE
from tests.fixtures.reports import UNIT_KINDS
from tests.fixtures.workbooks import filled_with
from tests.fixtures.wust import wust_report

PAGES = Path(ui.PAGES)
APP = PAGES.parent / "app.py"
RULEBOOK = load_rulebook()
CAMPAIGN = RULEBOOK.campaign
AS_OF = date(2020, 11, 1)  # every June–October item is past due
WUST = "4142010488"  # the school code in the 武汉科技大学 fixture workbook, under unit 4401
NEIGHBOUR = "4144010559"  # also under 4401
FAR_AWAY = "4144010600"  # under 4402
TIMEOUT = 60  # seconds: the reader and the annotator run in child processes
CITIES_COPY_THE_PROVINCE = """
base = "guangdong-2020"
id = "cities-2020"
name = "地市团委所属高校另报省级的规则手册"
[campaign]
id = "cities-2020"
name = "地市团委所属高校另报省级的验收批次"
[reminders]
also_to_province = ["地市团委"]
"""


@dataclass(frozen=True)
class Board:
    engine: Engine

    def count(self, model) -> int:
        with make_sessionmaker(self.engine)() as session:
            return session.scalar(select(func.count()).select_from(model))

    def principal(self, username: str) -> Principal:
        with make_sessionmaker(self.engine)() as session:
            return principal_for(get_user(session, username))


@pytest.fixture
def board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Board]:
    url = f"sqlite:///{tmp_path / 'reformboard.db'}"
    migrate(url)
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", url)
    monkeypatch.delenv("REFORMBOARD_APP_DATABASE_URL", raising=False)
    engine = make_engine(url)
    with make_sessionmaker(engine).begin() as session:
        store.add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
        store.add_unit(session, "4402", "深圳市团委", "地市团委", kinds=UNIT_KINDS)
        store.add_school(session, WUST, "武汉科技大学", "4401", "本科")
        store.add_school(session, NEIGHBOUR, "广州职业技术学院", "4401", "高职（专科）")
        store.add_school(session, FAR_AWAY, "深圳示范大学", "4402", "本科")
        store.ensure_campaign(session, CAMPAIGN)
        operator = local_operator("test")
        for username, role, extra in (
            ("admin", UserRole.PROVINCE_ADMIN, {}),
            ("viewer", UserRole.PROVINCE_VIEWER, {}),
            ("gz", UserRole.UNIT, {"unit_code": "4401"}),
            ("wust", UserRole.SCHOOL, {"tenant_code": WUST}),
            ("neighbour", UserRole.SCHOOL, {"tenant_code": NEIGHBOUR}),
        ):
            add_user(session, username, role, by=operator, email=f"{username}@example.cn", **extra)
    yield Board(engine)
    engine.dispose()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes of every download button's file, by media file id (AppTest keeps no way to fetch them)."""
    stored: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[file_id] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return stored


def open_page(name: str, principal: Principal, as_of: date = AS_OF, campaign: Campaign = CAMPAIGN) -> AppTest:
    """The page as `principal` sees it, with the sidebar's campaign and date chosen."""
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    return _signed_in(at, principal, as_of, campaign)


def open_app(principal: Principal, as_of: date = AS_OF) -> AppTest:
    """The whole app (navigation and sidebar) on the role's landing page: pages linking to others need it."""
    return _signed_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT), principal, as_of)


def _signed_in(at: AppTest, principal: Principal, as_of: date, campaign: Campaign = CAMPAIGN) -> AppTest:
    at.session_state["auth.principal"] = principal
    at.session_state["auth.last_seen"] = datetime.now(UTC)
    at.session_state["ui.campaigns"] = {campaign.id: campaign}
    at.session_state[ui.CAMPAIGN_KEY] = campaign.id
    at.session_state[ui.AS_OF_KEY] = as_of
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page says in alerts, markdown and captions, as one string."""
    kinds = ("error", "warning", "info", "success", "markdown", "caption")
    parts = [e.value for kind in kinds for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def frame_with(at: AppTest, column: str):
    """The first table on the page having `column`."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def download(at: AppTest, downloads: dict[str, bytes], label: str) -> bytes:
    found = next(b for b in at.download_button if b.label.startswith(label))
    return downloads[found.proto.url.rsplit("/", 1)[-1].split(".")[0]]


def refused(at: AppTest) -> bool:
    return any("无权" in e.value or "没有权限" in e.value for e in at.error)


@cache  # the template records when it was generated: build it once so that re-uploads are identical
def good_workbook() -> bytes:
    return fill_template(wust_report(), RULEBOOK, CAMPAIGN)


def bad_workbook() -> bytes:
    return filled_with(lambda wb: wb["会议记录"].__setitem__("B2", "去年九月"))


def submit(
    board: Board, data: bytes, when: datetime = datetime(2020, 10, 20, 2, tzinfo=UTC), received_on: date | None = None
) -> None:
    with make_sessionmaker(board.engine).begin() as session:
        ingest(
            session,
            data=data,
            filename="wust.xlsx",
            principal=local_operator("test"),
            campaign=CAMPAIGN,
            rulebook=RULEBOOK,
            limits=Settings.from_env().limits(),
            target_tenant=WUST,
            now=when,
            received_on=received_on,
        )


# --- 上传填报 -----------------------------------------------------------------------------------------


class TestUpload:
    def test_the_blank_template_is_offered(self, board, downloads):
        at = open_page("upload", board.principal("wust"))
        template = load_workbook(io.BytesIO(download(at, downloads, "下载空白填报模板")))
        assert "任务进展" in template.sheetnames

    def test_a_bad_workbook_is_previewed_with_its_problems_and_nothing_is_stored(self, board, downloads):
        at = open_page("upload", board.principal("wust"))
        at.file_uploader[0].upload("本校填报.xlsx", bad_workbook()).run()
        [problems] = at.dataframe
        table = problems.value
        assert list(table.columns) == ["严重程度", "工作表", "单元格", "字段", "填写内容", "修改建议"]
        row = table[(table["工作表"] == "会议记录") & (table["单元格"] == "B2")].iloc[0]
        assert (row["严重程度"], row["填写内容"]) == ("错误", "去年九月")
        assert "不能作为有效填报" in texts(at)
        assert download(at, downloads, "下载标注了问题的文件副本")
        assert board.count(Submission) == 0

    def test_confirming_a_refused_file_stores_it_as_rejected_and_says_so(self, board):
        at = open_page("upload", board.principal("wust"))
        at.file_uploader[0].upload("本校填报.xlsx", bad_workbook()).run()
        button(at, "确认提交").click().run()
        assert "未通过核验，已记录为未通过的提交" in texts(at)
        with make_sessionmaker(board.engine)() as session:
            [stored] = session.scalars(select(Submission)).all()
        assert (stored.tenant_code, stored.accepted) == (WUST, False)

    def test_a_good_workbook_previews_its_score_then_confirming_stores_and_assesses_it(self, board):
        at = open_page("upload", board.principal("wust"))
        at.file_uploader[0].upload("本校填报.xlsx", good_workbook()).run()
        assert "文件通过核验，可以提交" in texts(at)
        assert [m.label for m in at.metric][:2] == ["得分", "验收结论"]
        assert board.count(Submission) == 0
        button(at, "确认提交").click().run()
        assert f"已提交：{ui.literal('本校填报.xlsx')}" in texts(at)  # the file name as typed
        assert "本次提交的评估结果" in texts(at)
        assert board.count(Submission) == 1

    def test_a_byte_identical_reupload_says_it_was_already_received(self, board):
        submit(board, good_workbook())
        at = open_page("upload", board.principal("wust"))
        at.file_uploader[0].upload("再次上传.xlsx", good_workbook()).run()
        assert "此前已收到（收到时间：2020-10-20 10:00；" in texts(at)  # China time of the 02:00 UTC upload
        assert not [b for b in at.button if b.label.startswith("确认提交")]

    def test_a_reupload_of_a_backfilled_file_names_its_received_day(self, board):
        submit(board, good_workbook(), received_on=date(2020, 10, 12))
        at = open_page("upload", board.principal("wust"))
        at.file_uploader[0].upload("再次上传.xlsx", good_workbook()).run()
        assert "此前已收到（收到时间：2020-10-12（补录）；" in texts(at)

    def test_the_province_administrator_uploads_for_a_chosen_school(self, board):
        at = open_page("upload", board.principal("admin"))
        at.selectbox(key="upload.school").select(WUST).run()
        at.file_uploader[0].upload("武汉科技大学.xlsx", good_workbook()).run()
        button(at, "确认提交").click().run()
        with make_sessionmaker(board.engine)() as session:
            [stored] = session.scalars(select(Submission)).all()
        assert (stored.tenant_code, stored.uploader) == (WUST, "admin")

    @pytest.mark.parametrize("username", ["viewer", "gz"])
    def test_viewers_and_units_cannot_upload(self, board, username):
        assert refused(open_page("upload", board.principal(username)))


# --- 提醒督办 -----------------------------------------------------------------------------------------


def schools_listed(at: AppTest) -> set[str]:
    return set(at.dataframe[0].value["标识码"])


class TestReminders:
    def test_the_province_sees_every_school_with_overdue_items(self, board):
        at = open_page("reminders", board.principal("viewer"))
        assert schools_listed(at) == {WUST, NEIGHBOUR, FAR_AWAY}

    def test_a_unit_sees_only_its_schools_and_cannot_mark_sent(self, board):
        at = open_page("reminders", board.principal("gz"))
        assert schools_listed(at) == {WUST, NEIGHBOUR}
        assert not [b for b in at.button if "已发送" in b.label]

    def test_due_soon_follows_the_number_of_days(self, board):
        at = open_page("reminders", board.principal("viewer"), as_of=date(2020, 7, 17))
        assert set(at.dataframe[0].value["即将到期子项"]) == {"4.1、5.1、5.2"}
        at.number_input(key="reminders.within").set_value(13).run()
        assert set(at.dataframe[0].value["即将到期子项"]) == {""}

    def test_notices_download_one_by_one_and_as_a_zip(self, board, downloads):
        at = open_page("reminders", board.principal("viewer"))
        archive = zipfile.ZipFile(io.BytesIO(download(at, downloads, "下载全部提醒函")))
        assert len(archive.namelist()) == 3
        one = download(at, downloads, "下载提醒函（.txt）").decode("utf-8-sig")
        assert one.startswith("关于督促") and "提醒函" in one.splitlines()[0]

    def test_the_administrator_marks_a_reminder_sent_with_who_and_when(self, board):
        at = open_page("reminders", board.principal("admin"))
        at.button(key=f"reminders.mark.{WUST}").click().run()
        with make_sessionmaker(board.engine)() as session:
            [reminder] = session.scalars(select(Reminder)).all()
            assert (
                session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "reminder_sent"))
                == 1
            )
        assert (reminder.tenant_code, reminder.sent_by, reminder.as_of) == (WUST, "admin", AS_OF)
        assert reminder.sent_at is not None and "1.1" in reminder.items
        assert "由 admin 登记发送" in texts(at)

    def test_a_unit_sees_the_escalations_of_its_schools_but_not_those_planned(self, board):
        with make_sessionmaker(board.engine).begin() as session:
            for tenant, unit in ((WUST, "4401"), (FAR_AWAY, "4402")):
                session.add(
                    Escalation(
                        tenant_code=tenant,
                        campaign_id=CAMPAIGN.id,
                        unit_code=unit,
                        as_of=date(2020, 10, 1),
                        items=["1.1"],
                        reminders=3,
                        text=f"（{tenant}）：已提醒3次，仍有1项任务逾期未完成：",
                        created_at=datetime(2020, 10, 1, 1, tzinfo=UTC),
                    )
                )
        at = open_page("reminders", board.principal("gz"))
        assert list(frame_with(at, "督办内容")["标识码"]) == [WUST]
        assert not [f for f in at.dataframe if "提醒情况" in f.value.columns]  # the plan needs every school's reminders

    def test_schools_without_a_contact_address_are_listed_as_unreachable(self, board):
        with make_sessionmaker(board.engine).begin() as session:
            replace_school_contacts(session, WUST, ["tuanwei@wust.edu.cn"], by="admin")
        at = open_page("reminders", board.principal("viewer"))
        states = dict(zip(at.dataframe[0].value["标识码"], at.dataframe[0].value["提醒邮件"], strict=True))
        assert states == {WUST: "尚未发送提醒邮件", NEIGHBOUR: "无联系邮箱，无法送达", FAR_AWAY: "无联系邮箱，无法送达"}
        assert "以下 2 所学校没有联系邮箱（填报的“学校信息”中没有，也未在“管理”页设置），提醒邮件无法送达" in texts(at)

    def test_shows_how_the_e_mailed_reminder_went(self, board):
        with make_sessionmaker(board.engine).begin() as session:
            replace_school_contacts(session, WUST, ["tuanwei@wust.edu.cn"], by="admin")
            reminder = store.create_reminder(
                session,
                tenant_code=WUST,
                campaign_id=CAMPAIGN.id,
                as_of=date(2020, 10, 30),
                items=["1.1"],
                text="提醒函",
                created_by="cli:ops",
                step="逾期8天",
            )
            session.flush()
            record_delivery(
                session,
                reminder,
                recipients=["tuanwei@wust.edu.cn"],
                message_id="<1@example>",
                sent=False,
                detail="邮件服务器拒收：550 refused",
                by="cli:ops",
            )
        at = open_page("reminders", board.principal("viewer"))
        states = dict(zip(at.dataframe[0].value["标识码"], at.dataframe[0].value["提醒邮件"], strict=True))
        assert states[WUST] == "2020-10-30（逾期8天）：待重发（已尝试 1 次：邮件服务器拒收：550 refused）"
        attempts = frame_with(at, "Message-ID")
        assert list(attempts["收件人"]) == ["tuanwei@wust.edu.cn"] and list(attempts["结果"]) == ["失败"]

    def test_a_school_cannot_open_the_page(self, board):
        assert refused(open_page("reminders", board.principal("wust")))


# --- 首页 ---------------------------------------------------------------------------------------------


class TestHome:
    def test_shows_the_verdict_overdue_items_and_a_link_to_upload(self, board):
        at = open_app(board.principal("wust"))
        assert at.title[0].value == "武汉科技大学"
        assert "本校尚未提交有效的填报文件" in texts(at)
        overdue = at.dataframe[0].value
        assert "1.1" in set(overdue["子项"])
        assert any(link.label.startswith("上传填报") for link in at.get("page_link"))

    def test_a_school_sees_only_the_reminders_sent_to_it(self, board):
        admin = open_page("reminders", board.principal("admin"))
        admin.button(key=f"reminders.mark.{NEIGHBOUR}").click().run()
        assert "尚未收到提醒" in texts(open_app(board.principal("wust")))
        neighbour = open_app(board.principal("neighbour"))
        assert [e.label for e in neighbour.expander][0].endswith("涉及子项 " + "、".join(admin_items(board, NEIGHBOUR)))

    @pytest.mark.parametrize("username", ["admin", "gz"])
    def test_other_roles_are_refused(self, board, username):
        assert refused(open_page("home", board.principal(username)))


def admin_items(board: Board, tenant: str) -> list[str]:
    with make_sessionmaker(board.engine)() as session:
        return store.reminders_for(session, tenant)[0].items


# --- 导出核查表 ---------------------------------------------------------------------------------------


def export_audits(board: Board) -> list[AuditEntry]:
    with make_sessionmaker(board.engine)() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "export")))


class TestExports:
    def test_a_school_exports_its_own_sheet_audited(self, board, downloads):
        submit(board, good_workbook())
        at = open_page("exports", board.principal("wust"))
        button(at, "生成核查表").click().run()
        sheet = load_workbook(
            io.BytesIO(download(at, downloads, f"下载 {ui.literal(f'{WUST}_武汉科技大学_验收核查表')}"))
        )
        assert "验收核查表" in sheet.sheetnames
        [entry] = export_audits(board)
        assert (entry.actor, entry.tenant_code, entry.detail["kind"]) == ("wust", WUST, "verification_sheets")
        assert not [b for b in at.button if b.label.startswith(("生成批量", "生成汇总"))]

    def test_a_unit_exports_a_zip_of_its_schools_that_submitted(self, board, downloads):
        submit(board, good_workbook())
        at = open_page("exports", board.principal("gz"))
        button(at, "生成批量核查表").click().run()
        archive = zipfile.ZipFile(io.BytesIO(download(at, downloads, f"下载 {ui.literal('验收核查表_')}")))
        assert sorted(archive.namelist()) == [f"{WUST}_武汉科技大学/验收核查表.xlsx", "索引.xlsx"]
        assert "广州职业技术学院" in texts(at)  # named as having nothing to export
        assert export_audits(board)[0].detail["schools"] == [WUST]

    def test_the_province_exports_the_summary(self, board, downloads):
        submit(board, good_workbook())
        at = open_page("exports", board.principal("viewer"))
        button(at, "生成汇总表").click().run()
        summary = load_workbook(io.BytesIO(download(at, downloads, "下载 ")))
        assert summary.sheetnames == ["逐校汇总", "统计"]
        assert export_audits(board)[0].detail["kind"] == "province_summary"

    def test_a_sheet_that_is_not_a_verification_sheet_is_refused_with_its_problems(self, board):
        at = open_page("exports", board.principal("admin"))
        at.file_uploader(key="exports.inspection").upload("核查表.xlsx", good_workbook()).run()
        button(at, "读取并保存现场核查结论").click().run()
        assert "核查表未被接收" in texts(at)
        assert "这不是本系统导出的验收核查表" in " ".join(at.dataframe[-1].value["修改建议"])

    def test_the_administrator_loads_a_filled_sheet_once(self, board, downloads):
        submit(board, good_workbook())
        at = open_page("exports", board.principal("admin"))
        at.selectbox(key="exports.school").select(WUST).run()
        button(at, "生成核查表").click().run()
        sheet = inspected(download(at, downloads, f"下载 {WUST}"), {"1.1": "符合", "3.1": "不符合"})
        for _ in range(2):
            at.file_uploader(key="exports.inspection").upload("核查表.xlsx", sheet).run()
            button(at, "读取并保存现场核查结论").click().run()
        assert "此前已经上传并保存，本次未重复保存" in texts(at)
        with make_sessionmaker(board.engine)() as session:
            results = store.onsite_results_for(session, CAMPAIGN.id)[WUST]
        assert {item: r.result for item, r in results.items()} == {"1.1": "符合", "3.1": "不符合"}

    def test_only_the_administrator_may_upload_inspection_results(self, board):
        assert not open_page("exports", board.principal("viewer")).file_uploader


def inspected(sheet: bytes, results: dict[str, str]) -> bytes:
    """The exported verification sheet with the inspectors' verdicts, names and date written in."""
    workbook = load_workbook(io.BytesIO(sheet))
    ws = workbook[verification.SHEET]
    ids = [item.id for item in RULEBOOK.items]
    for item_id, word in results.items():
        ws.cell(verification.item_row(ids.index(item_id)), verification.RESULT_COLUMN, word)
    signature = verification.signature_row(len(ids))
    (_, names), _, (_, when) = verification.SIGNATURE_CELLS
    ws.cell(signature, names, "张伟、李娜")
    ws.cell(signature, when, datetime(2020, 10, 20))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 管理 ---------------------------------------------------------------------------------------------


class TestAdmin:
    @pytest.mark.parametrize("username", ["viewer", "gz", "wust"])
    def test_refuses_everyone_but_the_administrator(self, board, username):
        at = open_page("admin", board.principal(username))
        assert refused(at) and not at.tabs

    def test_lists_campaigns_schools_users_and_the_audit_log(self, board):
        at = open_page("admin", board.principal("admin"))
        assert [t.label for t in at.tabs] == ["验收批次", "学校与单位", "联系邮箱", "用户", "审计日志"]
        assert CAMPAIGN.id in set(frame_with(at, "批次编号")["批次编号"])
        assert {WUST, NEIGHBOUR, FAR_AWAY} <= set(frame_with(at, "学校标识码")["学校标识码"])
        assert {"admin", "wust"} <= set(frame_with(at, "用户名")["用户名"])

    def test_adds_a_school(self, board):
        at = open_page("admin", board.principal("admin"))
        at.text_input(key="admin.school.code").input("4144010601")
        at.text_input(key="admin.school.name").input("佛山示范学院")
        button(at, "添加学校").click().run()
        assert "已添加学校：佛山示范学院（4144010601）" in texts(at)
        with make_sessionmaker(board.engine)() as session:
            assert store.get_school(session, "4144010601").unit_code == "4401"

    def test_sets_a_schools_contact_addresses(self, board):
        at = open_page("admin", board.principal("admin"))
        at.selectbox(key="admin.contacts.学校").set_value(WUST).run()
        at.text_area(key=f"admin.contacts.emails.{WUST}").input("TuanWei@wust.edu.cn，fsj@wust.edu.cn")
        button(at, "保存联系邮箱").click().run()
        assert ui.literal("已保存联系邮箱：tuanwei@wust.edu.cn、fsj@wust.edu.cn") in texts(at)
        with make_sessionmaker(board.engine)() as session:
            assert school_contacts(session, [WUST]) == {WUST: ["tuanwei@wust.edu.cn", "fsj@wust.edu.cn"]}

    def test_the_contacts_tab_says_who_else_gets_escalations_by_the_campaigns_own_rulebook(self, board):
        """The campaign pinned a rulebook whose policy copies the province on cities' schools; the configured
        one (REFORMBOARD_RULEBOOK, Guangdong's) copies it on the provincial organs' schools."""
        variant = RulebookText("cities-2020", CITIES_COPY_THE_PROVINCE)
        campaign = build_rulebook((*read_rulebook("guangdong-2020"), variant)).campaign
        with make_sessionmaker(board.engine).begin() as session:
            store.ensure_campaign(session, campaign)
        at = open_page("admin", board.principal("admin"), campaign=campaign)
        assert "（地市团委主管的学校另发省级联系邮箱）" in texts(at)
        assert "省直机关团工委" not in texts(at)

    def test_a_malformed_address_is_refused_in_chinese(self, board):
        at = open_page("admin", board.principal("admin"))
        at.selectbox(key="admin.contacts.学校").set_value(WUST).run()
        at.text_area(key=f"admin.contacts.emails.{WUST}").input("tuanwei@wust")
        button(at, "保存联系邮箱").click().run()
        assert ui.literal("邮箱地址“tuanwei@wust”格式不正确") in texts(at)

    def test_a_malformed_school_code_is_refused_in_chinese(self, board):
        at = open_page("admin", board.principal("admin"))
        at.text_input(key="admin.school.code").input("12345")
        at.text_input(key="admin.school.name").input("某学院")
        button(at, "添加学校").click().run()
        assert "学校标识码应为10位数字" in texts(at)

    def test_filters_the_audit_log_by_action(self, board):
        submit(board, good_workbook())
        at = open_page("admin", board.principal("admin"))
        at.selectbox(key="admin.audit.action").select(AuditAction.UPLOAD_ACCEPTED).run()
        log = at.dataframe[-1].value
        assert list(log["操作"]) == ["上传填报（已接收）"] and list(log["学校"]) == [WUST]

    def test_filters_the_audit_log_by_date(self, board):
        submit(board, good_workbook())  # logged today, whatever the upload's own date
        at = open_page("admin", board.principal("admin"))
        at.date_input(key="admin.audit.dates").set_value((date(2020, 10, 1), date(2020, 10, 31))).run()
        assert at.dataframe[-1].value.empty

    def test_an_edited_deadline_equal_to_the_task_lists_is_no_override(self):
        edited = pd.DataFrame(
            {"子项": ["1.1", "1.2", "3.1"], "本批次时限": [date(2020, 7, 15), date(2020, 6, 30), None]}
        )
        annex = {"1.1": date(2020, 6, 30), "1.2": date(2020, 6, 30), "3.1": date(2020, 6, 30)}
        assert admin_page._overrides(edited, annex) == {"1.1": date(2020, 7, 15)}

    @pytest.mark.skipif(
        not hasattr(store, "set_deadline_overrides"),
        reason="needs tenants.store.set_deadline_overrides (asked of the lead)",
    )
    def test_saving_deadlines_is_audited(self, board):
        at = open_page("admin", board.principal("admin"))
        button(at, "保存完成时限").click().run()
        assert "已保存" in texts(at) and "看板结果已按新时限重新计算" in texts(at)
        with make_sessionmaker(board.engine)() as session:
            assert store.audit_entries(session, PROVINCE, action=AuditAction.CAMPAIGN_DEADLINES_CHANGED)


def test_no_page_borrows_from_another_page() -> None:
    """What pages share lives in dashboard/ui.py, not in whichever page wrote it first."""
    borrowed = {
        (page.name, node.module)
        for page in ui.PAGES.glob("*.py")
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dashboard.views")
    }
    assert borrowed == set()
