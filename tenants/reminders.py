"""Reminders and escalations owed to schools and units, the addresses they go to, and each delivery attempt."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checks.errors import DomainError, NotFound
from tenants.models import Delivery, Escalation, Reminder, ReportSchool, SchoolContact, UnitContact, utcnow
from tenants.submissions import latest_accepted
from textsafety import email_problem

SEPARATORS = re.compile(r"[\s,;，；、]+")
Row = TypeVar("Row", Reminder, Escalation)


class BadEmail(DomainError, ValueError):
    """An address that is not an e-mail address; str() says which, in Chinese."""


def parse_email(typed: str) -> str:
    """An address as stored (trimmed, lower case); BadEmail unless it looks like name@domain.tld."""
    email = typed.strip().lower()
    problem = email_problem(email)
    if problem:
        raise BadEmail(problem)
    return email


def split_emails(typed: str) -> list[str]:
    """Addresses typed in one box: one a line, or separated by blanks, commas, semicolons or 、."""
    return [part for part in SEPARATORS.split(typed) if part]


def parse_emails(typed: Iterable[str]) -> list[str]:
    """Each address parsed (the first bad one refused), duplicates dropped, in the order given."""
    return list(dict.fromkeys(parse_email(text) for text in typed if text.strip()))


# --- contacts -------------------------------------------------------------------------------------


def school_contacts(session: Session, tenant_codes: Collection[str] | None = None) -> dict[str, list[str]]:
    """School code -> its addresses, for the schools given (all when None); schools without any are absent."""
    query = select(SchoolContact.tenant_code, SchoolContact.email).order_by(SchoolContact.id)
    if tenant_codes is not None:
        query = query.where(SchoolContact.tenant_code.in_(tenant_codes))
    return _grouped(session.execute(query))


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code, email in pairs:
        found.setdefault(code, []).append(email)
    return found


def declared_contacts(
    session: Session, campaign_id: str, as_of: date, tenant_codes: Collection[str] | None = None
) -> dict[str, list[str]]:
    """School code -> the addresses its latest accepted workbook by `as_of` gives in 学校信息 (联系邮箱)."""
    latest = latest_accepted(session, campaign_id, as_of, tenant_codes)
    query = select(ReportSchool.tenant_code, ReportSchool.contact_email).where(
        ReportSchool.submission_id.in_([s.id for s in latest.values()])
    )
    return {code: emails.split("、") for code, emails in session.execute(query) if emails}


def reminder_contacts(
    session: Session, campaign_id: str, as_of: date, tenant_codes: Collection[str] | None = None
) -> dict[str, list[str]]:
    """The addresses a school's reminders go to: those the province set, else those its workbook gives."""
    return declared_contacts(session, campaign_id, as_of, tenant_codes) | school_contacts(session, tenant_codes)


def unit_contacts(session: Session) -> dict[str, list[str]]:
    """Unit code -> its addresses; units without any are absent."""
    return _grouped(session.execute(select(UnitContact.unit_code, UnitContact.email).order_by(UnitContact.id)))


def replace_school_contacts(session: Session, tenant_code: str, emails: list[str], *, by: str) -> None:
    """The school's addresses become exactly `emails` (parsed already)."""
    session.execute(delete(SchoolContact).where(SchoolContact.tenant_code == tenant_code))
    session.add_all(SchoolContact(tenant_code=tenant_code, email=e, added_by=by, added_at=utcnow()) for e in emails)


def replace_unit_contacts(session: Session, unit_code: str, emails: list[str], *, by: str) -> None:
    """The unit's addresses become exactly `emails` (parsed already)."""
    session.execute(delete(UnitContact).where(UnitContact.unit_code == unit_code))
    session.add_all(UnitContact(unit_code=unit_code, email=e, added_by=by, added_at=utcnow()) for e in emails)


# --- reminders ------------------------------------------------------------------------------------


def create_reminder(
    session: Session,
    *,
    tenant_code: str,
    campaign_id: str,
    as_of: date,
    items: Iterable[str],
    text: str,
    created_by: str,
    created_at: datetime | None = None,
    step: str | None = None,
    subject: str = "",
    body: str = "",
) -> Reminder:
    reminder = Reminder(
        tenant_code=tenant_code,
        campaign_id=campaign_id,
        as_of=as_of,
        items=list(items),
        text=text,
        created_by=created_by,
        created_at=created_at or utcnow(),
        step=step,
        subject=subject,
        body=body,
    )
    session.add(reminder)
    return reminder


def add_once(session: Session, row: Reminder | Escalation) -> bool:
    """Insert a policy reminder or an escalation unless its unique key (school, campaign, day[, step]) is
    taken; False when it was. The database decides, so two runs at once cannot both add it."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def mark_reminder_sent(
    session: Session, reminder_id: int, *, sent_by: str, sent_at: datetime | None = None
) -> Reminder:
    """Record that the reminder went out; the first sending is the one kept."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"提醒 {reminder_id} 不存在")
    if reminder.sent_at is None:
        reminder.sent_at = sent_at or utcnow()
        reminder.sent_by = sent_by
    return reminder


def reminders_for(session: Session, tenant_code: str, campaign_id: str | None = None) -> list[Reminder]:
    """A school's reminders, newest first."""
    query = (
        select(Reminder)
        .where(Reminder.tenant_code == tenant_code)
        .order_by(Reminder.created_at.desc(), Reminder.id.desc())
    )
    if campaign_id is not None:
        query = query.where(Reminder.campaign_id == campaign_id)
    return list(session.scalars(query))


def sent_reminders(session: Session, campaign_id: str) -> list[Reminder]:
    return list(
        session.scalars(select(Reminder).where(Reminder.campaign_id == campaign_id, Reminder.sent_at.is_not(None)))
    )


def unsent(session: Session, model: type[Row], campaign_id: str, max_attempts: int) -> list[Row]:
    """The policy's reminders (or the escalations) not yet sent and not yet given up, oldest first."""
    query = select(model).where(
        model.campaign_id == campaign_id, model.sent_at.is_(None), model.attempts < max_attempts
    )
    if model is Reminder:
        query = query.where(Reminder.step.is_not(None))  # one recorded by hand is not the mailer's to send
    return list(session.scalars(query.order_by(model.id)))


# --- escalations ----------------------------------------------------------------------------------


def escalations_of(session: Session, campaign_id: str, tenant_codes: Collection[str] | None = None) -> list[Escalation]:
    query = select(Escalation).where(Escalation.campaign_id == campaign_id).order_by(Escalation.as_of, Escalation.id)
    if tenant_codes is not None:
        query = query.where(Escalation.tenant_code.in_(tenant_codes))
    return list(session.scalars(query))


# --- deliveries -----------------------------------------------------------------------------------


def claim(
    session: Session, rows: Sequence[Reminder | Escalation], *, max_attempts: int, now: datetime, stale: datetime
) -> bool:
    """Mark the rows of one e-mail as being sent from `now`, all or none; False when one was sent or given
    up meanwhile, or another run claimed it after `stale` (an older claim is a run that died mid-send).
    The database decides: PostgreSQL's UPDATE waits for a concurrent claim of the row to commit and then
    finds it claimed; SQLite runs one writer at a time."""
    model = Reminder if isinstance(rows[0], Reminder) else Escalation
    ids = [row.id for row in rows]
    claimable = (
        update(model)
        .where(
            model.id.in_(ids),
            model.sent_at.is_(None),
            model.attempts < max_attempts,
            or_(model.claimed_at.is_(None), model.claimed_at < stale),
        )
        .values(claimed_at=now)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    with session.begin_nested() as savepoint:
        if len(session.scalars(claimable).all()) == len(ids):
            return True
        savepoint.rollback()
    return False


def record_delivery(
    session: Session,
    row: Reminder | Escalation,
    *,
    recipients: list[str],
    message_id: str,
    sent: bool,
    detail: str,
    by: str,
    at: datetime | None = None,
) -> Delivery:
    """One attempt at sending `row`: counted on the row (sent, or the failure kept; its claim ended) and
    recorded apart."""
    at = at or utcnow()
    row.attempts += 1
    row.claimed_at = None
    row.last_error = "" if sent else detail
    if sent:
        row.sent_at, row.message_id = at, message_id
        if isinstance(row, Reminder):
            row.sent_by = by
    delivery = Delivery(
        tenant_code=row.tenant_code,
        reminder_id=row.id if isinstance(row, Reminder) else None,
        escalation_id=row.id if isinstance(row, Escalation) else None,
        recipients=recipients,
        at=at,
        message_id=message_id,
        ok=sent,
        error=detail,
    )
    session.add(delivery)
    return delivery


def deliveries_for(session: Session, tenant_codes: Collection[str]) -> list[Delivery]:
    """Every delivery attempt to the schools given, newest first."""
    query = (
        select(Delivery).where(Delivery.tenant_code.in_(tenant_codes)).order_by(Delivery.at.desc(), Delivery.id.desc())
    )
    return list(session.scalars(query))
