"""Which sub-items a school must be reminded of on a date, the formal reminder notice, and escalations.

Pure: everything comes from a SchoolAssessment (the board as it stood on the date), the rulebook and
the campaign; stored reminders are read through the few attributes `SentReminder` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Protocol

from checks.campaign import Campaign
from checks.materials import MaterialStatus
from checks.results import DeadlineState, ItemAssessment, SchoolAssessment
from checks.rulebook import Rulebook
from checks.rules.common import cn_date
from checks.schema import ItemStatus
from tenants.submissions import CHINA_TIME
from textsafety import NAME_BYTES_IN_FILE_NAME, file_name_part

DEFAULT_DUE_SOON_DAYS = 14
CN_NUMERALS = "一二三四五六七八九十"


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

    @property
    def needs_reminder(self) -> bool:
        return bool(self.overdue or self.due_soon or self.overdue_materials)

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
    its required materials past due and not sent (statuses on the same date)."""
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
    late_materials = tuple(m for m in materials if m.overdue)
    return SchoolDue(assessment.tenant, assessment.school, as_of, tuple(overdue), tuple(due_soon), late_materials)


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
    contact = campaign.contact or "验收工作组"
    parts = [
        notice_title(due.school),
        "",
        f"{due.school}团委：",
        "",
        f"　　根据{campaign.name}工作安排和《{rulebook.name}》（{rulebook.source}）要求，"
        f"截至{cn_date(due.as_of)}，经对你校填报数据核验，{_summary(due)}现将有关事项提醒如下。",
    ]
    sections = [
        ("已超过完成时限、尚未完成的任务", due.overdue, _overdue_line),
        ("已超过报送时限、尚未报送的材料", due.overdue_materials, partial(_material_line, due.as_of)),
        ("即将到期、尚未完成的任务", due.due_soon, _due_soon_line),
    ]
    for n, (heading, items, line) in enumerate(s for s in sections if s[1]):
        parts += ["", f"　　{CN_NUMERALS[n]}、{heading}（{len(items)}项）"]
        parts += [f"　　{k}. {line(item)}" for k, item in enumerate(items, start=1)]
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


def _summary(due: SchoolDue) -> str:
    counts = [
        f"{len(due.overdue)}项任务已逾期未完成" if due.overdue else "",
        f"{len(due.overdue_materials)}份材料已逾期未报送" if due.overdue_materials else "",
        f"{len(due.due_soon)}项任务即将到期" if due.due_soon else "",
    ]
    if not due.needs_reminder:
        return "你校暂无逾期或即将到期的任务。"
    return "你校有" + "、".join(c for c in counts if c) + "。"


def _overdue_line(item: DueItem) -> str:
    return f"{item.item_id} {item.content}（完成时限：{item.deadline_text}，已逾期{item.days}天；目前{item.reported}）"


def _material_line(as_of: date, material: MaterialStatus) -> str:
    days = (as_of - material.due).days
    return (
        f"{material.material.name}（报送时限：{cn_date(material.due)}，已逾期{days}天；"
        "请报送盖章纸质版，并在验收看板上传扫描PDF版）"
    )


def _due_soon_line(item: DueItem) -> str:
    left = "今日到期" if item.days == 0 else f"还剩{item.days}天"
    return f"{item.item_id} {item.content}（完成时限：{item.deadline_text}，{left}；目前{item.reported}）"


def notice_file_name(due: SchoolDue) -> str:
    school = file_name_part(due.school, NAME_BYTES_IN_FILE_NAME)
    return f"{file_name_part(due.tenant, 20)}_{school}_提醒函_{due.as_of.isoformat()}.txt"


# --- escalation ---------------------------------------------------------------------------------


class SentReminder(Protocol):
    """What escalation needs of a stored reminder (tenants.models.Reminder has it)."""

    tenant_code: str
    items: list[str]
    sent_at: datetime | None
    sent_by: str | None


@dataclass(frozen=True)
class Escalation:
    """A school still overdue on items it was reminded of before the as-of date."""

    tenant: str
    school: str
    items: tuple[DueItem, ...]  # reminded of and still overdue
    first_sent_at: datetime
    last_sent_at: datetime
    reminders: int  # how many sent reminders named these items


def escalations(dues: Iterable[SchoolDue], reminders: Sequence[SentReminder]) -> list[Escalation]:
    """Schools with a reminder sent before their as-of date (China time) naming an item still overdue."""
    by_school: dict[str, list[SentReminder]] = {}
    for reminder in reminders:
        by_school.setdefault(reminder.tenant_code, []).append(reminder)
    found = []
    for due in dues:
        escalation = _escalation(due, by_school.get(due.tenant, []))
        if escalation is not None:
            found.append(escalation)
    return found


def _escalation(due: SchoolDue, reminders: Sequence[SentReminder]) -> Escalation | None:
    overdue: Mapping[str, DueItem] = {item.item_id: item for item in due.overdue}
    relevant = [r for r in reminders if _sent_before(r, due.as_of) and set(r.items) & overdue.keys()]
    if not relevant:
        return None
    reminded = {item_id for r in relevant for item_id in r.items}
    sent = sorted(r.sent_at for r in relevant if r.sent_at is not None)
    still_overdue = tuple(item for item_id, item in overdue.items() if item_id in reminded)
    return Escalation(due.tenant, due.school, still_overdue, sent[0], sent[-1], len(relevant))


def _sent_before(reminder: SentReminder, as_of: date) -> bool:
    return reminder.sent_at is not None and reminder.sent_at.astimezone(CHINA_TIME).date() < as_of
