"""Campaigns: what a province administrator changes in one (its per-item deadlines)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from tenants.access import PermissionAction, require_role
from tenants.audit import AuditAction, audit
from tenants.directory import set_deadline_overrides
from tenants.principal import Principal, UserRole


def change_deadlines(
    session: Session, principal: Principal, campaign_id: str, overrides: Mapping[str, date]
) -> Campaign:
    """Replace the campaign's deadline overrides (item id -> due date); the changed campaign."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CAMPAIGN_DEADLINES)
    campaign = set_deadline_overrides(session, campaign_id, overrides)
    audit(
        session,
        principal.username,
        AuditAction.CAMPAIGN_DEADLINES_CHANGED,
        None,
        campaign=campaign.id,
        overrides=dict(overrides),
    )
    return campaign
