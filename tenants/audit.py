"""The audit log: who did what, when. The application only ever appends to it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.serialize import dump
from tenants.models import AuditEntry, utcnow


def audit(session: Session, actor: str, action: str, /, tenant_code: str | None = None,
          **detail: Any) -> AuditEntry:
    """Append an entry; `detail` may hold dates, enums and dataclasses (stored as plain JSON)."""
    entry = AuditEntry(at=utcnow(), actor=actor, action=action, tenant_code=tenant_code, detail=dump(detail))
    session.add(entry)
    return entry


def audit_entries(session: Session, *, actor: str | None = None, action: str | None = None,
                  tenant_code: str | None = None, since: datetime | None = None,
                  until: datetime | None = None, limit: int | None = None) -> list[AuditEntry]:
    """Entries matching every filter given, newest first; `since` inclusive, `until` exclusive."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if tenant_code is not None:
        query = query.where(AuditEntry.tenant_code == tenant_code)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return list(session.scalars(query))
