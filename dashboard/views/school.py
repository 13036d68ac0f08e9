"""学校详情: one school on the board date — the system's and the final verdict, every task and sub-item
with its findings and the on-site inspectors' results, the submission history, what changed between two
submissions, and the raw files for those who may see them.

A school user sees its own school only; province and unit users pick among the schools they may see.
Units see figures, never students' names or the raw workbooks. Only a province administrator may override
the verdict (with a reason); everyone who sees the school sees the decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.deadlines import deadline_wording
from checks.errors import DomainError
from checks.materials import MaterialStatus, material_statuses
from checks.results import (
    DeadlineState,
    ItemAssessment,
    OnsiteResult,
    SchoolAssessment,
    Severity,
    Verdict,
    VerdictOverride,
    severity_rank,
)
from checks.rulebook import Rulebook
from checks.serialize import load
from dashboard import data, documents, ui
from loaders.problems import Problem
from reformboard.board import Standing, standings
from reformboard.context import AppContext
from reformboard.diff import ReportDiff, diff_reports
from reformboard.services.downloads import submission_file
from reformboard.services.overrides import override_verdict
from tenants.access import PermissionAction, can_see_names, require_tenant, scoped_transaction, visible_tenants
from tenants.documents import document_history, material_receipts
from tenants.models import Document, Submission, Tenant, Unit
from tenants.principal import Principal, UserRole
from tenants.store import history, load_report, overrides_for
from tenants.submissions import end_of_day

ITEM_COLUMNS = {
    "子项": st.column_config.TextColumn("子项", width=50),
    "完成时限": st.column_config.DateColumn("完成时限", format="YYYY-MM-DD", width=100),
    "完成日期": st.column_config.DateColumn("完成日期", format="YYYY-MM-DD", width=100),
    "得分率": st.column_config.ProgressColumn("得分率", min_value=0, max_value=1, format="percent", width=100),
    "佐证材料": st.column_config.TextColumn("佐证材料", width=200),
    "核查说明": st.column_config.TextColumn("核查说明", width=200),
    "内容": st.column_config.TextColumn("内容", width=400),
}
OVERRIDE_CHOICES = [v for v in Verdict if v is not Verdict.NOT_SUBMITTED]
DECIDED = "school.override.decided"  # the confirmation to show after the page reruns with the decision
REASON = "school.override.reason"


@dataclass(frozen=True)
class Detail:
    school: Tenant
    unit: str
    standing: Standing  # on the board date
    override_now: VerdictOverride | None  # in force today: what the administrator's form changes
    submissions: list[Submission]  # received by the end of the board date, latest first
    later: int  # received after the board date, not shown
    materials: tuple[MaterialStatus, ...]  # on the board date
    documents: list[Document]  # materials and evidence received by the end of the board date, latest first

    @property
    def assessment(self) -> SchoolAssessment:
        return self.standing.assessment

    @property
    def accepted(self) -> list[Submission]:
        return [s for s in self.submissions if s.accepted]


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    campaign = ui.require_campaign()
    as_of = ui.current_as_of()
    st.title("学校详情")
    code = _chosen_school(ctx, principal, campaign)
    if code is None:
        return
    with scoped_transaction(ctx.engine, principal) as session:
        school = require_tenant(session, principal, code, PermissionAction.VIEW_SCHOOL)
        detail = _load(session, principal, ctx.rulebook_for(campaign), campaign, as_of, school)
    names = can_see_names(principal, code)
    if decided := st.session_state.pop(DECIDED, None):
        st.success(decided, icon=":material/check_circle:")
    _header(detail, principal)
    if principal.role is UserRole.PROVINCE_ADMIN:
        _override_form(ctx, principal, campaign, detail)
    tasks, materials, submissions, changes = st.tabs(["任务与子项", "报送材料与佐证", "提交记录", "前后对比"])
    with tasks:
        _tasks(ctx.rulebook_for(campaign), detail.standing)
    with materials:
        _materials(ctx, principal, ctx.rulebook_for(campaign), detail)
    with submissions:
        _history(ctx, principal, detail, names)
    with changes:
        _changes(ctx, principal, detail, names)


def _chosen_school(ctx: AppContext, principal: Principal, campaign: Campaign) -> str | None:
    """The school to show: a school user's own (or the one its URL names, which access then refuses);
    for other roles the URL's school or a pick among the visible schools."""
    requested = st.query_params.get(ui.SCHOOL_PARAM)
    if principal.role is UserRole.SCHOOL:
        return requested or principal.tenant_code
    with scoped_transaction(ctx.engine, principal) as session:
        schools = {s.code: s.name for s in visible_tenants(session, principal)}
    if requested and requested not in schools:
        return requested  # outside the scope or unknown: require_tenant refuses it, and audits
    if not schools:
        ui.empty_state(ui.no_schools_in_scope(campaign))
        return None
    codes = list(schools)
    picker, _ = st.columns([1, 1])
    chosen = picker.selectbox(
        "选择学校",
        codes,
        index=codes.index(requested) if requested else 0,
        format_func=lambda c: f"{schools[c]}（{c}）",
    )
    st.query_params[ui.SCHOOL_PARAM] = chosen
    return chosen


def _load(
    session: Session, principal: Principal, rulebook: Rulebook, campaign: Campaign, as_of: date, school: Tenant
) -> Detail:
    [standing] = standings(session, principal, rulebook, campaign, as_of, [school.code])
    override_now = overrides_for(session, campaign.id, [school.code]).get(school.code)
    everything = history(session, principal, school.code, campaign.id)
    shown = [s for s in everything if s.received_at < end_of_day(as_of)]
    unit = session.get(Unit, school.unit_code)
    receipts = material_receipts(session, principal, campaign.id, [school.code])
    files = [
        d for d in document_history(session, principal, school.code, campaign.id) if d.received_at < end_of_day(as_of)
    ]
    return Detail(
        school,
        unit.name if unit else school.unit_code,
        standing,
        override_now,
        shown,
        len(everything) - len(shown),
        material_statuses(rulebook.submissions, campaign, receipts[school.code], as_of),
        files,
    )


def _header(detail: Detail, principal: Principal) -> None:
    school, standing, assessment = detail.school, detail.standing, detail.assessment
    st.subheader(ui.literal(school.name))
    st.caption(
        f"学校标识码 {school.code} · {ui.literal(detail.unit)} · {ui.literal(school.school_type or '类型未填写')}"
    )
    system, final, score, overdue, onsite, upload = st.columns([1, 1.2, 1, 1, 1, 2])
    with system:
        st.caption("系统结论")
        ui.verdict_badge(assessment.verdict)
    with final:
        st.caption("最终结论", help="系统结论结合现场核查结论；省级管理员改判的，以改判为准")
        _final_badge(standing)
    submitted = assessment.verdict is not Verdict.NOT_SUBMITTED
    score.metric("得分", f"{assessment.score:.1f}" if submitted else "—")
    overdue.metric("逾期子项", assessment.count(DeadlineState.OVERDUE))
    onsite.metric(
        "现场核查", f"{len(standing.onsite)} 项" if standing.onsite else "未核查", help="现场核查组已给出结论的子项数"
    )
    if standing.onsite:
        onsite.caption(_inspections(standing.onsite))
    latest = detail.accepted[0] if detail.accepted else None
    upload.metric("最近有效上传", ui.received(latest) if latest else "—")
    if latest:
        backfilled = f" · 实际上传 {ui.china_time(latest.uploaded_at)}" if latest.backfilled else ""
        upload.caption(f"上传人 {ui.literal(latest.uploader)} · 文件 {ui.literal(latest.filename)}{backfilled}")
    if standing.override:
        st.info(_override_note(standing.override), icon=":material/gavel:")
    if not submitted:
        ui.empty_state(_not_submitted_hint(principal))


def _final_badge(standing: Standing) -> None:
    verdict = standing.final_verdict
    mark = data.OVERRIDDEN if standing.override else ""
    st.badge(f"{verdict}{mark}", color=ui.VERDICT_COLORS[verdict])


def _inspections(onsite: Mapping[str, OnsiteResult]) -> str:
    """Who inspected and when, once per inspection (one sheet usually covers every item), as Markdown."""
    visits = dict.fromkeys(f"{ui.literal(r.inspectors)} {r.inspected_on or ''}".strip() for r in onsite.values())
    return "；".join(v for v in visits if v) or "核查人和日期未填写"


def _override_note(override: VerdictOverride) -> str:
    """Markdown: the administrator's name and reason are shown as typed."""
    return (
        f"省级管理员 {ui.literal(override.decided_by)} 于 {ui.china_time(override.decided_at)} "
        f"将验收结论改判为“{override.verdict}”。理由：{ui.literal(override.reason)}"
    )


def _not_submitted_hint(principal: Principal) -> str:
    if principal.role is UserRole.SCHOOL:
        return "截至看板日期，本校还没有被接收的填报文件。请在“上传填报”页下载模板，按说明填写后上传。"
    return "截至看板日期，该校还没有被接收的填报文件，各子项按未填报计。可在“提醒督办”页提醒该校填报。"


# --- the administrator's override ------------------------------------------------------------------------


def _override_form(ctx: AppContext, principal: Principal, campaign: Campaign, detail: Detail) -> None:
    current = detail.override_now
    with st.expander("改判验收结论", icon=":material/gavel:"):
        st.caption(
            "改判自提交之时起生效，以改判为最终结论（此前各看板日期的结论不变）；撤销后恢复系统结论"
            "结合现场核查的结论。理由和操作人记入审计日志。"
        )
        if current and current != detail.standing.override:  # decided after the board date, so not shown above
            st.markdown(f"看板日期之后的改判（现已生效）：{_override_note(current)}")
        with st.form("school.override"):
            verdict = st.selectbox("改判为", OVERRIDE_CHOICES, format_func=str, key="school.override.verdict")
            reason = st.text_area("理由（必填）", key=REASON, placeholder="例如：经现场复核，整改已完成，材料齐全")
            override = st.form_submit_button("改判验收结论", type="primary")
            withdraw = st.form_submit_button("撤销改判") if current else False
    if override or withdraw:
        _decide(ctx, principal, campaign, detail.school.code, None if withdraw else verdict, reason)


def _decide(
    ctx: AppContext, principal: Principal, campaign: Campaign, code: str, verdict: Verdict | None, reason: str
) -> None:
    """Record the decision, then rerun so the page (and the board, whose data version it raises) shows it."""
    try:
        with scoped_transaction(ctx.engine, principal) as session:
            override_verdict(session, principal, campaign, code, verdict, reason)
    except DomainError as refused:  # the page stays, with the refusal above the form
        st.error(ui.literal(refused), icon=":material/error:")
        return
    del st.session_state[REASON]  # the next decision needs its own reason
    st.session_state[DECIDED] = "已撤销改判，恢复系统结论。" if verdict is None else f"已将验收结论改判为“{verdict}”。"
    st.rerun()


# --- tasks and sub-items ---------------------------------------------------------------------------------


def _tasks(rulebook: Rulebook, standing: Standing) -> None:
    assessment = standing.assessment
    scores = {t.task_id: t for t in assessment.tasks}
    for task in rulebook.tasks:
        items = [i for i in assessment.items if i.task_id == task.id]
        onsite = {i.item_id: standing.onsite[i.item_id] for i in items if i.item_id in standing.onsite}
        problems = sum(1 for i in items for f in i.findings if f.severity is not Severity.OK)
        flagged = sum(1 for r in onsite.values() if rulebook.onsite_severity.get(r.result) is not Severity.OK)
        overdue = sum(1 for i in items if i.state is DeadlineState.OVERDUE)
        marks = "".join(
            [
                f" · 逾期 {overdue} 项" if overdue else "",
                f" · 问题 {problems} 条" if problems else "",
                f" · 现场核查未完全符合 {flagged} 项" if flagged else "",
            ]
        )
        label = f"{task.id}. {task.name}　{scores[task.id].score:.1f} / {task.weight:g} 分{marks}"
        with st.expander(label, expanded=bool(overdue or problems or flagged)):
            st.dataframe(
                _item_rows(rulebook, items, onsite), hide_index=True, column_config=ITEM_COLUMNS, placeholder="—"
            )
            _findings(items)


def _item_rows(rulebook: Rulebook, items: list[ItemAssessment], onsite: Mapping[str, OnsiteResult]) -> pd.DataFrame:
    rows = pd.DataFrame(
        [
            {
                "子项": i.item_id,
                "期限状态": str(i.state),
                "学校填报": str(i.status) if i.status else "未填报",
                "完成时限": i.deadline,
                "时限来源": deadline_wording(rulebook.item(i.item_id), i.deadline)[1],
                "完成日期": i.completed_on,
                "得分率": i.credit,
                "现场核查结论": onsite[i.item_id].result if i.item_id in onsite else "未核查",
                "核查说明": onsite[i.item_id].note if i.item_id in onsite else "",
                "佐证材料": i.evidence,
                "内容": rulebook.item(i.item_id).content,  # long: last, so the short columns stay in view
            }
            for i in items
        ]
    )
    for column in ("完成时限", "完成日期"):
        rows[column] = pd.to_datetime(rows[column])  # a missing date shows blank, not "None"
    return rows


def _findings(items: list[ItemAssessment]) -> None:
    findings = sorted(
        ((i.item_id, f) for i in items for f in i.findings), key=lambda pair: severity_rank(pair[1].severity)
    )
    if not findings:
        st.caption("本任务没有自动核验结论。")
        return
    lines = [
        f"- {ui.severity_label(f.severity)} **{item_id}** {ui.literal(f.text)}"
        + (f"（{ui.literal('、'.join(f.sources[:3]))}{' 等' if len(f.sources) > 3 else ''}）" if f.sources else "")
        for item_id, f in findings
    ]
    st.markdown("\n".join(dict.fromkeys(lines)))  # two rules may say the same thing about an item


# --- materials and evidence ------------------------------------------------------------------------------


def _materials(ctx: AppContext, principal: Principal, rulebook: Rulebook, detail: Detail) -> None:
    st.markdown("**报送材料**")
    documents.material_table(detail.materials)
    replaced = {d.replaces_id for d in detail.documents}
    st.markdown("**现行文件**（报送材料与各子项的佐证材料）")
    documents.document_cards(ctx, principal, [d for d in detail.documents if d.id not in replaced], rulebook)
    if any(d.replaces_id for d in detail.documents):
        with st.expander("全部版本（含已被替换的文件）"):
            documents.history_table(detail.documents, rulebook)


# --- submissions -----------------------------------------------------------------------------------------


def _history(ctx: AppContext, principal: Principal, detail: Detail, names: bool) -> None:
    if detail.later:
        st.caption(f"看板日期之后还有 {detail.later} 次上传，未列出；把看板日期改为今天即可看到。")
    if not detail.submissions:
        ui.empty_state("截至看板日期还没有上传记录。学校在“上传填报”页上传填好的模板后，记录会出现在这里。")
        return
    if any(s.backfilled for s in detail.submissions):
        st.caption(
            f"“{ui.BACKFILLED}”：此前通过邮件或纸质报送、由省级管理员按实际收到日期补录的文件，"
            "看板按收到日期计入；上传时间为补录操作的时间。"
        )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "收到时间": ui.received(s),
                    "上传时间": ui.china_time(s.uploaded_at),
                    "上传人": s.uploader,
                    "文件名": s.filename,
                    "结果": "已接收" if s.accepted else "未接收",
                    "问题数": len(s.problems),
                }
                for s in detail.submissions
            ]
        ),
        hide_index=True,
    )
    for submission in detail.submissions:
        if not submission.accepted:
            with st.expander(f"未接收：{ui.literal(submission.filename)}（{ui.received(submission)}）"):
                _problems(submission, names)
    if names:
        _download(ctx, principal, detail)
    else:
        st.caption("主管单位查看各项数字，不提供原始填报文件下载。")


def _problems(submission: Submission, names: bool) -> None:
    if not submission.problems:
        st.caption("没有记录到具体问题。")
        return
    frame = ui.problem_table(load(Problem, p) for p in submission.problems)
    st.dataframe(frame if names else frame.drop(columns=["填写内容"]), hide_index=True)


def _download(ctx: AppContext, principal: Principal, detail: Detail) -> None:
    options = {s.id: s for s in detail.submissions}
    chosen = st.selectbox("下载原始文件", list(options), format_func=lambda sid: _label(options[sid]))
    submission = options[chosen]
    st.download_button(
        "下载所选文件",
        data=_raw_file(ctx, principal, detail.school.code, submission.id),
        file_name=submission.filename,
        mime=ui.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
    )


def _label(submission: Submission) -> str:
    return f"{ui.received(submission)} · {submission.filename}"


def _raw_file(ctx: AppContext, principal: Principal, code: str, submission_id: int) -> Callable[[], bytes]:
    """The workbook's bytes, read (and the download audited) only when the button is clicked."""

    def read() -> bytes:
        with scoped_transaction(ctx.engine, principal) as session:
            return submission_file(session, principal, code, submission_id).data

    return read


# --- what changed ----------------------------------------------------------------------------------------


def _changes(ctx: AppContext, principal: Principal, detail: Detail, names: bool) -> None:
    accepted = {s.id: s for s in detail.accepted}
    if len(accepted) < 2:
        ui.empty_state("至少需要两次被接收的提交才能对比。学校再次上传更新后的模板后，可在这里查看前后变化。")
        return
    ids = list(accepted)
    older_column, newer_column = st.columns(2)
    older = older_column.selectbox(
        "较早的提交", ids, index=1, key="school.older", format_func=lambda sid: _label(accepted[sid])
    )
    newer = newer_column.selectbox(
        "较新的提交", ids, index=0, key="school.newer", format_func=lambda sid: _label(accepted[sid])
    )
    if older == newer:
        st.info("请选择两次不同的提交。")
        return
    if (accepted[older].received_at, older) > (accepted[newer].received_at, newer):
        older, newer = newer, older
    with scoped_transaction(ctx.engine, principal) as session:
        require_tenant(session, principal, detail.school.code, PermissionAction.COMPARE_SUBMISSIONS)
        diff = diff_reports(load_report(session, principal, older), load_report(session, principal, newer))
    _show_diff(diff, names)


def _show_diff(diff: ReportDiff, names: bool) -> None:
    if diff.unchanged:
        st.success("两次提交的任务进展、人员名单和各项数字没有变化。")
        return
    st.markdown("**子项进展变化**")
    if diff.items:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "子项": c.item_id,
                        "原状态": str(c.before.status) if c.before else "未填报",
                        "新状态": str(c.after.status) if c.after else "未填报",
                        "原完成日期": c.before.completed_on if c.before else None,
                        "新完成日期": c.after.completed_on if c.after else None,
                        "新佐证材料": c.after.evidence if c.after else "",
                    }
                    for c in diff.items
                ]
            ),
            hide_index=True,
        )
    else:
        st.caption("各子项的填报状态没有变化。")
    st.markdown("**数字变化**")
    if diff.figures:
        st.dataframe(
            pd.DataFrame([{"项目": f.label, "原值": f.before, "新值": f.after} for f in diff.figures]), hide_index=True
        )
    else:
        st.caption("各项数字没有变化。")
    st.markdown("**人员名单变化**")
    st.write(f"新增 {len(diff.added)} 人，减少 {len(diff.removed)} 人，职务或所在组织变动 {len(diff.moved)} 人。")
    if not names:
        st.caption("主管单位只查看人数变化，不显示学生姓名和学号。")
        return
    for title, people in (("新增人员", diff.added), ("减少人员", diff.removed)):
        if people:
            st.caption(title)
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "姓名": p.name,
                            "学号": p.student_no,
                            "所在组织": p.organisation,
                            "部门": p.department,
                            "职务": p.title,
                        }
                        for p in people
                    ]
                ),
                hide_index=True,
            )
    if diff.moved:
        st.caption("职务或所在组织变动")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "姓名": m.after.name,
                        "学号": m.after.student_no,
                        "原组织/职务": f"{m.before.organisation} {m.before.department} {m.before.title}",
                        "新组织/职务": f"{m.after.organisation} {m.after.department} {m.after.title}",
                    }
                    for m in diff.moved
                ]
            ),
            hide_index=True,
        )


if __name__ == "__main__":
    render()
