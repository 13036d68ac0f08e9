"""Backfilled submissions: a workbook received by e-mail or on paper is dated on the board by the day it
was received, as a province administrator records it; the actual upload time is kept beside it, both are
audited and shown in the history (补录). On both databases, through the CLI, ingest and the upload page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import Engine, make_url, select, text
from sqlalchemy.orm import Session

from checks.engine import assess
from checks.results import Verdict
from checks.rulebook import load_rulebook
from checks.schema import SchoolReport
from loaders import verification
from loaders.limits import Limits
from loaders.template import fill_template
from reformboard.cli import main
from reformboard.errors import UserFacingError
from reformboard.services.uploads import ingest
from tenants import rls, store
from tenants.access import AccessDenied
from tenants.accounts import add_user, get_user, principal_for
from tenants.audit import AuditAction
from tenants.db import alembic_config, make_engine, make_sessionmaker, migrate
from tenants.models import Submission
from tenants.principal import Principal, UserRole, local_operator
from tenants.submissions import CHINA_TIME, start_of_day
from tests.conftest import PROVINCE
from tests.fixtures.cli import score_json
from tests.fixtures.reports import UNIT_KINDS
from tests.fixtures.wust import wust_report
from tests.test_dashboard_pages import button, open_page, texts

RULEBOOK = load_rulebook()
CAMPAIGN = RULEBOOK.campaign
SCHOOL = "4144010558"
RECEIVED = date(2020, 10, 20)
RECEIVED_KEY = "upload.received_on"


def report(contact: str = "") -> SchoolReport:
    """The 武汉科技大学 report as school SCHOOL's; a different contact makes a different file."""
    base = wust_report()
    return replace(base, school=replace(base.school, code=SCHOOL, contact_name=contact or base.school.contact_name))


def workbook(tmp_path: Path, contact: str = "") -> Path:
    path = tmp_path / f"补录{contact}.xlsx"
    path.write_bytes(fill_template(report(contact), RULEBOOK, CAMPAIGN))
    return path


@pytest.fixture
def board(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """One school, the campaign, a province administrator and the school's account; the CLI and the
    pages use this database."""
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", db_url)
    monkeypatch.delenv("REFORMBOARD_APP_DATABASE_URL", raising=False)
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as session:
        store.add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
        store.add_school(session, SCHOOL, "广州示范大学", "4401", "本科")
        store.ensure_campaign(session, CAMPAIGN)
        operator = local_operator("test")
        add_user(session, "admin", UserRole.PROVINCE_ADMIN, by=operator, email="admin@example.cn")
        add_user(session, "school", UserRole.SCHOOL, by=operator, email="school@example.cn", tenant_code=SCHOOL)
    yield engine
    engine.dispose()


def stored(engine: Engine) -> list[Submission]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(Submission).order_by(Submission.id)))


def verdict_on(capsys, day: date) -> str:
    [school] = score_json(capsys, "--as-of", day.isoformat(), "--tenant", SCHOOL)
    return school["verdict"]


# --- the command line ----------------------------------------------------------------------------


def test_a_workbook_loaded_with_its_received_day_is_scored_from_that_day(board, tmp_path, capsys):
    assert main(["load", str(workbook(tmp_path)), "--received-on", RECEIVED.isoformat()]) == 0
    assert "已接收（补录，收到日期 2020-10-20）" in capsys.readouterr().out
    expected = assess(report(), RULEBOOK, CAMPAIGN, date(2020, 10, 31), tenant=SCHOOL, school="广州示范大学")
    assert expected.verdict is not Verdict.NOT_SUBMITTED
    assert verdict_on(capsys, date(2020, 10, 31)) == expected.verdict.value
    assert verdict_on(capsys, RECEIVED - timedelta(days=1)) == Verdict.NOT_SUBMITTED.value


def test_the_upload_time_is_kept_beside_the_received_day_and_both_are_audited(board, tmp_path):
    before = datetime.now(UTC)
    assert main(["load", str(workbook(tmp_path)), "--received-on", RECEIVED.isoformat()]) == 0
    after = datetime.now(UTC)
    [submission] = stored(board)
    assert before <= submission.uploaded_at <= after
    assert submission.received_at == start_of_day(RECEIVED)
    assert submission.backfilled and submission.accepted and submission.uploader.startswith("cli:")
    with make_sessionmaker(board)() as session:
        [entry] = store.audit_entries(session, PROVINCE, action="upload_accepted")
    assert entry.detail["received_on"] == RECEIVED.isoformat()
    assert datetime.fromisoformat(entry.detail["uploaded_at"]) == submission.uploaded_at


def test_a_live_upload_is_dated_by_its_upload_time_and_not_marked(board, tmp_path):
    assert main(["load", str(workbook(tmp_path))]) == 0
    [submission] = stored(board)
    assert submission.received_at == submission.uploaded_at and not submission.backfilled


def test_the_board_takes_the_submission_received_last_not_the_one_uploaded_last(board, tmp_path):
    # A school uploaded on 10-25; its paper workbook of 10-20 is backfilled afterwards.
    with make_sessionmaker(board).begin() as session:
        upload(
            session,
            local_operator("test"),
            workbook(tmp_path, "网上").read_bytes(),
            now=datetime(2020, 10, 25, 2, tzinfo=UTC),
        )
    assert main(["load", str(workbook(tmp_path, "纸质")), "--received-on", RECEIVED.isoformat()]) == 0
    live, paper = stored(board)
    with make_sessionmaker(board)() as session:
        assert store.latest_accepted(session, CAMPAIGN.id, date(2020, 10, 31))[SCHOOL].id == live.id
        assert store.latest_accepted(session, CAMPAIGN.id, date(2020, 10, 22))[SCHOOL].id == paper.id
        assert [s.id for s in store.history(session, PROVINCE, SCHOOL, CAMPAIGN.id)] == [live.id, paper.id]


@pytest.mark.parametrize(
    "received, message",
    [
        (datetime.now(CHINA_TIME).date() + timedelta(days=1), "晚于今天"),
        (CAMPAIGN.starts_on - timedelta(days=1), "早于验收批次"),
    ],
)
def test_a_received_day_in_the_future_or_before_the_campaign_is_refused(board, tmp_path, capsys, received, message):
    assert main(["load", str(workbook(tmp_path)), "--received-on", received.isoformat()]) == 1
    assert message in capsys.readouterr().err
    assert stored(board) == []


def upload(
    session: Session, principal: Principal, data: bytes, *, received_on: date | None = None, now: datetime | None = None
):
    return ingest(
        session,
        data=data,
        filename="补录.xlsx",
        principal=principal,
        campaign=CAMPAIGN,
        rulebook=RULEBOOK,
        limits=Limits(),
        target_tenant=SCHOOL,
        received_on=received_on,
        now=now,
    )


def test_only_a_province_administrator_backfills(board, tmp_path):
    school_user = Principal("school", UserRole.SCHOOL, tenant_code=SCHOOL)
    with pytest.raises(AccessDenied), make_sessionmaker(board).begin() as session:
        upload(session, school_user, workbook(tmp_path).read_bytes(), received_on=RECEIVED)
    assert stored(board) == []
    with make_sessionmaker(board)() as session:
        [refusal] = store.audit_entries(session, PROVINCE, action=AuditAction.PERMISSION_DENIED)
    assert (refusal.actor, refusal.detail["attempted"]) == ("school", "backfill")


def test_ingest_refuses_a_future_day_with_a_chinese_message(board, tmp_path):
    now = datetime(2020, 10, 25, 2, tzinfo=UTC)
    with pytest.raises(UserFacingError, match="晚于今天（2020-10-25）"), make_sessionmaker(board).begin() as session:
        upload(
            session, local_operator("test"), workbook(tmp_path).read_bytes(), received_on=date(2020, 10, 26), now=now
        )


def sheet_header(tmp_path: Path) -> str:
    """The text above the table of the school's verification sheet, exported through the CLI."""
    path = tmp_path / "核查表.xlsx"
    assert main(["export-sheets", "--tenant", SCHOOL, "--as-of", "2020-10-31", "-o", str(path)]) == 0
    sheet = load_workbook(path)[verification.SHEET]
    return " ".join(str(sheet.cell(row, column).value) for row, column in verification.header_cells())


def test_a_backfilled_submissions_sheet_shows_its_received_day_marked_backfilled(board, tmp_path):
    assert main(["load", str(workbook(tmp_path)), "--received-on", RECEIVED.isoformat()]) == 0
    assert "收到时间：2020-10-20（补录）" in sheet_header(tmp_path)


def test_a_live_submissions_sheet_shows_its_upload_time_in_china_time(board, tmp_path):
    with make_sessionmaker(board).begin() as session:
        upload(
            session,
            local_operator("test"),
            workbook(tmp_path).read_bytes(),
            now=datetime(2020, 10, 12, 17, 30, tzinfo=UTC),
        )
    assert "收到时间：2020-10-13 01:30" in sheet_header(tmp_path)  # 17:30 UTC is 01:30 the next day in China


# --- the pages -----------------------------------------------------------------------------------


def principal(engine: Engine, username: str) -> Principal:
    with make_sessionmaker(engine)() as session:
        return principal_for(get_user(session, username))


def received_fields(at) -> list:
    return [d for d in at.date_input if d.key == RECEIVED_KEY]


def test_the_upload_page_offers_the_received_day_to_the_administrator_only(board):
    assert received_fields(open_page("upload", principal(board, "admin")))
    assert not received_fields(open_page("upload", principal(board, "school")))


def test_the_administrator_backfills_on_the_page_and_the_history_shows_both_times(board, tmp_path):
    at = open_page("upload", principal(board, "admin"))
    received_fields(at)[0].set_value(RECEIVED).run()
    at.file_uploader[0].upload("纸质报送.xlsx", workbook(tmp_path).read_bytes()).run()
    assert "按收到日期 2020-10-20 计算" in texts(at)
    button(at, "确认提交").click().run()
    assert "已补录：纸质报送.xlsx" in texts(at)
    assert received_fields(at)[0].value is None  # the next file is not backfilled by mistake
    [submission] = stored(board)
    assert submission.backfilled and submission.received_at == start_of_day(RECEIVED)
    assert submission.uploader == "admin"

    school_page = open_page("school", principal(board, "school"))
    history = next(f.value for f in school_page.dataframe if "收到时间" in f.value.columns)
    assert list(history["收到时间"]) == ["2020-10-20（补录）"]
    assert list(history["上传时间"]) == [submission.uploaded_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")]
    assert "补录" in texts(school_page)


def test_the_page_refuses_a_received_day_before_the_campaign(board, tmp_path):
    at = open_page("upload", principal(board, "admin"))
    received_fields(at)[0].set_value(date(2019, 12, 31)).run()
    at.file_uploader[0].upload("纸质报送.xlsx", workbook(tmp_path).read_bytes()).run()
    assert any("早于验收批次" in e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith("确认提交")]
    assert stored(board) == []


# --- the migration -------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def owner_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database; on PostgreSQL owned by a role that is not a superuser, so that row-level
    security (forced on the owner too) applies to the migration as it does in production."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create()
    owner = f"{name}_owner"
    with server.admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN"))
        connection.execute(text(f"ALTER DATABASE {name} OWNER TO {owner}"))
    yield make_url(server.url(name)).set(username=owner, password=None).render_as_string(hide_password=False)
    server.drop(name)
    with server.admin.connect() as connection:
        connection.execute(text(f"DROP ROLE {owner}"))


def test_submissions_stored_before_the_upgrade_are_dated_by_their_upload_time(owner_url):
    engine = make_engine(owner_url)
    config = alembic_config()
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT set_config('app.all_tenants', 'on', true)"))
        for statement in OLD_ROWS:
            connection.execute(text(statement), {"at": datetime(2020, 10, 12, 1, 30, tzinfo=UTC), "raw": b"x"})
    migrate(engine)
    with make_sessionmaker(engine)() as session:
        if engine.dialect.name == "postgresql":
            rls.set_scope(session, "tester", None)  # after the upgrade, only a signed scope sees rows
        [old] = session.scalars(select(Submission)).all()
    engine.dispose()
    assert old.received_at == old.uploaded_at == datetime(2020, 10, 12, 1, 30, tzinfo=UTC)
    assert not old.backfilled


OLD_ROWS = [
    "INSERT INTO units (code, name, kind) VALUES ('4401', '广州市团委', '地市团委')",
    "INSERT INTO tenants (code, name, unit_code, school_type, created_at, active) "
    f"VALUES ('{SCHOOL}', '广州示范大学', '4401', '本科', :at, true)",
    "INSERT INTO campaigns (id, name, rulebook, starts_on, acceptance_on, contact, deadline_overrides) "
    "VALUES ('gd-2020', '2020', 'guangdong-2020', '2020-05-01', '2020-10-15', '', '{}')",
    "INSERT INTO submissions (tenant_code, campaign_id, filename, size, sha256, uploader, uploaded_at, accepted, "
    f"problems, template_version, raw) VALUES ('{SCHOOL}', 'gd-2020', 'old.xlsx', 1, 'x', 'school', :at, false, "
    "'[]', '1', :raw)",
]
