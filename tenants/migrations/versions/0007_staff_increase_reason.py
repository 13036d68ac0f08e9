"""The school's declared reason for more than "40人左右" school-level staff (学校信息, 3.1).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reports stored before the template asked for it declared no reason.
    op.add_column("report_school", sa.Column("staff_increase_reason", sa.String(), server_default="", nullable=False))


def downgrade() -> None:
    op.drop_column("report_school", "staff_increase_reason")
