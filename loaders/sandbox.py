"""Read an untrusted workbook in a child process with a memory cap and a wall-clock timeout.

calamine is fast but aborts the whole process on some malformed files and can be driven to inflate
huge sheets; running it in a child (loaders.reader_child) turns every such failure into a clean
refusal. The child hands back plain data only: sheet names, cell grids and merged ranges.

Workbooks are read by children forked from reading servers (loaders.reader_server), started once per
process and kept idle between reads; one server per read in progress, so concurrent uploads never wait
for each other.

The workbook goes to the child through pipes, never as a file: a roster names students, and a process
killed mid-read must leave no copy of it on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import pickle
import queue
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from loaders.limits import Limits
from loaders.problems import Refusal
from loaders.reader_child import receive_frame, send_frame
from loaders.sniff import PASSWORD, UNREADABLE, Format, sniff

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
MergedRange = tuple[tuple[int, int], tuple[int, int]]  # 0-based (row, col) of top-left and bottom-right
_ROOT = Path(__file__).resolve().parents[1]
_TITLE_ROWS = 50  # rows above the roster's data a sheet may spend on titles and headers


@dataclass(frozen=True)
class RawSheet:
    name: str
    rows: list[list[Cell]]  # row 0 is Excel row 1, column 0 is column A
    merged: list[MergedRange]
    total_rows: int  # rows the sheet really has; more than len(rows) when it was cut at the limit
    too_large_end: tuple[int, int] | None = None  # the sheet's last cell when its range was too large to read


def read_sheets(data: bytes, limits: Limits) -> tuple[Format, list[RawSheet]]:
    """The workbook's format and sheets, read by a child process; a Refusal when the file is no workbook
    we read (loaders.sniff) or cannot be read safely.

    The child starts first and the format is sniffed meanwhile, on the other core: inflating every part
    of a 10,000-row roster's archive to count its bytes took 16 ms. A refusal from the sniff (a zip
    bomb, a PDF) stops the child, and its server with it."""
    rows = limits.max_roster_rows + _TITLE_ROWS
    cpu_seconds = int(limits.child_seconds) + 1  # the wall clock (held by the server) comes first
    request = (data, limits.child_memory, cpu_seconds, limits.child_seconds, rows, limits.max_cells)
    server = _idle_server()
    sent = server.send(pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
    try:
        fmt = sniff(data, limits)
    except BaseException:  # a refusal, or whatever else stops this read: the child's answer is not wanted
        server.stop()
        raise
    answer = server.receive() if sent else None
    if answer is None:  # the server itself is gone (killed from outside): this read cannot be trusted
        raise Refusal(UNREADABLE)
    _IDLE.put(server)
    if not answer:
        raise Refusal(UNREADABLE)
    return fmt, _answer(answer)


class _ReadingServer:
    def __init__(self) -> None:
        command = [sys.executable, "-m", "loaders.reader_server"]
        # A process group of its own: stopping the server stops the child reading for it.
        self.process = subprocess.Popen(
            command, cwd=_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, process_group=0
        )
        self.owner = os.getpid()

    def send(self, request: bytes) -> bool:
        """False when the server is gone."""
        assert self.process.stdin is not None  # opened with PIPE
        try:
            send_frame(self.process.stdin, request)
        except BrokenPipeError:
            return False
        return True

    def receive(self) -> bytes | None:
        """The child's answer (empty when it failed); None when the server does not answer."""
        assert self.process.stdout is not None  # opened with PIPE
        return receive_frame(self.process.stdout)

    def stop(self) -> None:
        """Kill the server and any child reading for it; its answer is not wanted."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.communicate()  # reaps it and closes its pipes

    def usable(self) -> bool:
        """Alive, and this process's own: a forked copy of the parent must not share its pipes."""
        return self.owner == os.getpid() and self.process.poll() is None


_IDLE: queue.SimpleQueue[_ReadingServer] = queue.SimpleQueue()


def _idle_server() -> _ReadingServer:
    while True:
        try:
            server = _IDLE.get_nowait()
        except queue.Empty:
            return _ReadingServer()
        if server.usable():
            return server


def run_isolated(module: str, data: bytes, limits: Limits, args: list[str], extra: bytes = b"") -> bytes:
    """Run `python -m module <size> <memory> <seconds> *args` with `data` (of `size` bytes) and then
    `extra` on its standard input (see loaders.reader_child.read_input).

    Returns the child's stdout; a child that crashes, times out or fails is a Refusal.
    """
    command = [
        sys.executable,
        "-m",
        module,
        str(len(data)),
        str(limits.child_memory),
        str(int(limits.child_seconds) + 1),
        *args,
    ]
    try:
        done = subprocess.run(
            command, cwd=_ROOT, input=data + extra, capture_output=True, timeout=limits.child_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise Refusal(UNREADABLE) from None
    if done.returncode != 0:
        raise Refusal(UNREADABLE)
    return done.stdout


def _answer(stdout: bytes) -> list[RawSheet]:
    try:
        verdict, payload = _SafeUnpickler(io.BytesIO(stdout)).load()
    except Exception:  # whatever the child wrote, it is not an answer
        raise Refusal(UNREADABLE) from None
    if verdict == "password":
        raise Refusal(PASSWORD)
    if verdict != "ok":
        raise Refusal(UNREADABLE)
    return [RawSheet(**sheet) for sheet in payload]


class _SafeUnpickler(pickle.Unpickler):
    """Accepts plain containers, dates and times only, even from a child that went wrong."""

    _ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module: str, name: str) -> type:
        if (module, name) in self._ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")
