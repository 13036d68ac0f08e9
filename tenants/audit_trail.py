"""Reading the audit log, within what the reader may see.

Province roles read every entry; others only entries about the schools they see (entries naming no
school are the province's), as row-level security does on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.access import PermissionAction, require_tenant, visible_codes
from tenants.audit import AuditAction
from tenants.models import AuditEntry
from tenants.principal import Principal


def audit_entries(
    session: Session,
    principal: Principal,
    *,
    actor: str | None = None,
    action: AuditAction | None = None,
    tenant_code: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Entries matching every filter given, within the principal's scope, newest first; `since` inclusive,
    `until` exclusive. A school outside the scope is refused (AccessDenied, audited)."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if not principal.is_province:
        if tenant_code is not None:
            require_tenant(session, principal, tenant_code, PermissionAction.VIEW_AUDIT_LOG)
        query = query.where(AuditEntry.tenant_code.in_(visible_codes(session, principal)))
    if tenant_code is not None:  # any code for the province: entries may name schools that never existed
        query = query.where(AuditEntry.tenant_code == tenant_code)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return list(session.scalars(query))
