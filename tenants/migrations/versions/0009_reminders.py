"""Reminders by e-mail: contact addresses of schools and units, reminders sent at the rulebook's policy steps
(at most one per school, step and day), escalations to supervising units, and every delivery attempt.

Revision ID: 0009_reminders
Revises: 0008_vocabulary
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_reminders"
down_revision = "0008_vocabulary"
branch_labels = None
depends_on = None

# The new tables holding a school's rows: row-level security like migration 0006's.
TENANT_TABLES = ("school_contacts", "escalations", "deliveries")
IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"


def _outgoing() -> list[sa.Column]:
    """tenants.models.Outgoing's columns."""
    return [
        sa.Column("subject", sa.String(), server_default="", nullable=False),
        sa.Column("body", sa.String(), server_default="", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(), server_default="", nullable=False),
        sa.Column("message_id", sa.String(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "unit_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_unit_contacts_unit_code_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_contacts")),
        sa.UniqueConstraint("unit_code", "email", name=op.f("uq_unit_contacts_unit_code_email")),
    )
    op.create_table(
        "school_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_school_contacts_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_contacts")),
        sa.UniqueConstraint("tenant_code", "email", name=op.f("uq_school_contacts_tenant_code_email")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("unit_code", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_outgoing(),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_escalations_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_escalations_tenant_code_tenants")),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_escalations_unit_code_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint(
            "tenant_code", "campaign_id", "as_of", name=op.f("uq_escalations_tenant_code_campaign_id_as_of")
        ),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"], ["escalations.id"], name=op.f("fk_deliveries_escalation_id_escalations")
        ),
        sa.ForeignKeyConstraint(["reminder_id"], ["reminders.id"], name=op.f("fk_deliveries_reminder_id_reminders")),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_deliveries_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_index(op.f("ix_deliveries_tenant_code_at"), "deliveries", ["tenant_code", "at"], unique=False)
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("step", sa.String(), nullable=True))
        for column in _outgoing():
            batch.add_column(column)
        batch.create_unique_constraint(
            op.f("uq_reminders_tenant_code_campaign_id_as_of_step"), ["tenant_code", "campaign_id", "as_of", "step"]
        )
    # The addresses a school gives in 学校信息; reports stored before it gave none.
    op.add_column("report_school", sa.Column("contact_email", sa.String(), server_default="", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            # FORCE: the tables' owner is held to the policies too (superusers never are).
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY tenant_scope ON {table} USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def downgrade() -> None:
    op.drop_column("report_school", "contact_email")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint(op.f("uq_reminders_tenant_code_campaign_id_as_of_step"), type_="unique")
        for column in ("message_id", "last_error", "attempts", "body", "subject", "step"):
            batch.drop_column(column)
    op.drop_index(op.f("ix_deliveries_tenant_code_at"), table_name="deliveries")
    for table in ("deliveries", "escalations", "school_contacts", "unit_contacts"):
        op.drop_table(table)
