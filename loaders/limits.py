"""How much an uploaded workbook may cost us before we refuse it."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB  # the upload itself
    max_roster_rows: int = 20_000  # rows of 工作人员名单 (and of any other sheet we read)
    max_decompressed: int = 200 * MB  # sum of the zip entries, declared and actually inflated
    max_zip_entries: int = 2_000
    max_ratio: int = 200  # uncompressed / compressed size of one zip entry
    max_cells: int = 5_000_000  # cells of all sheets' grids handed back by the reader
    child_memory: int = 1024 * MB  # address space of the reading process
    child_seconds: float = 60.0  # wall clock of the reading process
    max_problems: int = 200  # problems shown; the rest are counted
