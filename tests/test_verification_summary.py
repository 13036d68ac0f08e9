"""The province-wide summary workbook: one row per school, state words coloured, counts per verdict and unit."""

from __future__ import annotations

import io

import openpyxl
import pytest

from checks.results import Verdict
from loaders.province_summary import COUNTS_SHEET, SCHOOLS_SHEET, SummaryRow, province_summary
from tests.fixtures.verification import RULEBOOK, other_school_entry, wust_entry

HEADER_ROW = 3


def row_of(entry, unit=None, submitted=True, final=None) -> SummaryRow:
    ctx = entry.context
    return SummaryRow(
        ctx.school_code, ctx.school_name, unit or ctx.unit, entry.assessment if submitted else None, final
    )


def summary(rows) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(province_summary(RULEBOOK, RULEBOOK.campaign, rows)))


@pytest.fixture(scope="module")
def workbook():
    return summary(
        [
            row_of(wust_entry(), final=Verdict.PASSED),
            row_of(other_school_entry(1)),
            row_of(other_school_entry(2), submitted=False),
        ]
    )


def table(ws) -> list[tuple]:
    return list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))


def test_one_row_per_school_with_a_word_per_sub_item(workbook):
    header, *rows = table(workbook[SCHOOLS_SHEET])
    assert len(rows) == 3
    assert header[:5] == ("序号", "学校代码", "学校名称", "主管单位", "1.1\n6月")
    assert header[4 + 27 :] == ("得分", "系统结论", "不符合项", "现场验收结论")
    wust = rows[0]
    assert wust[:4] == (1, "4142010488", "武汉科技大学", "省直机关团工委")
    states = dict(zip((h.split("\n")[0] for h in header[4:31]), wust[4:31], strict=False))
    assert (states["1.1"], states["2.3"], states["7.4"]) == ("完", "续", "待")
    assert wust[31:] == (78.5, "限期整改", 1, "通过验收")


def test_a_school_that_has_not_submitted_has_no_item_words(workbook):
    _, *rows = table(workbook[SCHOOLS_SHEET])
    assert rows[2][4:31] == (None,) * 27
    assert rows[2][31:] == (None, "未提交", None, None)


def test_the_final_verdict_column_appears_only_after_onsite_acceptance():
    header, *_ = table(summary([row_of(wust_entry())])[SCHOOLS_SHEET])
    assert header[-1] == "不符合项"


def test_state_words_and_verdicts_are_coloured_by_conditional_formatting(workbook):
    formats = workbook[SCHOOLS_SHEET].conditional_formatting
    words = {rule.formula[0] for rng in formats for rule in rng.rules}
    assert {'"完"', '"迟"', '"逾"', '"待"', '"续"', '"免"', '"通过验收"', '"未通过"'} <= words
    areas = {str(rng.sqref) for rng in formats}
    assert "E4:AE6" in areas  # the 27 sub-item columns of the three schools


def test_the_counts_sheet_counts_schools_per_verdict_and_per_unit(workbook):
    ws = workbook[COUNTS_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    by_verdict = {row[0]: row[1:3] for row in rows[3:8]}
    assert by_verdict == {"通过验收": (0, 1), "限期整改": (2, 0), "未通过": (0, 0), "未提交": (1, None), "合计": (3, 1)}
    header_at = next(n for n, row in enumerate(rows) if row[0] == "主管单位")
    units = {row[0]: row[1:] for row in rows[header_at + 1 :]}
    assert rows[header_at][:4] == ("主管单位", "学校数", "平均分", "系统：通过验收")
    assert units["广州团市委"] == (2, 61.0, 0, 1, 0, 1, 0, 0, 0, 0)
    assert units["省直机关团工委"] == (1, 78.5, 0, 1, 0, 0, 1, 1, 0, 0)
    assert units["全省"] == (3, 69.8, 0, 2, 0, 1, 1, 1, 0, 0)


def test_both_sheets_print_on_a4_landscape_fitted_to_width(workbook):
    for ws in workbook.worksheets:
        assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth) == ("landscape", 9, 1)
    assert workbook[SCHOOLS_SHEET].print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
