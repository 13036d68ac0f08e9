"""Stored results: the roster rules' findings per accepted submission and rulebook key (#16 item 1).

The board of any date takes them instead of reading every roster row again. Row-level security like
every table holding a school's rows (migration 0006's signed scope).

Revision ID: 0012_stored_results
Revises: 0011_materials
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_stored_results"
down_revision = "0011_materials"
branch_labels = None
depends_on = None

IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"


def upgrade() -> None:
    op.create_table(
        "stored_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("rulebook_key", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_stored_results_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_stored_results_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_results")),
        sa.UniqueConstraint("submission_id", "rulebook_key", name=op.f("uq_stored_results_submission_id_rulebook_key")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_results ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE stored_results FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_scope ON stored_results USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def downgrade() -> None:
    op.drop_table("stored_results")
