"""首页 of a school: its verdict and score at a glance, what is overdue or due soon, the reminders it has
received, and the way to upload.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from checks.materials import material_statuses
from checks.results import SchoolAssessment, Verdict
from dashboard import documents, ui
from reformboard.board import assess_schools
from reformboard.reminders import DEFAULT_DUE_SOON_DAYS, DueItem, school_due
from tenants.access import PermissionAction, require_role, require_tenant, scoped_transaction
from tenants.documents import material_receipts
from tenants.models import Reminder
from tenants.principal import UserRole
from tenants.store import reminders_for

UPLOAD_PAGE = ui.PAGES / "upload.py"


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    campaign = ui.require_campaign()
    as_of = ui.current_as_of()
    rulebook = ctx.rulebook_for(campaign)
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, UserRole.SCHOOL, action=PermissionAction.VIEW_HOME)
        school = require_tenant(session, principal, principal.tenant_code or "", PermissionAction.VIEW_HOME)
        [assessment] = assess_schools(session, principal, rulebook, campaign, as_of, [school.code])
        received = [r for r in reminders_for(session, school.code, campaign.id) if r.sent_at is not None]
        receipts = material_receipts(session, principal, campaign.id, [school.code])[school.code]
    st.title(ui.literal(school.name))
    st.caption(f"{ui.literal(campaign.name)} · 统计日期 {as_of:%Y-%m-%d}")
    due = school_due(assessment, rulebook, DEFAULT_DUE_SOON_DAYS)
    _at_a_glance(assessment, len(due.overdue), len(due.due_soon))
    if assessment.verdict is Verdict.NOT_SUBMITTED:
        ui.empty_state("本校尚未提交有效的填报文件：请在“上传填报”页下载模板，填写后上传。")
    st.page_link(UPLOAD_PAGE, label="上传填报：下载模板、上传本校填报文件", icon=":material/upload_file:")
    _items("逾期未完成的子项", due.overdue, "已逾期（天）", "没有逾期未完成的子项。")
    _items(
        f"{DEFAULT_DUE_SOON_DAYS} 天内到期的子项",
        due.due_soon,
        "剩余（天）",
        f"{DEFAULT_DUE_SOON_DAYS} 天内没有到期的子项。",
    )
    st.subheader("报送材料")
    st.caption("盖章纸质版按通知报送；扫描 PDF 版在“上传填报”页的“报送材料与佐证材料”中上传。")
    documents.material_table(material_statuses(rulebook.submissions, campaign, receipts, as_of))
    _received(received)


def _at_a_glance(assessment: SchoolAssessment, overdue: int, due_soon: int) -> None:
    verdict, score, late, soon = st.columns(4)
    with verdict:
        st.markdown("**验收结论**")
        ui.verdict_badge(assessment.verdict)
    submitted = assessment.verdict is not Verdict.NOT_SUBMITTED
    score.metric("得分", f"{assessment.score:.1f}" if submitted else "—")
    late.metric("逾期未完成", overdue)
    soon.metric(f"{DEFAULT_DUE_SOON_DAYS} 天内到期", due_soon)


def _items(heading: str, items: Sequence[DueItem], days_label: str, when_none: str) -> None:
    st.subheader(heading)
    if not items:
        st.caption(when_none)
        return
    rows = [[i.item_id, i.content, i.deadline, i.days, i.reported] for i in items]
    st.dataframe(
        pd.DataFrame(rows, columns=["子项", "内容", "完成时限", days_label, "目前情况"]),
        hide_index=True,
        width="stretch",
    )


def _received(reminders: Sequence[Reminder]) -> None:
    st.subheader("收到的提醒")
    if not reminders:
        st.caption("尚未收到提醒。")
        return
    for reminder in reminders:
        with st.expander(f"{ui.china_time(reminder.sent_at)} 收到：涉及子项 {'、'.join(reminder.items)}"):
            st.text(reminder.text)


if __name__ == "__main__":
    render()
