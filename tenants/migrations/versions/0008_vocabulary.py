"""Unit kinds and meeting kinds become the rulebook's words: plain text instead of a fixed list.

A province's rulebook names its own kinds of supervising unit and of meeting (its [vocabulary]), so
the columns hold any word; stored values, Guangdong's words, stay as they are.

Revision ID: 0008_vocabulary
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_vocabulary"
down_revision = "0007"
branch_labels = None
depends_on = None

# The lists the columns were limited to (migration 0001), which a downgrade restores.
UNIT_KINDS = ("地市团委", "省直机关团工委")
MEETING_KINDS = (
    "学生代表大会",
    "研究生代表大会",
    "全体学生大会",
    "述职评议会",
    "党委听取工作汇报",
    "工作联席会议",
    "听取学院学生会工作报告",
    "改革动员会",
    "全员培训",
)
COLUMNS = (("units", "unitkind", UNIT_KINDS), ("report_meetings", "meetingkind", MEETING_KINDS))


def upgrade() -> None:
    for table, name, words in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "kind", existing_type=sa.Enum(*words, name=name, native_enum=False), type_=sa.String(), nullable=False
            )


def downgrade() -> None:
    for table, name, words in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "kind", existing_type=sa.String(), type_=sa.Enum(*words, name=name, native_enum=False), nullable=False
            )
