"""Stored documents (required materials and evidence): recording them and finding the ones in force.

A document is in force until a newer row replaces it; the history is every row. Reads take the
principal and refuse (AccessDenied, audited) a school outside its scope, like every read of a school's data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, undefer

from checks.errors import DomainError
from tenants.access import PermissionAction, require_tenant, require_tenants
from tenants.models import Document, DocumentPurpose
from tenants.principal import Principal
from tenants.submissions import china_day, start_of_day


class AlreadySuperseded(DomainError):
    """Two uploads replaced the same document at once: the first to commit wins."""


def record_document(session: Session, *, received_on: date | None, uploaded_at: datetime, **fields: object) -> Document:
    """Store a document's row (its bytes are already in the file store); dated like a submission."""
    document = Document(
        uploaded_at=uploaded_at,
        received_at=uploaded_at if received_on is None else start_of_day(received_on),
        backfilled=received_on is not None,
        **fields,
    )
    session.add(document)
    try:
        session.flush()
    except IntegrityError as exc:
        if "replaces_id" not in str(exc.orig):
            raise
        raise AlreadySuperseded("该文件刚刚已被另一次上传替换，本次未保存；请刷新页面查看最新文件后再操作") from None
    return document


def in_force(
    session: Session,
    principal: Principal,
    campaign_id: str,
    tenant_codes: Collection[str] | None,
    action: PermissionAction,
) -> list[Document]:
    """The documents no newer row replaces, of the schools named (None: all the principal sees), oldest first."""
    codes = require_tenants(session, principal, tenant_codes, action)
    newer = aliased(Document)
    query = (
        select(Document)
        .where(Document.campaign_id == campaign_id, ~select(newer.id).where(newer.replaces_id == Document.id).exists())
        .order_by(Document.tenant_code, Document.purpose, Document.subject, Document.received_at, Document.id)
    )
    if codes is not None:
        query = query.where(Document.tenant_code.in_(list(codes)))
    return list(session.scalars(query))


def document_history(session: Session, principal: Principal, tenant_code: str, campaign_id: str) -> list[Document]:
    """Every document of a school in a campaign, superseded ones too, latest received first, with thumbnails."""
    require_tenant(session, principal, tenant_code, PermissionAction.VIEW_DOCUMENTS)
    query = (
        select(Document)
        .options(undefer(Document.thumbnail))
        .where(Document.tenant_code == tenant_code, Document.campaign_id == campaign_id)
        .order_by(Document.received_at.desc(), Document.id.desc())
    )
    return list(session.scalars(query))


def get_document(session: Session, principal: Principal, document_id: int, action: PermissionAction) -> Document | None:
    """One document by id, when the principal may read its school (else refused, audited)."""
    document = session.get(Document, document_id)
    if document is not None:
        require_tenant(session, principal, document.tenant_code, action)
    return document


def material_receipts(
    session: Session, principal: Principal, campaign_id: str, tenant_codes: Collection[str] | None
) -> dict[str, dict[str, list[date]]]:
    """Per school and material id, the days (China time) its files were received, superseded ones included."""
    codes = require_tenants(session, principal, tenant_codes, PermissionAction.VIEW_MATERIALS)
    query = select(Document.tenant_code, Document.subject, Document.received_at).where(
        Document.campaign_id == campaign_id, Document.purpose == DocumentPurpose.MATERIAL
    )
    if codes is not None:
        query = query.where(Document.tenant_code.in_(list(codes)))
    receipts: dict[str, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for tenant_code, subject, received_at in session.execute(query):
        receipts[tenant_code][subject].append(china_day(received_at))
    return receipts


def stored_bytes(session: Session, tenant_code: str) -> int:
    """What a school's documents take in the store, every version counted (what its quota limits)."""
    query = select(func.coalesce(func.sum(Document.size), 0)).where(Document.tenant_code == tenant_code)
    return session.scalar(query) or 0


def named_files(session: Session) -> dict[str, list[int]]:
    """Every file hash the rows name, with the ids of the rows naming it (for reformboard check-files)."""
    named: dict[str, list[int]] = defaultdict(list)
    for document_id, sha256 in session.execute(select(Document.id, Document.sha256).order_by(Document.id)):
        named[sha256].append(document_id)
    return named
