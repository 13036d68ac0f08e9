"""How long each hostile document takes to be refused (#14 item 7): the tests assert the refusal, this
measures its time, which the tests never assert.

    .venv/bin/python -m bench.hostile_files          # median of 3 per file, in seconds
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable

from reformboard.files.inspect import inspect_file
from reformboard.files.kinds import FileRefused
from reformboard.files.limits import FileLimits
from tests.fixtures.documents import (
    docx_inflating_to,
    encrypted_pdf,
    good_pdf,
    html_named_pdf,
    huge_image,
    many_pages_pdf,
    truncated_pdf,
)
from tests.fixtures.workbooks import zip_bomb

CASES: dict[str, Callable[[], bytes]] = {
    "encrypted PDF": encrypted_pdf,
    "truncated PDF": truncated_pdf,
    "5,000-page PDF": many_pages_pdf,
    "zip bomb named .pdf": zip_bomb,
    "30,000 × 30,000 PNG": huge_image,
    "HTML named .pdf": html_named_pdf,
    "DOCX inflating to 1 GB": docx_inflating_to,
    "a good 3-page PDF (accepted)": lambda: good_pdf(3),
}


def seconds(data: bytes, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(FileRefused):  # refusing is the point; accepting the good file too
            inspect_file(data, FileLimits())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    for name, make in CASES.items():
        data = make()
        print(f"{name:32} {len(data) / 1024:9.0f} KB  {seconds(data):6.3f} s")


if __name__ == "__main__":
    main()
