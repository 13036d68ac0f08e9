"""Required materials and evidence files: upload (school or province administrator), view, export.

Each action authorises, proves the file harmless (reformboard.files.inspect), stores its bytes by hash,
records its row and audits once (AuditAction.DOCUMENT_UPLOADED / _VIEWED / _EXPORTED), in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.materials import material_statuses
from checks.rulebook import Rulebook
from loaders.verification_sheet import PACK_NAME_BYTES, PackFile, SheetEntry
from reformboard.errors import UserFacingError
from reformboard.files.inspect import inspect_file
from reformboard.files.kinds import FileKind, FileRefused
from reformboard.files.limits import FileLimits
from reformboard.files.store import FileStore
from reformboard.services.uploads import check_backfill
from tenants.access import AccessDenied, PermissionAction, can_see_names, require_tenant
from tenants.audit import AuditAction, audit
from tenants.documents import get_document, in_force, material_receipts, record_document, stored_bytes
from tenants.models import Document, DocumentPurpose
from tenants.principal import Principal
from tenants.submissions import china_day, end_of_day
from textsafety import file_name_part, strip_unsafe

MAX_TITLE_CHARS = 60  # "a short title"
EVIDENCE_FOR_SCHOOL_AND_PROVINCE = "佐证材料原件可能含学生个人信息，仅供学校本身和省级查看"


@dataclass(frozen=True)
class Upload:
    """One file a user hands in, and what it is for."""

    purpose: DocumentPurpose
    subject: str  # the material's id or the sub-item's id
    filename: str
    data: bytes
    title: str = ""  # a material's defaults to its name
    document_date: date | None = None
    replaces: int | None = None  # evidence: the id of the file this one supersedes


def upload_document(
    session: Session,
    principal: Principal,
    store: FileStore,
    limits: FileLimits,
    campaign: Campaign,
    rulebook: Rulebook,
    tenant_code: str,
    upload: Upload,
    *,
    received_on: date | None = None,
    now: datetime | None = None,
) -> Document:
    """Store a school's material or evidence file; a refused file raises FileRefused or UserFacingError."""
    now = now or datetime.now(UTC)
    require_tenant(session, principal, tenant_code, PermissionAction.DOCUMENT_UPLOAD, write=True)
    if received_on is not None:
        check_backfill(session, principal, campaign, received_on, china_day(now))
    title = _title(upload, rulebook)
    inspected = inspect_file(upload.data, limits)
    if upload.purpose is DocumentPurpose.MATERIAL and inspected.kind is not FileKind.PDF:
        raise FileRefused("报送材料须为盖章后扫描的 PDF 文件（纸质版另行寄送），请扫描为 PDF 后上传。")
    if stored_bytes(session, tenant_code) + len(upload.data) > limits.max_school_bytes:
        raise FileRefused(
            f"本校已上传的材料文件合计将超过 {limits.max_school_bytes // 1024 // 1024} MB 的上限，"
            f"请联系{campaign.contact_office}。"
        )
    replaces = _replaced(session, principal, campaign, tenant_code, upload)
    sha256 = store.put(upload.data)
    document = record_document(
        session,
        received_on=received_on,
        uploaded_at=now,
        tenant_code=tenant_code,
        campaign_id=campaign.id,
        purpose=upload.purpose,
        subject=upload.subject,
        title=title,
        document_date=upload.document_date,
        filename=strip_unsafe(upload.filename)[:200],
        kind=inspected.kind.value,
        size=len(upload.data),
        pages=inspected.pages,
        sha256=sha256,
        uploader=principal.username,
        replaces_id=replaces,
        thumbnail=inspected.thumbnail,
    )
    audit(
        session,
        principal.username,
        AuditAction.DOCUMENT_UPLOADED,
        tenant_code,
        document_id=document.id,
        purpose=upload.purpose.value,
        subject=upload.subject,
        sha256=sha256,
        replaces=replaces,
        received_on=received_on,
    )
    return document


def may_open(principal: Principal, document: Document) -> bool:
    """Evidence may name students (sign-in sheets, photos): like the raw workbooks, only the school itself
    and the province open it; a city committee opens its schools' required materials."""
    return document.purpose is DocumentPurpose.MATERIAL or can_see_names(principal, document.tenant_code)


def open_document(session: Session, principal: Principal, store: FileStore, document_id: int) -> tuple[Document, bytes]:
    """A document and its bytes, for a principal who may read its school (and open it); audited."""
    document = get_document(session, principal, document_id, PermissionAction.DOCUMENT_VIEW)
    if document is None:
        raise UserFacingError(f"找不到编号为 {document_id} 的材料文件")
    if not may_open(principal, document):
        raise AccessDenied(EVIDENCE_FOR_SCHOOL_AND_PROVINCE)
    data = store.get(document.sha256)
    audit(session, principal.username, AuditAction.DOCUMENT_VIEWED, document.tenant_code, document_id=document.id)
    return document, data


def with_documents(
    session: Session,
    principal: Principal,
    store: FileStore,
    rulebook: Rulebook,
    campaign: Campaign,
    entries: Sequence[SheetEntry],
    *,
    pack: bool,
) -> list[SheetEntry]:
    """The verification sheets' entries with each school's materials and evidence: their statuses and
    files listed on the sheet, and when `pack` the files themselves beside it (the evidence pack), each
    named on the sheet. A sheet exported alone lists the files without naming any it does not carry."""
    codes = [entry.context.school_code for entry in entries]
    receipts = material_receipts(session, principal, campaign.id, codes)
    enriched = []
    for entry in entries:
        as_of, code = entry.context.as_of, entry.context.school_code
        statuses = material_statuses(rulebook.submissions, campaign, receipts[code], as_of)
        exported = _exported(session, principal, store, campaign, code, as_of, pack)
        names = _pack_names([document for document, _ in exported], rulebook)
        context = replace(
            entry.context,
            materials=tuple(f"{s.material.name}：{s.text}" for s in statuses),
            evidence=tuple(
                (d.subject, f"{d.title}（{_facts(d)}）" + (f"→ {names[d.id]}" if data is not None else ""))
                for d, data in exported
                if d.purpose is DocumentPurpose.EVIDENCE
            ),
        )
        files = tuple(PackFile(names[document.id], data) for document, data in exported if data is not None)
        enriched.append(replace(entry, context=context, files=files))
    return enriched


def _facts(document: Document) -> str:
    pages = f"，{document.pages}页" if document.pages else ""
    return f"{document.document_date or '未注明日期'}{pages}，{document.kind}"


def _pack_names(documents: Sequence[Document], rulebook: Rulebook) -> dict[int, str]:
    """Each file's name in the school's folder: evidence named by its sub-item, materials by their name."""
    materials = {m.id: m.name for m in rulebook.submissions}
    names: dict[int, str] = {}
    for document in documents:
        if document.purpose is DocumentPurpose.EVIDENCE:
            stem = f"佐证材料/{document.subject}_{file_name_part(document.title, PACK_NAME_BYTES)}"
        else:
            stem = f"报送材料/{file_name_part(materials.get(document.subject, document.subject), PACK_NAME_BYTES)}"
        name = f"{stem}{FileKind(document.kind).extension}"
        names[document.id] = (
            f"{stem}_{document.id}{FileKind(document.kind).extension}" if name in names.values() else name
        )
    return names


def _exported(
    session: Session,
    principal: Principal,
    store: FileStore,
    campaign: Campaign,
    tenant_code: str,
    as_of: date,
    pack: bool,
) -> list[tuple[Document, bytes | None]]:
    """A school's documents in force received by the end of `as_of`, with their bytes when they are packed
    and the principal may open them (else None: listed, not packed); the files exported are audited once."""
    documents = [
        d
        for d in in_force(session, principal, campaign.id, [tenant_code], PermissionAction.DOCUMENT_EXPORT)
        if d.received_at < end_of_day(as_of)
    ]
    exported = [(d, store.get(d.sha256) if pack and may_open(principal, d) else None) for d in documents]
    packed = [d.id for d, data in exported if data is not None]
    if packed:
        audit(
            session,
            principal.username,
            AuditAction.DOCUMENT_EXPORTED,
            tenant_code,
            campaign=campaign.id,
            document_ids=packed,
        )
    return exported


def _title(upload: Upload, rulebook: Rulebook) -> str:
    if upload.purpose is DocumentPurpose.MATERIAL:
        material = next((m for m in rulebook.submissions if m.id == upload.subject), None)
        if material is None:
            known = "、".join(f"{m.id}（{m.name}）" for m in rulebook.submissions)
            raise UserFacingError(f"没有编号为 {upload.subject!r} 的报送材料；可选：{known}")
        return strip_unsafe(upload.title).strip()[:MAX_TITLE_CHARS] or material.name
    if upload.subject not in {item.id for item in rulebook.items}:
        raise UserFacingError(f"任务列表中没有子项 {upload.subject!r}")
    title = strip_unsafe(upload.title).strip()
    if not title:
        raise UserFacingError("请为佐证材料填写简短标题（如“改革动员会通知”）")
    if len(title) > MAX_TITLE_CHARS:
        raise UserFacingError(f"佐证材料标题请不超过 {MAX_TITLE_CHARS} 个字")
    return title


def _replaced(
    session: Session, principal: Principal, campaign: Campaign, tenant_code: str, upload: Upload
) -> int | None:
    """The row the upload supersedes: a material's current file; for evidence, the one the user named,
    which must be in force for the same school and sub-item."""
    current = [
        d
        for d in in_force(session, principal, campaign.id, [tenant_code], PermissionAction.DOCUMENT_UPLOAD)
        if d.purpose is upload.purpose and d.subject == upload.subject
    ]
    if upload.purpose is DocumentPurpose.MATERIAL:
        return current[-1].id if current else None
    if upload.replaces is None:
        return None
    if upload.replaces not in {d.id for d in current}:
        raise UserFacingError(f"编号为 {upload.replaces} 的文件不是本校子项 {upload.subject} 当前的佐证材料，无法替换")
    return upload.replaces
