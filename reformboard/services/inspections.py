"""Bring inspectors' filled verification sheets back in: read, check whose they are, store, audit."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from loaders.inspection import Expected, InspectionResult, read_inspection
from loaders.limits import Limits
from loaders.problems import Problem, error
from reformboard.context import AppContext
from tenants.access import PermissionAction, require_role, require_tenant
from tenants.audit import AuditAction
from tenants.models import Submission, Tenant
from tenants.principal import Principal, UserRole
from tenants.store import audit, get_school, save_onsite_results


@dataclass(frozen=True)
class InspectionOutcome:
    result: InspectionResult
    stored: bool  # False when refused, or when the same file was loaded before


def load_inspection(
    session: Session, data: bytes, *, principal: Principal, campaign: Campaign, limits: Limits
) -> InspectionOutcome:
    """Store the on-site results of one sheet (in the caller's transaction) unless it is refused.

    Only the province administrator records inspections; AccessDenied (audited) otherwise."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.INSPECTION_LOAD)
    expected = Expected(campaign_id=campaign.id, rulebook=AppContext.rulebook_for(campaign))
    result = read_inspection(data, expected, limits)
    if result.accepted and (unbound := _provenance_problem(session, result, campaign)):
        result = replace(result, results={}, problems=(*result.problems, unbound))
    if not result.accepted:
        audit(
            session,
            principal.username,
            AuditAction.INSPECTION_REJECTED,
            None,
            sha256=result.sha256,
            problems=len(result.problems),
        )
        return InspectionOutcome(result, stored=False)
    require_tenant(session, principal, result.school_code, PermissionAction.INSPECTION_LOAD, write=True)
    stored = save_onsite_results(
        session,
        tenant_code=result.school_code,
        campaign_id=campaign.id,
        submission_id=int(result.submission_id),
        results=result.results.values(),
        source_sha256=result.sha256,
    )
    if stored:
        audit(
            session,
            principal.username,
            AuditAction.INSPECTION_LOADED,
            result.school_code,
            sha256=result.sha256,
            items=len(result.results),
            inspectors=result.inspectors,
            inspected_on=result.inspected_on.isoformat() if result.inspected_on else None,
        )
    return InspectionOutcome(result, stored)


def _provenance_problem(session: Session, result: InspectionResult, campaign: Campaign) -> Problem | None:
    """Why the sheet cannot be bound to its submission: the school it names must be ours, and the
    submission it names must be that school's, in this campaign, the very workbook it was exported from."""
    school = get_school(session, result.school_code)
    if school is None:
        return error(f"核查表中的学校标识码 {result.school_code} 不在本系统的学校名单中，请使用本系统导出的核查表。")
    named = f"{_called(school)}的提交 {result.submission_id}"
    submission = session.get(Submission, int(result.submission_id)) if result.submission_id.isdigit() else None
    if submission is None or submission.campaign_id != campaign.id:
        return error(
            f"核查表写明是为{named} 导出的，但本批次没有这次提交。请在看板上重新导出该校的核查表填写后上传。",
            value=result.submission_id,
        )
    if submission.tenant_code != school.code:
        owner = _called(get_school(session, submission.tenant_code))
        return error(
            f"核查表写的学校与提交不符：提交 {submission.id} 是{owner}的，不是{_called(school)}的。"
            f"这份核查表是为{owner}的提交 {submission.id} 导出的，不能记入{_called(school)}；"
            f"请使用系统为{_called(school)}导出的核查表。",
            value=result.school_code,
        )
    if submission.sha256 != result.submission_sha256:
        return error(
            f"核查表记录的文件校验码与{named} 的文件不符，无法确认它是为哪次提交导出的。"
            "请在看板上重新导出该校的核查表填写后上传。",
            value=result.submission_sha256[:12],
        )
    return None


def _called(school: Tenant | None) -> str:
    return f"{school.name}（{school.code}）" if school else "（不在名单中的学校）"
