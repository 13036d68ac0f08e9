"""提醒督办: per school in scope, what is overdue and what falls due soon on the board date; a formal
reminder notice per school (one by one or as a .zip); sending recorded by the province administrator;
how the e-mails of `reformboard remind` went (and which schools have no address to send to); and the
escalations to schools' units: those `remind` stores on the board date (decided by its own service
function, schools without an address included) and those it stored before, with how their e-mails went.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from checks.campaign import Campaign
from checks.results import SchoolAssessment
from dashboard import data, ui
from reformboard.board import assess_schools
from reformboard.context import AppContext
from reformboard.reminders import (
    DEFAULT_DUE_SOON_DAYS,
    TEXT_ENCODING,
    TEXT_MIME,
    Escalation,
    SchoolDue,
    notice_file_name,
    notice_title,
    reminder_notice,
)
from reformboard.services.reminders import (
    NoReminderPolicy,
    delivery_status,
    planned_escalations,
    record_sent_by_hand,
    school_dues,
)
from reformboard.settings import MailSettings
from tenants.access import PermissionAction, require_role, scoped_transaction, visible_tenants
from tenants.models import Delivery, Reminder, utcnow
from tenants.models import Escalation as EscalationRow
from tenants.principal import Principal, UserRole
from tenants.reminders import deliveries_for, escalations_of, reminder_contacts
from tenants.store import list_units, reminders_for

READ_ROLES = (UserRole.PROVINCE_ADMIN, UserRole.PROVINCE_VIEWER, UserRole.UNIT)
ALL_UNITS = ""


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, *READ_ROLES, action=PermissionAction.VIEW_REMINDERS)
        tenants = visible_tenants(session, principal)
        schools = {s.code: s.unit_code for s in tenants}
        names = {s.code: s.name for s in tenants}
        units = {u.code: u.name for u in list_units(session) if u.code in set(schools.values())}
    campaign = ui.require_campaign()
    as_of = ui.current_as_of()
    rulebook = ctx.rulebook_for(campaign)
    st.title("提醒督办")
    st.caption(f"{ui.literal(campaign.name)} · 统计日期 {as_of:%Y-%m-%d}")
    within, unit = _filters(principal, units)
    codes = {code for code, unit_code in schools.items() if unit in (ALL_UNITS, unit_code)}
    assessments = [a for a in _assessments(ctx, principal, campaign, as_of) if a.tenant in codes]
    with scoped_transaction(ctx.engine, principal) as session:
        dues = school_dues(session, principal, rulebook, campaign, assessments, within)
    sent = _reminders(ctx, principal, campaign, codes)
    mail = _mail(ctx, principal, campaign, as_of, codes)
    pending = [due for due in dues if due.needs_reminder]
    if not pending:
        ui.empty_state(f"截至 {as_of:%Y-%m-%d}，范围内没有学校存在逾期或 {within} 天内到期的子项，暂无需提醒。")
    else:
        _overview(pending, sent, mail)
        _unreachable(pending, mail)
        notices = {due.tenant: reminder_notice(due, rulebook, campaign) for due in pending}
        _batch(ctx, principal, campaign, pending, notices, sent)
        for due in pending:
            _school_section(ctx, principal, campaign, due, notices[due.tenant], sent.get(due.tenant, []), mail)
    st.subheader("督办升级：提醒后仍逾期的学校")
    if principal.is_province:
        _planned_escalations(ctx, principal, campaign, assessments)
    _recorded_escalations(mail, names, units)


def _filters(principal: Principal, units: dict[str, str]) -> tuple[int, str]:
    left, right = st.columns(2)
    within = int(
        left.number_input(
            "提前提醒天数（N 天内到期的子项列为即将到期）",
            min_value=0,
            max_value=365,
            value=DEFAULT_DUE_SOON_DAYS,
            step=1,
            key="reminders.within",
        )
    )
    unit = ALL_UNITS
    if principal.is_province and units:
        unit = right.selectbox(
            "主管单位", [ALL_UNITS, *units], key="reminders.unit", format_func=lambda code: units.get(code, "全部单位")
        )
    return within, unit


def _assessments(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date) -> list[SchoolAssessment]:
    with scoped_transaction(ctx.engine, principal) as session:
        key = data.scope(ctx, session, principal, campaign.id)
    return _cached_assessments(ctx, principal, key, campaign, as_of)


@st.cache_data(ttl=data.CACHE_TTL, max_entries=16, show_spinner="正在核算各校任务进度…")
def _cached_assessments(
    _ctx: AppContext, _principal: Principal, key: data.Scope, campaign: Campaign, as_of: date
) -> list[SchoolAssessment]:
    with scoped_transaction(_ctx.engine, _principal) as session:
        return assess_schools(
            session,
            _principal,
            _ctx.rulebook_for(campaign),
            campaign,
            as_of,
            key.codes,
            memo=data.assessment_memo(key.database, campaign, as_of),
        )


def _reminders(ctx: AppContext, principal: Principal, campaign: Campaign, codes: set[str]) -> dict[str, list[Reminder]]:
    with scoped_transaction(ctx.engine, principal) as session:
        return {code: reminders_for(session, code, campaign.id) for code in sorted(codes)}


@dataclass(frozen=True)
class Mail:
    """What the page shows of the e-mails: schools' addresses, escalations stored, the mail settings (retry
    bound, claim lapse) and the moment the page was drawn, which the statuses are as of."""

    contacts: dict[str, list[str]]
    escalated: list[EscalationRow]  # by date
    deliveries: dict[str, list[Delivery]]  # newest first
    settings: MailSettings
    now: datetime

    def status(self, row: Reminder | EscalationRow) -> str:
        return delivery_status(row, self.settings, self.now)


def _mail(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date, codes: set[str]) -> Mail:
    with scoped_transaction(ctx.engine, principal) as session:
        contacts = reminder_contacts(session, campaign.id, as_of, codes)
        escalated = escalations_of(session, campaign.id, codes)
        deliveries: dict[str, list[Delivery]] = {}
        for delivery in deliveries_for(session, codes):
            deliveries.setdefault(delivery.tenant_code, []).append(delivery)
    return Mail(contacts, escalated, deliveries, ctx.settings.mail, utcnow())


# --- what to remind of --------------------------------------------------------------------------


def _overview(pending: Sequence[SchoolDue], sent: dict[str, list[Reminder]], mail: Mail) -> None:
    rows = [
        [
            due.school,
            due.tenant,
            len(due.overdue),
            "、".join(i.item_id for i in due.overdue),
            len(due.due_soon),
            "、".join(i.item_id for i in due.due_soon),
            ui.china_time(_last_sent(sent.get(due.tenant, []))),
            _mail_state(due.tenant, sent.get(due.tenant, []), mail),
        ]
        for due in pending
    ]
    columns = [
        "学校",
        "标识码",
        "逾期未完成",
        "逾期子项",
        "即将到期",
        "即将到期子项",
        "最近一次提醒发送",
        "提醒邮件",
    ]
    st.subheader(f"需提醒的学校（{len(pending)} 所）")
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")


def _last_sent(reminders: Sequence[Reminder]) -> datetime | None:
    return max((r.sent_at for r in reminders if r.sent_at is not None), default=None)


def _mail_state(tenant: str, reminders: Sequence[Reminder], mail: Mail) -> str:
    """The school's latest e-mailed reminder and how it went, or why none can go."""
    if tenant not in mail.contacts:
        return "无联系邮箱，无法送达"
    latest = next((r for r in reminders if r.step is not None), None)  # newest first
    if latest is None:
        return "尚未发送提醒邮件"
    return f"{latest.as_of:%Y-%m-%d}（{latest.step}）：{mail.status(latest)}"


def _unreachable(pending: Sequence[SchoolDue], mail: Mail) -> None:
    missing = [due for due in pending if due.tenant not in mail.contacts]
    if missing:
        names = "、".join(f"{ui.literal(due.school)}（{due.tenant}）" for due in missing)
        st.warning(
            f"以下 {len(missing)} 所学校没有联系邮箱（填报的“学校信息”中没有，也未在“管理”页设置），"
            f"提醒邮件无法送达：{names}",
            icon=":material/unsubscribe:",
        )


def _batch(
    ctx: AppContext,
    principal: Principal,
    campaign: Campaign,
    pending: Sequence[SchoolDue],
    notices: dict[str, str],
    sent: dict[str, list[Reminder]],
) -> None:
    as_of = pending[0].as_of
    download, mark = st.columns(2)
    download.download_button(
        f"下载全部提醒函（{len(pending)} 份，.zip）",
        data=_zip(pending, notices),
        file_name=f"提醒函_{as_of.isoformat()}.zip",
        mime="application/zip",
        icon=":material/folder_zip:",
        key="reminders.zip",
    )
    unsent = [due for due in pending if _already_sent(due, sent.get(due.tenant, [])) is None]
    if (
        principal.role is UserRole.PROVINCE_ADMIN
        and unsent
        and mark.button(f"将尚未登记的 {len(unsent)} 份全部登记为已发送", key="reminders.mark_all")
    ):
        _mark_sent(ctx, principal, campaign, unsent, notices)


def _zip(pending: Sequence[SchoolDue], notices: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for due in pending:
            archive.writestr(
                notice_file_name(due.tenant, due.school, due.as_of), notices[due.tenant].encode(TEXT_ENCODING)
            )
    return buffer.getvalue()


def _school_section(
    ctx: AppContext,
    principal: Principal,
    campaign: Campaign,
    due: SchoolDue,
    notice: str,
    reminders: Sequence[Reminder],
    mail: Mail,
) -> None:
    summary = f"逾期 {len(due.overdue)} 项，即将到期 {len(due.due_soon)} 项"
    with st.expander(f"{ui.literal(due.school)}（{due.tenant}）：{summary}"):
        st.text_area(
            ui.literal(notice_title(due.school)), notice, height=320, disabled=True, key=f"reminders.text.{due.tenant}"
        )
        download, mark = st.columns(2)
        download.download_button(
            "下载提醒函（.txt）",
            data=notice.encode(TEXT_ENCODING),
            file_name=notice_file_name(due.tenant, due.school, due.as_of),
            mime=TEXT_MIME,
            icon=":material/download:",
            key=f"reminders.download.{due.tenant}",
        )
        already = _already_sent(due, reminders)
        if already is not None:
            mark.success(f"本提醒函已于 {ui.china_time(already.sent_at)} 由 {ui.literal(already.sent_by)} 登记发送")
        elif principal.role is UserRole.PROVINCE_ADMIN and mark.button(
            "登记为已发送", key=f"reminders.mark.{due.tenant}", icon=":material/mark_email_read:"
        ):
            _mark_sent(ctx, principal, campaign, [due], {due.tenant: notice})
        st.caption(f"联系邮箱：{ui.literal('、'.join(mail.contacts.get(due.tenant, []))) or '无（无法送达）'}")
        _history(reminders, mail)
        _deliveries(mail.deliveries.get(due.tenant, []))


def _already_sent(due: SchoolDue, reminders: Sequence[Reminder]) -> Reminder | None:
    """The reminder sent for the same date and the same items, if any: sending it again adds nothing."""
    return next(
        (
            r
            for r in reminders
            if r.sent_at is not None and r.as_of == due.as_of and sorted(r.items) == sorted(due.item_ids)
        ),
        None,
    )


def _history(reminders: Sequence[Reminder], mail: Mail) -> None:
    if not reminders:
        st.caption("尚未向该校发送过提醒。")
        return
    rows = [
        [
            r.as_of,
            r.step or "手工登记",
            "、".join(r.items),
            r.created_by,
            ui.china_time(r.created_at),
            r.sent_by or "",
            ui.china_time(r.sent_at) or "未发送",
            mail.status(r),
        ]
        for r in reminders
    ]
    columns = ["统计日期", "提醒时点", "涉及子项", "起草人", "起草时间", "发送人", "发送时间", "邮件状态"]
    st.markdown("**提醒记录**")
    st.dataframe(
        pd.DataFrame(rows, columns=columns),
        hide_index=True,
        width="stretch",
    )


def _deliveries(deliveries: Sequence[Delivery]) -> None:
    """Every attempt to e-mail the school a reminder or its unit an escalation about it."""
    if not deliveries:
        return
    rows = [
        [
            ui.china_time(d.at),
            "提醒" if d.reminder_id is not None else "督办（主管单位）",
            "、".join(d.recipients),
            "已发送" if d.ok else "失败",
            d.error,
            d.message_id,
        ]
        for d in deliveries
    ]
    st.markdown("**邮件发送记录**")
    st.dataframe(
        pd.DataFrame(rows, columns=["时间", "邮件", "收件人", "结果", "说明", "Message-ID"]),
        hide_index=True,
        width="stretch",
    )


def _mark_sent(
    ctx: AppContext, principal: Principal, campaign: Campaign, dues: Sequence[SchoolDue], notices: dict[str, str]
) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        record_sent_by_hand(session, principal, campaign, dues, notices)
    st.rerun()


# --- escalation ---------------------------------------------------------------------------------


def _planned_escalations(
    ctx: AppContext,
    principal: Principal,
    campaign: Campaign,
    assessments: Sequence[SchoolAssessment],
) -> None:
    """What `remind` escalates on the board date and has not stored yet, as its own service decides."""
    try:
        with scoped_transaction(ctx.engine, principal) as session:
            planned = planned_escalations(
                session, principal, ctx.rulebook_for(campaign), campaign, assessments, ctx.settings.mail
            )
    except NoReminderPolicy as refusal:
        st.caption(f"{ui.literal(refusal)}，因此不自动督办。")
        return
    found = [(group, e) for group in planned for e in group.escalations]
    if not found:
        st.caption("本统计日期没有待督办的学校（已达督办次数仍逾期、且尚未督办）。")
        return
    rows = [
        [
            e.school,
            e.tenant,
            group.unit.name,
            _reminded(e),
            "、".join(i.item_id for i in e.items),
            max(i.days for i in e.items),
            ui.china_time(e.first_sent_at),
            ui.china_time(e.last_sent_at),
            "待发送（运行提醒时发往主管单位）" if group.recipients else "主管单位无联系邮箱，无法督办",
        ]
        for group, e in found
    ]
    columns = [
        "学校",
        "标识码",
        "主管单位",
        "提醒情况",
        "仍逾期的子项",
        "最长逾期天数",
        "首次提醒",
        "最近提醒",
        "督办邮件（主管单位）",
    ]
    st.markdown(f"**本统计日期应督办的学校（{len(rows)} 所）**")
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")


def _reminded(escalation: Escalation) -> str:
    if escalation.unreachable:
        return f"无联系邮箱，无法提醒（按提醒时点应提醒 {escalation.reminders} 次）"
    return f"已提醒 {escalation.reminders} 次"


def _recorded_escalations(mail: Mail, names: dict[str, str], units: dict[str, str]) -> None:
    """Every escalation `remind` stored, with the paragraph its unit's e-mail gave the school."""
    rows = [
        [
            row.as_of,
            names.get(row.tenant_code, ""),
            row.tenant_code,
            units.get(row.unit_code, row.unit_code),
            row.text.splitlines()[0] if row.text else "",
            "、".join(row.items),
            mail.status(row),
        ]
        for row in reversed(mail.escalated)  # newest first
    ]
    if not rows:
        st.caption("尚未向主管单位发送过督办。")
        return
    columns = ["统计日期", "学校", "标识码", "主管单位", "督办内容", "涉及子项", "督办邮件状态"]
    st.markdown(f"**督办记录（{len(rows)} 条）**")
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
