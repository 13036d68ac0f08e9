"""Ingest one uploaded workbook: read it, store it as a submission, assess it — in the caller's transaction.

A refused file is still kept as a rejected submission (raw bytes, sha256, problems) when we know whose
it is; a byte-identical re-upload is recognised and creates nothing new; one school's workbook never
lands in another school's tenant, and only a principal who may write a school's data uploads for it.

A workbook received before it is uploaded (by e-mail or on paper, before the board existed) is
backfilled: a province administrator gives the day it was received, and it is read, assessed and dated
on the board as of that day; the upload time is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.engine import assess
from checks.results import SchoolAssessment
from checks.rulebook import Rulebook
from checks.serialize import dump
from checks.stored import Derived, RosterFindings, derive, roster_findings
from loaders.layout import SCHOOL
from loaders.limits import Limits
from loaders.problems import Problem, error
from loaders.workbook import LoadResult, read_workbook
from reformboard.bulk import cycle_collection_paused
from reformboard.errors import UserFacingError
from tenants.access import PermissionAction, require_role, require_tenant
from tenants.audit import AuditAction
from tenants.principal import Principal, UserRole
from tenants.store import audit, get_school, is_enrolled, record_submission, save_assessment, store_results
from tenants.submissions import china_day


@dataclass(frozen=True)
class IngestOutcome:
    filename: str
    tenant_code: str | None
    accepted: bool
    problems: list[Problem]
    more_problems: int = 0
    created: bool = False  # False for a dry run or a byte-identical re-upload
    submission_id: int | None = None
    assessment: SchoolAssessment | None = None
    received_on: date | None = None  # the day a backfilled workbook was received; None for a live upload


@cycle_collection_paused()  # a roster's rows are read, checked and stored by the thousand
def ingest(
    session: Session,
    *,
    data: bytes,
    filename: str,
    principal: Principal,
    campaign: Campaign,
    rulebook: Rulebook,
    limits: Limits,
    target_tenant: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    received_on: date | None = None,
    loaded: LoadResult | None = None,
    derived: Derived | None = None,
) -> IngestOutcome:
    """`received_on`: backfill the workbook as received that day (province administrators only).
    `loaded`: `data` as already read for `reading_day(now, received_on)` (by a batch's reading children),
    `derived`: what was derived from its report for that day (checks.stored.derive, by the same)."""
    now = now or datetime.now(UTC)
    if received_on is not None:
        check_backfill(session, principal, campaign, received_on, reading_day(now, None))
    today = reading_day(now, received_on)
    result = loaded if loaded is not None else read_workbook(data, filename, rulebook, today=today, limits=limits)
    tenant_code = target_tenant or result.school_code
    problems = [*result.problems, *_tenant_problems(session, result, target_tenant, campaign)]
    report = None if _has_errors(problems) else result.report
    school = get_school(session, tenant_code) if tenant_code else None
    if school is not None:
        require_tenant(session, principal, school.code, PermissionAction.UPLOAD, write=True)
    assessment = None
    found: RosterFindings = {}
    if report is not None and school is not None:
        # The roster rules run once: their findings are assessed with and stored. As on the board, they
        # stand in for the roster, which no other rule reads (tests/test_stored_results.py).
        found = derived.found if derived is not None else roster_findings(report, rulebook, campaign)
        assessment = assess(
            replace(report, staff=()),
            rulebook,
            campaign,
            today,
            tenant=school.code,
            school=school.name,
            found=found,
        )
    outcome = IngestOutcome(
        filename=filename,
        tenant_code=tenant_code,
        accepted=report is not None,
        problems=problems,
        more_problems=result.more_problems,
        assessment=assessment,
        received_on=received_on,
    )
    if dry_run or school is None:
        return outcome  # a file naming no registered school has no tenant to be kept under
    submission, created = record_submission(
        session,
        tenant_code=school.code,
        campaign_id=campaign.id,
        filename=filename,
        raw=data,
        uploader=principal.username,
        uploaded_at=now,
        report=report,
        problems=[dump(p) for p in problems],
        template_version=result.template_version,
        received_on=received_on,
    )
    if created and report is not None and assessment is not None:
        save_assessment(session, submission.id, assessment)
        # The board facts only for a submission stored anew: a dry run or a byte-identical re-upload
        # would throw them away.
        derived = derived or derive(report, rulebook, campaign, today, found=found)
        store_results(session, submission.id, school.code, derived, campaign)
    audit(
        session,
        principal.username,
        AuditAction.UPLOAD_ACCEPTED if outcome.accepted else AuditAction.UPLOAD_REJECTED,
        tenant_code,
        filename=filename,
        submission_id=submission.id,
        created=created,
        problems=len(problems),
        received_on=received_on,
        uploaded_at=now,
    )
    return replace(outcome, created=created, submission_id=submission.id)


def reading_day(now: datetime, received_on: date | None) -> date:
    """The day a workbook is read and assessed as of: the day it came in, on China's calendar (where
    schools and deadlines live); a backfilled workbook as it stood the day it was received."""
    return received_on or china_day(now)


def check_backfill(session: Session, principal: Principal, campaign: Campaign, received_on: date, today: date) -> None:
    """Only a province administrator backfills, and only to a day within the campaign so far."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.BACKFILL)
    if received_on > today:
        raise UserFacingError(
            f"收到日期 {received_on:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），"
            "不能补录尚未收到的文件；请填写实际收到文件的日期。"
        )
    if received_on < campaign.starts_on:
        raise UserFacingError(
            f"收到日期 {received_on:%Y-%m-%d} 早于验收批次“{campaign.name}”的开始日期"
            f"（{campaign.starts_on:%Y-%m-%d}），请核对收到日期或所选验收批次。"
        )


def _has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)


def _tenant_problems(session: Session, result: LoadResult, target: str | None, campaign: Campaign) -> list[Problem]:
    """The workbook must name a registered school, and the target school when there is one."""
    code = result.school_code
    where = dict(sheet=SCHOOL.name, cell=result.school_code_cell, field=SCHOOL.column("code").header, value=code or "")
    if code is None:
        return []  # the reader has already reported the missing or malformed code
    if target is not None and code != target:
        return [
            error(
                f"本文件填写的学校标识码为 {code}，与上传目标学校 {target} 不一致。"
                "一所学校不能提交或覆盖另一所学校的数据，请核对后使用本校的填报文件。",
                **where,
            )
        ]
    if get_school(session, code) is None:
        return [
            error(
                f"学校标识码 {code} 不在本系统的学校名单中，请核对标识码；"
                f"如确为新增学校，请联系{campaign.contact_office}登记。",
                **where,
            )
        ]
    if not is_enrolled(session, campaign.id, code):
        return [
            error(
                f"学校 {code} 未列入验收批次“{campaign.name}”的学校名单，不能向该批次提交；"
                f"请核对所选批次，或联系{campaign.contact_office}将本校列入。",
                **where,
            )
        ]
    return []
