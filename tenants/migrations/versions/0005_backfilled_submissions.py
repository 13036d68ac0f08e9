"""Backfilled submissions: the time the board dates a submission by, kept beside its upload time.

Every submission stored so far was received when it was uploaded.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_INDEX = "ix_submissions_campaign_id_accepted_tenant_code_uploaded_at"
NEW_INDEX = "ix_submissions_campaign_id_accepted_tenant_code_received_at"


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("backfilled", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "postgresql":
        # The owner is subject to row-level security too (FORCE): let this transaction see every school.
        op.execute("SELECT set_config('app.all_tenants', 'on', true)")
    op.execute("UPDATE submissions SET received_at = uploaded_at")
    with op.batch_alter_table("submissions") as batch:
        batch.alter_column("received_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("backfilled", existing_type=sa.Boolean(), server_default=None)
        batch.drop_index(OLD_INDEX)
        batch.create_index(NEW_INDEX, ["campaign_id", "accepted", "tenant_code", "received_at"])


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index(NEW_INDEX)
        batch.create_index(OLD_INDEX, ["campaign_id", "accepted", "tenant_code", "uploaded_at"])
        batch.drop_column("backfilled")
        batch.drop_column("received_at")
