"""PostgreSQL row-level security: the database itself keeps each school's rows from other tenants.

Migration 0002 enables and forces RLS on every table holding a school's rows, with a policy that
shows a row only when the transaction's scope names its tenant_code (or covers all tenants):

    app.all_tenants = 'on'            province roles: every tenant
    app.tenant_ids  = '4144010558,…'  a unit's schools, or a school's own code

tenants.access.scoped_transaction sets both with set_config(..., is_local => true), so the scope
ends with the transaction and a pooled connection never carries it into the next one. With no scope
set a query sees zero rows. audit_log may be appended to in any scope (a refused attempt names a
tenant outside it) but is read only within it.

Two database accounts (SQLite deployments need none of this; the access layer is the guard there):

- the OWNER (REFORMBOARD_DATABASE_URL): owns the tables; `reformboard init` and migrations use it.
- the APP role (REFORMBOARD_APP_DATABASE_URL): what the dashboard connects as; LOGIN, neither owner
  nor superuser, so RLS applies to it, and granted only APP_PRIVILEGES (the audit log is
  append-only, submissions are never changed, password hashes are never read, accounts change only
  through APP_FUNCTIONS). `reformboard init`, run with the owner URL (which
  needs CREATEROLE), creates or updates this role with the user name and password of the app URL
  and (re)grants exactly APP_PRIVILEGES, so run it again after every upgrade.

A production deployment sets, e.g. in the service's environment file:

    REFORMBOARD_DATABASE_URL=postgresql://reformboard_owner:…@db/reformboard
    REFORMBOARD_APP_DATABASE_URL=postgresql://reformboard_app:…@db/reformboard

The owner URL is needed only by init and the command line; the dashboard needs only the app URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from tenants.db import database_url

APP_URL_ENV = "REFORMBOARD_APP_DATABASE_URL"
ALL_TENANTS = "app.all_tenants"
TENANT_IDS = "app.tenant_ids"

# What the app role may do, table by table; every table of the schema must be listed.
APP_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "units": ("SELECT", "INSERT", "UPDATE"),
    "tenants": ("SELECT", "INSERT"),  # a school's unit is changed by the owner only
    "campaigns": ("SELECT", "INSERT", "UPDATE"),
    # Never password_hash; no INSERT, and UPDATE of last_login_at only (an SSO sign-in): pages add no
    # accounts (the CLI does), and sign in and disable only through APP_FUNCTIONS.
    "users": ("SELECT (username, display_name, role, tenant_code, unit_code, oidc_subject, email, active, "
              "failed_attempts, locked_until, last_login_at, created_at, credential_version)",
              "UPDATE (last_login_at)"),
    "unknown_logins": ("SELECT", "INSERT", "UPDATE"),
    "submissions": ("SELECT", "INSERT"),
    "report_school": ("SELECT", "INSERT"),
    "report_items": ("SELECT", "INSERT"),
    "report_organisations": ("SELECT", "INSERT"),
    "report_staff": ("SELECT", "INSERT"),
    "report_meetings": ("SELECT", "INSERT"),
    "assessments": ("SELECT", "INSERT"),
    "onsite_results": ("SELECT", "INSERT"),
    "verdict_overrides": ("SELECT", "INSERT"),
    "reminders": ("SELECT", "INSERT", "UPDATE"),
    "audit_log": ("SELECT", "INSERT"),
    "alembic_version": ("SELECT",),
}

# Migration 0004's SECURITY DEFINER functions: the only ways the app role changes an account.
APP_FUNCTIONS = ("account_salt(text)", "account_check_password(text, text, timestamptz, integer, timestamptz)",
                 "account_disable(text)")


def app_database_url() -> URL:
    """The URL the dashboard connects with: the app role's, else the one database URL there is."""
    return database_url(os.environ.get(APP_URL_ENV) or None)


def set_scope(session: Session, tenant_codes: Iterable[str] | None) -> None:
    """Limit this transaction to `tenant_codes`; None: every tenant."""
    everyone = tenant_codes is None
    session.execute(
        text("SELECT set_config(:all_name, :all_value, true), set_config(:ids_name, :ids_value, true)"),
        {"all_name": ALL_TENANTS, "all_value": "on" if everyone else "off",
         "ids_name": TENANT_IDS, "ids_value": "" if everyone else ",".join(sorted(tenant_codes))})


def ensure_app_role(owner: Engine, app_url: URL) -> None:
    """Create or update the app role named in `app_url` and grant it exactly APP_PRIVILEGES."""
    with owner.begin() as connection:
        _create_or_update_role(connection, app_url.username, app_url.password)
        _grant(connection, app_url.username)


def _create_or_update_role(connection: Connection, name: str, password: str | None) -> None:
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name})
    verb = "ALTER" if exists else "CREATE"
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
    # psycopg2 interpolates the password client-side: DDL takes no server-side parameters.
    if password is None:
        connection.exec_driver_sql(f"{verb} ROLE {_quote(connection, name)} {attributes}")
    else:
        connection.exec_driver_sql(f"{verb} ROLE {_quote(connection, name)} {attributes} PASSWORD %s",
                                   (password,))


def _grant(connection: Connection, name: str) -> None:
    role = _quote(connection, name)
    database = _quote(connection, connection.scalar(text("SELECT current_database()")))
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {database} TO {role}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
    for table, privileges in APP_PRIVILEGES.items():
        connection.exec_driver_sql(f"GRANT {', '.join(privileges)} ON {_quote(connection, table)} TO {role}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {role}")
    for function in APP_FUNCTIONS:
        connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {function} TO {role}")
    # Integer primary keys are serial columns: inserting draws from their sequences.
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def _quote(connection: Connection, identifier: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(identifier)
