"""The Excel template schools fill in, built from the rulebook and the layout; optionally filled.

One writer serves both: `build_template` writes it empty, `fill_template` writes a report into it
(tests, the demo and the benchmarks). The workbook is streamed (openpyxl write-only mode), so a
100,000-row roster costs time in proportion to its rows and little memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from checks.campaign import Campaign
from checks.deadlines import deadline_wording, due_date
from checks.results import cn_date
from checks.rulebook import Item, Rulebook
from checks.schema import Level, SchoolReport
from checks.vocabulary import Vocabulary
from loaders.layout import (
    GUIDE_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    YES_NO,
    Column,
    Kind,
    Layout,
    Sheet,
    layout,
)
from loaders.problems import ProblemSeverity
from loaders.xlsx_style import STYLES, register_styles, row_height, setup_print, style_column
from textsafety.xlsx import CellValue, append_row, new_cell

SPARE_ROWS = 2000  # rows below a table's data that keep its drop-downs, checks and formats
DATE_RANGE = (date(2015, 1, 1), date(2035, 12, 31))
LIST_SEPARATOR = "、"
FORM_HEADERS = (("项目", 30), ("填写内容", 36), ("填写说明", 40))
GUIDE_WIDTHS = (6, 56, 16, 22)  # portrait: at most LANDSCAPE_ABOVE wide
TITLE_HEIGHT = 30.0
META_KEYS = ("template_version", "rulebook_id", "campaign_id", "generated_at")


def _sheet_guides(sheets: Layout) -> dict[str, str]:
    """How to fill each data sheet, in the rulebook's words: one numbered paragraph each in 填报说明."""
    vocabulary = sheets.vocabulary
    levels = "、".join(word for _, word in vocabulary.levels)
    kinds = "和".join(word for _, word in vocabulary.organisation_kinds)
    return {
        sheets.school.name: "在“填写内容”列逐项填写学校基本情况。学校标识码为教育部10位代码；学院（系）名单用顿号“、”分隔。",
        sheets.items.name: "按任务列表逐项选择“完成状态”；已完成的填写完成日期，并在“佐证材料”列写明文件名称或文号。"
        "编号、任务、内容和完成时限由模板给出，不能修改。",
        sheets.organisations.name: f"{levels}{kinds}每个组织占一行，组织名称不能重复；"
        f"{vocabulary.level_word(Level.COLLEGE)}组织填写所属学院（系）。",
        sheets.staff.name: "列出各组织全部工作人员（主席团成员、部门负责人和部门成员），每人一行。"
        f"“所在组织”须与“{sheets.organisations.name}”中的组织名称一致；成绩排名填写本专业综合排名前百分之几，如 25。",
        sheets.meetings.name: f"改革以来召开的{'、'.join(vocabulary.meeting_names)}，每次会议一行，会议类型从下拉列表中选择；"
        "代表大会须填写代表人数、非学生干部代表人数、党委批准日期和上级学联备案日期。",
    }


GENERAL_RULES = (
    "请勿修改工作表名称、表头和列的顺序；行数不够时在表格下方接着填写。",
    "有下拉箭头的单元格请从列表中选择；日期按 2020-06-30 的格式填写；表头底色较深的列为必填项。",
)
UPLOAD_RULES = (
    f"上传后系统自动核验，问题分为“{ProblemSeverity.ERROR}”和“{ProblemSeverity.NOTE}”两类，并指明所在工作表和单元格。",
    f"有“{ProblemSeverity.ERROR}”的文件不予接收，请按说明修改后重新上传。",
    f"“{ProblemSeverity.NOTE}”不影响上传，供学校核对、完善材料。",
)


def build_template(rulebook: Rulebook, campaign: Campaign) -> bytes:
    """The empty template of a campaign, as .xlsx bytes."""
    return _render(rulebook, campaign, None)


def fill_template(report: SchoolReport, rulebook: Rulebook, campaign: Campaign) -> bytes:
    """The template with a report written in, as a school would upload it."""
    return _render(rulebook, campaign, report)


def due_text(item: Item, campaign: Campaign) -> str:
    """完成时限 as shown to schools: the rulebook's wording, or the date the campaign moved it to."""
    return deadline_wording(item, due_date(item, campaign))[0]


def _render(rulebook: Rulebook, campaign: Campaign, report: SchoolReport | None) -> bytes:
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "ReformBoard"
    workbook.properties.title = f"{campaign.name}填报模板"
    register_styles(workbook)
    sheets = layout(rulebook.vocabulary)
    _write_guide(workbook.create_sheet(GUIDE_SHEET), rulebook, campaign, sheets)
    _write_form(workbook.create_sheet(sheets.school.name), sheets.school, report.school if report else None)
    _write_table(
        workbook.create_sheet(sheets.items.name), sheets.items, _item_rows(rulebook, campaign, report), spare_rows=0
    )
    vocabulary = rulebook.vocabulary
    records: tuple[tuple[Sheet, Iterable[object], Mapping[str, Callable[[Any], str]]], ...] = (
        (sheets.organisations, report.organisations if report else (), _organisation_words(vocabulary)),
        (sheets.staff, report.staff if report else (), {}),
        (sheets.meetings, report.meetings if report else (), {}),
    )
    for sheet, sheet_records, words in records:
        _write_table(
            workbook.create_sheet(sheet.name), sheet, _record_rows(sheet, sheet_records, words), spare_rows=SPARE_ROWS
        )
    _write_meta(workbook.create_sheet(META_SHEET), rulebook, campaign)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- rows: what goes in each cell -------------------------------------------------------------

Row = Mapping[str, object]  # column field -> value as the schema holds it


def _item_rows(rulebook: Rulebook, campaign: Campaign, report: SchoolReport | None) -> list[Row]:
    rows: list[Row] = []
    columns = layout(rulebook.vocabulary).items.columns
    for item in rulebook.items:
        reported = report.item(item.id) if report else None
        filled = {c.field: getattr(reported, c.field, None) for c in columns if not c.locked}
        rows.append(
            {
                "item_id": item.id,
                "task": rulebook.task(item.task_id).name,
                "content": item.content,
                "due": due_text(item, campaign),
                **filled,
            }
        )
    return rows


def _record_rows(sheet: Sheet, records: Iterable[object], words: Mapping[str, Callable[[Any], str]]) -> list[Row]:
    """Each record's values by column; `words` turns a field's role into the rulebook's word for it."""

    def value(record: object, field: str) -> object:
        held = getattr(record, field)
        return words[field](held) if field in words else held

    return [{c.field: value(record, c.field) for c in sheet.columns} for record in records]


def _organisation_words(vocabulary: Vocabulary) -> dict[str, Callable[[Any], str]]:
    return {"level": vocabulary.level_word, "kind": vocabulary.organisation_word}


def _excel_value(value: Any) -> CellValue:  # Any: a schema field, whatever its type
    """A schema value as the template shows it: 是/否, Chinese enum values, lists joined by 、."""
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value) or None
    return None if value == "" else value


# --- sheets -----------------------------------------------------------------------------------


def _style_of(column: Column) -> str:
    if column.locked:
        return STYLES.given
    return {Kind.DATE: STYLES.date, Kind.INT: STYLES.number, Kind.PERCENT: STYLES.number, Kind.CODE: STYLES.code}.get(
        column.kind, STYLES.text
    )


def _cell(sheet: Worksheet, value: CellValue, style: str) -> Cell:
    cell = new_cell(sheet, value)
    cell.style = style
    return cell


def _write_table(sheet: Worksheet, layout: Sheet, rows: Sequence[Row], spare_rows: int) -> None:
    """Header row, then one row per record; checks and drop-downs reach spare_rows further down."""
    columns = layout.columns
    styles = [_style_of(c) for c in columns]
    last_row = 1 + len(rows) + spare_rows
    for index, (column, style) in enumerate(zip(columns, styles, strict=False), start=1):
        letter = get_column_letter(index)
        style_column(sheet.column_dimensions[letter], style, column.width)
        if not column.locked:
            _add_validation(sheet, column, f"{letter}2:{letter}{last_row}")
    sheet.freeze_panes = "B2"
    setup_print(sheet, sum(c.width for c in columns))
    if any(c.locked for c in columns):
        _protect(sheet)

    sheet.row_dimensions[1].height = row_height([(c.header, c.width) for c in columns])
    sheet.append([_cell(sheet, c.header, _header_style(c)) for c in columns])
    for number, row in enumerate(rows, start=2):
        values = [_excel_value(row[c.field]) for c in columns]
        sheet.row_dimensions[number].height = row_height(
            [(v, c.width) for v, c in zip(values, columns, strict=False) if isinstance(v, str)]
        )
        sheet.append([_cell(sheet, v, s) for v, s in zip(values, styles, strict=False)])


def _header_style(column: Column) -> str:
    return STYLES.header_required if column.required else STYLES.header


def _write_form(sheet: Worksheet, layout: Sheet, record: object | None) -> None:
    """A vertical form: one field per row, label | value | hint; only the values are editable."""
    for index, (_, width) in enumerate(FORM_HEADERS, start=1):
        style = STYLES.text if index == 2 else STYLES.hint
        style_column(sheet.column_dimensions[get_column_letter(index)], style, width)
    sheet.freeze_panes = "A2"
    setup_print(sheet, sum(width for _, width in FORM_HEADERS))
    _protect(sheet)

    sheet.append([_cell(sheet, header, STYLES.header) for header, _ in FORM_HEADERS])
    widths = [width for _, width in FORM_HEADERS]
    for number, column in enumerate(layout.columns, start=2):
        _add_validation(sheet, column, f"B{number}")
        value = _excel_value(getattr(record, column.field)) if record else None
        hint = _prompt(column)
        texts = (column.header, value if isinstance(value, str) else "", hint)
        sheet.row_dimensions[number].height = row_height(list(zip(texts, widths, strict=False)))
        sheet.append(
            [
                _cell(sheet, column.header, STYLES.label),
                _cell(sheet, value, _style_of(column)),
                _cell(sheet, hint or None, STYLES.hint),
            ]
        )


def _protect(sheet: Worksheet) -> None:
    """Guard locked cells against slips, not people: no password; columns and rows stay resizable."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


GuideLine = tuple[tuple[str, ...], str]  # the row's cells from column A, and their style


def _guide_lines(rulebook: Rulebook, campaign: Campaign, sheets: Layout) -> list[GuideLine]:
    def heading(text: str) -> GuideLine:
        return (text,), STYLES.heading

    def paragraph(*cells: str) -> GuideLine:
        return cells, STYLES.paragraph

    def numbered(paragraphs: Sequence[str]) -> list[GuideLine]:
        return [paragraph(f"{n}.", text) for n, text in enumerate(paragraphs, start=1)]

    def deadline(item: Item) -> GuideLine:
        due = due_date(item, campaign)
        return paragraph(item.id, rulebook.task(item.task_id).name, *deadline_wording(item, due))

    guides = _sheet_guides(sheets)
    sheet_guides = [f"“{s.name}”：{guides[s.name]}" for s in sheets.sheets]
    return [
        ((f"{campaign.name}学校填报模板",), STYLES.title),
        paragraph("", f"依据：{rulebook.name}（{rulebook.source}）"),
        paragraph("", f"填报批次：{campaign.name}"),
        heading("一、填写方法"),
        *numbered(sheet_guides + list(GENERAL_RULES)),
        heading("二、时间安排"),
        *[paragraph("", f"报送{s.name}", cn_date(s.due)) for s in rulebook.submissions],
        paragraph("", "各子项完成时限及其来源："),
        (("编号", "任务", "完成时限", "时限来源"), STYLES.label),
        *[deadline(item) for item in rulebook.items],
        heading("三、上传与核验"),
        *numbered(UPLOAD_RULES),
        heading("四、联系方式"),
        paragraph("", f"如有疑问，请联系{campaign.contact_office}。"),
    ]


def _write_guide(sheet: Worksheet, rulebook: Rulebook, campaign: Campaign, sheets: Layout) -> None:
    for index, width in enumerate(GUIDE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    setup_print(sheet, sum(GUIDE_WIDTHS), title_rows=None)
    _protect(sheet)
    for number, (cells, style) in enumerate(_guide_lines(rulebook, campaign, sheets), start=1):
        sheet.row_dimensions[number].height = (
            TITLE_HEIGHT if style == STYLES.title else row_height(list(zip(cells, GUIDE_WIDTHS, strict=False))[1:])
        )
        sheet.append([_cell(sheet, value or None, style) for value in cells])


def _write_meta(sheet: Worksheet, rulebook: Rulebook, campaign: Campaign) -> None:
    """Hidden key/value rows that let the reader tell which template and campaign a file came from."""
    sheet.sheet_state = "veryHidden"
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    for key, value in zip(META_KEYS, (TEMPLATE_VERSION, rulebook.id, campaign.id, generated_at), strict=False):
        append_row(sheet, [key, value])


# --- data validation --------------------------------------------------------------------------

_DATE_ERROR = f"请填写{DATE_RANGE[0]:%Y-%m-%d}至{DATE_RANGE[1]:%Y-%m-%d}之间的日期，格式如 2020-06-30"


def _rule(column: Column) -> DataValidation:
    """The check Excel applies while typing, by the kind of column."""
    if column.kind in (Kind.CHOICE, Kind.BOOL):
        return DataValidation(type="list", formula1=f'"{",".join(column.choices)}"', error="请从下拉列表中选择")
    if column.kind is Kind.DATE:
        first, last = (str(int(to_excel(day))) for day in DATE_RANGE)
        return DataValidation(type="date", operator="between", formula1=first, formula2=last, error=_DATE_ERROR)
    if column.kind is Kind.INT:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", error="请填写不小于0的整数")
    if column.kind is Kind.PERCENT:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            error="请填写0到100之间的数字，如 25 表示前25%",
        )
    return DataValidation()  # any value: only carries the input message


def _prompt(column: Column) -> str:
    return "；".join(filter(None, ("必填" if column.required else "", column.hint)))


def _add_validation(sheet: Worksheet, column: Column, cells: str) -> None:
    rule = _rule(column)
    prompt = _prompt(column)
    if rule.type is None and not prompt:
        return
    rule.allow_blank = True
    rule.showErrorMessage = rule.type is not None
    rule.errorTitle = "输入有误"
    if prompt:
        rule.showInputMessage = True
        rule.promptTitle = column.header[:32]  # Excel's limit
        rule.prompt = prompt
    rule.add(cells)
    sheet.data_validations.append(rule)
