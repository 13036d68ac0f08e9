"""Documents: the required materials (stamped PDFs) and the evidence files of each sub-item (#14).

Their bytes live in the file store; this table holds what they are, whose, and which supersedes which,
with row-level security like every table holding a school's rows (migration 0006's signed scope).

Revision ID: 0011_materials
Revises: 0010_campaigns
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_materials"
down_revision = "0010_campaigns"
branch_labels = None
depends_on = None

IN_SCOPE = "(SELECT scope_all()) OR tenant_code = ANY ((SELECT scope_tenants())::text[])"


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column(
            "purpose", sa.Enum("报送材料", "佐证材料", name="documentpurpose", native_enum=False), nullable=False
        ),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploader", sa.String(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backfilled", sa.Boolean(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_documents_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["replaces_id"], ["documents.id"], name=op.f("fk_documents_replaces_id_documents")),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_documents_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_documents_replaces_id")),
    )
    op.create_index(
        op.f("ix_documents_campaign_id_tenant_code_purpose_subject"),
        "documents",
        ["campaign_id", "tenant_code", "purpose", "subject"],
        unique=False,
    )
    op.create_index(op.f("ix_documents_sha256"), "documents", ["sha256"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE documents ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE documents FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY tenant_scope ON documents USING ({IN_SCOPE}) WITH CHECK ({IN_SCOPE})")


def downgrade() -> None:
    op.drop_index(op.f("ix_documents_sha256"), table_name="documents")
    op.drop_index(op.f("ix_documents_campaign_id_tenant_code_purpose_subject"), table_name="documents")
    op.drop_table("documents")
