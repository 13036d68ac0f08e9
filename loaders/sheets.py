"""Read one sheet of the template into rows of normalised values, collecting a problem per bad cell.

Tables: the header row is found among the first rows, blank rows are skipped, a note under the
table (注/说明/备注 …) ends it, summary rows (合计 …) and columns we do not know are ignored with a
提示. Forms (学校信息): a label cell, its value in the next cell to the right.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress
from operator import itemgetter
from typing import Any, NamedTuple

from loaders.cells import BadValue, Noted, clean, is_empty, parser_for, read_as_written, shown
from loaders.grid import Grid, column_letters
from loaders.headers import ColumnMatcher, HeaderRow, find_header_row
from loaders.layout import Column, Sheet
from loaders.problems import Problem, error, note
from textsafety import has_unsafe, strip_unsafe

_NOTE_STARTS = ("注", "说明", "备注", "填表说明", "填报说明")
_SUMMARY_STARTS = ("合计", "小计", "总计")
_OPENING_CHARACTERS = frozenset(start[0] for start in _NOTE_STARTS + _SUMMARY_STARTS)
FORM_SEARCH_ROWS = 40
STRIPPED = "“{header}”中含有不可见的控制字符（常见于从其他系统复制的内容），已删除后读取，请核对此单元格的内容。"


class Table:
    """A sheet's records column by column: field -> each record's value (None when empty or unreadable).

    A roster can have 100,000 records; they become objects once, as the schema's records
    (loaders.workbook), and a Row only where a check looks at one record."""

    __slots__ = ("sheet", "columns", "numbers", "letters", "form_cells")

    def __init__(
        self,
        sheet: str,
        columns: dict[str, list[Any]],
        numbers: list[int],
        letters: Mapping[str, str],
        form_cells: Mapping[str, str] | None = None,
    ) -> None:
        self.sheet = sheet
        self.columns = columns
        self.numbers = numbers  # each record's Excel row number
        self.letters = letters  # field -> its column's letters ("F")
        self.form_cells = form_cells  # a form's one record: field -> the cell it was read from

    def __len__(self) -> int:
        return len(self.numbers)

    def __iter__(self) -> Iterator[Row]:
        return map(self.row, range(len(self.numbers)))

    def row(self, n: int) -> Row:
        return Row(self, n)

    def column(self, name: str) -> list[Any]:
        """Each record's value of the field; all None when the sheet has no such column."""
        return self.columns.get(name) or [None] * len(self.numbers)

    def cells(self, n: int) -> Mapping[str, str]:
        return self.form_cells if self.form_cells is not None else TableCells(self.letters, self.numbers[n])

    def sources(self) -> list[str]:
        """Each record's first cell, as "工作人员名单!A17": where the schema's record came from."""
        return [f"{self.sheet}!A{number}" for number in self.numbers]


class Row:
    """One record of a Table, as read: its values by field and the Excel cell each came from."""

    __slots__ = ("table", "n")

    def __init__(self, table: Table, n: int) -> None:
        self.table, self.n = table, n

    @property
    def sheet(self) -> str:
        return self.table.sheet

    @property
    def cells(self) -> Mapping[str, str]:
        return self.table.cells(self.n)

    def get(self, name: str) -> Any:
        column = self.table.columns.get(name)
        return None if column is None else column[self.n]


class TableCells(Mapping[str, str]):
    """A table row's field -> "F17", made on demand from the table's column letters: a roster can
    have 100,000 rows, and only the few cells a problem names are ever asked for."""

    __slots__ = ("letters", "number")

    def __init__(self, letters: Mapping[str, str], number: int) -> None:
        self.letters, self.number = letters, number  # letters: field -> "F", shared by the table's rows

    def __getitem__(self, name: str) -> str:
        return f"{self.letters[name]}{self.number}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)


class _Mapped:
    """A template column found in the sheet, with what reading its cells needs, worked out once.

    A roster repeats its values (政治面貌, 是/否, the organisation's name…), so the column's cells are
    read together and each distinct raw value once (see _keys for when a value's type is part of its
    key)."""

    __slots__ = ("column", "col", "parse")

    def __init__(self, column: Column, col: int) -> None:
        self.column, self.col, self.parse = column, col, parser_for(column)

    def read(self, raws: Sequence[Any]) -> tuple[list[Any], list[tuple[int, Reading]]]:
        """The cells' values, and the cells with something to tell (an 错误 or 提示) by position. A
        roster's cells are many: the work per cell is done by dict and map, not by a Python loop."""
        keys, distinct = _keys(raws)
        firsts = distinct if keys is raws else list(map(_RAW, distinct))
        safe = not has_unsafe("\n".join(raw for raw in firsts if type(raw) is str))  # one search for the column
        value_of = self._read_as_written(distinct, firsts) if safe else {}
        readings = {
            key: read_cell(self.column, raw, self.parse, safe=safe)
            for key, raw in zip(distinct, firsts, strict=True)
            if key not in value_of
        }
        value_of.update(zip(readings, map(_VALUE, readings.values()), strict=True))
        values = list(map(value_of.__getitem__, keys))
        telling = {key for key, reading in readings.items() if reading.wrong is not None or reading.hint is not None}
        if not telling:
            return values, []
        return values, [(n, readings[keys[n]]) for n in compress(range(len(keys)), map(telling.__contains__, keys))]

    def _read_as_written(self, keys: list[Any], raws: list[Any]) -> dict[Any, Any]:
        """key -> value of the cells read as written (loaders.cells.read_as_written), when all are text."""
        if not {str}.issuperset(map(type, raws)):
            return {}
        plain = read_as_written(self.column.kind, raws)
        return {} if plain is None else dict(compress(zip(keys, raws, strict=True), plain))


def _keys(raws: Sequence[Any]) -> tuple[Sequence[Any], list[Any]]:
    """Each cell's key, and the distinct keys in order. 1, 1.0 and True are equal keys to a dict but not
    to a reader, so where two of them meet, cells are keyed by their type and value. Keying every cell so
    (tuples made and hashed twice per cell) read a 10,000-row roster's staff sheet in 195–238 ms instead
    of 139–144 ms; and the cells' types are looked at only where the distinct values hold a number."""
    distinct = list(dict.fromkeys(raws))
    if _NUMBER_TYPES.isdisjoint(map(type, distinct)) or len(_NUMBER_TYPES.intersection(map(type, raws))) < 2:
        return raws, distinct
    keys = list(zip(map(type, raws), raws, strict=True))
    return keys, list(dict.fromkeys(keys))


_NUMBER_TYPES = frozenset({bool, int, float})
_RAW = itemgetter(1)  # a (type, value) key's value


class Reading(NamedTuple):
    """One cell as read: its value (None for a bad cell), what is wrong with it (an 错误), and what was
    assumed or removed in reading it (a 提示), each a sentence naming the column."""

    value: Any
    wrong: str | None = None
    hint: str | None = None


def read_cell(column: Column, raw: Any, parse: Callable[[Any], Any], *, safe: bool = False) -> Reading:
    """`safe`: the caller has found no unsafe character in the cell's text (textsafety.UNSAFE)."""
    stripped = None
    if not safe and isinstance(raw, str) and has_unsafe(raw):  # a raw byte, an _x0001_ escape or a &#1; reference
        raw, stripped = strip_unsafe(raw), STRIPPED.format(header=column.header)
    if is_empty(raw):
        return Reading(None, f"“{column.header}”为必填项，不能为空。" if column.required else None, stripped)
    try:
        value = parse(raw)
    except BadValue as exc:
        return Reading(None, f"“{column.header}”{exc}。", stripped)
    if isinstance(value, Noted):
        noted = f"“{column.header}”{value.hint}。"
        return Reading(value.value, hint=f"{stripped}{noted}" if stripped else noted)
    return Reading(value, None, stripped)


# Something to tell about a table's cell or row: (grid row, column's place among the read ones or -1 for the
# whole row, the row's note or the column and the cell's reading).
Told = tuple[int, int, "Problem | tuple[_Mapped, Reading]"]
_VALUE = itemgetter(0)  # a Reading's value
_ROW_AND_COLUMN = itemgetter(0, 1)


class SheetReader:
    def __init__(self, grid: Grid, sheet: Sheet, problems: list[Problem], max_rows: int) -> None:
        self.grid = grid
        self.sheet = sheet
        self.problems = problems
        self.max_rows = max_rows
        self.reported: set[str] = set()  # cells already named: an adapter's copied column reports once

    def read(self) -> Table | None:
        """The sheet's records; None when the sheet cannot be read at all (the problem is recorded)."""
        return self.read_form() if self.sheet.form else self.read_table()

    # --- tables ---

    def read_table(self) -> Table | None:
        header = find_header_row(self.grid, self.sheet)
        if header is None:
            self.problems.append(
                error(
                    "找不到表头行。请使用模板原有的表头（如“"
                    + "”“".join(c.header for c in self.sheet.columns[:3])
                    + "”），不要删除或改写表头。",
                    sheet=self.grid.name,
                )
            )
            return None
        self._note_header_extras(header)
        if not self._has_required_columns(header):
            return None
        if self.grid.total_rows - header.row - 1 > self.max_rows:
            self.problems.append(
                error(
                    f"数据行过多（约 {self.grid.total_rows - header.row - 1} 行），上限为 {self.max_rows} 行。"
                    "请删除多余的空行或无关内容后再上传。",
                    sheet=self.grid.name,
                )
            )
            return None
        return self._data_rows(header)

    def _note_header_extras(self, header: HeaderRow) -> None:
        for col in header.extras:
            text = clean(shown(self.grid.value(header.row, col)))
            self.problems.append(
                note(
                    f"模板中没有“{text}”这一列，该列内容未读取。",
                    sheet=self.grid.name,
                    cell=self.grid.address(header.row, col),
                    value=text,
                )
            )
        for col, column in header.repeats:
            first = self.grid.address(header.row, header.columns[column.field])
            self.problems.append(
                note(
                    f"“{column.header}”列重复出现，以 {first} 所在列为准，此列未读取。",
                    sheet=self.grid.name,
                    cell=self.grid.address(header.row, col),
                    field=column.header,
                )
            )

    def _has_required_columns(self, header: HeaderRow) -> bool:
        missing = [c for c in self.sheet.columns if c.required and c.field not in header.columns]
        for column in missing:
            self.problems.append(
                error(
                    f"缺少必填列“{column.header}”。请在表头行（第 {header.row + 1} 行）补上这一列并填写内容。",
                    sheet=self.grid.name,
                    field=column.header,
                )
            )
        return not missing

    def _data_rows(self, header: HeaderRow) -> Table:
        """The records under the header, read column by column; problems in the order of the cells."""
        mapped = [_Mapped(self.sheet.column(f), col) for f, col in header.columns.items()]
        letters = {f: column_letters(self.grid.origins[col]) for f, col in header.columns.items()}
        numbers, told, trailing = self._record_rows(header, mapped)
        grid_rows = self.grid.rows
        # One row-major pass: gathering each column from every row in turn was four times slower on a
        # 10,000-row roster, its cells scattered in memory.
        by_column = list(zip(*(grid_rows[r] for r in numbers), strict=True)) or [()] * self.grid.width
        columns = {}
        for k, m in enumerate(mapped):
            columns[m.column.field], telling = m.read(by_column[m.col])
            told += [(numbers[n], k, (m, reading)) for n, reading in telling]
        for r, _, what in sorted(told, key=_ROW_AND_COLUMN):  # in the order of reading row by row, cell by cell
            if isinstance(what, Problem):
                self.problems.append(what)
            else:
                m, reading = what
                self._tell(m.column, grid_rows[r][m.col], TableCells(letters, r + 1), reading)
        if trailing is not None:
            self._note_trailing(trailing)
        return Table(self.grid.name, columns, [r + 1 for r in numbers], letters)

    def _record_rows(self, header: HeaderRow, mapped: list[_Mapped]) -> tuple[list[int], list[Told], int | None]:
        """The grid rows holding records; notes on the rows skipped (合计, only outside the template's
        columns) by row; and the row of the note under the table that ends it, if any."""
        numbers: list[int] = []
        told: list[Told] = []
        mapped_columns = {m.col for m in mapped}
        for r in range(header.row + 1, len(self.grid.rows)):
            cells = self.grid.rows[r]
            col = _first_filled(cells)
            if col is None:
                continue
            first = cells[col]
            text = clean(first) if _may_open_note(first) else ""
            if text.startswith(_NOTE_STARTS) and all(v == first for v in cells if not is_empty(v)):
                return numbers, told, r
            if text.startswith(_SUMMARY_STARTS):
                summary = note(
                    "合计/小计行不作为数据读取。", sheet=self.grid.name, cell=self.grid.address(r, 0), value=text
                )
                told.append((r, -1, summary))
                continue
            if col not in mapped_columns and all(is_empty(cells[m.col]) for m in mapped):
                outside = note(
                    "此行只在模板以外的列中有内容，已忽略。", sheet=self.grid.name, cell=self.grid.address(r, 0)
                )
                told.append((r, -1, outside))
                continue
            numbers.append(r)
        return numbers, told, None

    def _note_trailing(self, note_row: int) -> None:
        later = [r for r in range(note_row + 1, len(self.grid.rows)) if any(not is_empty(v) for v in self.grid.rows[r])]
        if later:
            self.problems.append(
                note(
                    f"第 {note_row + 1} 行起视为表格下方的说明文字，其后第 {later[0] + 1}–{later[-1] + 1} 行的内容未读取；"
                    "如果其中有数据，请移到说明文字上方。",
                    sheet=self.grid.name,
                    cell=self.grid.address(note_row, 0),
                )
            )

    def _tell(self, column: Column, raw: Any, cells: Mapping[str, str], reading: Reading) -> None:
        """The cell's 错误, else its 提示, once per cell."""
        cell = cells[column.field]
        if cell not in self.reported:
            self.reported.add(cell)
            make, message = (error, reading.wrong) if reading.wrong is not None else (note, reading.hint or "")
            self.problems.append(
                make(
                    message,
                    sheet=self.grid.name,
                    cell=cell,
                    field=column.header,
                    value="" if is_empty(raw) else strip_unsafe(shown(raw)),
                )
            )

    # --- forms ---

    def read_form(self) -> Table:
        labels = self._form_labels()
        cells: dict[str, str] = {}
        columns: dict[str, list[Any]] = {}
        for column in self.sheet.columns:
            if column.field not in labels:
                if column.required:
                    self.problems.append(
                        error(
                            f"找不到“{column.header}”一项。请在表中保留“{column.header}”标签，并在其右侧单元格填写。",
                            sheet=self.grid.name,
                            field=column.header,
                        )
                    )
                continue
            r, col = labels[column.field]
            cells[column.field] = self.grid.address(r, col)
            raw = self.grid.value(r, col)
            reading = read_cell(column, raw, parser_for(column))
            columns[column.field] = [reading.value]
            if reading.wrong is not None or reading.hint is not None:
                self._tell(column, raw, cells, reading)
        return Table(self.grid.name, columns, [1], {}, form_cells=cells)

    def _form_labels(self) -> dict[str, tuple[int, int]]:
        """field -> (row, col) of the cell holding its value: the first cell right of the label."""
        matcher = ColumnMatcher(self.sheet)
        found: dict[str, tuple[int, int]] = {}
        for r in range(min(FORM_SEARCH_ROWS, len(self.grid.rows))):
            col = 0
            while col < self.grid.width:
                label = self.grid.value(r, col)
                column = matcher.match(clean(shown(label))) if isinstance(label, str) else None
                if column is None or column.field in found:
                    col += 1
                    continue
                value_col = col + 1
                while value_col < self.grid.width and self.grid.value(r, value_col) == label:
                    value_col += 1  # a merged label spreads over several cells
                found[column.field] = (r, value_col)
                col = value_col + 1
        return found


def _first_filled(cells: list[Any]) -> int | None:
    """The column of the row's first cell that is not empty, or None."""
    for col, value in enumerate(cells):
        if not is_empty(value):
            return col
    return None


def _may_open_note(value: Any) -> bool:
    """Whether the cell's text (loaders.cells.clean) may start with a note's or a summary's word: its first
    character after blanks is one of theirs, or one NFKC may turn into one of theirs (⼩ is 小). Cleaning
    every row's first cell took a roster's reading 4% longer."""
    if not isinstance(value, str):
        return False  # what a number, date or time shows starts with no Chinese character
    head = value.lstrip()[:1]
    return head in _OPENING_CHARACTERS or not unicodedata.is_normalized("NFKC", head)
