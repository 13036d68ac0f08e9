"""Every threshold quotes its source: in each shipped rulebook, what a check's line quotes in its comment
(`severity = "不符合"    # "主席团成员不超过5人"`, pieces joined by …) is the seed document's own words."""

from __future__ import annotations

import re

import pytest

from checks.rulebook import RULEBOOK_DIR
from tests.fixtures.seeds import seed_text, unspaced

SEEDS = {
    "guangdong-2020": "003_868e54519a9175dd.txt",
    "gansu-2017": "002_35ecef93de10f90d.txt",
    "shanghai-gongshang-2019": "001_81801378e4763d32.txt",  # the checks it changes or adds
}
UNQUOTED = {"completion_date"}  # the engine's own rule: no clause behind it
_QUOTE = re.compile(r'"([^"]+)"')


def quotes_by_check(text: str) -> dict[str, list[str]]:
    """For each [rules.ID] table, the quotes in the comments of its key lines."""
    found: dict[str, list[str]] = {}
    check = None
    for line in text.splitlines():
        if line.startswith("["):
            check = line.strip("[]").removeprefix("rules.") if line.startswith("[rules.") else None
            if check:
                found[check] = []
        elif check and "#" in line and not line.lstrip().startswith("#"):
            found[check] += _QUOTE.findall(line.split("#", 1)[1])
    return found


@pytest.mark.parametrize("book, seed", SEEDS.items())
def test_every_check_quotes_the_seed_for_its_severity_and_thresholds(book, seed):
    source = unspaced(seed_text(seed))
    quotes = quotes_by_check((RULEBOOK_DIR / f"{book}.toml").read_text(encoding="utf-8"))
    assert set(quotes) - UNQUOTED
    for check, quoted in quotes.items():
        if check in UNQUOTED:
            continue
        assert quoted, f"{book}: [rules.{check}] quotes no source"
        pieces = [piece for quote in quoted for piece in re.split(r"…+", quote) if piece]
        missing = [piece for piece in pieces if unspaced(piece) not in source]
        assert missing == [], f"{book}: [rules.{check}]"
