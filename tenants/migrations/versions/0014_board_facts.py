"""Board facts: what the board shows of each accepted submission, per span of days and facts key (checks.stored.facts_key)
(#16 item 2), so the board of a date never asked before reads one row per school instead of assessing.

Row-level security like every table holding a school's rows (migration 0006's signed scope).

Revision ID: 0014_board_facts
Revises: 0013_send_claims
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_board_facts"
down_revision = "0013_send_claims"
branch_labels = None
depends_on = None

IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"
VERDICTS = ("通过验收", "限期整改", "未通过", "未提交")


def upgrade() -> None:
    op.create_table(
        "board_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("facts_key", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("verdict", sa.Enum(*VERDICTS, name="verdict", native_enum=False), nullable=False),
        sa.Column("states", sa.JSON(), nullable=False),
        sa.Column("task_scores", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_board_facts_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_board_facts_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_facts")),
        sa.UniqueConstraint(
            "submission_id",
            "facts_key",
            "first_day",
            name=op.f("uq_board_facts_submission_id_facts_key_first_day"),
        ),
    )
    op.create_index(
        op.f("ix_board_facts_facts_key_submission_id_first_day"),
        "board_facts",
        ["facts_key", "submission_id", "first_day"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE board_facts ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE board_facts FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_scope ON board_facts USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def downgrade() -> None:
    op.drop_table("board_facts")
