"""The initial schema: directory, submissions and their normalised rows, assessments, on-site results,
reminders, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("tenant_code", sa.String(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_tenant_code"), "audit_log", ["tenant_code"])

    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("rulebook", sa.String(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("acceptance_on", sa.Date(), nullable=False),
        sa.Column("contact", sa.String(), nullable=False),
        sa.Column("deadline_overrides", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_table(
        "units",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.Enum("地市团委", "省直机关团工委", name="unitkind", native_enum=False), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "tenants",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit_code", sa.String(), nullable=False),
        sa.Column("school_type", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_tenants_unit_code_units")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_tenants")),
    )
    op.create_index(op.f("ix_tenants_unit_code"), "tenants", ["unit_code"])

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_reminders_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_reminders_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index(
        op.f("ix_reminders_tenant_code_campaign_id_created_at"),
        "reminders",
        ["tenant_code", "campaign_id", "created_at"],
    )

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploader", sa.String(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("template_version", sa.String(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_submissions_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_submissions_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint(
            "tenant_code", "campaign_id", "sha256", name=op.f("uq_submissions_tenant_code_campaign_id_sha256")
        ),
    )
    op.create_index(
        op.f("ix_submissions_campaign_id_accepted_tenant_code_uploaded_at"),
        "submissions",
        ["campaign_id", "accepted", "tenant_code", "uploaded_at"],
    )
    op.create_index(op.f("ix_submissions_uploaded_at"), "submissions", ["uploaded_at"])

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum("通过验收", "限期整改", "未通过", "未提交", name="verdict", native_enum=False),
            nullable=False,
        ),
        sa.Column("overdue_count", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_assessments_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_assessments_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_assessments_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(
        op.f("ix_assessments_campaign_id_tenant_code_computed_at"),
        "assessments",
        ["campaign_id", "tenant_code", "computed_at"],
    )

    op.create_table(
        "onsite_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("campaign_id", sa.String(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("inspectors", sa.String(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_onsite_results_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_onsite_results_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_onsite_results_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onsite_results")),
        sa.UniqueConstraint(
            "tenant_code",
            "campaign_id",
            "source_sha256",
            "item_id",
            name=op.f("uq_onsite_results_tenant_code_campaign_id_source_sha256_item_id"),
        ),
    )
    op.create_index(
        op.f("ix_onsite_results_campaign_id_tenant_code_loaded_at"),
        "onsite_results",
        ["campaign_id", "tenant_code", "loaded_at"],
    )

    op.create_table(
        "report_items",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("未启动", "推进中", "已完成", "不适用", name="itemstatus", native_enum=False),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_report_items_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_report_items_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("submission_id", "position", name=op.f("pk_report_items")),
    )
    op.create_table(
        "report_meetings",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "学生代表大会",
                "研究生代表大会",
                "全体学生大会",
                "述职评议会",
                "党委听取工作汇报",
                "工作联席会议",
                "听取学院学生会工作报告",
                "改革动员会",
                "全员培训",
                name="meetingkind",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("delegates", sa.Integer(), nullable=True),
        sa.Column("non_cadre_delegates", sa.Integer(), nullable=True),
        sa.Column("colleges_covered", sa.Integer(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_report_meetings_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_report_meetings_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("submission_id", "position", name=op.f("pk_report_meetings")),
    )
    op.create_table(
        "report_organisations",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.Enum("校级", "院级", name="level", native_enum=False), nullable=False),
        sa.Column("kind", sa.Enum("学生会", "研究生会", name="orgkind", native_enum=False), nullable=False),
        sa.Column("college", sa.String(), nullable=False),
        sa.Column("students_linked", sa.Integer(), nullable=True),
        sa.Column("presidium_size", sa.Integer(), nullable=True),
        sa.Column("department_count", sa.Integer(), nullable=True),
        sa.Column("rotating_chair", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_report_organisations_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_code"], ["tenants.code"], name=op.f("fk_report_organisations_tenant_code_tenants")
        ),
        sa.PrimaryKeyConstraint("submission_id", "position", name=op.f("pk_report_organisations")),
    )
    op.create_table(
        "report_school",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("school_type", sa.String(), nullable=False),
        sa.Column("undergraduates", sa.Integer(), nullable=True),
        sa.Column("graduates", sa.Integer(), nullable=True),
        sa.Column("colleges", sa.JSON(), nullable=False),
        sa.Column("campuses", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(), nullable=False),
        sa.Column("contact_phone", sa.String(), nullable=False),
        sa.Column("deputy_secretary", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_report_school_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_report_school_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_report_school")),
    )
    op.create_table(
        "report_staff",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("tenant_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("student_no", sa.String(), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column(
            "political",
            sa.Enum("中共党员", "中共预备党员", "共青团员", "群众", "其他", name="political", native_enum=False),
            nullable=True,
        ),
        sa.Column("rank_percent", sa.Double(), nullable=True),
        sa.Column("failed_courses", sa.Integer(), nullable=True),
        sa.Column("college_experience", sa.Boolean(), nullable=True),
        sa.Column("trained", sa.Boolean(), nullable=True),
        sa.Column("zhtj_registered", sa.Boolean(), nullable=True),
        sa.Column("ivolunteer_registered", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_report_staff_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["tenant_code"], ["tenants.code"], name=op.f("fk_report_staff_tenant_code_tenants")),
        sa.PrimaryKeyConstraint("submission_id", "position", name=op.f("pk_report_staff")),
    )


def downgrade() -> None:
    op.drop_table("report_staff")
    op.drop_table("report_school")
    op.drop_table("report_organisations")
    op.drop_table("report_meetings")
    op.drop_table("report_items")
    op.drop_table("onsite_results")
    op.drop_table("assessments")
    op.drop_table("submissions")
    op.drop_table("reminders")
    op.drop_table("tenants")
    op.drop_table("units")
    op.drop_table("campaigns")
    op.drop_table("audit_log")
