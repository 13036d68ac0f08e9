"""Export the printable on-site verification sheet (验收核查表) of one school, or of many as a zip.

The sheet shows, per sub-item, what the school claims and what the data proves, and leaves two cells
per item for the inspectors' verdict and note; under each item a row lists its on-site check points (the
clauses no automatic check covers), and the inspectors' names and date go under the table.
Everything else is locked; the hidden `_meta` sheet lets `loaders.inspection` recognise the sheet
when it comes back and tell whether locked cells were changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from checks.deadlines import deadline_wording
from checks.results import ItemAssessment, SchoolAssessment, severity_rank
from checks.rulebook import Item, Rulebook
from checks.schema import SchoolReport
from loaders import verification
from loaders.xlsx_style import LINE_HEIGHT, new_workbook, row_height, setup_print
from textsafety import NAME_BYTES_IN_FILE_NAME, file_name_part
from textsafety.xlsx import append_row, cell_at, header_footer_text, put

_UNLOCKED = Protection(locked=False)
BATCH_SHEET_NAME = "验收核查表.xlsx"  # in the school's folder of a batch
# A member's path in a batch: folder (code, "_", name) / kind of file / file name. These keep it within
# the 255 bytes many unzip tools allow for a whole path.
FOLDER_NAME_BYTES = 120
PACK_NAME_BYTES = 90


@dataclass(frozen=True)
class SheetContext:
    """Who and what a sheet is for."""

    school_code: str
    school_name: str
    unit: str  # supervising unit
    campaign_id: str
    campaign_name: str
    as_of: date
    submission_id: str
    submission_sha256: str
    received: str  # when the board counts the submission received (tenants.submissions.received_text)
    materials: tuple[str, ...] = ()  # each required material and its status, as a line
    evidence: tuple[tuple[str, str], ...] = ()  # (sub-item id, a line naming one evidence file), in order


@dataclass(frozen=True)
class PackFile:
    """A stored document that goes beside the sheet in the school's folder of a batch (the evidence pack)."""

    name: str  # within the school's folder, e.g. "佐证材料/1.2_动员会通知.pdf"
    data: bytes


@dataclass(frozen=True)
class SheetEntry:
    """One school of a batch export."""

    context: SheetContext
    report: SchoolReport
    assessment: SchoolAssessment
    files: tuple[PackFile, ...] = ()


def verification_sheet(
    ctx: SheetContext, rulebook: Rulebook, report: SchoolReport, assessment: SchoolAssessment
) -> bytes:
    """The .xlsx verification sheet of one school."""
    wb, ws = new_workbook()
    ws.title = verification.SHEET
    _write_title_block(ws, ctx, assessment)
    items = rulebook.items
    for index, item in enumerate(items):
        row = verification.item_row(index)
        attached = [line for item_id, line in ctx.evidence if item_id == item.id]
        _write_item_row(ws, row, _item_row(item, report, assessment.item(item.id), attached))
        _write_checklist(ws, row + 1, item)
    _add_result_dropdown(ws, rulebook, len(items))
    _finish_for_print(ws, ctx, _write_materials(ws, ctx, _write_signature(ws, len(items))))
    _write_meta(wb, ctx, rulebook, [item.id for item in items])
    ws.protection.sheet = True
    ws.protection.formatRows = False  # inspectors may heighten a row for a long note
    ws.protection.formatColumns = False
    wb.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding sheets
    return _to_bytes(wb)


def sheet_file_name(ctx: SheetContext) -> str:
    name = file_name_part(ctx.school_name, NAME_BYTES_IN_FILE_NAME)
    return f"{file_name_part(ctx.school_code, 20)}_{name}_验收核查表.xlsx"


def verification_batch(rulebook: Rulebook, entries: Iterable[SheetEntry]) -> bytes:
    """A .zip with a folder per school holding its verification sheet and its evidence pack (the files
    beside it), and an index workbook 索引.xlsx listing the sheets, so inspectors can work offline."""
    buffer = io.BytesIO()
    listed: list[tuple[SheetEntry, str]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            folder = school_folder(entry.context)
            name = f"{folder}/{BATCH_SHEET_NAME}"
            if any(name == listed_name for _, listed_name in listed):
                raise ValueError(f"school {entry.context.school_code} appears twice in the batch")
            archive.writestr(name, verification_sheet(entry.context, rulebook, entry.report, entry.assessment))
            for file in entry.files:
                archive.writestr(f"{folder}/{file.name}", file.data)
            listed.append((entry, name))
        archive.writestr("索引.xlsx", _index_workbook(listed))
    return buffer.getvalue()


def school_folder(ctx: SheetContext) -> str:
    """The school's folder in a batch; short enough that its longest member path still fits 255 bytes."""
    return f"{file_name_part(ctx.school_code, 20)}_{file_name_part(ctx.school_name, FOLDER_NAME_BYTES)}"


# --- the title block ------------------------------------------------------------------------------


def _write_title_block(ws: Worksheet, ctx: SheetContext, assessment: SchoolAssessment) -> None:
    title = f"{ctx.school_name}学生会（研究生会）深化改革验收核查表"
    facts = (
        (f"学校：{ctx.school_name}（{ctx.school_code}）", f"主管单位：{ctx.unit}", f"验收批次：{ctx.campaign_name}"),
        (
            f"数据截至：{ctx.as_of.isoformat()}",
            f"系统评分：{assessment.score:.1f} 分",
            f"系统结论：{assessment.verdict.value}",
        ),
        (f"提交编号：{ctx.submission_id}", f"文件校验码：{ctx.submission_sha256[:12]}", f"收到时间：{ctx.received}"),
    )
    _merged(
        ws,
        1,
        1,
        verification.LAST_COLUMN,
        title,
        verification.TITLE_FONT,
        Alignment(horizontal="center", vertical="center"),
    )
    ws.row_dimensions[1].height = 28
    for row, line in enumerate(facts, start=2):
        for (first, last), text in zip(verification.FACT_SPANS, line, strict=False):
            _merged(ws, row, first, last, text, verification.BODY_FONT, Alignment(vertical="center", wrap_text=True))
        ws.row_dimensions[row].height = row_height(
            [
                (text, _span_width(first, last))
                for (first, last), text in zip(verification.FACT_SPANS, line, strict=False)
            ]
        )
    for n, column in enumerate(verification.COLUMNS, start=1):
        cell = put(ws, verification.HEADER_ROW, n, column.header)
        cell.font, cell.fill, cell.border, cell.alignment = (
            verification.BOLD_FONT,
            verification.HEADER_FILL,
            verification.BORDER,
            verification.WRAP_CENTER,
        )
    ws.row_dimensions[verification.HEADER_ROW].height = row_height([(c.header, c.width) for c in verification.COLUMNS])


def _merged(ws: Worksheet, row: int, first: int, last: int, text: str, font: Font, alignment: Alignment) -> None:
    cell = put(ws, row, first, text)
    cell.font, cell.alignment = font, alignment
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _span_width(first: int, last: int) -> float:
    return sum(_widths()[first - 1 : last])


def _widths() -> list[float]:
    return [c.width for c in verification.COLUMNS]


# --- item rows ------------------------------------------------------------------------------------


def _item_row(item: Item, report: SchoolReport, assessed: ItemAssessment, attached: Sequence[str]) -> list[str]:
    """The locked values of one item row, in column order."""
    return [
        item.id,
        item.content,
        _due_text(item, assessed),
        _self_report(report, item.id),
        _evidence(report, item.id, attached),
        _system_conclusion(assessed),
    ]


def _due_text(item: Item, assessed: ItemAssessment) -> str:
    """The deadline the item was judged against (the campaign's may differ from the rulebook's), and its source."""
    text, source = deadline_wording(item, assessed.deadline)
    return f"{text}\n（{source}）"


def _self_report(report: SchoolReport, item_id: str) -> str:
    reported = report.item(item_id)
    if reported is None:
        return "未填报"
    if reported.completed_on is None:
        return reported.status.value
    return f"{reported.status.value} {reported.completed_on.isoformat()}"


def _evidence(report: SchoolReport, item_id: str, attached: Sequence[str]) -> str:
    """The school's description of its evidence, then the evidence files uploaded for the item."""
    reported = report.item(item_id)
    lines = []
    if reported is not None:
        lines = [reported.evidence.strip(), f"（说明：{reported.note.strip()}）" if reported.note.strip() else ""]
    if attached:
        lines += ["附件：", *(f"· {line}" for line in attached)]
    return "\n".join(line for line in lines if line)


def _system_conclusion(assessed: ItemAssessment) -> str:
    findings = sorted(assessed.findings, key=lambda f: severity_rank(f.severity))
    return "\n".join([assessed.state.value, *(f"{f.severity.value}：{f.text}" for f in findings)])


def _write_item_row(ws: Worksheet, row: int, values: Sequence[str]) -> None:
    for n, value in enumerate(values, start=1):
        cell = put(ws, row, n, value or None)
        cell.font, cell.border, cell.alignment = verification.BODY_FONT, verification.BORDER, verification.WRAP_TOP
    ws.cell(row, verification.ID_COLUMN).alignment = Alignment(vertical="top", horizontal="center")
    for n in (verification.RESULT_COLUMN, verification.NOTE_COLUMN):
        _inspector_cell(cell_at(ws, row, n))
    ws.cell(row, verification.RESULT_COLUMN).alignment = Alignment(vertical="top", horizontal="center")
    room_to_write = 3 * LINE_HEIGHT  # the inspectors write by hand on the printed sheet
    ws.row_dimensions[row].height = max(room_to_write, row_height(list(zip(values, _widths(), strict=False))))


def _checklist_text(item: Item) -> str:
    """The item's on-site check points, one box to tick each: the clause quoted, then what to look at."""
    points = item.onsite_points
    if not points:
        return verification.CHECKLIST_NONE
    return "\n".join([verification.CHECKLIST_TITLE, *(f"□ {p.text}——{p.onsite}" for p in points)])


def _write_checklist(ws: Worksheet, row: int, item: Item) -> None:
    text = _checklist_text(item)
    _merged(
        ws,
        row,
        verification.CHECKLIST_COLUMN,
        verification.LAST_COLUMN,
        text,
        verification.BODY_FONT,
        verification.WRAP_TOP,
    )
    for column in range(1, verification.LAST_COLUMN + 1):
        ws.cell(row, column).border = verification.BORDER
    ws.row_dimensions[row].height = row_height(
        [(text, _span_width(verification.CHECKLIST_COLUMN, verification.LAST_COLUMN))]
    )


def _inspector_cell(cell: Cell) -> None:
    cell.protection = _UNLOCKED
    cell.fill = verification.INSPECTOR_FILL
    cell.font, cell.border, cell.alignment = verification.BODY_FONT, verification.BORDER, verification.WRAP_TOP


def _add_result_dropdown(ws: Worksheet, rulebook: Rulebook, item_count: int) -> None:
    words = list(rulebook.onsite_severity)
    validation = DataValidation(
        type="list",
        formula1=f'"{",".join(words)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="现场核查结论无效",
        error=f"请从下拉列表中选择：{'、'.join(words)}",
        showInputMessage=True,
        promptTitle="现场核查结论",
        prompt=f"选择 {'、'.join(words)}；未核查的留空",
    )
    column = get_column_letter(verification.RESULT_COLUMN)
    for index in range(item_count):
        validation.add(f"{column}{verification.item_row(index)}")
    ws.add_data_validation(validation)


# --- signature line, print setup, metadata -------------------------------------------------------


def _write_signature(ws: Worksheet, item_count: int) -> int:
    row = verification.signature_row(item_count)
    labels = (verification.INSPECTORS_LABEL, verification.SCHOOL_HEAD_LABEL, verification.DATE_LABEL)
    for (label_column, fill_column), label in zip(verification.SIGNATURE_CELLS, labels, strict=False):
        cell = put(ws, row, label_column, label)
        cell.font, cell.alignment = verification.BOLD_FONT, Alignment(horizontal="right", vertical="center")
        ws.cell(row, fill_column).border = verification.UNDERLINE
    inspectors, when = _signature_fill_cells(ws, row)
    for cell in (inspectors, when):
        cell.protection, cell.font = _UNLOCKED, verification.BODY_FONT
        cell.alignment = Alignment(horizontal="center", vertical="center")
    # several names need more room than one column
    ws.merge_cells(start_row=row, start_column=inspectors.column, end_row=row, end_column=inspectors.column + 1)
    when.number_format = 'yyyy"年"m"月"d"日"'
    _add_date_validation(ws, when)
    ws.row_dimensions[row].height = 32
    return row


def _write_materials(ws: Worksheet, ctx: SheetContext, signature_row: int) -> int:
    """Under the signature line, the required materials and their statuses; returns the sheet's last row."""
    if not ctx.materials:
        return signature_row
    row = signature_row + 1
    text = "报送材料：" + "；".join(ctx.materials)
    _merged(ws, row, 1, verification.LAST_COLUMN, text, verification.BODY_FONT, verification.WRAP_TOP)
    ws.row_dimensions[row].height = row_height([(text, _span_width(1, verification.LAST_COLUMN))])
    return row


def _add_date_validation(ws: Worksheet, cell: Cell) -> None:
    validation = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 2000-01-01
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="日期无效",
        error="请填写核查日期，如 2020-10-20",
    )
    validation.add(cell.coordinate)
    ws.add_data_validation(validation)


def _signature_fill_cells(ws: Worksheet, row: int) -> tuple[Cell, Cell]:
    """The two fillable cells of the signature line: 核查人 and 日期."""
    (_, inspectors), _, (_, when) = verification.SIGNATURE_CELLS
    return cell_at(ws, row, inspectors), cell_at(ws, row, when)


def _finish_for_print(ws: Worksheet, ctx: SheetContext, last_row: int) -> None:
    verification.set_widths(ws, _widths())
    setup_print(ws, sum(_widths()), title_rows=f"{verification.HEADER_ROW}:{verification.HEADER_ROW}")
    header = ws.oddHeader
    assert header is not None  # openpyxl gives every sheet one; its type merely allows None
    header.center.text = header_footer_text(f"{ctx.school_name}（{ctx.school_code}）验收核查表")
    ws.print_area = f"A1:{get_column_letter(verification.LAST_COLUMN)}{last_row}"
    ws.freeze_panes = ws.cell(verification.FIRST_ITEM_ROW, 1).coordinate


def _write_meta(wb: Workbook, ctx: SheetContext, rulebook: Rulebook, item_ids: list[str]) -> None:
    """What the reader needs to recognise the sheet, with digests of the locked cells as written."""
    ws = wb[verification.SHEET]
    meta = wb.create_sheet(verification.META_SHEET)
    meta.sheet_state = "veryHidden"
    facts = {
        "format": verification.META_FORMAT,
        "version": verification.META_VERSION,
        "school_code": ctx.school_code,
        "school_name": ctx.school_name,
        "campaign_id": ctx.campaign_id,
        "rulebook_id": rulebook.id,
        "submission_id": ctx.submission_id,
        "submission_sha256": ctx.submission_sha256,
        "as_of": ctx.as_of.isoformat(),
        "header_digest": verification.header_digest(ws),
    }
    for key, value in facts.items():
        append_row(meta, [key, value])
    for index, item_id in enumerate(item_ids):
        append_row(meta, [verification.META_ITEM, item_id, verification.row_digest(ws, verification.item_row(index))])
    # over the rows as stored, so the reader recomputes it from exactly what it reads back
    append_row(meta, [verification.META_DIGEST, verification.meta_digest(meta.iter_rows(values_only=True))])
    meta.protection.sheet = True


def _to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- the batch index ------------------------------------------------------------------------------

_INDEX_COLUMNS = (
    ("序号", 6),
    ("学校代码", 13),
    ("学校名称", 28),
    ("主管单位", 20),
    ("系统评分", 10),
    ("系统结论", 11),
    ("文件名", 52),
)


def _index_workbook(listed: Sequence[tuple[SheetEntry, str]]) -> bytes:
    wb, ws = new_workbook()
    ws.title = "索引"
    append_row(ws, [header for header, _ in _INDEX_COLUMNS])
    for n, (entry, name) in enumerate(listed, start=1):
        ctx, assessment = entry.context, entry.assessment
        append_row(
            ws,
            [n, ctx.school_code, ctx.school_name, ctx.unit, round(assessment.score, 1), assessment.verdict.value, name],
        )
    for row in ws.iter_rows():
        for cell in row:
            cell.font, cell.border, cell.alignment = (
                verification.BODY_FONT,
                verification.BORDER,
                Alignment(vertical="center"),
            )
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = (
            verification.BOLD_FONT,
            verification.HEADER_FILL,
            verification.WRAP_CENTER,
        )
    widths = [width for _, width in _INDEX_COLUMNS]
    verification.set_widths(ws, widths)
    setup_print(ws, sum(widths))
    ws.freeze_panes = "A2"
    return _to_bytes(wb)
