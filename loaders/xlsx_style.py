"""The look of the workbooks we hand out: named cell styles, row heights and print setup.

Named styles keep the file small (one style record per kind of cell, not per cell) and let a
write-only workbook style a 100,000-row roster quickly.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "等线"
FONT_SIZE = 11
LINE_HEIGHT = 16.0  # points per printed line of 11-point text: CJK fonts (等线, Noto Sans CJK) need ~16
LANDSCAPE_ABOVE = 100  # total column width (in characters) beyond which a sheet prints landscape

_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOP_LEFT_WRAP = Alignment(vertical="top", wrap_text=True)
_MIDDLE_LEFT_WRAP = Alignment(vertical="center", wrap_text=True)
_OPEN = Protection(locked=False)
_LOCKED = Protection(locked=True)


def _font(bold: bool = False, size: int = FONT_SIZE, color: str = "000000") -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, color=color)


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


@dataclass(frozen=True)
class Styles:
    """Names of the registered styles, one per kind of cell."""

    header: str = "rb 表头"
    header_required: str = "rb 必填表头"
    given: str = "rb 预填"  # pre-filled by the template, locked
    text: str = "rb 文本"
    code: str = "rb 代码"  # kept as text so leading zeros and long numbers survive
    number: str = "rb 数字"
    date: str = "rb 日期"
    label: str = "rb 标签"
    hint: str = "rb 说明"
    title: str = "rb 标题"
    heading: str = "rb 小标题"
    paragraph: str = "rb 段落"


STYLES = Styles()


def _named(name: str, **parts: object) -> NamedStyle:
    style = NamedStyle(name=name)
    for attribute, value in parts.items():
        setattr(style, attribute, value)
    return style


def _header(name: str, fill: str) -> NamedStyle:
    return _named(
        name,
        font=_font(bold=True),
        fill=_fill(fill),
        border=_BOX,
        protection=_LOCKED,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    )


def _input(name: str, number_format: str = "General", horizontal: str | None = None) -> NamedStyle:
    return _named(
        name,
        font=_font(),
        border=_BOX,
        protection=_OPEN,
        number_format=number_format,
        alignment=Alignment(horizontal=horizontal, vertical="center", wrap_text=True),
    )


def _named_styles() -> tuple[NamedStyle, ...]:
    return (
        _header(STYLES.header, "DDEBF7"),
        _header(STYLES.header_required, "BDD7EE"),
        _named(
            STYLES.given,
            font=_font(),
            fill=_fill("F2F2F2"),
            border=_BOX,
            protection=_LOCKED,
            alignment=_MIDDLE_LEFT_WRAP,
        ),
        _input(STYLES.text),
        _input(STYLES.code, number_format="@"),
        _input(STYLES.number, horizontal="center"),
        _input(STYLES.date, number_format="yyyy-mm-dd", horizontal="center"),
        _named(
            STYLES.label,
            font=_font(bold=True),
            fill=_fill("F2F2F2"),
            border=_BOX,
            protection=_LOCKED,
            alignment=_MIDDLE_LEFT_WRAP,
        ),
        _named(STYLES.hint, font=_font(color="595959"), border=_BOX, protection=_LOCKED, alignment=_MIDDLE_LEFT_WRAP),
        _named(STYLES.title, font=_font(bold=True, size=16), alignment=Alignment(vertical="center")),
        _named(STYLES.heading, font=_font(bold=True, size=12, color="1F4E79"), alignment=Alignment(vertical="bottom")),
        _named(STYLES.paragraph, font=_font(), alignment=_TOP_LEFT_WRAP),
    )


def new_workbook() -> tuple[Workbook, Worksheet]:
    """A new workbook and its one sheet, typed as the Worksheet it is (openpyxl's `active` may be anything)."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return workbook, sheet


def register_styles(workbook: Workbook) -> None:
    for style in _named_styles():
        workbook.add_named_style(style)


_PARTS = {style.name: style for style in _named_styles()}  # unbound copies, read for column styles


def style_column(dimension: ColumnDimension, style_name: str, width: float) -> None:
    """Give a whole column a style's font, format and lock, so cells typed later look the same.

    Borders and fills are left to written cells: on a whole column they would run down the sheet.
    """
    style = _PARTS[style_name]
    dimension.width = width
    dimension.font = style.font
    dimension.number_format = style.number_format
    dimension.alignment = style.alignment
    dimension.protection = style.protection


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1, 1)  # cell padding
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n"))


def row_height(cells: Sequence[tuple[str, float]]) -> float:
    """Height in points that shows every (text, column width) pair of a row without clipping."""
    lines = max((lines_needed(text, width) for text, width in cells if text), default=1)
    return lines * LINE_HEIGHT + 3


def setup_print(sheet: Worksheet, total_width: float, title_rows: str | None = "1:1") -> None:
    """A4, fitted to the page width, header row repeated on every page, page numbers in the footer."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if total_width > LANDSCAPE_ABOVE else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    footer = sheet.oddFooter
    assert footer is not None  # openpyxl gives every sheet one; its type merely allows None
    footer.center.text = "&A 第 &P 页，共 &N 页"
    if title_rows:
        sheet.print_title_rows = title_rows
