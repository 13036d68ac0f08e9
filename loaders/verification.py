"""The on-site verification sheet (验收核查表): its layout, and the print styling of our exports.

One definition serves the writer (`verification_sheet`) and the reader (`inspection`), so the reader
finds the inspector cells where the writer put them. The hidden `_meta` sheet carries what the reader
needs to recognise a sheet: the school, the campaign, the submission, the ordered item ids and a digest
of each row's locked cells, and last a digest of all of these, so that none can be edited alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from loaders.xlsx_style import FONT_NAME, FONT_SIZE

SHEET = "验收核查表"
META_SHEET = "_meta"
META_FORMAT = "reformboard-verification-sheet"
META_VERSION = "2"  # 2: the metadata carries its own digest
META_ITEM = "item"  # key of the _meta rows holding an item id and its row digest
META_DIGEST = "meta_digest"  # key of the last _meta row: the digest of every row above it

TITLE_ROWS = 4  # title line + three lines of school, campaign and submission facts
HEADER_ROW = TITLE_ROWS + 1
FIRST_ITEM_ROW = HEADER_ROW + 1
ROWS_PER_ITEM = 2  # the item's row, then its row of on-site check points (the inspectors' checklist)
SIGNATURE_GAP = 2  # the signature line sits this many rows under the last item's checklist
CHECKLIST_COLUMN = 2  # the checklist spans from here to the last column
CHECKLIST_TITLE = "现场核查要点："
CHECKLIST_NONE = "现场核查要点：无（本项要求均由系统自动核验）"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    inspector: bool = False  # filled in by the inspectors: unlocked, not in the row digest


COLUMNS = (
    Column("编号", 6),
    Column("内容", 45),
    Column("完成时限", 16),  # 2020年10月15日 on one line in 等线 (its digits are wider than the width unit)
    Column("学校自报状态与日期", 18),
    Column("佐证材料", 22),
    Column("系统核验结论", 34),
    Column("现场核查结论", 11, inspector=True),
    Column("核查说明", 24, inspector=True),
)
LAST_COLUMN = len(COLUMNS)
ID_COLUMN = 1
RESULT_COLUMN = 1 + next(n for n, c in enumerate(COLUMNS) if c.header == "现场核查结论")
NOTE_COLUMN = 1 + next(n for n, c in enumerate(COLUMNS) if c.header == "核查说明")
LOCKED_COLUMNS = tuple(n for n, c in enumerate(COLUMNS, start=1) if not c.inspector)

# Signature line: (label column, fill column); the fill cells of 核查人 and 日期 are unlocked.
INSPECTORS_LABEL = "核查人："
SCHOOL_HEAD_LABEL = "学校负责人："
DATE_LABEL = "日期："
SIGNATURE_CELLS = ((2, 3), (5, 6), (7, 8))  # 核查人 B→C:D, 学校负责人 E→F, 日期 G→H


FACT_SPANS = ((1, 2), (3, 5), (6, 8))  # merged cells of each fact line: A:B, C:E, F:H
SCHOOL_FACT = (2, 1)  # (row, column) of "学校：名称（标识码）", the first fact of the first line
SUBMISSION_FACT = (TITLE_ROWS, 1)  # of "提交编号：…", the first fact of the last line


def header_cells() -> list[tuple[int, int]]:
    """(row, column) of every text above the table, in the order the header digest covers them."""
    facts = [(row, first) for row in range(2, TITLE_ROWS + 1) for first, _ in FACT_SPANS]
    return [(1, 1), *facts, *((HEADER_ROW, n) for n in range(1, LAST_COLUMN + 1))]


def item_row(index: int) -> int:
    """The row of the item at `index` (0-based) in the sheet's item order; its checklist is the next row."""
    return FIRST_ITEM_ROW + ROWS_PER_ITEM * index


def signature_row(item_count: int) -> int:
    return item_row(item_count) - 1 + SIGNATURE_GAP


def header_digest(ws: Worksheet) -> str:
    return digest(ws.cell(row, column).value for row, column in header_cells())


def row_digest(ws: Worksheet, row: int) -> str:
    """Digest of one item's locked cells: its row's and its checklist's."""
    locked = [ws.cell(row, column).value for column in LOCKED_COLUMNS]
    return digest([*locked, ws.cell(row + 1, CHECKLIST_COLUMN).value])


def meta_digest(rows: Iterable[Sequence[object]]) -> str:
    """Digest of the _meta rows (school, submission, campaign, header and row digests) but its own."""
    return digest(value for row in rows if row and row[0] != META_DIGEST for value in row)


def digest(values: Iterable[object]) -> str:
    """A short digest of cell values, insensitive to how a spreadsheet program stores line breaks."""
    text = "\x1f".join(_normalised(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _normalised(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


# --- cell styles of the verification exports (print setup and row heights: loaders.xlsx_style) ---

BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
INSPECTOR_FILL = PatternFill("solid", fgColor="FFF9DB")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNDERLINE = Border(bottom=Side(style="thin", color="000000"))
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def set_widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
