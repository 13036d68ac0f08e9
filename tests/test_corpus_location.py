"""The shared corpus is found beside the repository wherever it is cloned, and its absence is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.corpus import CORPUS_ENV, foreign_corpus


def test_the_corpus_is_found_beside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    foreign = tmp_path / "shared" / "corpus" / "foreign"
    foreign.mkdir(parents=True)

    assert foreign_corpus(tmp_path / "reformboard") == foreign


def test_the_environment_names_a_corpus_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "elsewhere" / "foreign").mkdir(parents=True)
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path / "elsewhere"))

    assert foreign_corpus(tmp_path / "reformboard") == tmp_path / "elsewhere" / "foreign"


def test_a_missing_corpus_fails_saying_where_it_was_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CORPUS_ENV, raising=False)

    with pytest.raises(pytest.fail.Exception, match="shared corpus not found") as failure:
        foreign_corpus(tmp_path / "reformboard")

    assert str(tmp_path / "shared" / "corpus" / "foreign") in str(failure.value)
