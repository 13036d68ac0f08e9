"""Reminders that reach people: the province sets schools' and units' contact addresses, and `remind` sends
each school its reminder at the rulebook's policy steps and each unit the schools still overdue after
reminders, recording every attempt.

Each action authorises, writes and audits once. Sending is an outbox: a reminder (or escalation) is first
stored (at most once per school, step and day: a unique key in the database), then claimed (so that a
second run at the same time skips it), then sent, then its attempt recorded, each in a transaction of its
own. A failed attempt leaves it unsent, and every run sends what is unsent until settings.max_attempts
attempts were made; a claim older than settings.claim_minutes is a run that died mid-send, and lapses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.materials import material_statuses
from checks.results import SchoolAssessment
from checks.rulebook import ReminderPolicy, Rulebook
from reformboard import mail
from reformboard.board import assess_schools
from reformboard.context import AppContext
from reformboard.errors import UserFacingError
from reformboard.reminders import (
    TEXT_ENCODING,
    TEXT_MIME,
    Escalation,
    SchoolDue,
    escalation_email,
    escalation_paragraph,
    escalation_subject,
    escalations,
    notice_file_name,
    policy_steps,
    policy_window,
    reminder_email,
    reminder_notice,
    reminder_subject,
    school_due,
    unreachable_escalations,
)
from reformboard.settings import MailSettings
from tenants import reminders as store
from tenants.access import PermissionAction, require_role, require_tenant
from tenants.audit import AuditAction, audit
from tenants.documents import material_receipts
from tenants.models import Escalation as EscalationRow
from tenants.models import Reminder, Tenant, Unit, utcnow
from tenants.principal import Principal, UserRole
from tenants.submissions import china_time

# --- contacts -------------------------------------------------------------------------------------


def set_school_contacts(session: Session, principal: Principal, tenant_code: str, typed: Iterable[str]) -> list[str]:
    """The school's contact addresses become `typed` (none: the school is unreachable by e-mail)."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CONTACTS_SET)
    require_tenant(session, principal, tenant_code, PermissionAction.CONTACTS_SET, write=True)
    emails = store.parse_emails(typed)
    store.replace_school_contacts(session, tenant_code, emails, by=principal.username)
    audit(session, principal.username, AuditAction.CONTACTS_SET, tenant_code, emails=emails)
    return emails


def set_unit_contacts(session: Session, principal: Principal, unit_code: str, typed: Iterable[str]) -> list[str]:
    """The unit's contact addresses become `typed`."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.CONTACTS_SET)
    if session.get(Unit, unit_code) is None:
        raise UserFacingError(f"找不到单位代码为 {unit_code[:20]} 的单位")
    emails = store.parse_emails(typed)
    store.replace_unit_contacts(session, unit_code, emails, by=principal.username)
    audit(session, principal.username, AuditAction.CONTACTS_SET, None, unit=unit_code, emails=emails)
    return emails


def record_sent_by_hand(
    session: Session, principal: Principal, campaign: Campaign, dues: Sequence[SchoolDue], notices: Mapping[str, str]
) -> None:
    """Record each notice as drafted and sent now by the administrator (who sent it by other means)."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.REMINDER_SEND)
    for due in dues:  # every check before the first write (see tenants.access)
        require_tenant(session, principal, due.tenant, PermissionAction.REMINDER_SEND, write=True)
    for due in dues:
        reminder = store.create_reminder(
            session,
            tenant_code=due.tenant,
            campaign_id=campaign.id,
            as_of=due.as_of,
            items=due.item_ids,
            text=notices[due.tenant],
            created_by=principal.username,
        )
        session.flush()  # assigns the id
        store.mark_reminder_sent(session, reminder.id, sent_by=principal.username)
        audit(
            session,
            principal.username,
            AuditAction.REMINDER_SENT,
            due.tenant,
            reminder_id=reminder.id,
            as_of=due.as_of,
            items=due.item_ids,
        )


def escalation_recipients(
    unit: Unit, contacts: Mapping[str, list[str]], mail_settings: MailSettings, policy: ReminderPolicy
) -> list[str]:
    """A supervising unit's own addresses; for the unit kinds the policy names (reminders.also_to_province:
    Guangdong's provincial organs), the province's too."""
    province = list(mail_settings.province) if unit.kind in policy.also_to_province else []
    return list(dict.fromkeys([*contacts.get(unit.code, []), *province]))


def delivery_status(row: Reminder | EscalationRow, mail_settings: MailSettings, now: datetime) -> str:
    """How the e-mail for a reminder or escalation stands at `now`, in words for the page."""
    if row.sent_at is not None:
        return "已发送邮件" if row.message_id else "已登记发送"
    if isinstance(row, Reminder) and row.step is None:
        return "未发送"
    if row.attempts >= mail_settings.max_attempts:
        return f"发送失败，已停止重发（{row.attempts} 次：{row.last_error}）"
    if row.claimed_at is not None and row.claimed_at >= claims_lapse_before(mail_settings, now):
        return f"发送中（{china_time(row.claimed_at)} 起）"
    if row.attempts:
        return f"待重发（已尝试 {row.attempts} 次：{row.last_error}）"
    return "待发送"


def claims_lapse_before(mail_settings: MailSettings, now: datetime) -> datetime:
    """A claim made before this moment has lapsed at `now`: its run died mid-send, the next one retries."""
    return now - timedelta(minutes=mail_settings.claim_minutes)


# --- who is due what on a date ----------------------------------------------------------------------


class NoReminderPolicy(DomainError):
    """The campaign's rulebook has no [reminders] table: nothing says when to remind."""


@dataclass(frozen=True)
class DueReminder:
    due: SchoolDue
    step: str  # the policy's steps falling on the date, e.g. "逾期1天、到期前7天"
    recipients: tuple[str, ...]  # empty: the school has no contact address


@dataclass(frozen=True)
class DueEscalation:
    unit: Unit
    escalations: tuple[Escalation, ...]
    recipients: tuple[str, ...]  # empty: nobody to tell


@dataclass(frozen=True)
class Plan:
    as_of: date
    campaign: Campaign
    policy: ReminderPolicy
    reminders: tuple[DueReminder, ...]  # falling due on the date and not yet stored
    escalations: tuple[DueEscalation, ...]  # by unit; schools not yet escalated since their last reminders
    unsent: tuple[Reminder | EscalationRow, ...]  # stored earlier, not yet sent, not given up

    @property
    def unreachable_schools(self) -> list[DueReminder]:
        return [r for r in self.reminders if not r.recipients]

    @property
    def unreachable_units(self) -> list[DueEscalation]:
        return [e for e in self.escalations if not e.recipients]


def plan(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    as_of: date,
    mail_settings: MailSettings,
) -> Plan:
    """What the rulebook's policy sends on `as_of`: nothing that was already stored for that day."""
    require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.REMIND)
    policy = reminder_policy(rulebook)
    active = {s.code for s in session.scalars(select(Tenant).where(Tenant.active))}
    assessed = [a for a in assess_schools(session, principal, rulebook, campaign, as_of) if a.tenant in active]
    dues = school_dues(session, principal, rulebook, campaign, assessed, policy_window(policy))
    contacts = store.reminder_contacts(session, campaign.id, as_of)
    stored = {(r.tenant_code, r.step) for r in _stored_on(session, campaign, as_of)}
    reminders = [
        DueReminder(due, step, tuple(contacts.get(due.tenant, ())))
        for due in dues
        if (step := "、".join(policy_steps(due, policy))) and (due.tenant, step) not in stored
    ]
    return Plan(
        as_of,
        campaign,
        policy,
        tuple(reminders),
        tuple(_due_escalations(session, policy, campaign, dues, contacts, mail_settings)),
        (
            *store.unsent(session, Reminder, campaign.id, mail_settings.max_attempts),
            *store.unsent(session, EscalationRow, campaign.id, mail_settings.max_attempts),
        ),
    )


def reminder_policy(rulebook: Rulebook) -> ReminderPolicy:
    """The rulebook's [reminders] table; NoReminderPolicy without one."""
    if rulebook.reminders is None:
        raise NoReminderPolicy(f"规则手册“{rulebook.name}”没有 [reminders] 表（提醒时点与督办次数），无法按计划提醒")
    return rulebook.reminders


def planned_escalations(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    assessments: Sequence[SchoolAssessment],
    mail_settings: MailSettings,
) -> list[DueEscalation]:
    """The escalations of these schools that `remind` stores on their assessments' date (the plan's), for the
    page. Province roles only: a school without an address counts the days reminders went to any school,
    which a unit's scope does not show."""
    require_role(
        session, principal, UserRole.PROVINCE_ADMIN, UserRole.PROVINCE_VIEWER, action=PermissionAction.VIEW_REMINDERS
    )
    if not assessments:
        return []
    policy = reminder_policy(rulebook)
    dues = school_dues(session, principal, rulebook, campaign, assessments, policy_window(policy))
    contacts = store.reminder_contacts(session, campaign.id, assessments[0].as_of)
    return _due_escalations(session, policy, campaign, dues, contacts, mail_settings)


def school_dues(
    session: Session,
    principal: Principal,
    rulebook: Rulebook,
    campaign: Campaign,
    assessments: Sequence[SchoolAssessment],
    within_days: int,
) -> list[SchoolDue]:
    """Each assessed school's due things on its assessment's date: sub-items, and required materials."""
    receipts = material_receipts(session, principal, campaign.id, [a.tenant for a in assessments])
    return [
        school_due(
            a, rulebook, within_days, material_statuses(rulebook.submissions, campaign, receipts[a.tenant], a.as_of)
        )
        for a in assessments
    ]


def _stored_on(session: Session, campaign: Campaign, as_of: date) -> list[Reminder]:
    query = select(Reminder).where(Reminder.campaign_id == campaign.id, Reminder.as_of == as_of)
    return list(session.scalars(query.where(Reminder.step.is_not(None))))


def _due_escalations(
    session: Session,
    policy: ReminderPolicy,
    campaign: Campaign,
    dues: Sequence[SchoolDue],
    school_contacts: Mapping[str, list[str]],
    mail_settings: MailSettings,
) -> list[DueEscalation]:
    """By unit, the schools still overdue after the policy's number of reminders; a school without an address
    after as many days on which reminders went out at its steps (its unit is told it could not be reminded)."""
    earlier = store.escalations_of(session, campaign.id)
    since = {row.tenant_code: row.as_of for row in earlier}  # ordered by date: the last one wins
    sent = store.sent_reminders(session, campaign.id)
    reminder_days = {r.as_of for r in sent if r.step is not None}  # the days `remind` sent (not by hand)
    reached = [due for due in dues if school_contacts.get(due.tenant)]
    unreached = [due for due in dues if not school_contacts.get(due.tenant)]
    found = [
        e
        for e in (
            *escalations(reached, sent, since),
            *unreachable_escalations(unreached, policy, reminder_days, since),
        )
        if e.reminders >= policy.escalate_after
    ]
    unit_of = {s.code: s.unit_code for s in session.scalars(select(Tenant))}
    units = {u.code: u for u in session.scalars(select(Unit))}
    contacts = store.unit_contacts(session)
    by_unit: dict[str, list[Escalation]] = defaultdict(list)
    for escalation in found:
        by_unit[unit_of[escalation.tenant]].append(escalation)
    return [
        DueEscalation(
            units[code], tuple(schools), tuple(escalation_recipients(units[code], contacts, mail_settings, policy))
        )
        for code, schools in sorted(by_unit.items())
    ]


# --- sending ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a run did, for the command to report."""

    plan: Plan
    sent: list[str] = field(default_factory=list)  # a line per e-mail taken by the server
    failed: list[str] = field(default_factory=list)  # a line per e-mail not taken, with the reason
    busy: list[str] = field(default_factory=list)  # a line per e-mail another run was sending


def run(ctx: AppContext, principal: Principal, as_of: date, campaign_id: str | None = None) -> Outcome:
    """Store what the policy sends on `as_of`, then send everything unsent; each step its own transaction."""
    settings = ctx.settings.mail
    mail.require_configured(settings)
    with ctx.transaction(principal, writes=True) as session:
        campaign = ctx.campaign(session, campaign_id)
        rulebook = ctx.rulebook_for(campaign)
        planned = plan(session, principal, rulebook, campaign, as_of, settings)
        _store(session, principal, rulebook, planned)
    policy = planned.policy
    outcome = Outcome(planned)
    with ctx.transaction(principal) as session:
        reminders = store.unsent(session, Reminder, campaign.id, settings.max_attempts)
        escalated = store.unsent(session, EscalationRow, campaign.id, settings.max_attempts)
        session.expunge_all()
    for reminder in reminders:
        _send_reminder(ctx, principal, reminder, outcome)
    for group in _by_letter(escalated):
        _send_escalation(ctx, principal, policy, group, outcome)
    return outcome


def _store(session: Session, principal: Principal, rulebook: Rulebook, planned: Plan) -> None:
    """The reachable reminders and escalations of the plan, each once (a run before may have stored it)."""
    for due_reminder in planned.reminders:
        if due_reminder.recipients:
            _store_reminder(session, principal, rulebook, planned.campaign, due_reminder)
    for due_escalation in planned.escalations:
        if due_escalation.recipients:
            _store_escalation(session, principal, planned.campaign, planned.as_of, due_escalation)


def _store_reminder(
    session: Session, principal: Principal, rulebook: Rulebook, campaign: Campaign, planned: DueReminder
) -> None:
    due = planned.due
    store.add_once(
        session,
        Reminder(
            tenant_code=due.tenant,
            campaign_id=campaign.id,
            as_of=due.as_of,
            items=due.item_ids,
            text=reminder_notice(due, rulebook, campaign),
            created_by=principal.username,
            created_at=utcnow(),
            step=planned.step,
            subject=reminder_subject(due),
            body=reminder_email(due, campaign),
        ),
    )


def _store_escalation(
    session: Session, principal: Principal, campaign: Campaign, as_of: date, planned: DueEscalation
) -> None:
    """One row per school; they share the unit's e-mail, sent once."""
    paragraphs = [escalation_paragraph(e) for e in planned.escalations]
    subject = escalation_subject(planned.unit.name, as_of)
    body = escalation_email(planned.unit.name, paragraphs, as_of, campaign)
    for escalation, paragraph in zip(planned.escalations, paragraphs, strict=True):
        store.add_once(
            session,
            EscalationRow(
                tenant_code=escalation.tenant,
                campaign_id=campaign.id,
                unit_code=planned.unit.code,
                as_of=as_of,
                items=[item.item_id for item in escalation.items],
                reminders=escalation.reminders,
                text=paragraph,
                created_at=utcnow(),
                subject=subject,
                body=body,
            ),
        )


def _by_letter(rows: Sequence[EscalationRow]) -> list[list[EscalationRow]]:
    """Escalation rows grouped by the e-mail they belong to (one per unit and day)."""
    groups: dict[tuple[str, str, str], list[EscalationRow]] = defaultdict(list)
    for row in rows:
        groups[(row.unit_code, row.subject, row.body)].append(row)
    return list(groups.values())


def _send_reminder(ctx: AppContext, principal: Principal, reminder: Reminder, outcome: Outcome) -> None:
    with ctx.transaction(principal) as session:
        school = session.get(Tenant, reminder.tenant_code)
        codes = [reminder.tenant_code]
        recipients = store.reminder_contacts(session, reminder.campaign_id, reminder.as_of, codes).get(
            reminder.tenant_code, []
        )
    if school is None or not recipients:
        return  # contacts removed since it was stored: it waits for new ones
    attachment = mail.Attachment(
        notice_file_name(school.code, school.name, reminder.as_of), reminder.text.encode(TEXT_ENCODING), TEXT_MIME
    )
    letter = mail.Letter(tuple(recipients), reminder.subject, reminder.body, attachment)
    _deliver(ctx, principal, letter, [reminder], f"{school.name}（{school.code}）", outcome)


def _send_escalation(
    ctx: AppContext, principal: Principal, policy: ReminderPolicy, rows: list[EscalationRow], outcome: Outcome
) -> None:
    settings = ctx.settings.mail
    with ctx.transaction(principal) as session:
        unit = session.get(Unit, rows[0].unit_code)
        contacts = store.unit_contacts(session)
    recipients = escalation_recipients(unit, contacts, settings, policy) if unit is not None else []
    if unit is None or not recipients:
        return
    letter = mail.Letter(tuple(recipients), rows[0].subject, rows[0].body)
    _deliver(ctx, principal, letter, rows, f"{unit.name}（督办，{len(rows)}所学校）", outcome)


def _deliver(
    ctx: AppContext,
    principal: Principal,
    letter: mail.Letter,
    rows: Sequence[Reminder | EscalationRow],
    whom: str,
    outcome: Outcome,
) -> None:
    """Send one e-mail for `rows` and record the attempt on each, audited once; unless another run is
    sending it."""
    if not _claimed(ctx, principal, rows):
        outcome.busy.append(whom)
        return
    message = mail.compose(ctx.settings.mail, letter)
    result = mail.send(ctx.settings.mail, message)
    message_id = str(message["Message-ID"])
    with ctx.transaction(principal, writes=True) as session:
        for row in rows:
            store.record_delivery(
                session,
                _reloaded(session, row),
                recipients=list(letter.recipients),
                message_id=message_id,
                sent=result.sent,
                detail=result.detail,
                by=principal.username,
            )
        tenant_code, about = _audited(rows)
        audit(
            session,
            principal.username,
            AuditAction.REMINDER_EMAILED if isinstance(rows[0], Reminder) else AuditAction.ESCALATION_EMAILED,
            tenant_code,
            **about,
            to=list(letter.recipients),
            message_id=message_id,
            sent=result.sent,
            detail=result.detail,
        )
    line = f"{whom} → {'、'.join(letter.recipients)}"
    if result.sent:
        outcome.sent.append(line + (f"（{result.detail}）" if result.detail else ""))
    else:
        outcome.failed.append(f"{line}：{result.detail}")


def _claimed(ctx: AppContext, principal: Principal, rows: Sequence[Reminder | EscalationRow]) -> bool:
    """Claim `rows` for this run, committed before sending: a run that started at the same time finds them
    claimed."""
    settings, now = ctx.settings.mail, utcnow()
    stale = claims_lapse_before(settings, now)
    with ctx.transaction(principal, writes=True) as session:
        return store.claim(session, rows, max_attempts=settings.max_attempts, now=now, stale=stale)


def _reloaded(session: Session, row: Reminder | EscalationRow) -> Reminder | EscalationRow:
    """The row again, in this transaction (it was read in an earlier one)."""
    if isinstance(row, Reminder):
        return session.get_one(Reminder, row.id)
    return session.get_one(EscalationRow, row.id)


def _audited(rows: Sequence[Reminder | EscalationRow]) -> tuple[str | None, dict[str, object]]:
    """The school and detail naming what an e-mail was sent for."""
    first = rows[0]
    if isinstance(first, Reminder):
        return first.tenant_code, {"reminder_id": first.id, "step": first.step}
    return None, {"unit": first.unit_code, "schools": [row.tenant_code for row in rows]}
