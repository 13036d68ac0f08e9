"""验收总览: every school in the user's scope as it stood on the board date — figures, table, charts.

The figures and the verdict filter count the FINAL verdict (the system's combined with the on-site
inspectors' results, or a province administrator's override); the system's own verdict stays a column."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from checks.campaign import Campaign
from checks.deadlines import due_by_and_later_in_month
from checks.materials import MaterialState, material_due
from checks.results import Verdict
from checks.rulebook import Rulebook
from dashboard import charts, data, ui
from reformboard.board import BOARD_ROLES
from reformboard.context import AppContext
from reformboard.services.reports import DOCX_MIME, export_progress_report
from tenants.access import PermissionAction, require_role, scoped_transaction
from tenants.principal import Principal, UserRole

REPORT_KEY = "board.report.file"  # session state: (campaign id, board date, file name, bytes) of the last 通报
TABLE_HEIGHT = 420  # st.dataframe virtualises its rows: 3,000 schools scroll inside this
SORTS = {
    "得分（低→高）": (["score", "code"], [True, True]),
    "逾期子项（多→少）": (["overdue", "code"], [False, True]),
    "材料逾期未报送（多→少）": (["materials_overdue", "code"], [False, True]),
    "最近上传（新→旧）": (["last_upload", "code"], [False, True]),
    "学校标识码": (["code"], [True]),
}
COLUMNS = {  # in display order; the code last, as it is for searching more than reading
    "name": st.column_config.TextColumn("学校", width=190, pinned=True),
    "unit": st.column_config.TextColumn("主管单位", width=100),
    "school_type": st.column_config.TextColumn("类型", width=90),
    "last_upload": st.column_config.DatetimeColumn("最近有效上传", format="YYYY-MM-DD HH:mm", width=130),
    "score": st.column_config.ProgressColumn("得分", min_value=0, max_value=100, format="%.1f", width=110),
    "system_verdict": st.column_config.TextColumn("系统结论", width=80),
    "onsite": st.column_config.TextColumn("现场验收", width=90),
    "final": st.column_config.TextColumn(
        "最终结论", width=130, help="系统结论结合现场核查结论；“改判”为省级管理员的决定"
    ),
    "overdue": st.column_config.NumberColumn("逾期子项", format="%d", width=70),
    "next_deadline": st.column_config.DateColumn("下一完成时限", format="YYYY-MM-DD", width=100),
    "code": st.column_config.TextColumn("标识码", width=100),
}


@ui.page_frame
def render() -> None:
    principal = ui.signed_in()
    ctx = ui.app_context()
    with scoped_transaction(ctx.engine, principal) as session:
        require_role(session, principal, *BOARD_ROLES, action=PermissionAction.VIEW_BOARD)
    campaign = ui.require_campaign()
    as_of = ui.current_as_of()
    st.title("验收总览")
    st.caption(f"{ui.literal(campaign.name)} · 看板日期 {as_of:%Y-%m-%d}（按当日结束时各校最新的有效提交计算）")
    board = data.board(ctx, principal, campaign, as_of)
    if board.schools.empty:
        ui.empty_state(_no_schools_hint(principal, campaign))
        return
    rulebook = ctx.rulebook_for(campaign)
    shown = _filtered(board.schools)
    _key_figures(shown)
    _progress_report(ctx, principal, campaign, as_of)
    if (board.schools["system_verdict"] == Verdict.NOT_SUBMITTED).all():
        ui.empty_state(_no_submissions_hint(principal))
    _school_table(shown, rulebook, campaign)
    _charts(rulebook, campaign, board, shown, principal, as_of)


def _filtered(schools: pd.DataFrame) -> pd.DataFrame:
    units, types, verdicts, materials, search, sort = st.columns([1.2, 1, 1.2, 1.2, 1.2, 1])
    chosen_units = units.multiselect(
        "主管单位", sorted(schools["unit"].unique()), key="board.units", placeholder="全部"
    )
    chosen_types = types.multiselect(
        "类型", sorted(t for t in schools["school_type"].unique() if t), key="board.types", placeholder="全部"
    )
    chosen_verdicts = verdicts.multiselect(
        "最终结论", [str(v) for v in Verdict], key="board.verdicts", placeholder="全部"
    )
    chosen_materials = materials.multiselect(
        "报送材料",
        [data.OVERDUE_MISSING, *(str(s) for s in MaterialState)],
        key="board.materials",
        placeholder="全部",
        help="有任一报送材料处于所选状态的学校",
    )
    text = search.text_input("搜索学校", key="board.search", placeholder="名称或标识码").strip()
    order = sort.selectbox("排序", list(SORTS), key="board.sort")
    keep = pd.Series(True, index=schools.index)
    if chosen_units:
        keep &= schools["unit"].isin(chosen_units)
    if chosen_types:
        keep &= schools["school_type"].isin(chosen_types)
    if chosen_verdicts:
        keep &= schools["verdict"].isin(chosen_verdicts)
    if chosen_materials:
        keep &= schools["material_states"].map(lambda states: bool(set(states) & set(chosen_materials)))
    if text:
        keep &= schools["name"].str.contains(text, regex=False) | schools["code"].str.startswith(text)
    columns, ascending = SORTS[order]
    return schools[keep].sort_values(columns, ascending=ascending, na_position="first").reset_index(drop=True)


def _key_figures(shown: pd.DataFrame) -> None:
    verdicts = shown["verdict"].value_counts()
    scope = [
        ("范围内学校", len(shown), "当前筛选条件下的学校数"),
        ("已提交", int((shown["system_verdict"] != Verdict.NOT_SUBMITTED).sum()), "有被接收的填报文件的学校"),
        ("逾期子项", int(shown["overdue"].sum()), "各校逾期未完成的子项数之和"),
        ("材料逾期未报送", int(shown["materials_overdue"].sum()), "各校已过报送时限、尚未报送的材料份数之和"),
        (
            f"{data.DUE_SOON_DAYS}天内到期",
            int(shown["due_soon"].sum()),
            f"各校尚未完成、将在{data.DUE_SOON_DAYS}天内到期的子项数之和",
        ),
    ]
    by_verdict = [(str(v), int(verdicts.get(str(v), 0)), "按最终结论（含现场核查和改判）统计") for v in Verdict]
    for row in (scope, by_verdict):  # two rows of four: eight in one row cut the labels at 1366 px
        for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=False):
            column.metric(label, value, help=help_text, border=True)


def _progress_report(ctx: AppContext, principal: Principal, campaign: Campaign, as_of: date) -> None:
    """The 通报 of the board date, on every school the user sees (the filters above do not narrow it)."""
    made = st.session_state.get(REPORT_KEY)
    if st.button(
        "生成进展情况通报（Word）",
        key="board.report.build",
        icon=":material/description:",
        help="按看板日期生成公文格式的工作进展情况通报，范围为您可查看的全部学校，不受上方筛选影响",
    ):
        with st.spinner("正在生成通报…"), scoped_transaction(ctx.engine, principal) as session:
            memo = data.assessment_memo(str(ctx.engine.url), campaign, as_of)
            report = export_progress_report(session, principal, ctx.rulebook_for(campaign), campaign, as_of, memo=memo)
        made = st.session_state[REPORT_KEY] = (campaign.id, as_of, report.file_name, report.data)
    if made and made[:2] == (campaign.id, as_of):
        _, _, file_name, report_data = made
        st.download_button(
            f"下载 {ui.literal(file_name)}",
            data=report_data,
            file_name=file_name,
            mime=DOCX_MIME,
            key="board.report.download",
            icon=":material/download:",
        )


def _school_table(shown: pd.DataFrame, rulebook: Rulebook, campaign: Campaign) -> None:
    st.subheader("学校列表")
    if shown.empty:
        ui.empty_state("没有符合筛选条件的学校，请放宽或清除上方的筛选条件。")
        return
    st.caption(f"共 {len(shown)} 所学校；点击某一行查看该校详情。")
    materials = {
        data.material_column(m.id): st.column_config.TextColumn(
            m.name, width=150, help=f"报送时限 {material_due(m, campaign):%Y-%m-%d}"
        )
        for m in rulebook.submissions
    }
    columns = {**dict(list(COLUMNS.items())[:-1]), **materials, "code": COLUMNS["code"]}
    event = st.dataframe(
        shown,
        column_config=columns,
        column_order=list(columns),
        hide_index=True,
        height=min(TABLE_HEIGHT, 38 + 35 * len(shown)),
        on_select="rerun",
        selection_mode="single-row",
        key="board.table",
        placeholder="—",
    )
    if event.selection.rows:
        ui.open_school(str(shown.iloc[event.selection.rows[0]]["code"]))


def _charts(
    rulebook: Rulebook, campaign: Campaign, board: data.Board, shown: pd.DataFrame, principal: Principal, as_of: date
) -> None:
    # Only the open tab is drawn (choosing another reruns the page, whose data is cached): drawing all four
    # charts of 3,000 schools kept the browser from showing the school table for a good part of a second.
    heatmap, histogram, trend, timeline = st.tabs(
        ["任务完成热力图", "得分分布", "推进趋势", "完成时限"], key="board.charts", on_change="rerun"
    )
    codes = set(shown["code"])
    if heatmap.open:
        with heatmap:
            _heatmap(board.tasks, shown)
    if histogram.open:
        with histogram:
            _histogram(rulebook, shown)
    if trend.open:
        with trend:
            _trend(principal, campaign, as_of)
    if timeline.open:
        with timeline:
            _timeline(rulebook, campaign, board, codes, as_of)


def _histogram(rulebook: Rulebook, shown: pd.DataFrame) -> None:
    if not shown["score"].notna().any():
        ui.empty_state("筛选范围内还没有学校提交，暂无得分分布。")
        return
    st.altair_chart(
        charts.score_histogram(shown, rulebook.verdict.pass_min_score, rulebook.verdict.fail_below_score),
        width="stretch",
    )


def _trend(principal: Principal, campaign: Campaign, as_of: date) -> None:
    progress = data.progress(ui.app_context(), principal, campaign, as_of)
    st.caption("按各校每次上传当天的系统结论统计（不含现场核查和改判，每周一点）；未通过和限期整改的学校应逐周减少。")
    st.altair_chart(charts.progress_chart(progress), width="stretch")


def _timeline(rulebook: Rulebook, campaign: Campaign, board: data.Board, codes: set[str], as_of: date) -> None:
    st.caption(
        "各子项的完成时限（已按本批次调整）；圆点越大，筛选范围内逾期未完成的学校越多。"
        "“全年持续推进”的子项没有固定时限，未列出。"
    )
    items = board.items[board.items["code"].isin(codes)]
    deadlines = data.deadlines(rulebook, campaign, items)
    st.altair_chart(charts.deadline_timeline(deadlines, as_of), width="stretch")
    _due_this_month(deadlines, as_of)


DEADLINE_COLUMNS = {
    "item_id": "子项",
    "task": "任务",
    "due": "完成时限",
    "source": "时限来源",
    "overdue": "逾期学校",
    "done": "已完成学校",
}


def _due_this_month(deadlines: pd.DataFrame, as_of: date) -> None:
    """The sub-items due by the board date, next to those falling due later in its month: on the
    acceptance date some deadlines of the month have passed and others have not."""
    due_by, later = due_by_and_later_in_month(dict(zip(deadlines["item_id"], deadlines["due"], strict=False)), as_of)
    by_date = deadlines.set_index("item_id", drop=False)
    passed, coming = st.columns(2)
    for column, ids, title, empty in (
        (passed, due_by, f"截至 {as_of:%Y-%m-%d} 已到期的子项", "看板日期前没有到期的子项。"),
        (coming, later, f"{as_of.month}月内稍后到期的子项", f"{as_of.month}月内看板日期之后没有到期的子项。"),
    ):
        column.markdown(f"**{title}**（{len(ids)} 项）")
        if ids:
            column.dataframe(by_date.loc[ids, list(DEADLINE_COLUMNS)].rename(columns=DEADLINE_COLUMNS), hide_index=True)
        else:
            column.caption(empty)


def _heatmap(tasks: pd.DataFrame, shown: pd.DataFrame) -> None:
    scored = shown[shown["score"].notna()]
    if scored.empty:
        ui.empty_state("筛选范围内还没有学校提交，暂无任务完成情况。")
        return
    if len(scored) > charts.HEATMAP_ROWS:
        st.caption(f"显示得分最低的 {charts.HEATMAP_ROWS} 所学校（共 {len(scored)} 所已提交）；可用上方筛选缩小范围。")
    st.altair_chart(charts.weakest_heatmap(tasks, scored), width="stretch")


def _no_schools_hint(principal: Principal, campaign: Campaign) -> str:
    if principal.role is UserRole.PROVINCE_ADMIN:
        return "还没有登记学校。请在“管理”页登记主管单位和学校，或在服务器上运行 reformboard demo 生成演示数据。"
    return ui.no_schools_in_scope(campaign)


def _no_submissions_hint(principal: Principal) -> str:
    if principal.role is UserRole.PROVINCE_ADMIN:
        return "尚无学校提交。请先在“上传填报”页下载填报模板，分发各校填写后上传。"
    return "尚无学校提交。请督促所属学校下载填报模板，填写后上传。"


if __name__ == "__main__":
    render()
