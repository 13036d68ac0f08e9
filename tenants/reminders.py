"""Reminders drafted for schools with overdue items, and when they went out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.errors import NotFound
from tenants.models import Reminder, utcnow


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
) -> Reminder:
    reminder = Reminder(
        tenant_code=tenant_code,
        campaign_id=campaign_id,
        as_of=as_of,
        items=list(items),
        text=text,
        created_by=created_by,
        created_at=created_at or utcnow(),
    )
    session.add(reminder)
    return reminder


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
