"""Issue #10, item 14: `reformboard init`, run again after an upgrade, works with an owner that is not a
superuser but has CREATEROLE, and no password shows in its output, its errors or the SQL log.

PostgreSQL only: the owner and app roles and the owner's database are made per test and dropped after.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from checks.rulebook import load_rulebook
from reformboard.cli import main
from tenants.access import scoped_transaction
from tenants.db import make_engine
from tenants.models import AuditEntry, Submission
from tenants.principal import Principal, UserRole
from tenants.store import add_school, add_unit, audit, record_submission
from tests.conftest import PostgresServer
from tests.fixtures.reports import UNIT_KINDS

CHIEF = Principal("chief", UserRole.PROVINCE_ADMIN)


@dataclass(frozen=True)
class Deployment:
    owner: URL
    app: URL


@pytest.fixture
def deployment(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    """An owner role (LOGIN CREATEROLE, not superuser) owning a fresh database, and an app URL, in the env."""
    suffix = secrets.token_hex(4)
    owner_name, app_name, database = f"rb_owner_{suffix}", f"rb_app_{suffix}", f"rb_init_{suffix}"
    admin = postgres_server.admin
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {owner_name} LOGIN CREATEROLE PASSWORD 'owner-{suffix}'")
        connection.exec_driver_sql(f"CREATE DATABASE {database} OWNER {owner_name}")
    base = admin.url.set(database=database)
    found = Deployment(
        owner=base.set(username=owner_name, password=f"owner-{suffix}"),
        app=base.set(username=app_name, password=f"app-secret-{secrets.token_urlsafe(12)}"),
    )
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", found.owner.render_as_string(hide_password=False))
    monkeypatch.setenv("REFORMBOARD_APP_DATABASE_URL", found.app.render_as_string(hide_password=False))
    yield found
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {app_name}")
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {owner_name}")


@pytest.fixture
def sql_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every statement and its parameters, as SQLAlchemy's echo would print them."""
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    return caplog


def test_init_runs_again_with_a_createrole_owner_without_showing_a_password(
    deployment: Deployment, capsys: pytest.CaptureFixture[str], sql_log: pytest.LogCaptureFixture
) -> None:
    assert main(["init"]) == 0
    assert main(["init"]) == 0  # after an upgrade

    printed = capsys.readouterr()
    assert "ALTER ROLE" in sql_log.text  # the log holds the statements and their parameters
    for password in (deployment.app.password, deployment.owner.password):
        assert password not in printed.out + printed.err + sql_log.text


def test_after_init_the_board_signs_its_scope_with_the_key_init_stored(deployment: Deployment) -> None:
    assert main(["init"]) == 0
    board = make_engine(deployment.app)
    try:
        with scoped_transaction(board, CHIEF) as session:
            audit(session, CHIEF.username, "viewed")  # the audit policy accepts only the signed actor
        with scoped_transaction(board, CHIEF) as session:
            actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
            assert list(actions) == ["admin_bootstrapped", "viewed"]
    finally:
        board.dispose()


def test_the_owner_signs_its_own_scope_under_forced_row_level_security(deployment: Deployment) -> None:
    assert main(["init"]) == 0
    owner = make_engine(deployment.owner)
    try:
        with scoped_transaction(owner, CHIEF) as session:
            add_unit(session, "4401", "广州市团委", "地市团委", kinds=UNIT_KINDS)
            add_school(session, "4144010558", "广州示范大学", "4401", "本科")
            record_submission(
                session,
                tenant_code="4144010558",
                campaign_id=load_rulebook().campaign.id,
                filename="a.xlsx",
                raw=b"a",
                uploader="cli",
                uploaded_at=datetime.now(UTC),
                report=None,
                problems=[],
            )
        with scoped_transaction(owner, CHIEF) as session:
            assert session.scalar(select(func.count()).select_from(Submission)) == 1
    finally:
        owner.dispose()


def test_a_failing_init_names_the_role_but_not_its_password(
    deployment: Deployment,
    postgres_server: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sql_log: pytest.LogCaptureFixture,
) -> None:
    # The server's superuser as the "app role": a CREATEROLE owner may not alter it.
    superuser = postgres_server.admin.url.username
    password = f"never-shown-{secrets.token_urlsafe(12)}"
    monkeypatch.setenv(
        "REFORMBOARD_APP_DATABASE_URL",
        deployment.app.set(username=superuser, password=password).render_as_string(hide_password=False),
    )

    assert main(["init"]) == 1

    printed = capsys.readouterr()
    assert f"无法创建或更新应用角色 {superuser}" in printed.err
    assert password not in printed.out + printed.err + sql_log.text
