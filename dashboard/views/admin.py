"""管理 (province administrator only): campaigns and their deadlines, schools and supervising units, their
contact e-mail addresses (dashboard.contacts), user accounts, and the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st
from pandas.api.typing import NaTType
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.deadlines import due_date
from checks.errors import DomainError
from dashboard import contacts, data, ui
from reformboard.context import AppContext, configured_rulebook
from reformboard.services import directory
from reformboard.services.accounts import add_user, disable_user, list_users
from reformboard.services.campaigns import change_deadlines, refresh_campaign_results
from tenants import store
from tenants.access import PermissionAction, require_role, scoped_transaction
from tenants.accounts import ACCOUNT_WRITES_REFUSED, may_write_accounts
from tenants.audit import AuditAction
from tenants.models import AuditEntry
from tenants.principal import Principal, UserRole
from tenants.submissions import CHINA_TIME, end_of_day

AUDIT_LIMIT = 1000  # newest entries shown; narrow the filters to see older ones
AUDIT_DAYS = 30  # the date range the log opens with
NOT_SET = ""


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, UserRole.PROVINCE_ADMIN, action=PermissionAction.VIEW_ADMIN)
    st.title("管理")
    campaigns, units_and_schools, mail, users, log = st.tabs(["验收批次", "学校与单位", "联系邮箱", "用户", "审计日志"])
    with campaigns:
        _campaigns(ctx, principal)
    with units_and_schools:
        _directory(ctx, principal)
    with mail:
        contacts.render(ctx, principal, _write)
    with users:
        _users(ctx, principal)
    with log:
        _audit_log(ctx, principal)


def _write(ctx: AppContext, principal: Principal, change: Callable[[Session], str]) -> None:
    """Run one change (a service, which authorises and audits it) in its own transaction; show its message
    or the refusal."""
    try:
        with scoped_transaction(ctx.engine, principal) as session:
            message = change(session)
    except DomainError as refused:  # the page stays, with the refusal where the change was asked for
        st.error(ui.literal(refused), icon=":material/error:")
        return
    data.forget()
    st.success(ui.literal(message), icon=":material/check_circle:")


# --- campaigns --------------------------------------------------------------------------------------


def _campaigns(ctx: AppContext, principal: Principal) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        campaigns = {c.id: c for c in store.list_campaigns(session)}
    if not campaigns:
        ui.empty_state("还没有验收批次，请在服务器上运行 reformboard init。")
        return
    rows = [
        [
            c.id,
            c.name,
            c.rulebook,
            c.starts_on,
            c.acceptance_on,
            c.contact,
            len(c.deadline_overrides),
            sum(len(params) for params in c.threshold_overrides.values()),
        ]
        for c in campaigns.values()
    ]
    st.dataframe(
        pd.DataFrame(
            rows,
            columns=[
                "批次编号",
                "名称",
                "任务列表",
                "开始日期",
                "验收开始",
                "联系人",
                "调整过时限的子项",
                "调整过的阈值",
            ],
        ),
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        "调整完成时限的批次", list(campaigns), key="admin.campaign", format_func=lambda cid: campaigns[cid].name
    )
    _deadline_editor(ctx, principal, campaigns[chosen])


def _deadline_editor(ctx: AppContext, principal: Principal, campaign: Campaign) -> None:
    rulebook = ctx.rulebook_for(campaign)
    items = [item for item in rulebook.items if not item.ongoing]
    table = pd.DataFrame(
        {
            "子项": [item.id for item in items],
            "内容": [item.content for item in items],
            "任务列表时限": [item.due for item in items],
            "本批次时限": [campaign.deadline_overrides.get(item.id) for item in items],
        }
    )
    st.caption("“本批次时限”留空即按任务列表的时限；填写日期则本批次按该日期判定是否逾期。持续推进的子项没有时限。")
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=["子项", "内容", "任务列表时限"],
        key=f"admin.deadlines.{campaign.id}",
        column_config={
            "本批次时限": st.column_config.DateColumn("本批次时限", format="YYYY-MM-DD"),
            "任务列表时限": st.column_config.DateColumn("任务列表时限", format="YYYY-MM-DD"),
        },
    )
    overrides = _overrides(edited, {item.id: item.due for item in items})
    if st.button("保存完成时限", key=f"admin.deadlines.save.{campaign.id}", type="primary"):
        _write(ctx, principal, lambda session: _save_overrides(session, principal, campaign, overrides))
    moved = [
        f"{item.id}：{due_date(item, campaign):%Y-%m-%d}" for item in items if item.id in campaign.deadline_overrides
    ]
    if moved:
        st.caption("当前已调整：" + "；".join(moved))


def _overrides(edited: pd.DataFrame, annex: Mapping[str, date | None]) -> dict[str, date]:
    """The edited dates that differ from the task list's (an override equal to it is no override)."""
    chosen = {row["子项"]: _as_date(row["本批次时限"]) for _, row in edited.iterrows()}
    return {item_id: due for item_id, due in chosen.items() if due is not None and due != annex[item_id]}


def _as_date(value: date | NaTType | None) -> date | None:
    """A date column's cell: a date, a pandas Timestamp (a datetime) once edited, or empty (None, NaT)."""
    if pd.isna(value):
        return None
    return value.date() if isinstance(value, datetime) else value


def _save_overrides(session: Session, principal: Principal, campaign: Campaign, overrides: dict[str, date]) -> str:
    change_deadlines(session, principal, campaign.id, overrides)
    # The board's stored facts are keyed by the deadlines (checks.stored.facts_key): made again at once,
    # as `campaign set-threshold` does, so the board never assesses every school for a while.
    bar = st.progress(0.0, text="正在按新的完成时限重新计算各份填报的看板结果…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total)

    refresh_campaign_results(session, principal, campaign.id, progress)
    bar.empty()
    return f"已保存“{campaign.name}”的完成时限（调整了 {len(overrides)} 个子项），看板结果已按新时限重新计算。"


# --- schools and units ------------------------------------------------------------------------------


def _directory(ctx: AppContext, principal: Principal) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        units = {u.code: u for u in store.list_units(session)}
        schools = store.list_schools(session)
    unit_kinds = configured_rulebook(ctx.settings).vocabulary.unit_kinds  # the rulebook in force
    st.subheader(f"主管单位（{len(units)} 个）")
    counts = pd.Series([s.unit_code for s in schools]).value_counts()
    unit_rows = [[u.code, u.name, str(u.kind), int(counts.get(u.code, 0))] for u in units.values()]
    st.dataframe(
        pd.DataFrame(unit_rows, columns=["单位代码", "名称", "类型", "学校数"]), hide_index=True, width="stretch"
    )
    st.subheader(f"学校（{len(schools)} 所）")
    school_rows = [
        [
            s.code,
            s.name,
            units[s.unit_code].name if s.unit_code in units else s.unit_code,
            s.school_type,
            "是" if s.active else "否",
        ]
        for s in schools
    ]
    st.dataframe(
        pd.DataFrame(school_rows, columns=["学校标识码", "名称", "主管单位", "类型", "启用"]),
        hide_index=True,
        width="stretch",
    )
    add_unit, add_school = st.columns(2)
    with add_unit:
        _add_unit_form(ctx, principal, unit_kinds)
    with add_school:
        _add_school_form(ctx, principal, {code: unit.name for code, unit in units.items()})


def _add_unit_form(ctx: AppContext, principal: Principal, kinds: tuple[str, ...]) -> None:
    with st.form("admin.add_unit", clear_on_submit=True):
        st.markdown("**添加主管单位**")
        code = st.text_input("单位代码").strip()
        name = st.text_input("单位名称").strip()
        kind = st.selectbox("类型", kinds)
        if not st.form_submit_button("添加单位"):
            return
    if not code or not name:
        st.error("请填写单位代码和单位名称。")
    else:
        _write(ctx, principal, lambda session: _add_unit(session, principal, code, name, kind, kinds))


def _add_unit(session: Session, principal: Principal, code: str, name: str, kind: str, kinds: tuple[str, ...]) -> str:
    unit = directory.add_unit(session, principal, code, name, kind, kinds=kinds)  # DirectoryError: code, name, kind
    return f"已添加主管单位：{unit.name}（{unit.code}）。"


def _add_school_form(ctx: AppContext, principal: Principal, units: dict[str, str]) -> None:
    with st.form("admin.add_school", clear_on_submit=True):
        st.markdown("**添加学校**")
        code = st.text_input("学校标识码（10位数字）", key="admin.school.code").strip()
        name = st.text_input("学校名称", key="admin.school.name").strip()
        unit = st.selectbox("主管单位", list(units), format_func=lambda c: f"{units[c]}（{c}）")
        school_type = st.text_input("学校类型（如 本科、高职（专科））").strip()
        if not st.form_submit_button("添加学校"):
            return
    if not code or not name or unit is None:
        st.error("请填写学校标识码、学校名称并选择主管单位（没有单位时请先添加单位）。")
    else:
        campaign = ui.require_campaign()  # the school joins the campaign chosen in the sidebar
        entry = directory.SchoolEntry(code, name, unit, school_type)
        _write(ctx, principal, lambda session: _add_school(session, principal, entry, campaign))


def _add_school(session: Session, principal: Principal, entry: directory.SchoolEntry, campaign: Campaign) -> str:
    school = directory.add_school(session, principal, entry, [campaign.id])  # DirectoryError: bad or taken code
    return f"已添加学校：{school.name}（{school.code}），列入验收批次“{campaign.name}”。"


# --- users ------------------------------------------------------------------------------------------


def _users(ctx: AppContext, principal: Principal) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        users = list_users(session, by=principal)
        may_add = may_write_accounts(session)
        schools = {s.code: s.name for s in store.list_schools(session)}
        units = {u.code: u.name for u in store.list_units(session)}
    rows = [
        [
            u.username,
            u.display_name,
            UserRole(u.role).label,
            schools.get(u.tenant_code or "", ""),
            units.get(u.unit_code or "", ""),
            "启用" if u.active else "已停用",
            ui.china_time(u.last_login_at),
        ]
        for u in users
    ]
    st.dataframe(
        pd.DataFrame(rows, columns=["用户名", "姓名", "角色", "学校", "单位", "状态", "最近登录"]),
        hide_index=True,
        width="stretch",
    )
    add, disable = st.columns(2)
    with add:
        if may_add:
            _add_user_form(ctx, principal, schools, units)
        else:
            st.info(ACCOUNT_WRITES_REFUSED + "。", icon=":material/info:")
    with disable:
        others = [u.username for u in users if u.active and u.username != principal.username]
        _disable_user_form(ctx, principal, others)


def _add_user_form(ctx: AppContext, principal: Principal, schools: dict[str, str], units: dict[str, str]) -> None:
    with st.form("admin.add_user", clear_on_submit=True):
        st.markdown("**添加用户**")
        username = st.text_input("用户名（字母、数字和 . _ @ -）")
        display_name = st.text_input("姓名或单位名称")
        roles = list(UserRole)  # named: inline, mypy matches st.selectbox's overload for no options
        role = st.selectbox("角色", roles, format_func=lambda r: r.label)
        school = st.selectbox(
            "所属学校（学校团委账号）", [NOT_SET, *schools], format_func=lambda c: f"{schools[c]}（{c}）" if c else "—"
        )
        unit = st.selectbox(
            "所属单位（主管单位账号）",
            [NOT_SET, *units],
            format_func=lambda c: f"{units[c]}（{c}）" if c else "—",
        )
        password = st.text_input("初始密码（使用统一身份认证登录的可不填）", type="password")
        email = st.text_input("统一身份认证邮箱（可不填）")
        if not st.form_submit_button("添加用户"):
            return
    _write(
        ctx,
        principal,
        lambda session: _add_user(
            session,
            principal,
            username,
            role,
            display_name.strip(),
            tenant_code=school or None,
            unit_code=unit or None,
            password=password or None,
            email=email or None,
        ),
    )


def _add_user(
    session: Session, principal: Principal, username: str, role: UserRole, display_name: str, **fields: str | None
) -> str:
    user = add_user(session, username, role, by=principal, display_name=display_name, **fields)
    return f"已添加用户 {user.username}（{role.label}）。"


def _disable_user_form(ctx: AppContext, principal: Principal, active: list[str]) -> None:
    with st.form("admin.disable_user"):
        st.markdown("**停用用户**")
        username = st.selectbox("用户", active, index=None, placeholder="选择要停用的用户")
        if not st.form_submit_button("停用"):
            return
    if username is None:
        st.error("请选择要停用的用户。")
        return
    _write(ctx, principal, lambda session: _disable_user(session, principal, username))


def _disable_user(session: Session, principal: Principal, username: str) -> str:
    disable_user(session, username, by=principal)
    return f"已停用用户 {username}，该用户将无法再登录。"


# --- the audit log ----------------------------------------------------------------------------------


def _audit_log(ctx: AppContext, principal: Principal) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        schools = {s.code: s.name for s in store.list_schools(session)}
    actor_box, action_box, tenant_box, range_box = st.columns(4)
    actor = actor_box.text_input("操作人", key="admin.audit.actor").strip()
    action = action_box.selectbox(
        "操作", [None, *AuditAction], key="admin.audit.action", format_func=lambda a: a.label if a else "全部"
    )
    tenant = tenant_box.selectbox(
        "学校",
        [NOT_SET, *schools],
        key="admin.audit.tenant",
        format_func=lambda c: f"{schools[c]}（{c}）" if c else "全部",
    )
    today = ui.today()
    chosen = range_box.date_input(
        "日期范围", (today - timedelta(days=AUDIT_DAYS), today), key="admin.audit.dates", format="YYYY-MM-DD"
    )
    if len(chosen) != 2:
        st.caption("请选择起止日期。")
        return
    since, until = chosen
    with scoped_transaction(ctx.engine, principal) as session:
        entries = store.audit_entries(
            session,
            principal,
            actor=actor or None,
            action=action,
            tenant_code=tenant or None,
            limit=AUDIT_LIMIT,
            since=datetime.combine(since, time(), CHINA_TIME),
            until=end_of_day(until),
        )
    rows = [
        [ui.china_time(e.at), e.actor, _ACTION_LABELS.get(e.action, e.action), e.tenant_code or "", _detail(e)]
        for e in entries
    ]
    capped = f"（只显示最新的 {AUDIT_LIMIT} 条，请缩小范围）" if len(rows) == AUDIT_LIMIT else ""
    st.caption(f"共 {len(rows)} 条{capped}")
    st.dataframe(
        pd.DataFrame(rows, columns=["时间", "操作人", "操作", "学校", "详情"]), hide_index=True, width="stretch"
    )


_ACTION_LABELS = {action.value: action.label for action in AuditAction}
_PERMISSION_LABELS = {action.value: action.label for action in PermissionAction}


def _detail(entry: AuditEntry) -> str:
    """The entry's detail as JSON; a refusal names what was attempted in words."""
    detail = dict(entry.detail)
    if "attempted" in detail:
        detail["attempted"] = _PERMISSION_LABELS.get(detail["attempted"], detail["attempted"])
    return json.dumps(detail, ensure_ascii=False)


if __name__ == "__main__":
    render()
