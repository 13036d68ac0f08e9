"""Issue #10, items 11 and 13: connected as the app role, SQL cannot widen its scope or forge audit entries.

PostgreSQL only (SQLite has no roles); the app role comes from tests/fixtures/app_role.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from tenants import rls
from tenants.access import scoped_transaction
from tenants.accounts import add_user
from tenants.principal import Principal, UserRole, local_operator
from tenants.store import audit, audit_entries
from tests.conftest import PROVINCE, Directory
from tests.test_login_page import APP as LOGIN_APP
from tests.test_login_page import PASSWORD, sign_in

ON_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def rows_seen(connection: Connection) -> tuple[int, int]:
    return (
        connection.scalar(text("SELECT count(*) FROM submissions")),
        connection.scalar(text("SELECT count(*) FROM audit_log")),
    )


def school_of(code: str) -> Principal:
    return Principal(f"user-{code}", UserRole.SCHOOL, tenant_code=code)


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "forged",
    [
        {"app.all_tenants": "on"},
        {"app.tenant_ids": "4144010558,4144010559"},
        {"app.scope": "all", "app.actor": "chief", "app.scope_signature": "00" * 32},
    ],
    ids=["all-tenants-flag", "tenant-list", "made-up-signature"],
)
def test_settings_the_app_role_writes_itself_open_no_rows(
    app: Engine, uploads: Directory, forged: dict[str, str]
) -> None:
    with app.begin() as connection:
        for name, value in forged.items():
            connection.execute(text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
        assert rows_seen(connection) == (0, 0)


@ON_POSTGRESQL
def test_a_signature_from_another_transaction_is_worthless(app: Engine, uploads: Directory) -> None:
    settings = text(
        "SELECT current_setting('app.scope'), current_setting('app.actor'), current_setting('app.scope_signature')"
    )
    with app.begin() as connection:
        rls.set_scope(connection, "chief", None)
        assert rows_seen(connection) == (2, 2)
        signed = connection.execute(settings).one()
    with app.begin() as connection:
        connection.execute(
            text(
                "SELECT set_config('app.scope', :scope, true), set_config('app.actor', :actor, true),"
                " set_config('app.scope_signature', :signature, true)"
            ),
            dict(zip(("scope", "actor", "signature"), signed, strict=True)),
        )
        assert rows_seen(connection) == (0, 0)


@ON_POSTGRESQL
def test_a_signed_scope_cannot_be_stretched_to_more_schools(app: Engine, uploads: Directory) -> None:
    with app.begin() as connection:
        rls.set_scope(connection, "user-a", [uploads.school])
        connection.execute(
            text("SELECT set_config('app.scope', :both, true)"), {"both": f"{uploads.school},{uploads.other_school}"}
        )
        assert rows_seen(connection) == (0, 0)


@ON_POSTGRESQL
def test_the_app_role_cannot_read_the_signing_key(app: Engine, uploads: Directory) -> None:
    with pytest.raises(DBAPIError, match="permission denied"), app.begin() as connection:
        connection.execute(text("SELECT key FROM scope_key"))


@ON_POSTGRESQL
def test_the_app_role_appends_audit_entries_in_its_signed_users_name(app: Engine, uploads: Directory) -> None:
    me = school_of(uploads.school)
    with scoped_transaction(app, me) as session:
        audit(session, me.username, "viewed", uploads.school)

    with scoped_transaction(app, Principal("chief", UserRole.PROVINCE_ADMIN)) as session:
        assert session.scalar(text("SELECT actor FROM audit_log WHERE action = 'viewed'")) == me.username


@ON_POSTGRESQL
def test_an_audit_entry_in_another_users_name_is_refused(app: Engine, uploads: Directory) -> None:
    me = school_of(uploads.school)
    with pytest.raises(DBAPIError, match="row-level security"), scoped_transaction(app, me) as session:
        audit(session, "admin", "verdict_override", uploads.other_school)
        session.flush()


@ON_POSTGRESQL
def test_an_audit_entry_without_a_signed_user_is_refused(app: Engine, uploads: Directory) -> None:
    with pytest.raises(DBAPIError, match="row-level security"), app.begin() as connection:
        connection.execute(text("SELECT set_config('app.actor', 'admin', true)"))
        connection.execute(
            text("INSERT INTO audit_log (at, actor, action, detail) VALUES (now(), 'admin', 'forged', '{}')")
        )


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"], ids=["update", "delete"]
)
def test_audit_entries_are_never_changed_by_the_app_role(app: Engine, uploads: Directory, statement: str) -> None:
    with pytest.raises(DBAPIError, match="permission denied"), app.begin() as connection:
        rls.set_scope(connection, "owner", None)
        connection.execute(text(statement))


@ON_POSTGRESQL
def test_the_board_as_the_app_role_audits_a_sign_in_and_a_sign_out(
    app_url: URL, db_url: str, session: Session, directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", db_url)
    monkeypatch.setenv("REFORMBOARD_APP_DATABASE_URL", app_url.render_as_string(hide_password=False))
    add_user(
        session,
        "gz.school",
        UserRole.SCHOOL,
        by=local_operator("tester"),
        tenant_code=directory.school,
        password=PASSWORD,
    )
    session.commit()
    board = AppTest.from_string(LOGIN_APP, default_timeout=30).run()

    sign_in(board).button[0].click().run()

    assert [(e.actor, e.action) for e in audit_entries(session, PROVINCE, actor="gz.school")] == [
        ("gz.school", "logout"),
        ("gz.school", "login"),
    ]


@ON_POSTGRESQL
def test_only_the_owners_verifier_runs_with_its_rights_and_its_search_path_is_pinned(engine: Engine) -> None:
    with engine.connect() as connection:
        functions = connection.execute(
            text(
                "SELECT proname, prosecdef, proconfig FROM pg_proc "
                "WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'scope%' ORDER BY proname"
            )
        ).all()
    assert [(name, definer) for name, definer, _ in functions] == [
        ("scope_actor", False),
        ("scope_all", False),
        ("scope_hmac", False),
        ("scope_tenants", False),
        ("scope_verified", True),
    ]
    assert all(config == ["search_path=pg_catalog, pg_temp"] for _, _, config in functions)
