"""Send claims: a run of `remind` marks a reminder or escalation as being sent before it sends it, so a
second run at the same time skips it instead of sending it again.

Revision ID: 0013_send_claims
Revises: 0012_stored_results
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_send_claims"
down_revision = "0012_stored_results"
branch_labels = None
depends_on = None

TABLES = ("reminders", "escalations")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("claimed_at")
