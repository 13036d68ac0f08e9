"""Credentials: a version that ends sessions, throttling unknown names, and, on PostgreSQL, the only
ways the app role may touch a password or an account's state.

- users.credential_version goes up (by trigger, so an edit in psql counts too) whenever the password,
  role, school, unit or active flag changes; a dashboard session remembers the version it signed in
  with and ends when it differs (dashboard.auth).
- unknown_logins counts failures at names no account has, exactly as users counts them for accounts.
- PostgreSQL: the app role reads every users column but password_hash (tenants.rls grants that), and
  changes accounts only through these SECURITY DEFINER functions, owned by the tables' owner:
    account_salt(name)                 the stored hash without its digest: enough to recompute a
                                       candidate's hash, useless for guessing offline; NULL: no account
    account_check_password(...)        compares a candidate hash and counts the attempt in one UPDATE
    account_disable(name)              sets active = false (a page may disable, never re-enable)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CREDENTIAL_COLUMNS = ("password_hash", "role", "tenant_code", "unit_code", "active")
CHANGED = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in CREDENTIAL_COLUMNS)
SQLITE_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in CREDENTIAL_COLUMNS)

# Matched (M) and locked (L) are judged on the row as it is when the UPDATE gets it, so parallel
# attempts at one account are counted one after another (PostgreSQL re-reads a row updated meanwhile).
# A right password during a lock changes nothing; a wrong one is counted but does not extend the lock.
CHECK_PASSWORD = """
CREATE FUNCTION account_check_password(p_username text, p_candidate text, p_now timestamptz,
                                       p_lock_after integer, p_lock_until timestamptz)
RETURNS TABLE (matched boolean, failed_attempts integer, locked_until timestamptz)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE users AS u SET
        failed_attempts = CASE
            WHEN coalesce(u.password_hash = p_candidate, false) AND NOT coalesce(u.locked_until > p_now, false)
                THEN 0
            WHEN coalesce(u.password_hash = p_candidate, false) THEN u.failed_attempts
            ELSE u.failed_attempts + 1 END,
        locked_until = CASE
            WHEN coalesce(u.locked_until > p_now, false) THEN u.locked_until
            WHEN coalesce(u.password_hash = p_candidate, false) THEN NULL
            WHEN u.failed_attempts + 1 >= p_lock_after THEN p_lock_until
            ELSE u.locked_until END,
        last_login_at = CASE
            WHEN coalesce(u.password_hash = p_candidate, false) AND NOT coalesce(u.locked_until > p_now, false)
                 AND u.active THEN p_now
            ELSE u.last_login_at END
    WHERE u.username = p_username
    RETURNING coalesce(u.password_hash = p_candidate, false), u.failed_attempts, u.locked_until
$$
"""
SALT = r"""
CREATE FUNCTION account_salt(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(regexp_replace(password_hash, '\$[^$]*$', ''), '') FROM users WHERE username = p_username
$$
"""
DISABLE = """
CREATE FUNCTION account_disable(p_username text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    UPDATE users SET active = false WHERE username = p_username
$$
"""
VERSION_UP = """
CREATE FUNCTION users_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.credential_version := OLD.credential_version + 1;
    RETURN NEW;
END
$$
"""
FUNCTIONS = (
    "account_check_password(text, text, timestamptz, integer, timestamptz)",
    "account_salt(text)",
    "account_disable(text)",
)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("credential_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "unknown_logins",
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_unknown_logins")),
    )
    if op.get_bind().dialect.name != "postgresql":
        op.execute(f"""
            CREATE TRIGGER credentials_changed AFTER UPDATE ON users FOR EACH ROW WHEN {SQLITE_CHANGED}
            BEGIN UPDATE users SET credential_version = credential_version + 1 WHERE username = NEW.username; END
        """)
        return
    op.execute(VERSION_UP)
    op.execute(
        f"CREATE TRIGGER credentials_changed BEFORE UPDATE ON users FOR EACH ROW WHEN ({CHANGED}) "
        "EXECUTE FUNCTION users_credentials_changed()"
    )
    for statement in (SALT, CHECK_PASSWORD, DISABLE):
        op.execute(statement)
    for function in FUNCTIONS:  # PostgreSQL lets PUBLIC execute new functions; tenants.rls grants the app role
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP TRIGGER credentials_changed" + (" ON users" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        for function in (*FUNCTIONS, "users_credentials_changed()"):
            op.execute(f"DROP FUNCTION {function}")
    op.drop_table("unknown_logins")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("credential_version")
