"""Downloads: a school's original workbook, as it was uploaded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from checks.errors import NotFound
from tenants.access import PermissionAction, require_tenant
from tenants.audit import AuditAction, audit
from tenants.principal import Principal
from tenants.submissions import submission_of


@dataclass(frozen=True)
class Download:
    data: bytes
    filename: str


def submission_file(session: Session, principal: Principal, tenant_code: str, submission_id: int) -> Download:
    """The uploaded workbook as it came in, for a principal who may read the school."""
    require_tenant(session, principal, tenant_code, PermissionAction.DOWNLOAD_SUBMISSION)
    submission = submission_of(session, tenant_code, submission_id)
    if submission is None:
        raise NotFound(f"找不到该校的提交 {submission_id}")
    audit(session, principal.username, AuditAction.SUBMISSION_DOWNLOADED, tenant_code, submission_id=submission_id)
    return Download(submission.raw, submission.filename)
