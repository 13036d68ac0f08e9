"""The 管理 page's 联系邮箱 tab: the addresses reminders (schools) and escalations (units) are sent to; who
else escalations go to is the reminder policy of the campaign chosen in the sidebar (its pinned rulebook)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from dashboard import ui
from reformboard.context import AppContext
from reformboard.services.reminders import set_school_contacts, set_unit_contacts
from tenants import store
from tenants.access import scoped_transaction
from tenants.principal import Principal
from tenants.reminders import school_contacts, split_emails, unit_contacts

UNREACHABLE = "未设置（学校：用填报的联系邮箱）"
Write = Callable[[AppContext, Principal, Callable[[Session], str]], None]  # admin._write


def render(ctx: AppContext, principal: Principal, write: Write) -> None:
    with scoped_transaction(ctx.engine, principal) as session:
        schools = {s.code: s.name for s in store.list_schools(session) if s.active}
        units = {u.code: u.name for u in store.list_units(session)}
        by_school, by_unit = school_contacts(session), unit_contacts(session)
    campaign = ui.current_campaign()
    policy = ctx.rulebook_for(campaign).reminders if campaign else None
    also = "、".join(policy.also_to_province) if policy else ""
    st.caption(
        "提醒邮件发往这里为学校设置的联系邮箱；未设置的，发往学校最近一次填报的“学校信息”中的联系邮箱。"
        "督办邮件发往主管单位的联系邮箱" + (f"（{also}主管的学校另发省级联系邮箱）。" if also else "。")
    )
    kind = st.radio("设置对象", ["学校", "主管单位"], horizontal=True, key="admin.contacts.kind")
    names, found = (schools, by_school) if kind == "学校" else (units, by_unit)
    code = st.selectbox(kind, list(names), key=f"admin.contacts.{kind}", format_func=lambda c: f"{names[c]}（{c}）")
    if code is not None:
        _form(ctx, principal, write, kind, code, found.get(code, []))
    _table("学校", schools, by_school)
    _table("主管单位", units, by_unit)


def _form(ctx: AppContext, principal: Principal, write: Write, kind: str, code: str, current: list[str]) -> None:
    with st.form(f"admin.contacts.form.{kind}.{code}"):
        typed = st.text_area(
            "联系邮箱（每行一个，也可用逗号、分号分隔；清空即删除）",
            "\n".join(current),
            key=f"admin.contacts.emails.{code}",
        )
        if not st.form_submit_button("保存联系邮箱"):
            return
    change = set_school_contacts if kind == "学校" else set_unit_contacts
    write(ctx, principal, lambda session: _saved(change(session, principal, code, split_emails(typed))))


def _saved(emails: list[str]) -> str:
    return f"已保存联系邮箱：{'、'.join(emails)}" if emails else "已清空联系邮箱。"


def _table(kind: str, names: dict[str, str], found: dict[str, list[str]]) -> None:
    rows = [[code, name, "、".join(found.get(code, [])) or UNREACHABLE] for code, name in names.items()]
    st.markdown(f"**{kind}的联系邮箱**")
    st.dataframe(pd.DataFrame(rows, columns=["代码", "名称", "联系邮箱"]), hide_index=True, width="stretch")
