"""The database tables, as SQLAlchemy typed models.

Every table holding a school's data has a `tenant_code` column of its own (the report_* tables too), so
a later migration can add PostgreSQL row-level security as plain `tenant_code = ANY(...)` policies.
Enums are stored as their Chinese text; words a rulebook's vocabulary names (unit and meeting kinds) as
plain text. Timestamps are timezone-aware UTC on every backend.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from checks.results import Verdict
from checks.schema import ItemStatus, Level, OrgKind, Political
from tenants.principal import UserRole

# Named constraints keep future (batch) migrations on SQLite able to drop and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime; SQLite, which keeps no offset, stores naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def chinese_enum(enum_class: type[StrEnum]) -> Enum:
    """Stores the member's value (the Chinese word), not its Python name, in a plain text column."""
    return Enum(
        enum_class, native_enum=False, values_callable=lambda members: [m.value for m in members], validate_strings=True
    )


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # every model maps a plain table (never a subquery): Core statements accept it
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


class Unit(Base):
    """A supervising unit: a city League committee, the provincial organs' League working committee …"""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    kind: Mapped[str]  # one of the rulebook vocabulary's unit_kinds


class Tenant(Base):
    """A tenant: one university, keyed by its 10-digit national school code."""

    __tablename__ = "tenants"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str]
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    school_type: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


class CampaignRow(Base):
    """Stored form of checks.campaign.Campaign."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    rulebook: Mapped[str]
    starts_on: Mapped[date]
    acceptance_on: Mapped[date]
    contact: Mapped[str] = mapped_column(default="")
    deadline_overrides: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # item id -> ISO date
    # The rulebook in force, pinned when the campaign is registered: [{"id", "text"}], a base first.
    rulebook_texts: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    rulebook_sha256: Mapped[str] = mapped_column(String(64), default="")
    threshold_overrides: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)  # rule -> param -> value
    is_default: Mapped[bool] = mapped_column(default=False)  # the one campaign commands and pages open by default


class CampaignSchool(Base):
    """A school taking part in a campaign: only these are scored, listed and reminded under it."""

    __tablename__ = "campaign_schools"

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"), primary_key=True, index=True)


class Submission(Base):
    """One uploaded workbook, accepted or not. Never updated once written.

    The board dates a submission by `received_at`: the upload time, or for a workbook received before
    it was uploaded (sent by e-mail or on paper, recorded by a province administrator: backfilled) the
    start of the day it was received, China time. `uploaded_at` is always the actual upload time."""

    __tablename__ = "submissions"
    __table_args__ = (
        # A byte-identical re-upload is the same submission.
        UniqueConstraint("tenant_code", "campaign_id", "sha256"),
        # The board: the latest accepted submission per school received by a date.
        Index(None, "campaign_id", "accepted", "tenant_code", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    filename: Mapped[str]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploader: Mapped[str]
    uploaded_at: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime]
    backfilled: Mapped[bool] = mapped_column(default=False)
    accepted: Mapped[bool]
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    template_version: Mapped[str] = mapped_column(default="")
    # Last and deferred: listing submissions never reads the workbook bytes.
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


# --- the normalised rows of accepted submissions: the truth a report is rebuilt from ---------------------


class ReportSchool(Base):
    """checks.schema.SchoolInfo of one submission."""

    __tablename__ = "report_school"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    code: Mapped[str]
    name: Mapped[str]
    unit: Mapped[str]
    school_type: Mapped[str]
    undergraduates: Mapped[int | None]
    graduates: Mapped[int | None]
    colleges: Mapped[list[str]] = mapped_column(JSON)
    campuses: Mapped[int | None]
    contact_name: Mapped[str]
    contact_phone: Mapped[str]
    contact_email: Mapped[str] = mapped_column(server_default="")  # reports stored before it: none
    deputy_secretary: Mapped[str]
    staff_increase_reason: Mapped[str] = mapped_column(server_default="")  # reports stored before it: none
    source: Mapped[str]


class ReportRecord(Base):
    """A row of one of a report's record lists; `position` keeps the report's order."""

    __abstract__ = True

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True, sort_order=-1)
    position: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"), sort_order=-1)


class ReportItem(ReportRecord):
    """checks.schema.ItemReport."""

    __tablename__ = "report_items"

    item_id: Mapped[str]
    status: Mapped[ItemStatus] = mapped_column(chinese_enum(ItemStatus))
    completed_on: Mapped[date | None]
    evidence: Mapped[str]
    note: Mapped[str]
    source: Mapped[str]


class ReportOrganisation(ReportRecord):
    """checks.schema.Organisation."""

    __tablename__ = "report_organisations"

    name: Mapped[str]
    level: Mapped[Level] = mapped_column(chinese_enum(Level))
    kind: Mapped[OrgKind] = mapped_column(chinese_enum(OrgKind))
    college: Mapped[str]
    students_linked: Mapped[int | None]
    presidium_size: Mapped[int | None]
    department_count: Mapped[int | None]
    rotating_chair: Mapped[bool | None]
    source: Mapped[str]


class ReportStaff(ReportRecord):
    """checks.schema.StaffMember."""

    __tablename__ = "report_staff"

    name: Mapped[str]
    student_no: Mapped[str]
    organisation: Mapped[str]
    title: Mapped[str]
    department: Mapped[str]
    political: Mapped[Political | None] = mapped_column(chinese_enum(Political))
    rank_percent: Mapped[float | None]
    failed_courses: Mapped[int | None]
    college_experience: Mapped[bool | None]
    trained: Mapped[bool | None]
    zhtj_registered: Mapped[bool | None]
    ivolunteer_registered: Mapped[bool | None]
    source: Mapped[str]


class ReportMeeting(ReportRecord):
    """checks.schema.Meeting."""

    __tablename__ = "report_meetings"

    kind: Mapped[str]  # the rulebook vocabulary's word for the meeting
    held_on: Mapped[date]
    organisation: Mapped[str]
    delegates: Mapped[int | None]
    non_cadre_delegates: Mapped[int | None]
    colleges_covered: Mapped[int | None]
    approved_on: Mapped[date | None]
    filed_on: Mapped[date | None]
    note: Mapped[str]
    source: Mapped[str]


# --- what the board derives and records ------------------------------------------------------------------


class Assessment(Base):
    """A stored checks.results.SchoolAssessment; submission_id is None for a school that sent nothing."""

    __tablename__ = "assessments"
    __table_args__ = (Index(None, "campaign_id", "tenant_code", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    as_of: Mapped[date]
    computed_at: Mapped[datetime]
    score: Mapped[float]
    verdict: Mapped[Verdict] = mapped_column(chinese_enum(Verdict))
    overdue_count: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # checks.serialize.dump(SchoolAssessment)


class StoredResult(Base):
    """The roster rules' findings in an accepted submission under one rulebook key (checks.stored): the
    date-free part of its assessment, so the board of any date need not read the roster again."""

    __tablename__ = "stored_results"
    __table_args__ = (UniqueConstraint("submission_id", "rulebook_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    rulebook_key: Mapped[str] = mapped_column(String(64))  # checks.stored.results_key
    computed_at: Mapped[datetime]
    findings: Mapped[dict[str, Any]] = mapped_column(JSON)  # rule id -> checks.serialize.dump(findings)


class BoardFact(Base):
    """What the board shows of an accepted submission from `first_day` to `last_day` under one facts key
    (checks.timeline.Segment): the board of any day in that span reads this row instead of assessing."""

    __tablename__ = "board_facts"
    __table_args__ = (
        UniqueConstraint("submission_id", "facts_key", "first_day"),
        Index(None, "facts_key", "submission_id", "first_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    facts_key: Mapped[str] = mapped_column(String(64))  # checks.stored.facts_key
    first_day: Mapped[date]
    last_day: Mapped[date]
    score: Mapped[float]
    verdict: Mapped[Verdict] = mapped_column(chinese_enum(Verdict))
    states: Mapped[list[str]] = mapped_column(JSON)  # per sub-item in rulebook order, DeadlineState values
    task_scores: Mapped[list[float]] = mapped_column(JSON)  # per task with sub-items, in rulebook order


class OnsiteResultRow(Base):
    """One sub-item's result from an on-site verification sheet (checks.results.OnsiteResult)."""

    __tablename__ = "onsite_results"
    __table_args__ = (
        # Loading the same sheet twice adds nothing.
        UniqueConstraint("tenant_code", "campaign_id", "source_sha256", "item_id"),
        Index(None, "campaign_id", "tenant_code", "loaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    item_id: Mapped[str]
    result: Mapped[str]
    note: Mapped[str]
    inspectors: Mapped[str]
    inspected_on: Mapped[date | None]
    loaded_at: Mapped[datetime]
    source_sha256: Mapped[str] = mapped_column(String(64))


class VerdictOverrideRow(Base):
    """A province administrator's decision replacing a school's verdict, with the reason recorded.

    The latest row per school and campaign is in force; a row with no verdict withdraws the override."""

    __tablename__ = "verdict_overrides"
    __table_args__ = (Index(None, "campaign_id", "tenant_code", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    verdict: Mapped[Verdict | None] = mapped_column(chinese_enum(Verdict))
    reason: Mapped[str]
    decided_by: Mapped[str]
    decided_at: Mapped[datetime]


class Outgoing:
    """An e-mail the board owes someone, and how its sending went: sent_at is set once it was accepted by
    the mail server; until then each failed attempt is counted and the last error kept. claimed_at: a run
    of `remind` is sending it (since then); cleared when the attempt is recorded."""

    subject: Mapped[str] = mapped_column(default="", server_default="")
    body: Mapped[str] = mapped_column(default="", server_default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(default="", server_default="")
    message_id: Mapped[str | None]
    sent_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]


class Reminder(Outgoing, Base):
    """A reminder to a school about overdue and soon-due items: drafted and recorded sent by hand on the
    page (step None), or sent by e-mail by `reformboard remind` at a step of the rulebook's policy."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index(None, "tenant_code", "campaign_id", "created_at"),
        # At most one reminder per school, policy step and day: running `remind` twice sends nothing new.
        UniqueConstraint("tenant_code", "campaign_id", "as_of", "step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    as_of: Mapped[date]
    items: Mapped[list[str]] = mapped_column(JSON)  # sub-item ids
    text: Mapped[str]  # the formal notice (attached to the e-mail)
    created_by: Mapped[str]
    created_at: Mapped[datetime]
    sent_by: Mapped[str | None]
    step: Mapped[str | None]  # e.g. "逾期1天"; None for a reminder recorded by hand


class Escalation(Outgoing, Base):
    """A school still overdue after the policy's number of reminders, reported to its supervising unit
    (and to the province, for schools under the unit kinds the policy names). One e-mail per unit carries its schools' rows."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("tenant_code", "campaign_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    as_of: Mapped[date]
    items: Mapped[list[str]] = mapped_column(JSON)  # the overdue sub-item ids
    reminders: Mapped[int]  # reminders sent before it
    text: Mapped[str]  # the school's paragraph in the unit's e-mail
    created_at: Mapped[datetime]


class Delivery(Base):
    """One attempt to send a reminder or an escalation by e-mail: to whom, when, and what came of it."""

    __tablename__ = "deliveries"
    __table_args__ = (Index(None, "tenant_code", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    at: Mapped[datetime]
    message_id: Mapped[str]
    ok: Mapped[bool]
    error: Mapped[str]  # why the server did not take it, or which recipients it refused; empty when all went


class SchoolContact(Base):
    """An e-mail address at which a school's League committee receives reminders."""

    __tablename__ = "school_contacts"
    __table_args__ = (UniqueConstraint("tenant_code", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    email: Mapped[str]  # lower case
    added_by: Mapped[str]
    added_at: Mapped[datetime]


class UnitContact(Base):
    """An e-mail address at which a supervising unit receives escalations."""

    __tablename__ = "unit_contacts"
    __table_args__ = (UniqueConstraint("unit_code", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    email: Mapped[str]  # lower case
    added_by: Mapped[str]
    added_at: Mapped[datetime]


class DocumentPurpose(StrEnum):
    MATERIAL = "报送材料"  # a required material of the campaign (the rulebook's submissions)
    EVIDENCE = "佐证材料"  # evidence for one sub-item


class Document(Base):
    """A school's stored document: a required material or a sub-item's evidence. Never updated once written.

    Its bytes are in the file store under `sha256` (reformboard.files.store). A newer row naming it in
    `replaces_id` supersedes it; nothing is deleted, so the history stays. A material is dated by
    `received_at`, like a submission: the upload time, or the day a province administrator says it came
    in by e-mail or on paper (backfilled); `document_date` is the date the document itself bears."""

    __tablename__ = "documents"
    __table_args__ = (
        Index(None, "campaign_id", "tenant_code", "purpose", "subject"),
        UniqueConstraint("replaces_id"),  # a document is superseded once; two replacements at once: one wins
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_code: Mapped[str] = mapped_column(ForeignKey("tenants.code"))
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    purpose: Mapped[DocumentPurpose] = mapped_column(chinese_enum(DocumentPurpose))
    subject: Mapped[str]  # the material's id (purpose 报送材料) or the sub-item's id (佐证材料)
    title: Mapped[str]
    document_date: Mapped[date | None]
    filename: Mapped[str]
    kind: Mapped[str]  # reformboard.files.kinds.FileKind, decided from the bytes
    size: Mapped[int]
    pages: Mapped[int | None]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploader: Mapped[str]
    uploaded_at: Mapped[datetime]
    received_at: Mapped[datetime]
    backfilled: Mapped[bool] = mapped_column(default=False)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # PNG of the first page


class AuditEntry(Base):
    """Who did what, when. Append-only: the store has no way to change or remove an entry."""

    __tablename__ = "audit_log"
    # No INSERT ... RETURNING (the id is drawn from the sequence first): on PostgreSQL, RETURNING needs
    # the new row to be readable in the writer's row-level-security scope, and logins and refused
    # attempts are logged outside it (see tenants.rls).
    __table_args__ = {"implicit_returning": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str]
    action: Mapped[str]
    # Not a foreign key: an entry may name a code that is not (or no longer) a tenant.
    tenant_code: Mapped[str | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class ScopeKey(Base):
    """The key that signs row-level-security scopes on PostgreSQL (see tenants.rls): one row, readable by
    the owner only. Unused on SQLite, which has no row-level security."""

    __tablename__ = "scope_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary)


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(default="")
    role: Mapped[UserRole] = mapped_column(chinese_enum(UserRole))
    tenant_code: Mapped[str | None] = mapped_column(ForeignKey("tenants.code"))  # UserRole.SCHOOL
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))  # UserRole.UNIT
    # None: signs in through SSO only. Never loaded with the account (reading it raises).
    password_hash: Mapped[str | None] = mapped_column(deferred=True, deferred_raiseload=True)
    oidc_subject: Mapped[str | None] = mapped_column(unique=True)
    email: Mapped[str | None] = mapped_column(unique=True)  # lower case
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised by the database whenever password, role, school, unit or active changes (migration 0004):
    # a signed-in session whose version differs has ended.
    credential_version: Mapped[int] = mapped_column(default=0)


class UnknownLogin(Base):
    """Failures at a name no account has, counted like an account's so that the login form answers,
    waits and locks alike for both and tells no one which names exist."""

    __tablename__ = "unknown_logins"

    username: Mapped[str] = mapped_column(primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
