"""Find a table's header row and map its cells onto the template's columns.

Headers match after normalisation (full-width to half-width, no spaces or line breaks, （）equal to
(), required-markers like * or （必填） dropped), first exactly, then ignoring bracketed parts, so
"所属学院（系）", "所属学院(系)" and "所属 学院" are one column. Columns may come in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.cells import shown, squeeze
from loaders.grid import Grid
from loaders.layout import Column, Sheet

SEARCH_ROWS = 10  # a title row or two may sit above the header
_MARKERS = re.compile(r"^\*+|\*+$|\((必填|选填|可选)\)")
_BRACKETED = re.compile(r"\([^)]*\)")


def header_key(text: str) -> str:
    return _MARKERS.sub("", squeeze(text))


def loose_key(text: str) -> str:
    return _BRACKETED.sub("", header_key(text))


@dataclass
class HeaderRow:
    row: int  # grid row of the headers
    columns: dict[str, int] = field(default_factory=dict)  # field -> grid column
    extras: list[int] = field(default_factory=list)  # grid columns with a header we do not know
    repeats: list[tuple[int, Column]] = field(default_factory=list)  # a second column for a field


class ColumnMatcher:
    """Which template column a written header means, for one sheet."""

    def __init__(self, sheet: Sheet) -> None:
        self.exact: dict[str, Column] = {}
        self.loose: dict[str, Column] = {}
        for column in sheet.columns:  # headers first, so a header wins over another column's synonym
            self.exact.setdefault(header_key(column.header), column)
            self.loose.setdefault(loose_key(column.header), column)
        for column in sheet.columns:
            for synonym in column.synonyms:
                self.exact.setdefault(header_key(synonym), column)
                self.loose.setdefault(loose_key(synonym), column)

    def match(self, text: str) -> Column | None:
        if not text:
            return None
        return self.exact.get(header_key(text)) or self.loose.get(loose_key(text))


def find_header_row(grid: Grid, sheet: Sheet) -> HeaderRow | None:
    """The row among the first few that names the most template columns; None when none does."""
    matcher = ColumnMatcher(sheet)
    best: HeaderRow | None = None
    best_count = 0
    for row in range(min(SEARCH_ROWS, len(grid.rows))):
        candidate = _read_header_row(grid, row, matcher)
        if len(candidate.columns) > best_count:
            best, best_count = candidate, len(candidate.columns)
    return best


def _read_header_row(grid: Grid, row: int, matcher: ColumnMatcher) -> HeaderRow:
    found = HeaderRow(row)
    previous = None
    for col in range(grid.width):
        text = shown(grid.value(row, col)).strip()
        if not text:
            previous = None
            continue
        column = matcher.match(text)
        if column is None:
            found.extras.append(col)
        elif column.field not in found.columns:
            found.columns[column.field] = col
        elif text != previous:  # a merged header spreads over its cells: not a second column
            found.repeats.append((col, column))
        previous = text
    return found
