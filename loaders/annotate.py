"""An annotated copy of an uploaded workbook: every problem cell coloured (red 错误, yellow 提示) with
the message as a comment, and a first sheet 问题清单 listing them all.

xlsx/xlsm are copied with openpyxl in a child process (never with macros: keep_vba=False); xls, xlsb
and ods cannot be copied with their formatting, so a new xlsx is built from their cell values.
"""

from __future__ import annotations

import io
import json
import sys
from collections import defaultdict
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from loaders.limits import Limits
from loaders.problems import Problem, ProblemSeverity
from loaders.reader_child import limit_self, read_input
from loaders.sandbox import read_sheets, run_isolated
from loaders.sniff import sniff
from textsafety import strip_unsafe
from textsafety.xlsx import append_row

LIST_SHEET = "问题清单"
_FILLS = {ProblemSeverity.ERROR: "FFC7CE", ProblemSeverity.NOTE: "FFEB9C"}
_REBUILT = (
    "说明：原文件不是 .xlsx 格式，此文件根据原文件中的内容重新生成，只保留了单元格的值，"
    "没有保留原来的格式。请在原文件中按下列位置修改后重新上传。"
)
Marks = list[tuple[str, str, str, str]]  # severity, sheet, cell, message


def annotate(data: bytes, problems: Iterable[Problem], limits: Limits = Limits()) -> bytes:
    """The workbook with its problems marked, as xlsx bytes; a Refusal when the file cannot be read."""
    marks = [(p.severity.value, p.sheet, p.cell, p.message) for p in problems]
    fmt = sniff(data, limits)
    if fmt.openpyxl_can_copy:
        return run_isolated("loaders.annotate", data, limits, [], extra=json.dumps(marks).encode())
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet every new workbook has
    for raw in read_sheets(data, limits)[1]:
        sheet = workbook.create_sheet(strip_unsafe(raw.name)[:31])
        for row in raw.rows:
            append_row(sheet, [v if v != "" else None for v in row])
    return _marked(workbook, marks, preface=_REBUILT)


def _marked(workbook: Workbook, marks: Marks, preface: str = "") -> bytes:
    by_cell: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for severity, sheet, cell, message in marks:
        if sheet in workbook.sheetnames and cell:
            by_cell[sheet, cell].append((severity, message))
    for (sheet, cell), found in by_cell.items():
        _mark(workbook[sheet], cell, found)
    _problem_list(workbook, marks, preface)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mark(sheet: Worksheet, cell: str, found: list[tuple[str, str]]) -> None:
    worst = ProblemSeverity.ERROR if any(s == ProblemSeverity.ERROR for s, _ in found) else ProblemSeverity.NOTE
    target = sheet[cell]
    if type(target).__name__ == "MergedCell":  # only a merged range's first cell can hold a comment
        target = next(sheet[str(r.coord).split(":")[0]] for r in sheet.merged_cells.ranges if cell in r)
    target.fill = PatternFill("solid", fgColor=_FILLS[worst])
    comment = Comment(strip_unsafe("\n".join(f"【{s}】{m}" for s, m in found)), "ReformBoard")
    comment.width, comment.height = 300, 40 + 60 * len(found)
    target.comment = comment


def _problem_list(workbook: Workbook, marks: Marks, preface: str) -> None:
    sheet = workbook.create_sheet(LIST_SHEET, 0)
    if preface:
        append_row(sheet, [preface])
    append_row(sheet, ["类型", "位置", "问题及修改方法"])
    for severity, where_sheet, cell, message in marks:
        where = f"{where_sheet}!{cell}" if cell else where_sheet or "整个文件"
        append_row(sheet, [severity, where, message])
        sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=_FILLS[ProblemSeverity(severity)])
    for letter, width in zip("ABC", (8, 22, 90), strict=False):
        sheet.column_dimensions[letter].width = width
    workbook.active = 0


def _child(size: str, memory: str, seconds: str) -> bytes:
    limit_self(int(memory), int(seconds))
    data, extra = read_input(int(size))
    marks = [tuple(m) for m in json.loads(extra)]
    workbook = load_workbook(io.BytesIO(data), keep_vba=False, keep_links=False, rich_text=False)
    return _marked(workbook, marks)


if __name__ == "__main__":
    sys.stdout.buffer.write(_child(*sys.argv[1:4]))
