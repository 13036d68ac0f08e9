"""导出核查表: the on-site verification sheet of one school or of every school in scope (.zip), the
province summary (province roles), and reading back the sheets the inspectors filled in (province
administrator). Every export is audited by reformboard.services.exports.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import streamlit as st

from checks.campaign import Campaign
from checks.errors import DomainError
from checks.rulebook import Rulebook
from dashboard import ui
from loaders.verification_sheet import sheet_file_name
from reformboard.context import AppContext
from reformboard.services.exports import export_sheets, export_summary
from reformboard.services.inspections import load_inspection
from tenants.access import PermissionAction, require_role, scoped_transaction, visible_tenants
from tenants.models import Tenant
from tenants.principal import Principal, UserRole
from tenants.store import list_units

EXPORT_ROLES = tuple(UserRole)
ALL_UNITS = ""
FILES_KEY = "exports.files"


@dataclass(frozen=True)
class Export:
    data: bytes
    file_name: str
    mime: str


@dataclass(frozen=True)
class Page:
    """What every section of the page works with."""

    ctx: AppContext
    principal: Principal
    campaign: Campaign
    rulebook: Rulebook
    as_of: date


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, *EXPORT_ROLES, action=PermissionAction.VIEW_EXPORTS)
        schools = visible_tenants(session, principal)
        units = {u.code: u.name for u in list_units(session)}
    campaign = ui.require_campaign()
    page = Page(ctx, principal, campaign, ctx.rulebook_for(campaign), ui.current_as_of())
    st.title("导出核查表")
    st.caption(f"{ui.literal(campaign.name)} · 数据截至 {page.as_of:%Y-%m-%d}（按当日结束时各校最新的有效提交生成）")
    if not schools:
        ui.empty_state("您的范围内还没有学校。")
        return
    _single_sheet(page, schools)
    if principal.role is not UserRole.SCHOOL:
        _batch(page, schools, units)
    if principal.is_province:
        _summary(page, [s.code for s in schools])
    if principal.role is UserRole.PROVINCE_ADMIN:
        _inspections(page)


# --- generating and offering a file ---------------------------------------------------------------


def _offer(key: str, button: str, build: Callable[[], Export | None]) -> None:
    """A button that builds (and audits) a file, then a download button for it, kept across reruns;
    `key` names what the file was built from, so a changed choice needs a new build."""
    files: dict[str, Export | None] = st.session_state.setdefault(FILES_KEY, {})
    if st.button(button, key=f"exports.build.{key}", icon=":material/build:"):
        with st.spinner("正在生成文件…"):
            files[key] = build()
    made = files.get(key)
    if made is not None:
        st.download_button(
            f"下载 {ui.literal(made.file_name)}",
            data=made.data,
            file_name=made.file_name,
            mime=made.mime,
            key=f"exports.download.{key}",
            icon=":material/download:",
        )


# --- one school -------------------------------------------------------------------------------------


def _single_sheet(page: Page, schools: list[Tenant]) -> None:
    st.subheader("单校验收核查表")
    by_code = {s.code: s for s in schools}
    if len(by_code) == 1:
        code = next(iter(by_code))
    else:
        code = st.selectbox(
            "学校", list(by_code), key="exports.school", format_func=lambda c: f"{by_code[c].name}（{c}）"
        )
    key = f"{page.campaign.id}.{page.as_of}.{code}"
    _offer(f"sheet.{key}", "生成核查表（.xlsx）", lambda: _sheet(page, code, pack=False))
    _offer(f"pack.{key}", "生成核查表连同佐证材料（.zip）", lambda: _sheet(page, code, pack=True))


def _sheet(page: Page, code: str, *, pack: bool) -> Export | None:
    """The school's sheet alone (listing its files), or packed with the files it lists."""
    with scoped_transaction(page.ctx.engine, page.principal) as session:
        export = export_sheets(
            session,
            page.principal,
            page.rulebook,
            page.campaign,
            page.as_of,
            [code],
            store=page.ctx.settings.files(),
            zipped=pack,
        )
    if export.data is None:
        names = ui.literal("、".join(s.name for s in export.inputs.not_submitted))
        st.warning(f"{names}截至 {page.as_of:%Y-%m-%d} 还没有有效的填报提交，无法生成核查表。")
        return None
    name = sheet_file_name(export.inputs.entries[0].context)
    if pack:
        return Export(export.data, name.removesuffix(".xlsx") + ".zip", "application/zip")
    return Export(export.data, name, ui.XLSX_MIME)


# --- every school in scope --------------------------------------------------------------------------


def _batch(page: Page, schools: list[Tenant], units: dict[str, str]) -> None:
    st.subheader("批量导出核查表（.zip）")
    unit = ALL_UNITS
    if page.principal.is_province:
        present = sorted({s.unit_code for s in schools})
        unit = st.selectbox(
            "范围",
            [ALL_UNITS, *present],
            key="exports.unit",
            format_func=lambda c: units.get(c, c) if c else "全省所有学校",
        )
    codes = [s.code for s in schools if unit in (ALL_UNITS, s.unit_code)]
    scope = units.get(unit, "全部学校") if unit else "全部学校"
    st.caption(f"范围内共 {len(codes)} 所学校；尚无有效提交的学校不生成核查表。")
    _offer(f"batch.{page.campaign.id}.{page.as_of}.{unit}", "生成批量核查表", lambda: _batch_file(page, codes, scope))


def _batch_file(page: Page, codes: Collection[str], scope: str) -> Export | None:
    with scoped_transaction(page.ctx.engine, page.principal) as session:
        export = export_sheets(
            session,
            page.principal,
            page.rulebook,
            page.campaign,
            page.as_of,
            codes,
            store=page.ctx.settings.files(),
            zipped=True,
        )
    missing = export.inputs.not_submitted
    if missing:
        names = ui.literal("、".join(s.name for s in missing))
        st.info(f"以下 {len(missing)} 所学校尚无有效提交，未生成核查表：{names}")
    if export.data is None:
        st.warning("范围内没有任何学校有有效提交，无法生成核查表。")
        return None
    return Export(export.data, f"验收核查表_{scope}_{page.as_of.isoformat()}.zip", "application/zip")


# --- the province summary ---------------------------------------------------------------------------


def _summary(page: Page, codes: list[str]) -> None:
    st.subheader("全省验收情况汇总表（.xlsx）")
    _offer(f"summary.{page.campaign.id}.{page.as_of}", "生成汇总表", lambda: _summary_file(page, codes))


def _summary_file(page: Page, codes: list[str]) -> Export:
    with scoped_transaction(page.ctx.engine, page.principal) as session:
        export = export_summary(session, page.principal, page.rulebook, page.campaign, page.as_of, codes)
    return Export(export.data, f"{page.campaign.name}验收情况汇总表_{page.as_of.isoformat()}.xlsx", ui.XLSX_MIME)


# --- inspectors' sheets back in -----------------------------------------------------------------------


def _inspections(page: Page) -> None:
    st.subheader("上传现场核查结果")
    st.caption("上传验收组填写好的验收核查表（系统导出的 .xlsx 原表），系统读取各子项的现场核查结论并记入该校。")
    upload = st.file_uploader("填写好的验收核查表", type=["xlsx"], key="exports.inspection")
    if upload is None or not st.button("读取并保存现场核查结论", key="exports.inspection.load", type="primary"):
        return
    try:
        with st.spinner("正在读取核查表…"), scoped_transaction(page.ctx.engine, page.principal) as session:
            outcome = load_inspection(
                session,
                upload.getvalue(),
                principal=page.principal,
                campaign=page.campaign,
                limits=page.ctx.settings.limits(),
            )
    except DomainError as refused:  # the rest of the page (the other exports) stays usable
        st.error(ui.literal(refused), icon=":material/error:")
        return
    result = outcome.result
    if not result.accepted:
        st.error("核查表未被接收，请按下表修改后重新上传：", icon=":material/error:")
    elif outcome.stored:
        st.success(
            f"已保存学校 {ui.literal(result.school_code)} 的 {len(result.results)} 项现场核查结论"
            f"（核查人：{ui.literal(result.inspectors)}）。",
            icon=":material/check_circle:",
        )
    else:
        st.info("这份核查表此前已经上传并保存，本次未重复保存。", icon=":material/done_all:")
    if result.problems:
        st.dataframe(ui.problem_table(result.problems), hide_index=True, width="stretch")


if __name__ == "__main__":
    render()
