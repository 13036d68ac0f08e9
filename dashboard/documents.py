"""Widgets for a school's required materials and evidence files, shared by the school and upload pages:
the materials' statuses, the files in force with their thumbnails, the history, and the upload form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import streamlit as st

from checks.campaign import Campaign
from checks.materials import MaterialStatus
from checks.rulebook import Rulebook
from dashboard import ui
from reformboard.context import AppContext
from reformboard.files.kinds import FileKind
from reformboard.services.materials import (
    EVIDENCE_FOR_SCHOOL_AND_PROVINCE,
    Upload,
    may_open,
    open_document,
    upload_document,
)
from tenants.access import scoped_transaction
from tenants.models import Document, DocumentPurpose, Tenant
from tenants.principal import Principal
from tenants.submissions import received_text

EVIDENCE_TYPES = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx"]
DONE_KEY = "documents.done"  # the confirmation shown after the page reruns with the new file
ROUND_KEY = "documents.round"  # a fresh, empty uploader after each stored file


def material_table(statuses: Sequence[MaterialStatus]) -> None:
    st.dataframe(
        pd.DataFrame(
            [{"报送材料": s.material.name, "报送时限": s.due, "状态": s.text} for s in statuses],
            columns=["报送材料", "报送时限", "状态"],
        ),
        hide_index=True,
        column_config={"报送时限": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )


def subject_label(document: Document, rulebook: Rulebook) -> str:
    if document.purpose is DocumentPurpose.MATERIAL:
        return next((m.name for m in rulebook.submissions if m.id == document.subject), document.subject)
    return f"子项 {document.subject}"


def document_cards(ctx: AppContext, principal: Principal, documents: Sequence[Document], rulebook: Rulebook) -> None:
    """Each file in force: its first page, what it is, its dates and who uploaded it, and a download."""
    if not documents:
        ui.empty_state("还没有报送材料或佐证材料。学校可在“上传填报”页的“报送材料与佐证材料”中上传。")
        return
    for document in documents:
        picture, facts = st.columns([1, 4])
        openable = may_open(principal, document)
        if document.thumbnail and openable:
            picture.image(document.thumbnail, width=120)
        else:
            picture.caption(document.kind)
        facts.markdown(
            f"**{ui.literal(document.title)}** · {document.purpose.value} · {subject_label(document, rulebook)}"
        )
        facts.caption(
            f"{document.kind}{f'，{document.pages} 页' if document.pages else ''}，{document.size / 1024:.0f} KB · "
            f"文件日期 {document.document_date or '未填写'} · 收到 {received_text(document)} · "
            f"上传人 {ui.literal(document.uploader)} · 文件名 {ui.literal(document.filename)}"
        )
        if not openable:
            facts.caption(EVIDENCE_FOR_SCHOOL_AND_PROVINCE)
            continue
        facts.download_button(
            "下载",
            data=_bytes_of(ctx, principal, document.id),
            file_name=document.filename,
            mime=FileKind(document.kind).mime,
            on_click="ignore",
            icon=":material/download:",
            key=f"documents.download.{document.id}",
        )


def history_table(documents: Sequence[Document], rulebook: Rulebook) -> None:
    """Every version, superseded ones too: nothing is ever deleted."""
    replaced = {d.replaces_id for d in documents if d.replaces_id is not None}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "标题": d.title,
                    "用途": subject_label(d, rulebook),
                    "收到": received_text(d),
                    "上传人": d.uploader,
                    "状态": "已被替换" if d.id in replaced else "现行",
                    "文件": f"{d.kind} {d.pages or ''}",
                }
                for d in documents
            ],
            columns=["标题", "用途", "收到", "上传人", "状态", "文件"],
        ),
        hide_index=True,
    )


def _bytes_of(ctx: AppContext, principal: Principal, document_id: int) -> Callable[[], bytes]:
    """The file's bytes, read (and the view audited) only when the button is clicked."""

    def read() -> bytes:
        with scoped_transaction(ctx.engine, principal, writes=True) as session:
            return open_document(session, principal, ctx.settings.files(), document_id)[1]

    return read


def upload_form(
    ctx: AppContext,
    principal: Principal,
    school: Tenant,
    campaign: Campaign,
    rulebook: Rulebook,
    in_force: Sequence[Document],
    received_on: date | None,
) -> None:
    """A required material (a stamped, scanned PDF) or an evidence file for one sub-item."""
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done, icon=":material/check_circle:")
    purposes = list(DocumentPurpose)  # named: inline, mypy matches st.radio's overload for no options
    purpose = st.radio("上传内容", purposes, format_func=str, horizontal=True, key="documents.purpose")
    if purpose is DocumentPurpose.MATERIAL:
        materials = {m.id: m.name for m in rulebook.submissions}
        subject = st.selectbox(
            "报送材料", list(materials), format_func=lambda m: materials[m], key="documents.material"
        )
        title, document_date, replaces = "", None, None
        st.caption("请上传加盖公章后扫描的 PDF 版；盖章纸质版按通知另行报送。再次上传将替换此前的文件（历史保留）。")
    else:
        items = {i.id: f"{i.id} {i.content[:30]}" for i in rulebook.items}
        subject = st.selectbox("子项", list(items), format_func=lambda i: items[i], key="documents.item")
        title = st.text_input("简短标题", max_chars=60, key="documents.title", placeholder="如：改革动员会通知")
        document_date = st.date_input(
            "文件日期（文件本身所署的日期）", value=None, format="YYYY-MM-DD", key="documents.date"
        )
        current = {d.id: d.title for d in in_force if d.purpose is purpose and d.subject == subject}
        replaces = st.selectbox(
            "替换已有文件（可选）",
            [None, *current],
            format_func=lambda i: "不替换，新增" if i is None else current[i],
            key="documents.replaces",
        )
    upload = st.file_uploader(
        "选择文件",
        type=["pdf"] if purpose is DocumentPurpose.MATERIAL else EVIDENCE_TYPES,
        key=f"documents.file.{school.code}.{st.session_state.get(ROUND_KEY, 0)}",
        help="系统按文件内容判断类型；加密、损坏或超出页数、尺寸上限的文件将被拒收。",
    )
    if upload is None or not st.button("上传", type="primary", icon=":material/upload:", key="documents.submit"):
        return
    with st.spinner("正在检查并保存文件…"), scoped_transaction(ctx.engine, principal, writes=True) as session:
        document = upload_document(
            session,
            principal,
            ctx.settings.files(),
            ctx.settings.file_limits(),
            campaign,
            rulebook,
            school.code,
            Upload(purpose, subject, upload.name, upload.getvalue(), title, document_date, replaces),
            received_on=received_on,
        )
        pages = f"，{document.pages} 页" if document.pages else ""
        st.session_state[DONE_KEY] = f"已保存：{ui.literal(document.title)}（{document.kind}{pages}）"
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()
