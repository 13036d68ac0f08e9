"""上传填报: download the blank template, upload the filled one, see every problem and the would-be result
before anything is stored, then confirm. A school uploads its own; the province administrator picks one,
and may backfill a workbook received earlier by e-mail or on paper, giving the day it was received.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.results import DeadlineState, SchoolAssessment
from checks.rulebook import Rulebook
from dashboard import documents, ui
from loaders.annotate import annotate
from loaders.problems import Problem, Refusal
from loaders.template import build_template
from reformboard.context import AppContext
from reformboard.services.uploads import IngestOutcome, ingest
from tenants.access import PermissionAction, require_role, require_tenant, scoped_transaction, visible_tenants
from tenants.documents import in_force
from tenants.models import Tenant
from tenants.principal import Principal, UserRole
from tenants.store import history

UPLOAD_ROLES = (UserRole.SCHOOL, UserRole.PROVINCE_ADMIN)
ACCEPTED_TYPES = ["xlsx", "xlsm", "xls", "ods"]
PREVIEW_KEY = "upload.preview"
RESULT_KEY = "upload.result"
RECEIVED_KEY = "upload.received_on"
ROUND_KEY = "upload.round"  # a new uploader widget, hence an empty one, after each submission


@dataclass(frozen=True)
class Offered:
    """A workbook offered for one school in one campaign: what the dry run and the real ingest both read."""

    school: Tenant
    campaign: Campaign
    rulebook: Rulebook
    filename: str
    data: bytes
    received_on: date | None  # the day a backfilled file was received; None for a live upload


@dataclass(frozen=True)
class Preview:
    """The dry run of one file for one school, kept across reruns until the file or the received day changes."""

    school: str  # school code
    sha256: str
    received_on: date | None  # the day a backfilled file was received; None for a live upload
    filename: str
    outcome: IngestOutcome
    annotated: bytes | None  # the workbook with its problems marked; None when it cannot be copied
    already_received: str  # when a byte-identical file was received before, else ""


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    campaign = ui.require_campaign()
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, *UPLOAD_ROLES, action=PermissionAction.UPLOAD)
        school = _target_school(session, principal)
    rulebook = ctx.rulebook_for(campaign)
    st.title("上传填报")
    st.caption(f"{ui.literal(school.name)}（{school.code}） · {ui.literal(campaign.name)}")
    received_on = _received_on(principal)
    workbook, materials = st.tabs(["填报文件", "报送材料与佐证材料"])
    with workbook:
        _workbook(ctx, principal, school, campaign, rulebook, received_on)
    with materials:
        with scoped_transaction(ctx.engine, principal) as session:
            current = in_force(session, principal, campaign.id, [school.code], PermissionAction.DOCUMENT_UPLOAD)
        documents.upload_form(ctx, principal, school, campaign, rulebook, current, received_on)


def _workbook(
    ctx: AppContext,
    principal: Principal,
    school: Tenant,
    campaign: Campaign,
    rulebook: Rulebook,
    received_on: date | None,
) -> None:
    """Download the template, upload the filled workbook, preview, confirm."""
    _template_download(rulebook, campaign)
    upload = st.file_uploader(
        "上传填写好的填报文件",
        type=ACCEPTED_TYPES,
        key=f"upload.file.{school.code}.{st.session_state.get(ROUND_KEY, 0)}",
        help="支持 .xlsx、.xlsm、.xls、.ods。上传后先预览核验结果，确认后才会提交。",
    )
    if upload is None:
        _show_result(school)
        return
    offered = Offered(school, campaign, rulebook, upload.name, upload.getvalue(), received_on)
    preview = _preview(ctx, principal, offered)
    _show_preview(preview)
    if not preview.already_received and st.button("确认提交", type="primary", icon=":material/send:"):
        _submit(ctx, principal, offered)


def _target_school(session: Session, principal: Principal) -> Tenant:
    """A school its own; the province administrator the school chosen here."""
    if principal.role is UserRole.SCHOOL:
        return require_tenant(session, principal, principal.tenant_code or "", PermissionAction.UPLOAD, write=True)
    schools = {s.code: s for s in visible_tenants(session, principal)}
    if not schools:
        ui.empty_state("还没有登记任何学校，请先在“管理”页添加学校。")
        st.stop()
    code = st.selectbox(
        "代为上传的学校", list(schools), key="upload.school", format_func=lambda c: f"{schools[c].name}（{c}）"
    )
    return require_tenant(session, principal, code, PermissionAction.UPLOAD, write=True)


def _received_on(principal: Principal) -> date | None:
    """The province administrator's backfill date; nobody else is offered the field."""
    if principal.role is not UserRole.PROVINCE_ADMIN:
        return None
    return st.date_input(
        "补录：实际收到日期（仅用于此前通过邮件或纸质报送的文件或材料，现场上传请留空）",
        value=None,
        key=RECEIVED_KEY,
        format="YYYY-MM-DD",
        help="填写后，看板按该日期计入这次提交，并按该日期读取和评估；实际上传时间另行保留，提交记录中标注“补录”。",
    )


def _template_download(rulebook: Rulebook, campaign: Campaign) -> None:
    st.subheader("第一步：下载填报模板")
    st.download_button(
        "下载空白填报模板",
        data=_template(rulebook, campaign),
        file_name=f"{campaign.name}填报模板.xlsx",
        mime=ui.XLSX_MIME,
        icon=":material/download:",
    )
    st.subheader("第二步：上传填写好的文件")


@st.cache_data(show_spinner="正在生成填报模板…", max_entries=8)
def _template(_rulebook: Rulebook, campaign: Campaign) -> bytes:
    return build_template(_rulebook, campaign)


# --- the dry run --------------------------------------------------------------------------------


def _ingest(session: Session, ctx: AppContext, principal: Principal, offered: Offered, dry_run: bool) -> IngestOutcome:
    return ingest(
        session,
        data=offered.data,
        filename=offered.filename,
        principal=principal,
        campaign=offered.campaign,
        rulebook=offered.rulebook,
        limits=ctx.settings.limits(),
        target_tenant=offered.school.code,
        dry_run=dry_run,
        received_on=offered.received_on,
    )


def _preview(ctx: AppContext, principal: Principal, offered: Offered) -> Preview:
    school, campaign, received_on = offered.school, offered.campaign, offered.received_on
    sha256 = hashlib.sha256(offered.data).hexdigest()
    kept: Preview | None = st.session_state.get(PREVIEW_KEY)
    if kept is not None and (kept.school, kept.sha256, kept.received_on) == (school.code, sha256, received_on):
        return kept
    st.session_state.pop(RESULT_KEY, None)
    with st.status("正在读取并核验文件…", expanded=False) as status:
        try:
            with scoped_transaction(ctx.engine, principal) as session:
                outcome = _ingest(session, ctx, principal, offered, dry_run=True)
                earlier = next(
                    (s for s in history(session, principal, school.code, campaign.id) if s.sha256 == sha256), None
                )
        except DomainError as refused:  # the status box must say it failed before the page stops
            status.update(label="无法核验", state="error")
            st.error(ui.literal(refused), icon=":material/error:")
            st.stop()
        status.update(label="正在生成标注问题的文件副本…")
        annotated = _annotated(offered.data, outcome.problems, ctx)
        status.update(label="核验完成", state="complete")
    preview = Preview(
        school.code, sha256, received_on, offered.filename, outcome, annotated, ui.received(earlier) if earlier else ""
    )
    st.session_state[PREVIEW_KEY] = preview
    return preview


def _annotated(data: bytes, problems: list[Problem], ctx: AppContext) -> bytes | None:
    if not problems:
        return None
    try:
        return annotate(data, problems, ctx.settings.limits())
    except Refusal:
        return None  # an unreadable file cannot be copied; the problem table says why


def _show_preview(preview: Preview) -> None:
    outcome = preview.outcome
    st.subheader("第三步：核对预览结果")
    if preview.already_received:
        st.info(
            f"该文件此前已收到（收到时间：{preview.already_received}；内容完全相同），无需重复提交。",
            icon=":material/done_all:",
        )
    errors = sum(1 for p in outcome.problems if p.is_error)
    if outcome.accepted:
        st.success(f"文件通过核验，可以提交。{_problem_count(outcome)}", icon=":material/check_circle:")
        _assessment_summary(outcome, "提交后的预计结果")
    else:
        st.error(
            f"文件有 {errors} 处错误，不能作为有效填报。{_problem_count(outcome)}"
            "请按下表修改后重新上传；如仍提交，系统将把它记录为未通过核验的提交（连同问题清单），"
            "不计入验收评估。",
            icon=":material/error:",
        )
    if outcome.problems:
        st.dataframe(ui.problem_table(outcome.problems), hide_index=True, width="stretch")
    if preview.annotated:
        st.download_button(
            "下载标注了问题的文件副本",
            data=preview.annotated,
            mime=ui.XLSX_MIME,
            file_name=f"问题标注_{preview.filename.rsplit('.', 1)[0]}.xlsx",
            icon=":material/download:",
        )


def _problem_count(outcome: IngestOutcome) -> str:
    if not outcome.problems:
        return "未发现问题。"
    more = f"，另有 {outcome.more_problems} 处未列出" if outcome.more_problems else ""
    return f"共发现 {len(outcome.problems)} 处问题{more}。"


# --- confirming -----------------------------------------------------------------------------------


def _submit(ctx: AppContext, principal: Principal, offered: Offered) -> None:
    """The real ingest (which authorises and audits it), in a transaction of its own; the page then reruns
    showing its outcome."""
    with st.spinner("正在保存并评估…"), scoped_transaction(ctx.engine, principal, writes=True) as session:
        outcome = _ingest(session, ctx, principal, offered, dry_run=False)
    st.session_state[RESULT_KEY] = (offered.school.code, outcome)
    st.session_state.pop(PREVIEW_KEY, None)
    st.session_state.pop(RECEIVED_KEY, None)  # the next file is a live upload unless a day is given again
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()


def _show_result(school: Tenant) -> None:
    kept = st.session_state.get(RESULT_KEY)
    if kept is None or kept[0] != school.code:
        return
    outcome: IngestOutcome = kept[1]
    st.subheader("提交结果")
    if not outcome.created:
        st.info("该文件此前已经收到（内容完全相同），本次未重复保存。", icon=":material/done_all:")
    elif outcome.accepted and outcome.received_on:
        st.success(
            f"已补录：{outcome.filename}（提交编号 {outcome.submission_id}），收到日期 "
            f"{outcome.received_on:%Y-%m-%d}；上传时间另行记录。",
            icon=":material/check_circle:",
        )
    elif outcome.accepted:
        st.success(
            f"已提交：{ui.literal(outcome.filename)}（提交编号 {outcome.submission_id}）。",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"{ui.literal(outcome.filename)} 未通过核验，已记录为未通过的提交（提交编号 {outcome.submission_id}），"
            "连同问题清单一并保存，不计入验收评估。请修改后重新上传。",
            icon=":material/warning:",
        )
    if outcome.accepted and outcome.assessment is not None:
        _assessment_summary(outcome, "本次提交的评估结果")
        st.dataframe(_item_table(outcome.assessment), hide_index=True, width="stretch")


def _assessment_summary(outcome: IngestOutcome, heading: str) -> None:
    assessment = outcome.assessment
    if assessment is None:
        return
    day = "收到日期" if outcome.received_on else "今天"
    st.markdown(f"**{heading}**（按{day} {assessment.as_of:%Y-%m-%d} 计算）")
    score, verdict, overdue = st.columns(3)
    score.metric("得分", f"{assessment.score:.1f}")
    verdict.metric("验收结论", str(assessment.verdict))
    overdue.metric("逾期未完成子项", assessment.count(DeadlineState.OVERDUE))


def _item_table(assessment: SchoolAssessment) -> pd.DataFrame:
    rows = [
        [
            i.item_id,
            i.deadline,
            str(i.state),
            str(i.status) if i.status else "未填报",
            "；".join(f"{f.severity}：{f.text}" for f in i.findings),
        ]
        for i in assessment.items
    ]
    return pd.DataFrame(rows, columns=["子项", "完成时限", "进度", "学校填报", "核验发现"])


if __name__ == "__main__":
    render()
