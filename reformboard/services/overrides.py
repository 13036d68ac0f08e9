"""A province administrator overrides a school's verdict, with the reason recorded and audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.results import Verdict
from reformboard.errors import UserFacingError
from tenants.access import PermissionAction, require_role, require_tenant
from tenants.audit import AuditAction
from tenants.principal import Principal, UserRole
from tenants.store import audit, record_override

MIN_REASON_CHARS = 5  # a reason is a sentence someone can check later, not "ok"


def override_verdict(
    session: Session, principal: Principal, campaign: Campaign, tenant_code: str, verdict: Verdict | None, reason: str
) -> None:
    """Replace the school's verdict (None withdraws an override) in the caller's transaction."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.VERDICT_OVERRIDE)
    require_tenant(session, principal, tenant_code, PermissionAction.VERDICT_OVERRIDE, write=True)
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise UserFacingError(f"请填写改判理由（至少 {MIN_REASON_CHARS} 个字），理由将记入审计日志")
    record_override(
        session,
        tenant_code=tenant_code,
        campaign_id=campaign.id,
        verdict=verdict,
        reason=reason,
        decided_by=principal.username,
    )
    audit(
        session,
        principal.username,
        AuditAction.VERDICT_OVERRIDE,
        tenant_code,
        campaign=campaign.id,
        verdict=verdict.value if verdict else None,
        reason=reason,
    )
