"""User accounts; on PostgreSQL, row-level security on every table holding a school's rows.

The policies show a row only inside the transaction's tenant scope (see tenants.rls); with no scope
set, no rows. SQLite has no row-level security: there the access layer is the only guard.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "submissions",
    "report_school",
    "report_items",
    "report_organisations",
    "report_staff",
    "report_meetings",
    "assessments",
    "onsite_results",
    "reminders",
)
IN_SCOPE = (
    "current_setting('app.all_tenants', true) = 'on' OR "
    "tenant_code = ANY (string_to_array(current_setting('app.tenant_ids', true), ','))"
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("province-admin", "province-viewer", "unit", "school", name="role", native_enum=False),
            nullable=False,
        ),
        sa.Column("tenant_code", sa.String(length=10), nullable=True),
        sa.Column("unit_code", sa.String(), nullable=True),
        sa.Column("password_hash", sa.String(), nullable=True),
        sa.Column("oidc_subject", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_users_tenant_code_tenants")),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_users_unit_code_units")),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("oidc_subject", name=op.f("uq_users_oidc_subject")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        _protect(table)
        op.execute(f"CREATE POLICY tenant_scope ON {table} USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")
    # A refused attempt is logged under the tenant it aimed at, outside the actor's scope: anyone may
    # append, but entries are read only within scope (entries naming no tenant: province roles only).
    _protect("audit_log")
    op.execute(f"CREATE POLICY tenant_scope ON audit_log FOR SELECT USING ({IN_SCOPE})")
    op.execute("CREATE POLICY append ON audit_log FOR INSERT WITH CHECK (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY append ON audit_log")
        for table in (*TENANT_TABLES, "audit_log"):
            op.execute(f"DROP POLICY tenant_scope ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("users")


def _protect(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    # FORCE: the tables' owner is held to the policies too (superusers never are).
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
