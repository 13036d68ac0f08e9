"""Every cell the project writes into a workbook goes through here: text stays text.

openpyxl makes a str starting with "=" a formula and one like "#N/A" an error value, and refuses
control characters with IllegalCharacterError. A school's text is none of these: it is stripped of
unsafe characters, OOXML escapes in it (_x0001_) are written so that Excel shows them literally, and
the cell is typed as a string whatever the text starts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time, timedelta
from decimal import Decimal

from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from textsafety import strip_unsafe

CellValue = str | float | Decimal | date | time | timedelta | None  # what a cell holds (int and bool count as float)
_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def set_value(cell: Cell, value: CellValue) -> Cell:
    if isinstance(value, str):
        cell.value = _OOXML_ESCAPE.sub(r"_x005F_\1", strip_unsafe(value))
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def cell_at(ws: Worksheet, row: int, column: int) -> Cell:
    """ws.cell(row, column), typed as the plain cell it is: we never write into a merged range's hidden cells."""
    cell = ws.cell(row, column)
    assert isinstance(cell, Cell), f"{cell.coordinate} is hidden by a merged range"
    return cell


def put(ws: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """ws.cell(row, column, value), text kept as text."""
    return set_value(cell_at(ws, row, column), value)


def new_cell(ws: Worksheet, value: CellValue) -> Cell:
    """A cell for ws.append (also in write-only mode), text kept as text."""
    return set_value(Cell(ws, row=1, column=1), value)  # as openpyxl's WriteOnlyCell; append places it


def append_row(ws: Worksheet, values: Iterable[CellValue]) -> None:
    """ws.append(values), text kept as text."""
    ws.append([new_cell(ws, value) for value in values])


def header_footer_text(text: str) -> str:
    """Text for a printed page header or footer, where "&" starts a formatting code."""
    return strip_unsafe(text).replace("&", "&&")
