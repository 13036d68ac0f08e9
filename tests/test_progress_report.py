"""The province's progress report (通报): `reformboard report` and reformboard.services.reports.

The figures are compared with the board's own data function (dashboard.data.board) for the same date;
the layout with a document built from figures written by hand. The page's download is tested with the
board page in tests/test_dashboard_board.py.
"""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image
from sqlalchemy import select

from checks.results import Verdict, cn_date
from dashboard import data
from reformboard.commands.common import today
from reformboard.context import AppContext
from reformboard.progress_figures import ChartImage, OverdueItem, ProgressFigures, SchoolLine, SubItem, UnitLine
from reformboard.report_docx import progress_report_docx
from reformboard.services.reports import export_progress_report
from tenants.access import AccessDenied, scoped_transaction
from tenants.db import make_engine
from tenants.models import AuditEntry, Tenant
from tenants.principal import Principal, UserRole, local_operator
from tests.fixtures.notice import read_notice

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PROVINCE_USER = local_operator("test")


def board_schools(as_of: date) -> pd.DataFrame:
    """The board page's school table for a province user on `as_of` (the database named in the environment)."""
    ctx = AppContext.open()
    try:
        with ctx.transaction(PROVINCE_USER) as session:
            campaign = ctx.campaign(session)
        return data.board(ctx, PROVINCE_USER, campaign, as_of).schools
    finally:
        ctx.engine.dispose()


# --- the command, on the board's figures --------------------------------------------------------------


def test_the_report_holds_the_figures_the_board_shows_for_that_date(demo_db, reformboard, tmp_path: Path) -> None:
    as_of = today()
    code, out, err = reformboard("report", "--as-of", as_of.isoformat(), "-o", str(tmp_path / "通报.docx"))
    assert code == 0, err
    notice = read_notice((tmp_path / "通报.docx").read_bytes())
    board = board_schools(as_of)

    verdicts = {str(v): int((board["verdict"] == v).sum()) for v in Verdict}
    overall = notice.section("一、总体情况")
    assert f"纳入验收的高校共{len(board)}所" in overall
    assert "、".join(f"{v}{n}所" for v, n in verdicts.items()) in overall
    assert f"逾期未完成的子项合计{int(board['overdue'].sum())}项" in overall
    assert f"已生成通报（全省高校{len(board)}所" in out

    by_unit = {row[0]: [int(n) for n in row[1:]] for row in notice.tables[0][1:]}
    for unit, schools in board.groupby("unit"):
        counts = schools["verdict"].value_counts()
        expected = [len(schools), *(int(counts.get(str(v), 0)) for v in Verdict), int(schools["overdue"].sum())]
        assert by_unit[unit] == expected
    assert by_unit["合计"] == [len(board), *verdicts.values(), int(board["overdue"].sum())]

    silent = notice.section("六、未提交的高校")
    for name, verdict in zip(board["name"], board["verdict"], strict=True):
        assert (name in silent) == (verdict == Verdict.NOT_SUBMITTED)
    assert [(r["学校"], r["最终结论"], r["逾期子项"]) for r in notice.annex] == [
        (name, verdict, str(overdue))
        for name, verdict, overdue in zip(board["name"], board["final"], board["overdue"], strict=True)
    ]

    assert len(notice.images) == 4  # the board's trend, score histogram, task heatmap and deadline timeline
    for png in notice.images:
        assert png.startswith(PNG_MAGIC)
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert image.format == "PNG" and image.width >= 600 and image.height >= 200


def test_a_unit_users_report_holds_only_its_schools_and_names_their_overdue_items(demo_db) -> None:
    engine = make_engine(demo_db)
    as_of = today()
    board = board_schools(as_of)
    behind = board[board["verdict"].isin([Verdict.RECTIFY, Verdict.FAILED]) & (board["overdue"] > 0)].iloc[0]
    with scoped_transaction(engine, PROVINCE_USER) as session:
        unit_code = session.get(Tenant, behind["code"]).unit_code
        campaign = AppContext.campaign(session)
    unit_user = Principal("unit-user", UserRole.UNIT, unit_code=unit_code)
    with scoped_transaction(engine, unit_user) as session:
        report = export_progress_report(session, unit_user, AppContext.rulebook_for(campaign), campaign, as_of)
    notice = read_notice(report.data)

    ours = board[board["unit"] == behind["unit"]]
    assert [r["学校"] for r in notice.annex] == list(ours["name"])
    for name in board.loc[board["unit"] != behind["unit"], "name"]:
        assert name not in notice.text
    assert notice.paragraphs[0].startswith(f"关于{behind['unit']}所属高校")
    assert report.figures.addressees == tuple(f"{name}团委" for name in ours["name"])

    line = next(p for p in notice.section("五、需整改的高校").splitlines() if behind["name"] in p)
    standing = next(s for s in report.figures.schools if s.code == behind["code"])
    assert f"逾期未完成子项{behind['overdue']}项" in line
    assert len(standing.overdue_items) == behind["overdue"]
    for item in standing.overdue_items:
        assert f"{item.item_id}（{item.task}，完成时限{cn_date(item.deadline)}，逾期{item.days}天）" in line

    with scoped_transaction(engine, PROVINCE_USER) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "progress_report_exported")).one()
        assert (entry.actor, entry.detail["schools"], entry.detail["as_of"]) == ("unit-user", len(ours), str(as_of))
    engine.dispose()


def test_a_school_user_gets_no_report(session, directory) -> None:
    school_user = Principal("school-user", UserRole.SCHOOL, tenant_code=directory.school)
    with pytest.raises(AccessDenied, match="无权"):
        export_progress_report(
            session,
            school_user,
            AppContext.rulebook_for(directory.campaign),
            directory.campaign,
            date(2020, 11, 1),
        )


def test_an_unknown_unit_is_refused_in_chinese(reformboard, tmp_path: Path) -> None:
    assert reformboard("init")[0] == 0
    code, _, err = reformboard("report", "--unit", "9999", "-o", str(tmp_path / "r.docx"))
    assert code == 1
    assert "找不到主管单位 9999" in err and "Traceback" not in err
    assert not (tmp_path / "r.docx").exists()


def test_the_command_builds_the_charts_without_streamlit() -> None:
    probe = "import sys, reformboard.commands.report; print('streamlit' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


# --- the layout, from figures written by hand -------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


FIGURES = ProgressFigures(
    scope="全省",
    addressees=("广州市团委", "各高校团委"),
    campaign="2020年广东省高校学生会（研究生会）深化改革",
    rulebook="广东省高校学生会（研究生会）深化改革任务列表",
    rulebook_source="团粤办发〔2020〕14号 附件",
    contact_office="团省委学校部",
    as_of=date(2020, 11, 1),
    schools=(
        SchoolLine(
            "4144010001", "广州示范大学", "广州市团委", "本科", 92.0, "通过验收", "通过验收", False, (), (), (), None
        ),
        SchoolLine(
            "4144010002",
            "广州\x07职业技术学院",  # a control character stored before names were checked
            "广州市团委",
            "高职（专科）",
            70.5,
            "限期整改",
            "限期整改",
            True,
            (OverdueItem("1.1", "明确职能定位", date(2020, 6, 10), 144),),
            (SubItem("3.1", "坚持精简原则"),),
            (),
            date(2020, 7, 15),
        ),
    ),
    verdicts={"通过验收": 1, "限期整改": 1, "未通过": 0, "未提交": 0},
    submitted=2,
    overdue=1,
    due_soon=0,
    due_soon_days=14,
    pass_min_score=85.0,
    fail_below_score=60.0,
    units=(UnitLine("广州市团委", 2, (1, 1, 0, 0), 1),),
    tasks=(),
    items=(),
    overview_charts=(ChartImage("各校验收结论推进趋势", "说明", _png(960, 520)),),
    task_charts=(ChartImage("各校任务完成情况（得分率）", "说明", _png(960, 2400)),),
)


def test_the_notice_is_laid_out_as_an_official_document() -> None:
    notice = read_notice(progress_report_docx(FIGURES))
    body, annex = notice.document.sections
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)  # A4
    assert (round(annex.page_width.mm), round(annex.page_height.mm)) == (297, 210)  # the annex's table, landscape
    assert notice.paragraphs[0] == "关于全省高校学生会（研究生会）\n深化改革工作进展情况的通报"
    assert notice.paragraphs[1] == "广州市团委、各高校团委："
    office, day = notice.paragraphs.index("团省委学校部"), notice.paragraphs.index("2020年11月1日")
    assert day == office + 1
    assert next(p for p in notice.paragraphs[day + 1 :] if p) == "附件"  # the annex, after the section break
    assert "附件：全省高校学生会（研究生会）深化改革进展情况一览表" in notice.paragraphs[:office]
    properties = notice.document.core_properties
    assert (properties.title, properties.author) == (
        "关于全省高校学生会（研究生会）深化改革工作进展情况的通报",
        "团省委学校部",
    )
    assert properties.created.date() == date(2020, 11, 1)


def test_the_notice_names_each_shortfall_of_a_school_to_rectify() -> None:
    notice = read_notice(progress_report_docx(FIGURES))
    assert (
        "1. 广州职业技术学院（广州市团委，得分70.5分）。得分未达到通过验收所需的85分。逾期未完成子项1项：1.1（明确职能定位，完成时限2020年6月10日，"
        "逾期144天）。不符合要求的子项1项：3.1（坚持精简原则）。最终结论为省级改判。"
    ) in notice.paragraphs
    assert "以下1所高校通过验收：广州示范大学。" in notice.section("四、通过验收的高校")
    assert "高校均已报送改革进展材料" in notice.section("六、未提交的高校")


def test_the_notice_sets_east_asian_fonts_and_fits_tall_charts_on_the_page() -> None:
    notice = read_notice(progress_report_docx(FIGURES))
    fonts = {
        run.text: run._r.rPr.rFonts.get(qn("w:eastAsia"))
        for p in notice.document.paragraphs
        for run in p.runs
        if run.text
    }
    assert fonts["关于全省高校学生会（研究生会）\n"] == "方正小标宋简体"  # the title's first line and its break
    assert fonts["一、总体情况"] == "黑体"
    assert fonts["团省委学校部"] == "仿宋"
    shapes = notice.document.inline_shapes
    assert shapes[0].width == Mm(210 - 28 - 26)  # the text width
    assert shapes[1].height <= Mm(190)  # a tall heatmap is scaled down to stay on one page


def test_before_any_school_submits_the_report_says_so_without_score_charts() -> None:
    silent = replace(
        FIGURES,
        schools=tuple(replace(s, score=None, verdict="未提交", system_verdict="未提交") for s in FIGURES.schools),
        verdicts={"通过验收": 0, "限期整改": 0, "未通过": 0, "未提交": 2},
        submitted=0,
        task_charts=(),
    )
    notice = read_notice(progress_report_docx(silent))
    assert len(notice.images) == 1
    assert [r["得分"] for r in notice.annex] == ["—", "—"]
    assert "暂无高校通过验收" in notice.section("四、通过验收的高校")
    assert "以下2所高校尚未报送改革进展材料：广州示范大学、广州职业技术学院。" in notice.section("六、未提交的高校")
