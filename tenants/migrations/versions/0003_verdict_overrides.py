"""Verdict overrides: a province administrator's recorded decision replacing a school's verdict.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

IN_SCOPE = (
    "current_setting('app.all_tenants', true) = 'on' OR "
    "tenant_code = ANY (string_to_array(current_setting('app.tenant_ids', true), ','))"
)


def upgrade() -> None:
    op.create_table(
        "verdict_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum("通过验收", "限期整改", "未通过", "未提交", name="verdict", native_enum=False),
            nullable=True,
        ),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_verdict_overrides_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_code"], ["tenants.code"], name=op.f("fk_verdict_overrides_tenant_code_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdict_overrides")),
    )
    op.create_index(
        op.f("ix_verdict_overrides_campaign_id_tenant_code_decided_at"),
        "verdict_overrides",
        ["campaign_id", "tenant_code", "decided_at"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE verdict_overrides ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE verdict_overrides FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_scope ON verdict_overrides USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def downgrade() -> None:
    op.drop_index(op.f("ix_verdict_overrides_campaign_id_tenant_code_decided_at"), table_name="verdict_overrides")
    op.drop_table("verdict_overrides")
