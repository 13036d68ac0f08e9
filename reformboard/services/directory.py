"""The directory: supervising units and schools (the tenants), added one by one or from a province's list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tenants import directory
from tenants.access import PermissionAction, require_role
from tenants.audit import AuditAction, audit
from tenants.directory import DirectoryError
from tenants.models import Tenant, Unit
from tenants.principal import Principal, UserRole


@dataclass(frozen=True)
class SchoolEntry:
    """A school as a list or a form gives it."""

    code: str
    name: str
    unit_code: str
    school_type: str | None  # None: not given (an update keeps the type on record)


def add_unit(session: Session, principal: Principal, code: str, name: str, kind: str, *, kinds: Sequence[str]) -> Unit:
    """`kinds`: the unit kinds of the rulebook in force (its vocabulary)."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.UNIT_ADD)
    unit = directory.add_unit(session, code, name, kind, kinds=kinds)  # DirectoryError: bad code, name or kind
    audit(session, principal.username, AuditAction.UNIT_ADDED, None, unit=unit.code, name=unit.name, kind=unit.kind)
    return unit


def add_school(session: Session, principal: Principal, entry: SchoolEntry, campaign_ids: Sequence[str]) -> Tenant:
    """Register the school and put it on the lists of the campaigns named."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.SCHOOL_ADD)
    return _add_school(session, principal, entry, campaign_ids)


def import_schools(
    session: Session, principal: Principal, entries: Iterable[SchoolEntry], campaign_ids: Sequence[str]
) -> tuple[int, int]:
    """Add the new schools and update the listed ones that differ: (added, updated). Every school listed
    is put on the lists of the campaigns named."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.SCHOOL_IMPORT)
    added = updated = 0
    for entry in entries:
        school = directory.get_school(session, entry.code)
        if school is None:
            _add_school(session, principal, entry, campaign_ids)
            added += 1
            continue
        if _update_school(session, principal, school, entry):
            updated += 1
        _enrol(session, principal, school.code, campaign_ids)
    return added, updated


def _add_school(session: Session, principal: Principal, entry: SchoolEntry, campaign_ids: Sequence[str]) -> Tenant:
    if session.get(Unit, entry.unit_code) is None:
        raise DirectoryError(f"找不到单位代码为 {entry.unit_code} 的单位，请先添加该单位")
    school = directory.add_school(
        session, entry.code, entry.name, entry.unit_code, entry.school_type or "", campaign_ids
    )
    audit(
        session,
        principal.username,
        AuditAction.SCHOOL_ADDED,
        school.code,
        name=school.name,
        unit=school.unit_code,
        school_type=school.school_type,
        campaigns=list(campaign_ids),
    )
    return school


def _enrol(session: Session, principal: Principal, code: str, campaign_ids: Sequence[str]) -> None:
    for campaign_id in campaign_ids:
        if directory.enrol_school(session, campaign_id, code):
            audit(session, principal.username, AuditAction.SCHOOL_ENROLLED, code, campaign=campaign_id)


def _update_school(session: Session, principal: Principal, school: Tenant, entry: SchoolEntry) -> bool:
    changes = {
        field: getattr(entry, field)
        for field in ("name", "unit_code", "school_type")
        if getattr(entry, field) is not None and getattr(school, field) != getattr(entry, field)
    }
    for field, value in changes.items():
        setattr(school, field, value)
    if changes:
        audit(session, principal.username, AuditAction.SCHOOL_UPDATED, school.code, **changes)
    return bool(changes)
