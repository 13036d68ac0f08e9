"""A roster names students: reading an upload in the sandboxed child leaves no copy of it on disk, not
even while the child runs (a process killed then would leave that copy behind for good)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

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


def test_reading_an_upload_writes_no_copy_of_it_anywhere_in_the_temporary_folder(spy: ChildSpy) -> None:
    result = read_workbook(filled(), "填报.xlsx", rulebook(), today=TODAY)

    assert result.report is not None and result.report.staff  # really read (the roster too), by the child
    assert spy.seen, "the workbook was not read in a child process"
    for command, files_while_running in spy.seen:
        assert files_while_running == []
        assert not any(Path(arg).is_file() for arg in command[1:])  # the child is handed no file
    assert list(spy.folder.iterdir()) == []


def test_annotating_an_upload_writes_no_copy_of_it_either(spy: ChildSpy) -> None:
    marked = annotate(filled(), [error("示例问题", sheet="学校信息", cell="B3")], Limits())

    assert marked.startswith(b"PK\x03\x04")
    assert spy.seen and all(files == [] for _, files in spy.seen)
    assert list(spy.folder.iterdir()) == []
