"""The annotated copy marks each problem cell (red 错误, yellow 提示) with the message as a comment."""

import io
from pathlib import Path

from openpyxl import load_workbook

from loaders.annotate import LIST_SHEET, annotate
from loaders.workbook import read_workbook
from tests.fixtures.corpus import foreign_corpus
from tests.fixtures.workbooks import TODAY, filled_with, rulebook

DATA = Path(__file__).parent / "data"
CORPUS = foreign_corpus()


def annotated(data: bytes):
    result = read_workbook(data, "x.xlsx", rulebook(), today=TODAY)
    return result, load_workbook(io.BytesIO(annotate(data, result.problems)))


def test_problem_cells_are_coloured_by_severity_and_carry_the_message():
    def broken(wb):
        wb["工作人员名单"]["F5"] = "无党派"  # 错误
        wb["任务进展"]["F2"] = None  # 提示: 已完成 without a date

    result, workbook = annotated(filled_with(broken))
    error_cell, note_cell = workbook["工作人员名单"]["F5"], workbook["任务进展"]["F2"]
    assert error_cell.fill.fgColor.rgb.endswith("FFC7CE") and "共青团员" in error_cell.comment.text
    assert note_cell.fill.fgColor.rgb.endswith("FFEB9C") and "完成日期" in note_cell.comment.text
    assert workbook.sheetnames[0] == LIST_SHEET
    listed = [row[1] for row in workbook[LIST_SHEET].iter_rows(min_row=2, values_only=True)]
    assert listed == [p.where or "整个文件" for p in result.problems]


def test_macros_are_not_kept():
    data = (CORPUS / "calamine/vba.xlsm").read_bytes()
    result = read_workbook(data, "x.xlsm", rulebook(), today=TODAY)
    out = annotate(data, result.problems)
    assert b"vbaProject" not in out


def test_an_xls_upload_gets_a_rebuilt_xlsx_saying_so():
    data = (DATA / "wust_small.xls").read_bytes()
    result, workbook = annotated(data)
    assert "重新生成" in workbook[LIST_SHEET]["A1"].value
    presidium = workbook["组织架构"]["F3"]
    assert presidium.value == 5 and "主席团" in presidium.comment.text
