"""Every foreign spreadsheet — real files from other projects, many deliberately malformed — is either
read into problems or refused cleanly: never an exception, a hang or runaway memory."""

import re

import pytest

from loaders.limits import Limits
from loaders.workbook import read_workbook
from tests.fixtures.corpus import foreign_corpus
from tests.fixtures.workbooks import TODAY, rulebook

CORPUS = foreign_corpus()
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")
BOUNDED = Limits(child_seconds=20)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_a_foreign_file_is_read_or_refused_cleanly(path):
    result = read_workbook(path.read_bytes(), path.name, rulebook(), today=TODAY, limits=BOUNDED)
    assert result.problems, "a foreign file always has something to say"
    assert result.report is None  # none of them is our template
    assert all(re.search(r"[\u4e00-\u9fff]", p.message) for p in result.problems)  # in Chinese
