"""Bring inspectors' filled verification sheets back in: read, check whose they are, store, audit."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from loaders.inspection import Expected, InspectionResult, read_inspection
from loaders.limits import Limits
from loaders.problems import error
from tenants.access import require_role, require_tenant
from tenants.principal import Principal, Role
from tenants.store import audit, get_school, history, save_onsite_results


@dataclass(frozen=True)
class InspectionOutcome:
    result: InspectionResult
    stored: bool  # False when refused, or when the same file was loaded before


def load_inspection(session: Session, data: bytes, *, principal: Principal, campaign: Campaign,
                    limits: Limits) -> InspectionOutcome:
    """Store the on-site results of one sheet (in the caller's transaction) unless it is refused.

    Only the province administrator records inspections; AccessDenied (audited) otherwise."""
    require_role(session, principal, Role.PROVINCE_ADMIN, action="inspection_load")
    result = read_inspection(data, Expected(campaign_id=campaign.id), limits)
    if result.accepted and get_school(session, result.school_code) is None:
        result = replace(result, results={}, problems=(*result.problems, error(
            f"核查表中的学校标识码 {result.school_code} 不在本系统的学校名单中，请使用本系统导出的核查表。")))
    if not result.accepted:
        audit(session, principal.username, "inspection_rejected", None, sha256=result.sha256,
              problems=len(result.problems))
        return InspectionOutcome(result, stored=False)
    require_tenant(session, principal, result.school_code, "inspection_load", write=True)
    submissions = {str(s.id): s.id for s in history(session, principal, result.school_code, campaign.id)}
    stored = save_onsite_results(
        session, tenant_code=result.school_code, campaign_id=campaign.id,
        submission_id=submissions.get(result.submission_id), results=result.results.values(),
        source_sha256=result.sha256)
    if stored:
        audit(session, principal.username, "inspection_loaded", result.school_code, sha256=result.sha256,
              items=len(result.results), inspectors=result.inspectors,
              inspected_on=result.inspected_on.isoformat() if result.inspected_on else None)
    return InspectionOutcome(result, stored)
