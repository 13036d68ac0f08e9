"""A sheet as a grid of cells that remembers where each cell sits in Excel.

Merged ranges are spread over their cells (a merged 所在组织 applies to every row it covers), and
each grid column remembers the Excel column it came from, so a version adapter can add columns
without moving the addresses problems point at.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from loaders.sandbox import RawSheet


@dataclass
class Grid:
    name: str
    rows: list[list[Any]]
    origins: list[int] = field(default_factory=list)  # grid column -> Excel column (0 = A)
    total_rows: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @classmethod
    def from_raw(cls, raw: RawSheet) -> Grid:
        width = max((len(r) for r in raw.rows), default=0)
        rows = [r if len(r) == width else r + [""] * (width - len(r)) for r in raw.rows]  # raw rows are ours
        grid = cls(raw.name, rows, list(range(width)), raw.total_rows, list(raw.merged))
        grid._spread_merged()
        return grid

    @property
    def width(self) -> int:
        return len(self.origins)

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""

    def address(self, row: int, col: int) -> str:
        """ "F17": the cell as Excel names it."""
        origin = self.origins[col] if col < len(self.origins) else col
        return f"{column_letters(origin)}{row + 1}"

    def add_column(self, copy_of: int, header_row: int, header: str) -> None:
        """Append a column holding a copy of another, read as `header`; it keeps the source's address."""
        for index, row in enumerate(self.rows):
            row.append(header if index == header_row else row[copy_of])
        self.origins.append(self.origins[copy_of])

    def _spread_merged(self) -> None:
        budget = 2 * len(self.rows) * self.width  # overlapping ranges beyond this are nonsense, not work
        for (top, left), (bottom, right) in self.merged:
            if top >= len(self.rows) or left >= self.width:
                continue
            anchor = self.rows[top][left]
            bottom, right = min(bottom, len(self.rows) - 1), min(right, self.width - 1)
            budget -= (bottom - top + 1) * (right - left + 1)
            if budget < 0:
                return
            for r in range(top, bottom + 1):
                self.rows[r][left : right + 1] = [anchor] * (right - left + 1)


@functools.cache
def column_letters(col: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
