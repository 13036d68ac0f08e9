"""A roster names students: reading an upload in the sandboxed child leaves no copy of it on disk, not
even while the child runs (a process killed then would leave that copy behind for good).

Workbooks are read by children of a reading server, which gets them through a pipe (the frames
loaders.sandbox sends); annotating runs `python -m loaders.annotate` with the workbook on stdin."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from loaders import sandbox
from loaders.annotate import annotate
from loaders.limits import Limits
from loaders.problems import error
from loaders.workbook import read_workbook
from tests.fixtures.workbooks import TODAY, filled, rulebook


class ChildSpy:
    """Wraps subprocess.run: what the temporary folder held while each child ran, and its command."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.run = subprocess.run
        self.seen: list[tuple[list[str], list[Path]]] = []

    def __call__(self, command: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        self.seen.append((command, [p for p in self.folder.rglob("*") if p.is_file()]))
        return self.run(command, **kwargs)


@pytest.fixture
def spy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ChildSpy:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    watcher = ChildSpy(folder)
    monkeypatch.setattr(subprocess, "run", watcher)
    return watcher


class FrameSpy:
    """Wraps the frames the parent sends to and receives from the reading server: what they carried,
    and what the temporary folder held before each request went out and when each answer came back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.send, self.receive = sandbox.send_frame, sandbox.receive_frame
        self.requests: list[bytes] = []
        self.files_seen: list[list[Path]] = []

    def sent(self, stream, payload: bytes) -> None:
        self.requests.append(payload)
        self.files_seen.append(self._files())
        self.send(stream, payload)

    def received(self, stream) -> bytes | None:
        answer = self.receive(stream)
        self.files_seen.append(self._files())
        return answer

    def _files(self) -> list[Path]:
        return [p for p in self.folder.rglob("*") if p.is_file()]


def test_reading_an_upload_writes_no_copy_of_it_anywhere_in_the_temporary_folder(
    spy: ChildSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    frames = FrameSpy(spy.folder)
    monkeypatch.setattr(sandbox, "send_frame", frames.sent)
    monkeypatch.setattr(sandbox, "receive_frame", frames.received)
    workbook = filled()

    result = read_workbook(workbook, "填报.xlsx", rulebook(), today=TODAY)

    assert result.report is not None and result.report.staff  # really read (the roster too), by the child
    assert len(frames.requests) == 1 and workbook in frames.requests[0], "the workbook did not go through the pipe"
    assert frames.files_seen == [[], []]
    assert list(spy.folder.iterdir()) == []


def test_annotating_an_upload_writes_no_copy_of_it_either(spy: ChildSpy) -> None:
    marked = annotate(filled(), [error("示例问题", sheet="学校信息", cell="B3")], Limits())

    assert marked.startswith(b"PK\x03\x04")
    assert spy.seen and all(files == [] for _, files in spy.seen)
    assert list(spy.folder.iterdir()) == []
