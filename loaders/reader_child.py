"""What runs inside a reading child: limits first, then python-calamine, answering in a pickle.

Kept apart from loaders.sandbox (the parent's side) and importing almost nothing, because children
started as `python -m module` (loaders.annotate) pay its imports on each file. Workbooks are read by
children of loaders.reader_server, which speaks to its parent in the frames below.
"""

from __future__ import annotations

import io
import resource
import struct
import sys
from typing import IO

_FRAME_LENGTH = struct.Struct("!Q")

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing into every child
if TYPE_CHECKING:
    from typing import Any

    from python_calamine import CalamineSheet


def limit_self(memory: int, seconds: int) -> None:
    """Called first thing in a child: cap its address space and CPU time, and dump no core."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def read_input(size: int) -> tuple[bytes, bytes]:
    """The workbook (the first `size` bytes of standard input) and whatever the parent sent after it."""
    data = sys.stdin.buffer.read(size)
    return data, sys.stdin.buffer.read()


def send_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_FRAME_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def receive_frame(stream: IO[bytes]) -> bytes | None:
    """The next frame's payload; None when the other side has closed the stream (or died mid-frame)."""
    head = stream.read(_FRAME_LENGTH.size)
    if len(head) < _FRAME_LENGTH.size:
        return None
    (length,) = _FRAME_LENGTH.unpack(head)
    payload = stream.read(length)
    return payload if len(payload) == length else None


def read(data: bytes, max_rows: int, max_cells: int) -> tuple[str, object]:
    """("ok", sheets as dicts of plain data), ("password", None) or ("unreadable", why)."""
    import python_calamine as calamine  # the reading server has imported it before forking

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))  # finds the format itself
        sheets = []
        for name in book.sheet_names:
            sheet = _sheet(book.get_sheet_by_name(name), max_rows, max_cells)
            max_cells -= sum(len(row) for row in sheet["rows"])  # the cap is for the whole workbook
            sheets.append(sheet)
    except calamine.PasswordError:
        return "password", None
    except Exception as exc:  # any failure to parse is the same refusal
        return "unreadable", type(exc).__name__
    return "ok", sheets


def _sheet(sheet: CalamineSheet, max_rows: int, max_cells: int) -> dict[str, Any]:
    """Cells as calamine gives them (str, float, int, bool, date, datetime, time, timedelta)."""
    end = sheet.end
    total_rows = end[0] + 1 if end else 0
    width = end[1] + 1 if end else 0
    answer: dict[str, Any] = {"name": sheet.name, "rows": [], "merged": [], "total_rows": total_rows}
    if end and min(total_rows, max_rows) * width > max_cells:
        answer["too_large_end"] = tuple(end)
        return answer
    if end:
        answer["rows"] = sheet.to_python(skip_empty_area=False, nrows=min(total_rows, max_rows))
    answer["merged"] = list(sheet.merged_cell_ranges or [])
    return answer
