"""PostgreSQL row-level security: the database itself keeps each school's rows from other tenants.

Every table holding a school's rows has row-level security enabled and forced, with a policy that
shows (and accepts) a row only when the transaction's signed scope names its tenant_code or covers
all tenants. A scope is three transaction-local settings, written by set_scope:

    app.scope            'all' (province roles) or the sorted codes, '4144010558,4144010559'
    app.actor            the signed-in user the transaction acts for
    app.scope_signature  hex HMAC-SHA256(key, txid_current() + newline + scope + newline + actor)

Any role may set any setting, so the policies trust a scope only through scope_verified(), a
SECURITY DEFINER function owned by the owner (search_path pinned) that recomputes the signature with
the key in scope_key, a table only the owner can read (migration 0006). Without the key a role
cannot sign a wider scope; the transaction id in the message means a signature read from another
session (pg_stat_activity shows the app role its own sessions' statements) is worthless in any other
transaction. With no valid signature a query sees zero rows. The audit log takes from the app role
only entries whose actor is the signed actor, in any tenant (a refused attempt names a tenant outside
the scope); it is read within the scope, and entries naming no tenant only with the 'all' scope.

Where the key comes from: it is derived from the app role's password (PBKDF2-HMAC-SHA256,
KEY_ITERATIONS rounds, salted with the role's name), which the app already holds in its URL and the
database keeps only as a SCRAM verifier the app role cannot read. `reformboard init` derives it from
REFORMBOARD_APP_DATABASE_URL and stores it in scope_key; the board derives it from its own URL. So
there is nothing new to configure, print or leak, and changing the app role's password (then running
init) changes the key. The owner (and a board run without an app role) reads the key from scope_key;
until init stores the app role's key, scope_key holds a random one. Make the app role's password long
and random: a signature seen by someone running SQL as the app role lets them test guesses offline.

What this stops: SQL run as the app role, through a bug or an injection, reading or writing another
school's rows, reading beyond its scope, or appending audit entries in another user's name; the app
role can never update or delete audit entries or submissions. What it does not stop: anyone holding
the app role's password (they can derive the key and sign any scope), a compromised application
process, the owner and superusers (the owner could switch row-level security off), and the tables
without tenant rows (units, tenants, campaigns, users), which only APP_PRIVILEGES limit.

Two database accounts (SQLite deployments need none of this; the access layer is the guard there):

- the OWNER (REFORMBOARD_DATABASE_URL): owns the tables; `reformboard init` and migrations use it.
- the APP role (REFORMBOARD_APP_DATABASE_URL): what the dashboard connects as; LOGIN, neither owner
  nor superuser, so RLS applies to it, and granted only APP_PRIVILEGES (the audit log is
  append-only, submissions are never changed, password hashes are never read, accounts change only
  through APP_FUNCTIONS). `reformboard init`, run with the owner URL (which needs CREATEROLE, not
  superuser), creates or updates this role with the user name and password of the app URL (sent as a
  SCRAM verifier, never in clear), changes only attributes that are wrong, stores the scope key and
  (re)grants exactly APP_PRIVILEGES and APP_FUNCTIONS, so run it again after every upgrade.

A production deployment sets, e.g. in the service's environment file:

    REFORMBOARD_DATABASE_URL=postgresql://reformboard_owner:…@db/reformboard
    REFORMBOARD_APP_DATABASE_URL=postgresql://reformboard_app:…@db/reformboard

The owner URL is needed only by init and the command line; the dashboard needs only the app URL.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache

from psycopg2.extensions import connection as Psycopg2Connection
from psycopg2.extensions import encrypt_password
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tenants.db import DatabaseUnavailable

SCOPE, ACTOR, SIGNATURE = "app.scope", "app.actor", "app.scope_signature"
ALL = "all"
KEY_ITERATIONS = 600_000  # derived once per process and password (about 0.15 s)
# Attributes the app role must have, as pg_roles columns and ALTER ROLE keywords: init changes only the
# wrong ones, since naming SUPERUSER or BYPASSRLS at all in ALTER ROLE needs a superuser.
APP_ROLE_ATTRIBUTES = {
    "rolcanlogin": ("LOGIN", True),
    "rolsuper": ("SUPERUSER", False),
    "rolcreatedb": ("CREATEDB", False),
    "rolcreaterole": ("CREATEROLE", False),
    "rolbypassrls": ("BYPASSRLS", False),
}

# What the app role may do, table by table; every table of the schema must be listed.
APP_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "units": ("SELECT", "INSERT", "UPDATE"),
    "tenants": ("SELECT", "INSERT"),  # a school's unit is changed by the owner only
    "campaigns": ("SELECT", "INSERT", "UPDATE"),
    "campaign_schools": ("SELECT", "INSERT"),
    # Never password_hash; no INSERT, and UPDATE of last_login_at only (an SSO sign-in): pages add no
    # accounts (the CLI does), and sign in and disable only through APP_FUNCTIONS.
    "users": (
        "SELECT (username, display_name, role, tenant_code, unit_code, oidc_subject, email, active, "
        "failed_attempts, locked_until, last_login_at, created_at, credential_version)",
        "UPDATE (last_login_at)",
    ),
    "unknown_logins": ("SELECT", "INSERT", "UPDATE"),
    "submissions": ("SELECT", "INSERT"),
    "report_school": ("SELECT", "INSERT"),
    "report_items": ("SELECT", "INSERT"),
    "report_organisations": ("SELECT", "INSERT"),
    "report_staff": ("SELECT", "INSERT"),
    "report_meetings": ("SELECT", "INSERT"),
    "assessments": ("SELECT", "INSERT"),
    "stored_results": ("SELECT", "INSERT"),  # a key's findings never change; a new key adds rows
    "board_facts": ("SELECT", "INSERT"),  # likewise
    "onsite_results": ("SELECT", "INSERT"),
    "verdict_overrides": ("SELECT", "INSERT"),
    "reminders": ("SELECT", "INSERT", "UPDATE"),
    "escalations": ("SELECT", "INSERT", "UPDATE"),
    "deliveries": ("SELECT", "INSERT"),  # the record of what was sent is never rewritten
    "school_contacts": ("SELECT", "INSERT", "DELETE"),
    "unit_contacts": ("SELECT", "INSERT", "DELETE"),
    "documents": ("SELECT", "INSERT"),  # superseded by newer rows, never changed or deleted
    "audit_log": ("SELECT", "INSERT"),
    "alembic_version": ("SELECT",),
    "scope_key": (),  # the signing key: the owner's alone
}

# Migration 0004's SECURITY DEFINER functions: the only ways the app role changes an account.
APP_FUNCTIONS = (
    "account_salt(text)",
    "account_check_password(text, text, timestamptz, integer, timestamptz)",
    "account_disable(text)",
)


def set_scope(executor: Session | Connection, actor: str, tenant_codes: Iterable[str] | None) -> None:
    """Limit this transaction to `tenant_codes` (None: every tenant), acting for `actor`, signed."""
    scope = ALL if tenant_codes is None else ",".join(sorted(tenant_codes))
    txid, owner = executor.execute(
        text("SELECT txid_current(), has_table_privilege('public.scope_key', 'SELECT')")
    ).one()
    key = bytes(executor.scalar(text("SELECT key FROM scope_key"))) if owner else app_key(_url_of(executor))
    message = f"{txid}\n{scope}\n{actor}".encode()
    executor.execute(
        text(
            "SELECT set_config(:scope_name, :scope, true), set_config(:actor_name, :actor, true), "
            "set_config(:signature_name, :signature, true)"
        ),
        {
            "scope_name": SCOPE,
            "scope": scope,
            "actor_name": ACTOR,
            "actor": actor,
            "signature_name": SIGNATURE,
            "signature": hmac.new(key, message, hashlib.sha256).hexdigest(),
        },
    )


def sign_actor(session: Session, actor: str) -> None:
    """On PostgreSQL, let this transaction append audit entries as `actor` (a login attempt, a sign-out),
    seeing no tenant's rows."""
    if session.get_bind().dialect.name == "postgresql":
        set_scope(session, actor, ())


def app_key(url: URL) -> bytes:
    """The scope key derived from the password in the app role's URL."""
    if not url.password:
        raise DatabaseUnavailable(f"应用角色的数据库地址须包含密码（用于签署访问范围）：{url.render_as_string()}")
    return _derive(str(url.password), str(url.username))


@lru_cache(maxsize=8)
def _derive(password: str, role: str) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), f"reformboard scope key:{role}".encode(), KEY_ITERATIONS)


def _url_of(executor: Session | Connection) -> URL:
    bind = executor.get_bind() if isinstance(executor, Session) else executor
    return bind.engine.url


def ensure_app_role(owner: Engine, app_url: URL) -> None:
    """Create or update the app role named in `app_url`, store its scope key and grant it exactly
    APP_PRIVILEGES. Errors name the role, never its password."""
    name = str(app_url.username)
    key = app_key(app_url)
    try:
        with owner.begin() as connection:
            _create_or_update_role(connection, name, str(app_url.password))
            connection.execute(text("UPDATE scope_key SET key = :key"), {"key": key})
            _grant(connection, name)
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split()) if exc.orig is not None else type(exc).__name__
        raise DatabaseUnavailable(f"无法创建或更新应用角色 {name}：{reason}") from None


def _create_or_update_role(connection: Connection, name: str, password: str) -> None:
    role = _quote(connection, name)
    current = (
        connection.execute(
            text(f"SELECT {', '.join(APP_ROLE_ATTRIBUTES)} FROM pg_roles WHERE rolname = :name"), {"name": name}
        )
        .mappings()
        .one_or_none()
    )
    wrong = [
        keyword if wanted else f"NO{keyword}"
        for column, (keyword, wanted) in APP_ROLE_ATTRIBUTES.items()
        if current is None or current[column] != wanted
    ]
    verb = "CREATE" if current is None else "ALTER"
    # The server receives (and may log) a SCRAM verifier, never the password itself.
    driver = connection.connection.dbapi_connection
    assert isinstance(driver, Psycopg2Connection)  # roles exist only on PostgreSQL, reached through psycopg2
    verifier = encrypt_password(password, name, driver, "scram-sha-256")
    connection.exec_driver_sql(f"{verb} ROLE {role} {' '.join(wrong)} PASSWORD %s", (verifier,))


def _grant(connection: Connection, name: str) -> None:
    role = _quote(connection, name)
    database = _quote(connection, connection.scalar(text("SELECT current_database()")))
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {role}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
    for table, privileges in APP_PRIVILEGES.items():
        if privileges:
            connection.exec_driver_sql(f"GRANT {', '.join(privileges)} ON {_quote(connection, table)} TO {role}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {role}")
    for function in APP_FUNCTIONS:
        connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")
    # Integer primary keys are serial columns: inserting draws from their sequences.
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def _quote(connection: Connection, identifier: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(identifier)
