"""Campaigns of their own: the pinned rulebook text and its sha256, threshold overrides, the default
campaign chosen explicitly, and each campaign's list of schools (campaign_schools, under row-level security).

Existing campaigns pin the built-in rulebook of their id as it is at upgrade time (none when there is no
such file: `reformboard campaign update-rulebook` pins one); the most recent becomes the default, as it was
the one opened by default before; every existing school joins every existing campaign.

Revision ID: 0010_campaigns
Revises: 0009_reminders
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from checks.campaign import rulebook_sha256
from checks.rulebook import RulebookError, read_rulebook

revision = "0010_campaigns"
down_revision = "0009_reminders"
branch_labels = None
depends_on = None

IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"  # as in 0006


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("rulebook_texts", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("rulebook_sha256", sa.String(length=64), server_default="", nullable=False))
        batch.add_column(sa.Column("threshold_overrides", sa.JSON(), server_default="{}", nullable=False))
        batch.add_column(sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "campaign_schools",
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_schools_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_code"], ["tenants.code"], name=op.f("fk_campaign_schools_tenant_code_tenants")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "tenant_code", name=op.f("pk_campaign_schools")),
    )
    op.create_index(op.f("ix_campaign_schools_tenant_code"), "campaign_schools", ["tenant_code"])
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE campaign_schools ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE campaign_schools FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_scope ON campaign_schools USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def _backfill() -> None:
    """Before row-level security: the owner inserts without a signed scope."""
    bind = op.get_bind()
    campaigns = sa.table(
        "campaigns",
        sa.column("id", sa.String),
        sa.column("rulebook", sa.String),
        sa.column("starts_on", sa.Date),
        sa.column("rulebook_texts", sa.JSON),
        sa.column("rulebook_sha256", sa.String),
        sa.column("is_default", sa.Boolean),
    )
    rows = bind.execute(sa.select(campaigns.c.id, campaigns.c.rulebook).order_by(campaigns.c.starts_on)).all()
    for campaign_id, rulebook_id in rows:
        try:
            texts = read_rulebook(rulebook_id)
        except RulebookError:
            continue
        bind.execute(
            campaigns.update()
            .where(campaigns.c.id == campaign_id)
            .values(
                rulebook_texts=[{"id": text.id, "text": text.text} for text in texts],
                rulebook_sha256=rulebook_sha256(texts),
            )
        )
    if rows:
        bind.execute(campaigns.update().where(campaigns.c.id == rows[-1][0]).values(is_default=True))
    bind.execute(
        sa.text(
            "INSERT INTO campaign_schools (campaign_id, tenant_code) SELECT campaigns.id, tenants.code FROM campaigns, tenants"
        )
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_campaign_schools_tenant_code"), table_name="campaign_schools")
    op.drop_table("campaign_schools")
    with op.batch_alter_table("campaigns") as batch:
        for column in ("is_default", "threshold_overrides", "rulebook_sha256", "rulebook_texts"):
            batch.drop_column(column)
