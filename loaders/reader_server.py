"""A reading fork server: one interpreter that imports python-calamine once and forks a child per workbook.

    python -m loaders.reader_server    # requests on standard input, answers on standard output

Starting an interpreter and importing calamine for every upload cost about 30 ms, a third of reading a
600-row workbook; a fork costs about 1 ms. Each request is a frame holding the pickle of (workbook,
memory, CPU seconds, wall-clock seconds, max_rows, max_cells) from loaders.sandbox; the forked child limits itself and reads
(loaders.reader_child), and the server relays its answer, or an empty frame when the child crashed,
exceeded its wall clock or exited with an error. The server reads no file and keeps nothing between
requests.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import sys
import time
from typing import BinaryIO

import python_calamine  # noqa: F401  (imported before any fork: what every child is spared)

from loaders import reader_child


def fork_and_read(request: bytes) -> bytes:
    data, memory, cpu_seconds, wall_seconds, max_rows, max_cells = pickle.loads(request)  # from our own parent
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it must never return into the server's loop
        status = 1
        try:
            os.close(readable)
            nowhere = os.open(os.devnull, os.O_RDWR)
            os.dup2(nowhere, 0)  # the server's pipes to its parent are not the child's to touch
            os.dup2(nowhere, 1)
            reader_child.limit_self(memory, cpu_seconds)
            # The cells are plain values in lists, no cycles to collect, and the child exits once it has
            # answered: the 16 collections set off while a 10,000-row roster's lists were made took 6-7 ms.
            gc.disable()
            with os.fdopen(writable, "wb") as out:
                _dump(reader_child.read(data, max_rows, max_cells), out)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    answer = _collect(readable, time.monotonic() + wall_seconds)
    if answer is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return answer if answer is not None and status == 0 else b""


def _dump(answer: object, out: BinaryIO) -> None:
    """The answer pickled without a memo (Pickler.fast): its cells are plain values, each written once
    anyway. Memoizing every cell of a 10,000-row roster took 31-37 ms to pickle instead of 7-8, and
    36-43 ms to unpickle in the parent instead of 25-31."""
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(answer)


def _collect(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None when the deadline passes first."""
    chunks: list[bytes] = []
    try:
        while (left := deadline - time.monotonic()) > 0 and select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
        return None
    finally:
        os.close(fd)


if __name__ == "__main__":
    while (_request := reader_child.receive_frame(sys.stdin.buffer)) is not None:
        reader_child.send_frame(sys.stdout.buffer, fork_and_read(_request))
