"""The audit log: who did what, when. The application only ever appends to it (reading: tenants.audit_trail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from checks.serialize import dump
from tenants.models import AuditEntry, utcnow


def audit(session: Session, actor: str, action: str, /, tenant_code: str | None = None, **detail: Any) -> AuditEntry:
    """Append an entry; `detail` may hold dates, enums and dataclasses (stored as plain JSON)."""
    entry = AuditEntry(at=utcnow(), actor=actor, action=action, tenant_code=tenant_code, detail=dump(detail))
    session.add(entry)
    return entry
