"""The province-wide summary workbook reported upward: every school against every sub-item, then counts.

Sheet 逐校汇总: one row per school; each sub-item cell is a one-character word for its deadline state
(coloured by conditional formatting, so the colours follow the words), then score, verdicts.
Sheet 统计: schools per verdict, and per supervising unit.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from checks.campaign import Campaign
from checks.deadlines import due_date
from checks.results import DeadlineState, SchoolAssessment, Severity, Verdict
from checks.rulebook import Item, Rulebook
from loaders import verification
from loaders.xlsx_style import FONT_NAME, new_workbook, row_height, setup_print
from textsafety.xlsx import CellValue, append_row, put

SCHOOLS_SHEET = "逐校汇总"
COUNTS_SHEET = "统计"
STATE_WORDS = {  # one character each so 27 sub-items fit an A4 landscape page at a readable size
    DeadlineState.DONE: "完",
    DeadlineState.DONE_LATE: "迟",
    DeadlineState.OVERDUE: "逾",
    DeadlineState.NOT_DUE: "待",
    DeadlineState.ONGOING: "续",
    DeadlineState.NOT_APPLICABLE: "免",
}
_STATE_COLOURS = {"完": "C6EFCE", "迟": "FFEB9C", "逾": "FFC7CE", "待": "DDEBF7", "续": "E2EFDA", "免": "EDEDED"}
_VERDICT_COLOURS = {
    Verdict.PASSED: "C6EFCE",
    Verdict.RECTIFY: "FFEB9C",
    Verdict.FAILED: "FFC7CE",
    Verdict.NOT_SUBMITTED: "EDEDED",
}
LEGEND = "图例：" + "　".join(f"{word}＝{state.value}" for state, word in STATE_WORDS.items())
_SMALL = Font(name=FONT_NAME, size=9)
_TITLE_ROWS = 3  # title, legend, column headers


@dataclass(frozen=True)
class SummaryRow:
    school_code: str
    school_name: str
    unit: str  # supervising unit
    assessment: SchoolAssessment | None  # None: nothing submitted yet
    final_verdict: Verdict | None = None  # after the on-site acceptance, when it has taken place

    @property
    def verdict(self) -> Verdict:
        return self.assessment.verdict if self.assessment else Verdict.NOT_SUBMITTED


def province_summary(rulebook: Rulebook, campaign: Campaign, rows: Sequence[SummaryRow]) -> bytes:
    wb, ws = new_workbook()
    _schools_sheet(ws, rulebook, campaign, rows)
    _counts_sheet(wb.create_sheet(COUNTS_SHEET), campaign, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- 逐校汇总 --------------------------------------------------------------------------------------


def _schools_sheet(ws: Worksheet, rulebook: Rulebook, campaign: Campaign, rows: Sequence[SummaryRow]) -> None:
    ws.title = SCHOOLS_SHEET
    items = rulebook.items
    with_final = any(r.final_verdict for r in rows)
    leading = [("序号", 5), ("学校代码", 11.5), ("学校名称", 20), ("主管单位", 13)]
    trailing = [("得分", 6.5), ("系统结论", 9), ("不符合项", 5.5)] + ([("现场验收结论", 9)] if with_final else [])
    item_headers = [(f"{item.id}\n{_due_short(due_date(item, campaign))}", 4) for item in items]
    columns = leading + item_headers + trailing
    _title(ws, f"{campaign.name}验收情况汇总表", LEGEND, len(columns))
    _header_row(ws, _TITLE_ROWS, columns)
    for n, row in enumerate(rows, start=1):
        append_row(ws, _school_values(n, row, items, with_final))
    last_row = _TITLE_ROWS + len(rows)
    _style_body(ws, _TITLE_ROWS + 1, last_row, len(columns), left_aligned=(3,))  # school names
    score_column = get_column_letter(len(leading) + len(items) + 1)
    for (cell,) in ws[f"{score_column}{_TITLE_ROWS + 1}:{score_column}{max(last_row, _TITLE_ROWS + 1)}"]:
        cell.number_format = "0.0"
    first_item = len(leading) + 1
    _colour_words(ws, first_item, first_item + len(items) - 1, last_row, _STATE_COLOURS)
    verdict_columns = [len(leading) + len(items) + 2] + ([len(columns)] if with_final else [])
    for column in verdict_columns:
        _colour_words(ws, column, column, last_row, {k.value: c for k, c in _VERDICT_COLOURS.items()})
    verification.set_widths(ws, [width for _, width in columns])
    setup_print(ws, sum(width for _, width in columns), title_rows=f"{_TITLE_ROWS}:{_TITLE_ROWS}")
    ws.freeze_panes = ws.cell(_TITLE_ROWS + 1, len(leading) + 1).coordinate


def _due_short(due: date | None) -> str:
    return "持续" if due is None else f"{due.month}月"


def _school_values(n: int, row: SummaryRow, items: Sequence[Item], with_final: bool) -> list[CellValue]:
    values: list[CellValue] = [n, row.school_code, row.school_name, row.unit]
    assessed = row.assessment
    if assessed:
        values += [STATE_WORDS[assessed.item(item.id).state] for item in items]
        values += [round(assessed.score, 1), row.verdict.value, _violations(assessed)]
    else:
        values += [None] * len(items) + [None, row.verdict.value, None]
    if with_final:
        values.append(row.final_verdict.value if row.final_verdict else None)
    return values


def _violations(assessed: SchoolAssessment) -> int:
    return sum(1 for item in assessed.items for f in item.findings if f.severity is Severity.VIOLATION and f.counts)


def _style_body(
    ws: Worksheet, first_row: int, last_row: int, column_count: int, left_aligned: tuple[int, ...] = ()
) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=column_count):
        for cell in row:
            cell.font, cell.border = _SMALL, verification.BORDER
            horizontal = "left" if cell.column in left_aligned else "center"
            cell.alignment = Alignment(vertical="center", horizontal=horizontal, wrap_text=True)


def _colour_words(ws: Worksheet, first_column: int, last_column: int, last_row: int, colours: dict[str, str]) -> None:
    if last_row <= _TITLE_ROWS:
        return
    area = f"{get_column_letter(first_column)}{_TITLE_ROWS + 1}:{get_column_letter(last_column)}{last_row}"
    for word, colour in colours.items():
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill))


# --- 统计 ------------------------------------------------------------------------------------------


def _counts_sheet(ws: Worksheet, campaign: Campaign, rows: Sequence[SummaryRow]) -> None:
    verdicts = list(Verdict)
    finals = [vd for vd in verdicts if vd is not Verdict.NOT_SUBMITTED]
    columns = (
        [("主管单位", 20), ("学校数", 8), ("平均分", 8)]
        + [(f"系统：{vd.value}", 10) for vd in verdicts]
        + [("已现场验收", 10)]
        + [(f"现场：{vd.value}", 10) for vd in finals]
    )
    _title(ws, f"{campaign.name}验收情况统计", "按结论统计（全省）", len(columns))
    ws.cell(2, 1).font = verification.BOLD_FONT
    _header_row(ws, _TITLE_ROWS, [("结论", 20), ("系统核验（校数）", 8), ("现场验收（校数）", 8)])
    system = Counter(r.verdict for r in rows)
    final = Counter(r.final_verdict for r in rows if r.final_verdict)
    for vd in verdicts:
        append_row(ws, [vd.value, system[vd], final[vd] if vd in finals else None])
    append_row(ws, ["合计", len(rows), sum(final.values())])
    by_unit_row = ws.max_row + 2
    put(ws, by_unit_row, 1, "按主管单位统计").font = verification.BOLD_FONT
    _header_row(ws, by_unit_row + 1, columns)
    for unit in sorted({r.unit for r in rows}):
        append_row(ws, _unit_values(unit, [r for r in rows if r.unit == unit], verdicts, finals))
    append_row(ws, _unit_values("全省", list(rows), verdicts, finals))
    _style_body(ws, _TITLE_ROWS + 1, by_unit_row - 2, 3)
    _style_body(ws, by_unit_row + 2, ws.max_row, len(columns))
    for (cell,) in ws.iter_rows(min_row=by_unit_row + 2, min_col=3, max_col=3):
        cell.number_format = "0.0"  # average score
    verification.set_widths(ws, [width for _, width in columns])
    setup_print(ws, sum(width for _, width in columns), title_rows=None)


def _unit_values(
    unit: str, rows: Sequence[SummaryRow], verdicts: Sequence[Verdict], finals: Sequence[Verdict]
) -> list[CellValue]:
    scores = [r.assessment.score for r in rows if r.assessment]
    system = Counter(r.verdict for r in rows)
    final = Counter(r.final_verdict for r in rows if r.final_verdict)
    return [
        unit,
        len(rows),
        round(sum(scores) / len(scores), 1) if scores else None,
        *(system[vd] for vd in verdicts),
        sum(final.values()),
        *(final[vd] for vd in finals),
    ]


# --- shared pieces --------------------------------------------------------------------------------


def _title(ws: Worksheet, title: str, subtitle: str, width: int) -> None:
    for row, (text, font) in enumerate(((title, verification.TITLE_FONT), (subtitle, _SMALL)), start=1):
        cell = put(ws, row, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center" if row == 1 else "left", vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[1].height = 28


def _header_row(ws: Worksheet, row: int, columns: Sequence[tuple[str, float]]) -> None:
    for n, (header, _) in enumerate(columns, start=1):
        cell = put(ws, row, n, header)
        cell.font, cell.fill, cell.border, cell.alignment = (
            _SMALL,
            verification.HEADER_FILL,
            verification.BORDER,
            verification.WRAP_CENTER,
        )
    ws.row_dimensions[row].height = row_height(list(columns))
