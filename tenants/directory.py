"""Who is who: supervising units, schools (the tenants), campaigns and which schools take part in which."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from checks.campaign import Campaign, RulebookText, rulebook_sha256
from checks.errors import DomainError, NotFound
from tenants.models import CampaignRow, CampaignSchool, Tenant, Unit
from textsafety import for_terminal, name_problem

SCHOOL_CODE = re.compile(r"[0-9]{10}")  # ASCII digits: \d would also take full-width ones
UNIT_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")


class DirectoryError(DomainError, ValueError):
    """A code or name that cannot be stored (malformed, or already taken); str() says which, in Chinese."""


def parse_school_code(typed: str) -> str:
    """A school code as stored: full-width digits made ASCII; DirectoryError unless 10 digits."""
    code = unicodedata.normalize("NFKC", typed).strip()
    if not SCHOOL_CODE.fullmatch(code):
        raise DirectoryError(f"学校标识码应为10位数字，收到“{for_terminal(typed)}”")
    return code


def parse_unit_code(typed: str) -> str:
    code = unicodedata.normalize("NFKC", typed).strip()
    if not UNIT_CODE.fullmatch(code):
        raise DirectoryError(f"单位代码应为 1–20 位字母或数字，收到“{for_terminal(typed)}”")
    return code


def checked_name(typed: str, label: str) -> str:
    """A school or unit name as stored, without surrounding blanks; DirectoryError when it holds
    control or direction-changing characters, or is empty or too long."""
    name = typed.strip()
    problem = name_problem(name, label)
    if problem:
        raise DirectoryError(problem)
    return name


def add_unit(session: Session, code: str, name: str, kind: str, *, kinds: Sequence[str]) -> Unit:
    """`kinds`: the unit kinds of the rulebook in force (its vocabulary); `kind` must be one of them."""
    code, name = parse_unit_code(code), checked_name(name, "单位名称")
    if kind not in kinds:
        raise DirectoryError(f"单位类型“{kind}”不在规则手册的词汇表中，应为 {'、'.join(kinds)} 之一")
    if session.get(Unit, code) is not None:
        raise DirectoryError(f"单位代码 {code} 已存在")
    unit = Unit(code=code, name=name, kind=kind)
    _add_referable(session, unit)
    return unit


def add_school(
    session: Session,
    code: str,
    name: str,
    unit_code: str,
    school_type: str = "",
    campaign_ids: Iterable[str] | None = None,
) -> Tenant:
    """Register a school and enrol it in the campaigns named (None: the default campaign, if there is one)."""
    code, name = parse_school_code(code), checked_name(name, "学校名称")
    if session.get(Tenant, code) is not None:
        raise DirectoryError(f"学校标识码 {code} 已存在")
    school = Tenant(code=code, name=name, unit_code=unit_code, school_type=school_type)
    _add_referable(session, school)
    if campaign_ids is None:
        default = default_campaign(session)
        campaign_ids = () if default is None else (default.id,)
    for campaign_id in campaign_ids:
        enrol_school(session, campaign_id, code)
    return school


def enrol_school(session: Session, campaign_id: str, code: str) -> bool:
    """Put a registered school on a campaign's list; False when it was on it already."""
    _row(session, campaign_id)
    if is_enrolled(session, campaign_id, code):
        return False
    session.add(CampaignSchool(campaign_id=campaign_id, tenant_code=code))
    session.flush()
    return True


def is_enrolled(session: Session, campaign_id: str, code: str) -> bool:
    return session.get(CampaignSchool, (campaign_id, code)) is not None


def _add_referable(session: Session, row: Unit | Tenant | CampaignRow) -> None:
    # The models declare no relationships, so the unit of work cannot tell that a school must be
    # inserted after its unit: insert each parent row now.
    session.add(row)
    session.flush()


def list_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.code)))


def list_schools(session: Session, unit_code: str | None = None, campaign_id: str | None = None) -> list[Tenant]:
    """The registered schools, of one unit and/or on one campaign's list when given."""
    query = select(Tenant).order_by(Tenant.code)
    if unit_code is not None:
        query = query.where(Tenant.unit_code == unit_code)
    if campaign_id is not None:
        enrolled = select(CampaignSchool.tenant_code).where(CampaignSchool.campaign_id == campaign_id)
        query = query.where(Tenant.code.in_(enrolled))
    return list(session.scalars(query))


def get_school(session: Session, code: str) -> Tenant | None:
    return session.get(Tenant, code)


def ensure_campaign(session: Session, campaign: Campaign) -> Campaign:
    """Store the campaign, its rulebook pinned, unless one with its id exists; returns the stored one (which
    wins). The first campaign stored becomes the default and takes every school already registered; a
    later one starts with no schools and never changes the default."""
    stored = get_campaign(session, campaign.id)
    if stored is not None:
        return stored
    first = default_campaign(session) is None
    _add_referable(
        session,
        CampaignRow(
            id=campaign.id,
            name=campaign.name,
            rulebook=campaign.rulebook,
            starts_on=campaign.starts_on,
            acceptance_on=campaign.acceptance_on,
            contact=campaign.contact,
            deadline_overrides=_iso_dates(campaign.deadline_overrides),
            threshold_overrides=dict(campaign.threshold_overrides),
            is_default=first,
            **_pinned(campaign.rulebook_texts),
        ),
    )
    if first:
        for school in list_schools(session):
            enrol_school(session, campaign.id, school.code)
    return campaign


def _pinned(texts: Sequence[RulebookText]) -> dict[str, Any]:
    return {
        "rulebook_texts": [{"id": text.id, "text": text.text} for text in texts],
        "rulebook_sha256": rulebook_sha256(texts),
    }


def _row(session: Session, campaign_id: str) -> CampaignRow:
    row = session.get(CampaignRow, campaign_id)
    if row is None:
        raise NotFound(f"找不到验收批次 {campaign_id}")
    return row


def set_deadline_overrides(session: Session, campaign_id: str, overrides: Mapping[str, date]) -> Campaign:
    """Replace the campaign's per-item deadline overrides (item id -> due date)."""
    row = _row(session, campaign_id)
    row.deadline_overrides = _iso_dates(overrides)
    return _campaign(row)


def set_threshold_overrides(session: Session, campaign_id: str, overrides: Mapping[str, Mapping[str, Any]]) -> Campaign:
    """Replace the campaign's threshold overrides (rule id -> parameter -> value); the caller validated them
    against the campaign's rulebook."""
    row = _row(session, campaign_id)
    row.threshold_overrides = {rule: dict(params) for rule, params in overrides.items()}
    return _campaign(row)


def pin_rulebook(session: Session, campaign_id: str, rulebook_id: str, texts: Sequence[RulebookText]) -> Campaign:
    """Put another rulebook text in force for the campaign."""
    row = _row(session, campaign_id)
    row.rulebook = rulebook_id
    for column, value in _pinned(texts).items():
        setattr(row, column, value)
    return _campaign(row)


def set_default_campaign(session: Session, campaign_id: str) -> Campaign:
    """Make this campaign the one opened when none is named."""
    chosen = _row(session, campaign_id)
    session.execute(update(CampaignRow).where(CampaignRow.id != campaign_id).values(is_default=False))
    chosen.is_default = True
    return _campaign(chosen)


def default_campaign(session: Session) -> Campaign | None:
    row = session.scalars(select(CampaignRow).where(CampaignRow.is_default)).first()
    return None if row is None else _campaign(row)


def _iso_dates(overrides: Mapping[str, date]) -> dict[str, str]:
    return {item: due.isoformat() for item, due in overrides.items()}


def get_campaign(session: Session, campaign_id: str) -> Campaign | None:
    row = session.get(CampaignRow, campaign_id)
    return None if row is None else _campaign(row)


def list_campaigns(session: Session) -> list[Campaign]:
    rows = session.scalars(select(CampaignRow).order_by(CampaignRow.starts_on, CampaignRow.id))
    return [_campaign(row) for row in rows]


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(
        id=row.id,
        name=row.name,
        rulebook=row.rulebook,
        starts_on=row.starts_on,
        acceptance_on=row.acceptance_on,
        contact=row.contact,
        deadline_overrides={item: date.fromisoformat(due) for item, due in row.deadline_overrides.items()},
        rulebook_texts=tuple(RulebookText(id=text["id"], text=text["text"]) for text in row.rulebook_texts),
        threshold_overrides={rule: dict(params) for rule, params in row.threshold_overrides.items()},
    )
