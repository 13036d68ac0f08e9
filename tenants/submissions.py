"""Uploaded workbooks: recording them (once per distinct file) and finding the ones the board uses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.schema import SchoolReport
from tenants.access import PermissionAction, require_tenant
from tenants.models import Submission
from tenants.principal import Principal
from tenants.queries import latest_per_tenant
from tenants.reports import insert_report

# "As of a date" means up to the end of that day in China, where the schools and the board are.
CHINA_TIME = timezone(timedelta(hours=8), "北京时间")
BACKFILLED = "补录"


def record_submission(
    session: Session,
    *,
    tenant_code: str,
    campaign_id: str,
    filename: str,
    raw: bytes,
    uploader: str,
    uploaded_at: datetime,
    report: SchoolReport | None,
    problems: list[dict[str, Any]],
    template_version: str = "",
    received_on: date | None = None,
) -> tuple[Submission, bool]:
    """Store an upload; accepted iff `report` is given, whose rows are then stored too.

    `received_on`, for a backfilled workbook, is the day it was received (the caller checks who may say
    so); the board then dates the submission by that day, and `uploaded_at` is kept as it is.

    A byte-identical re-upload (same school, campaign and SHA-256) returns the earlier submission and
    False, storing nothing. Does not commit.
    """
    sha256 = hashlib.sha256(raw).hexdigest()
    earlier = _same_file(session, tenant_code, campaign_id, sha256)
    if earlier is not None:
        return earlier, False
    submission = Submission(
        tenant_code=tenant_code,
        campaign_id=campaign_id,
        filename=filename,
        raw=raw,
        size=len(raw),
        sha256=sha256,
        uploader=uploader,
        uploaded_at=uploaded_at,
        received_at=uploaded_at if received_on is None else start_of_day(received_on),
        backfilled=received_on is not None,
        accepted=report is not None,
        problems=problems,
        template_version=template_version,
    )
    try:
        with session.begin_nested():  # flushes, assigning the id the report rows refer to
            session.add(submission)
    except IntegrityError:
        # The same file, sent twice at once, was committed by the other upload in the meantime.
        concurrent = _same_file(session, tenant_code, campaign_id, sha256)
        if concurrent is None:
            raise
        return concurrent, False
    if report is not None:
        insert_report(session, submission.id, tenant_code, report)
    return submission, True


def _same_file(session: Session, tenant_code: str, campaign_id: str, sha256: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(
            Submission.tenant_code == tenant_code, Submission.campaign_id == campaign_id, Submission.sha256 == sha256
        )
    )


def start_of_day(day: date) -> datetime:
    """The first instant of `day` in China time."""
    return datetime.combine(day, time(), CHINA_TIME)


def china_day(moment: datetime) -> date:
    """The day of `moment` on China's calendar (where schools and deadlines live)."""
    return moment.astimezone(CHINA_TIME).date()


def china_time(moment: datetime | None) -> str:
    """A moment as the board shows it, to the minute in China time ("" for none)."""
    return "" if moment is None else moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


class Received(Protocol):
    """What is dated by its receipt: a submission, and a document (tenants.documents dates it alike)."""

    received_at: datetime
    backfilled: bool


def received_text(received: Received) -> str:
    """When the board counts a submission or document received, as every page, sheet and notice words it:
    a live upload's time, or a backfilled one's received day marked 补录 (its upload time is not when the
    school sent it)."""
    if received.backfilled:
        return f"{received.received_at.astimezone(CHINA_TIME):%Y-%m-%d}（{BACKFILLED}）"
    return china_time(received.received_at)


def end_of_day(as_of: date) -> datetime:
    """The first instant after `as_of` in China time."""
    return start_of_day(as_of + timedelta(days=1))


def latest_accepted(
    session: Session, campaign_id: str, as_of: date, tenant_codes: Iterable[str] | None = None
) -> dict[str, Submission]:
    """Per school, the latest accepted submission received by the end of `as_of` (one query)."""
    return latest_per_tenant(
        session,
        Submission,
        Submission.campaign_id == campaign_id,
        Submission.accepted == true(),
        Submission.received_at < end_of_day(as_of),
        newest_first=(Submission.received_at.desc(), Submission.id.desc()),
        tenant_codes=tenant_codes,
    )


def history(session: Session, principal: Principal, tenant_code: str, campaign_id: str) -> list[Submission]:
    """Every submission of a school in a campaign, accepted or not, latest received first; a school outside
    the principal's scope is refused (AccessDenied, audited)."""
    require_tenant(session, principal, tenant_code, PermissionAction.VIEW_HISTORY)
    query = (
        select(Submission)
        .where(Submission.tenant_code == tenant_code, Submission.campaign_id == campaign_id)
        .order_by(Submission.received_at.desc(), Submission.id.desc())
    )
    return list(session.scalars(query))


def submission_of(session: Session, tenant_code: str, submission_id: int) -> Submission | None:
    """The school's submission with that id; None when there is none or it is another school's."""
    submission = session.get(Submission, submission_id)
    return submission if submission is not None and submission.tenant_code == tenant_code else None
