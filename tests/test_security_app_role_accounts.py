"""PostgreSQL: connected as the app role (what the dashboard uses), accounts and the directory cannot be
rewritten, password hashes cannot be read, and signing in and disabling still work through the
owner's functions (issue #10, item 12). Each test has an app role of its own (see tests/test_rls.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from dashboard import ui
from tenants.access import scoped_transaction
from tenants.accounts import (
    ACCOUNT_WRITES_REFUSED,
    AccountError,
    Outcome,
    add_user,
    authenticate,
    disable_user,
    list_users,
    set_password,
)
from tenants.models import User
from tenants.principal import Principal, UserRole, local_operator
from tests.conftest import Directory
from tests.test_rls import ON_POSTGRESQL
from tests.test_security_accounts import GUESSES, PASSWORD, guess_in_parallel

pytestmark = ON_POSTGRESQL

OPERATOR = local_operator("tester")
CHIEF = Principal("chief", UserRole.PROVINCE_ADMIN)


@pytest.fixture
def accounts(session: Session, directory: Directory) -> Directory:
    add_user(session, "chief", UserRole.PROVINCE_ADMIN, by=OPERATOR, password=PASSWORD)
    add_user(session, "gz.school", UserRole.SCHOOL, by=OPERATOR, tenant_code=directory.school, password=PASSWORD)
    session.commit()
    return directory


def as_app(app: Engine, statement: str) -> None:
    with app.begin() as connection:
        connection.execute(text("SELECT set_config('app.all_tenants', 'on', true)"))
        connection.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET role = 'province-admin' WHERE username = 'gz.school'",
        "UPDATE users SET tenant_code = '4144010559' WHERE username = 'gz.school'",
        "UPDATE users SET password_hash = 'forged' WHERE username = 'gz.school'",
        "UPDATE users SET active = true",
        "UPDATE users SET failed_attempts = 0, locked_until = NULL",
        "INSERT INTO users (username, display_name, role, active, failed_attempts, created_at, credential_version) "
        "VALUES ('intruder', '', 'province-admin', true, 0, now(), 0)",
        "DELETE FROM users",
        "UPDATE tenants SET unit_code = '4401'",
        "SELECT password_hash FROM users",
        "SELECT * FROM users",
    ],
    ids=[
        "role",
        "school",
        "hash",
        "re-enable",
        "reset-failures",
        "insert",
        "delete",
        "school-unit",
        "read-hash",
        "read-all",
    ],
)
def test_the_app_role_cannot_rewrite_accounts_or_read_hashes(app: Engine, accounts: Directory, statement: str) -> None:
    with pytest.raises(DBAPIError, match="permission denied"):
        as_app(app, statement)


def test_the_app_role_reads_every_other_column_of_an_account(app: Engine, accounts: Directory) -> None:
    with scoped_transaction(app, CHIEF) as session:
        users = list_users(session, by=CHIEF)

    assert [(user.username, user.role, user.active) for user in users] == [
        ("chief", UserRole.PROVINCE_ADMIN, True),
        ("gz.school", UserRole.SCHOOL, True),
    ]


def test_the_salt_function_hands_out_no_digest(app: Engine, session: Session, accounts: Directory) -> None:
    stored = session.scalar(select(User.password_hash).where(User.username == "gz.school"))
    with app.connect() as connection:
        salt = connection.scalar(text("SELECT account_salt('gz.school')"))

    assert stored.startswith(salt + "$")
    assert len(stored) - len(salt) > 40  # the 32-byte digest stayed in the database


def test_signing_in_and_disabling_work_as_the_app_role(app: Engine, session: Session, accounts: Directory) -> None:
    with Session(app) as unscoped, unscoped.begin():
        assert authenticate(unscoped, "gz.school", PASSWORD).outcome is Outcome.SIGNED_IN
        assert authenticate(unscoped, "gz.school", "wrong password", sleep=lambda _: None).outcome is Outcome.WRONG
    with scoped_transaction(app, CHIEF) as scoped:
        disable_user(scoped, "gz.school", by=CHIEF)

    user = session.get(User, "gz.school", populate_existing=True)
    assert (user.active, user.failed_attempts, user.last_login_at is not None) == (False, 1, True)


@pytest.mark.parametrize("change", ["add", "passwd"])
def test_pages_may_not_add_accounts_or_set_passwords(app: Engine, accounts: Directory, change: str) -> None:
    with (
        pytest.raises(AccountError, match="须在服务器上用 reformboard user 命令完成"),
        scoped_transaction(app, CHIEF) as session,
    ):
        if change == "add":
            add_user(session, "intruder", UserRole.PROVINCE_ADMIN, by=CHIEF, password="a strong secret phrase")
        else:
            set_password(session, "gz.school", "a strong secret phrase", by=CHIEF)


def test_parallel_guesses_as_the_app_role_are_all_counted(app: Engine, session: Session, accounts: Directory) -> None:
    guess_in_parallel(app, "gz.school", GUESSES)

    user = session.get(User, "gz.school", populate_existing=True)
    assert user.failed_attempts == GUESSES
    assert user.locked_until is not None


def test_an_sso_sign_in_may_still_note_the_time_as_the_app_role(
    app: Engine, session: Session, accounts: Directory
) -> None:
    with Session(app) as unscoped, unscoped.begin():  # what dashboard.auth does for an SSO identity
        unscoped.get(User, "gz.school").last_login_at = datetime(2026, 11, 30, tzinfo=UTC)

    assert session.get(User, "gz.school").last_login_at == datetime(2026, 11, 30, tzinfo=UTC)


def test_the_admin_page_offers_no_add_form_it_could_not_submit(
    app_url: URL, db_url: str, accounts: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", db_url)
    monkeypatch.setenv("REFORMBOARD_APP_DATABASE_URL", app_url.render_as_string(hide_password=False))
    page = AppTest.from_file(str(Path(ui.PAGES) / "admin.py"), default_timeout=60)
    page.session_state["auth.principal"] = CHIEF
    page.session_state["auth.last_seen"] = datetime.now(UTC)
    page.session_state["ui.campaigns"] = {accounts.campaign.id: accounts.campaign}
    page.session_state[ui.CAMPAIGN_KEY] = accounts.campaign.id

    page.run()

    assert not page.exception
    assert ACCOUNT_WRITES_REFUSED + "。" in [info.value for info in page.info]
    assert "添加用户" not in [button.label for button in page.button]
