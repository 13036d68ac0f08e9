"""Which sub-items a school must be reminded of on a date, the formal reminder notice, the e-mail that
carries it, when the rulebook's policy sends one, and escalations.

Pure: everything comes from a SchoolAssessment (the board as it stood on the date), the rulebook and
the campaign; stored reminders are read through the few attributes `SentReminder` names.

What a school is reminded of is a list of sections of due things (overdue sub-items, sub-items due
soon, required materials past due and not sent); the notice and the e-mail both render `due_sections`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from checks.campaign import Campaign
from checks.materials import MaterialState, MaterialStatus
from checks.results import DeadlineState, ItemAssessment, SchoolAssessment
from checks.rulebook import ReminderPolicy, Rulebook
from checks.rules.common import cn_date
from checks.schema import ItemStatus
from textsafety import NAME_BYTES_IN_FILE_NAME, file_name_part

DEFAULT_DUE_SOON_DAYS = 14
CN_NUMERALS = "一二三四五六七八九十"
# Older Windows Notepad and WPS guess GBK for UTF-8 text without a byte-order mark.
TEXT_ENCODING = "utf-8-sig"
TEXT_MIME = "text/plain"


@dataclass(frozen=True)
class DueItem:
    """A sub-item past its deadline, or coming up to it, on the assessment's date."""

    item_id: str
    content: str
    deadline: date
    days: int  # days overdue (overdue items) or days left (items due soon)
    reported: str  # what the school has reported about it, in words

    @property
    def deadline_text(self) -> str:
        return cn_date(self.deadline)


@dataclass(frozen=True)
class SchoolDue:
    tenant: str
    school: str
    as_of: date
    overdue: tuple[DueItem, ...]
    due_soon: tuple[DueItem, ...]
    overdue_materials: tuple[MaterialStatus, ...] = ()  # required materials past due and not sent
    materials_due_soon: tuple[MaterialStatus, ...] = ()  # not sent, falling due within the window

    @property
    def needs_reminder(self) -> bool:
        return bool(self.overdue or self.due_soon or self.overdue_materials or self.materials_due_soon)

    @property
    def item_ids(self) -> list[str]:
        return [item.item_id for item in (*self.overdue, *self.due_soon)]


def school_due(
    assessment: SchoolAssessment,
    rulebook: Rulebook,
    within_days: int = DEFAULT_DUE_SOON_DAYS,
    materials: Iterable[MaterialStatus] = (),
) -> SchoolDue:
    """The school's overdue items and those falling due within `within_days` days of the as-of date
    (a deadline exactly `within_days` days away counts; today's deadline is due soon, not overdue), and
    likewise its required materials not sent (statuses on the same date)."""
    as_of = assessment.as_of
    overdue = [
        _due_item(item, rulebook, (as_of - item.deadline).days)
        for item in assessment.items
        if item.state is DeadlineState.OVERDUE and item.deadline
    ]
    due_soon = [
        _due_item(item, rulebook, (item.deadline - as_of).days)
        for item in assessment.items
        if item.state is DeadlineState.NOT_DUE and item.deadline and (item.deadline - as_of).days <= within_days
    ]
    missing = [m for m in materials if m.state is MaterialState.MISSING]
    late_materials = tuple(m for m in missing if m.overdue)
    soon_materials = tuple(m for m in missing if not m.overdue and (m.due - as_of).days <= within_days)
    return SchoolDue(
        assessment.tenant, assessment.school, as_of, tuple(overdue), tuple(due_soon), late_materials, soon_materials
    )


def _due_item(item: ItemAssessment, rulebook: Rulebook, days: int) -> DueItem:
    assert item.deadline is not None
    return DueItem(item.item_id, rulebook.item(item.item_id).content, item.deadline, days, _reported(item))


def _reported(item: ItemAssessment) -> str:
    if item.status is None:
        return "未填报完成情况"
    if item.status is ItemStatus.DONE and item.completed_on is not None:
        return f"填报为“已完成”，但完成日期（{cn_date(item.completed_on)}）晚于统计日期"
    return f"填报为“{item.status.value}”"


# --- the notice ---------------------------------------------------------------------------------


def notice_title(school: str) -> str:
    return f"关于督促{school}加快推进学生会（研究生会）深化改革的提醒函"


def reminder_notice(due: SchoolDue, rulebook: Rulebook, campaign: Campaign) -> str:
    """The formal reminder notice to one school, as plain text dated the as-of date."""
    contact = campaign.contact_office
    parts = [
        notice_title(due.school),
        "",
        f"{due.school}团委：",
        "",
        f"　　根据{campaign.name}工作安排和《{rulebook.name}》（{rulebook.source}）要求，"
        f"截至{cn_date(due.as_of)}，经对你校填报数据核验，{_summary(due)}现将有关事项提醒如下。",
    ]
    parts += _sections_text(due)
    parts += [
        "",
        "　　请你校高度重视，对照任务列表逐项抓紧推进，尽快补齐上述缺项，"
        "并在完成后及时登录验收看板更新填报材料（含完成日期和佐证材料）。",
        f"　　如有疑问，请联系{contact}。",
        "",
        contact,
        cn_date(due.as_of),
    ]
    return "\n".join(parts) + "\n"


@dataclass(frozen=True)
class Section:
    """One kind of due thing in a reminder: a heading and a line per thing."""

    heading: str
    lines: tuple[str, ...]


def due_sections(due: SchoolDue) -> list[Section]:
    """What the school is reminded of, by kind; kinds with nothing due are left out."""
    sections = [
        Section("已超过完成时限、尚未完成的任务", tuple(_overdue_line(item) for item in due.overdue)),
        Section("已超过报送时限、尚未报送的材料", tuple(_material_line(due.as_of, m) for m in due.overdue_materials)),
        Section("即将到期、尚未完成的任务", tuple(_due_soon_line(item) for item in due.due_soon)),
        Section("即将到期、尚未报送的材料", tuple(_material_line(due.as_of, m) for m in due.materials_due_soon)),
    ]
    return [section for section in sections if section.lines]


def _sections_text(due: SchoolDue) -> list[str]:
    parts = []
    for n, section in enumerate(due_sections(due)):
        parts += ["", f"　　{CN_NUMERALS[n]}、{section.heading}（{len(section.lines)}项）"]
        parts += [f"　　{k}. {line}" for k, line in enumerate(section.lines, start=1)]
    return parts


def _summary(due: SchoolDue) -> str:
    counts = [
        f"{len(due.overdue)}项任务已逾期未完成" if due.overdue else "",
        f"{len(due.overdue_materials)}份材料已逾期未报送" if due.overdue_materials else "",
        f"{len(due.due_soon)}项任务即将到期" if due.due_soon else "",
        f"{len(due.materials_due_soon)}份材料即将到期" if due.materials_due_soon else "",
    ]
    if not due.needs_reminder:
        return "你校暂无逾期或即将到期的任务。"
    return "你校有" + "、".join(c for c in counts if c) + "。"


def _overdue_line(item: DueItem) -> str:
    return f"{item.item_id} {item.content}（完成时限：{item.deadline_text}，已逾期{item.days}天；目前{item.reported}）"


def _material_line(as_of: date, material: MaterialStatus) -> str:
    days = (as_of - material.due).days
    when = f"已逾期{days}天" if days > 0 else _left(-days)
    return (
        f"{material.material.name}（报送时限：{cn_date(material.due)}，{when}；"
        "请报送盖章纸质版，并在验收看板上传扫描PDF版）"
    )


def _due_soon_line(item: DueItem) -> str:
    return f"{item.item_id} {item.content}（完成时限：{item.deadline_text}，{_left(item.days)}；目前{item.reported}）"


def _left(days: int) -> str:
    return "今日到期" if days == 0 else f"还剩{days}天"


def notice_file_name(tenant: str, school: str, as_of: date) -> str:
    name = file_name_part(school, NAME_BYTES_IN_FILE_NAME)
    return f"{file_name_part(tenant, 20)}_{name}_提醒函_{as_of.isoformat()}.txt"


# --- the e-mail and when the policy sends it ------------------------------------------------------


def policy_steps(due: SchoolDue, policy: ReminderPolicy) -> tuple[str, ...]:
    """The policy's steps that fall on the as-of date for the school's due items and materials, e.g.
    ("逾期1天",)."""
    late = [item.days for item in due.overdue] + [(due.as_of - m.due).days for m in due.overdue_materials]
    steps = [f"逾期{days}天" for days in late if _late_step(days, policy)]
    left = [item.days for item in due.due_soon] + [(m.due - due.as_of).days for m in due.materials_due_soon]
    steps += [f"到期前{days}天" for days in left if days in policy.before_days]
    return tuple(dict.fromkeys(steps))


def _late_step(days: int, policy: ReminderPolicy) -> bool:
    """Whether a deadline `days` days past is a step: one of after_days, then every then_every_days."""
    last_after = policy.after_days[-1]
    return days in policy.after_days or (days > last_after and (days - last_after) % policy.then_every_days == 0)


def policy_window(policy: ReminderPolicy) -> int:
    """How many days ahead a reminder lists items as due soon: the earliest step before a deadline."""
    return max(policy.before_days, default=0)


def reminder_subject(due: SchoolDue) -> str:
    return f"{notice_title(due.school)}（{cn_date(due.as_of)}）"


def reminder_email(due: SchoolDue, campaign: Campaign) -> str:
    """The e-mail's body: what is due, with deadlines and what the school reported; the notice is attached."""
    contact = campaign.contact_office
    parts = [
        f"{due.school}团委：",
        "",
        f"　　截至{cn_date(due.as_of)}，{_summary(due)}请抓紧办理以下事项（正式提醒函见附件）：",
        *_sections_text(due),
        "",
        "　　完成后请及时登录验收看板更新填报材料（含完成日期和佐证材料）。",
        f"　　本邮件由验收看板按提醒时点自动发送，如有疑问，请联系{contact}。",
        "",
        contact,
        cn_date(due.as_of),
    ]
    return "\n".join(parts) + "\n"


# --- escalation ---------------------------------------------------------------------------------


class SentReminder(Protocol):
    """What escalation needs of a stored reminder (tenants.models.Reminder has it)."""

    tenant_code: str
    as_of: date
    items: list[str]
    sent_at: datetime | None


@dataclass(frozen=True)
class Escalation:
    """A school still overdue on items it was reminded of before the as-of date; or, a school without an
    address, on items the policy's steps would have reminded it of."""

    tenant: str
    school: str
    items: tuple[DueItem, ...]  # reminded of (or due a reminder of) and still overdue
    first_sent_at: datetime | None  # None: the school has no address, nothing was sent
    last_sent_at: datetime | None
    reminders: int  # how many sent reminders named these items; without an address, how many were due

    @property
    def unreachable(self) -> bool:
        return self.first_sent_at is None


def escalations(
    dues: Iterable[SchoolDue], reminders: Sequence[SentReminder], since: Mapping[str, date] | None = None
) -> list[Escalation]:
    """Schools with a reminder sent for a date before their as-of date naming an item still overdue.
    `since`: school -> the day it was last escalated; only reminders for later dates count again."""
    by_school: dict[str, list[SentReminder]] = {}
    for reminder in reminders:
        by_school.setdefault(reminder.tenant_code, []).append(reminder)
    found = []
    for due in dues:
        after = (since or {}).get(due.tenant, date.min)
        escalation = _escalation(due, [r for r in by_school.get(due.tenant, []) if r.as_of > after])
        if escalation is not None:
            found.append(escalation)
    return found


def _escalation(due: SchoolDue, reminders: Sequence[SentReminder]) -> Escalation | None:
    overdue: Mapping[str, DueItem] = {item.item_id: item for item in due.overdue}
    relevant = [r for r in reminders if _counts(r, due.as_of) and set(r.items) & overdue.keys()]
    if not relevant:
        return None
    reminded = {item_id for r in relevant for item_id in r.items}
    sent = sorted(r.sent_at for r in relevant if r.sent_at is not None)
    still_overdue = tuple(item for item_id, item in overdue.items() if item_id in reminded)
    return Escalation(due.tenant, due.school, still_overdue, sent[0], sent[-1], len(relevant))


def _counts(reminder: SentReminder, as_of: date) -> bool:
    """A reminder counts once it went out, from the day after the date it was written for."""
    return reminder.sent_at is not None and reminder.as_of < as_of


def unreachable_escalations(
    dues: Iterable[SchoolDue],
    policy: ReminderPolicy,
    reminder_days: Collection[date],
    since: Mapping[str, date] | None = None,
) -> list[Escalation]:
    """Schools without an address, which no reminder reaches, escalated as if they had been reminded like the
    others: on each of `reminder_days` (the days the policy's reminders went out) on which a step fell for
    a sub-item now overdue, of every such sub-item overdue or due soon then; only days before the as-of
    date and after `since` count, as in escalations."""
    found = []
    window = policy_window(policy)
    for due in dues:
        after = (since or {}).get(due.tenant, date.min)
        days = {
            day
            for item in due.overdue
            for day in _step_days(item, policy)
            if after < day < due.as_of and day in reminder_days
        }
        items = tuple(item for item in due.overdue if any((item.deadline - day).days <= window for day in days))
        if days:
            found.append(Escalation(due.tenant, due.school, items, None, None, len(days)))
    return found


def _step_days(item: DueItem, policy: ReminderPolicy) -> list[date]:
    """The days up to now on which the policy reminds of an item now overdue (the days policy_steps names)."""
    before = [item.deadline - timedelta(days=days) for days in policy.before_days]
    late = [item.deadline + timedelta(days=days) for days in range(1, item.days) if _late_step(days, policy)]
    return before + late


def escalation_paragraph(escalation: Escalation) -> str:
    """A school's part of its unit's escalation e-mail."""
    reminded = (
        f"未设置联系邮箱，无法提醒（按提醒时点应提醒{escalation.reminders}次），请督促其报送联系邮箱"
        if escalation.unreachable
        else f"已提醒{escalation.reminders}次"
    )
    lines = [f"{escalation.school}（{escalation.tenant}）：{reminded}，仍有{len(escalation.items)}项任务逾期未完成："]
    lines += [f"　　（{k}）{_overdue_line(item)}" for k, item in enumerate(escalation.items, start=1)]
    return "\n".join(lines)


def escalation_subject(unit: str, as_of: date) -> str:
    return f"关于督办{unit}所属高校学生会（研究生会）深化改革逾期任务的函（{cn_date(as_of)}）"


def escalation_email(unit: str, paragraphs: Sequence[str], as_of: date, campaign: Campaign) -> str:
    """The unit's e-mail: its schools still overdue after reminders, each with its items."""
    contact = campaign.contact_office
    parts = [
        f"{unit}：",
        "",
        f"　　根据{campaign.name}工作安排，截至{cn_date(as_of)}，你单位所属以下{len(paragraphs)}所高校"
        "经多次提醒仍有任务逾期未完成，请督促其抓紧整改，并在验收看板上跟进办理情况。",
    ]
    for n, paragraph in enumerate(paragraphs, start=1):
        parts += ["", f"　　{n}. {paragraph}"]
    parts += ["", f"　　本邮件由验收看板自动发送，如有疑问，请联系{contact}。", "", contact, cn_date(as_of)]
    return "\n".join(parts) + "\n"
