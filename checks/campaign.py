"""A campaign is a rulebook run over a period: its own dates, deadlines optionally shifted."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RulebookText:
    """One file of a rulebook as it was read: what a campaign pins so that its verdicts never change
    when the file does."""

    id: str  # the file's name without .toml
    text: str
    origin: str = field(default="", compare=False)  # where it was read, for messages; empty once stored


def rulebook_sha256(texts: Sequence[RulebookText]) -> str:
    """The digest of a pinned rulebook: of its texts' UTF-8 bytes, base first (for a rulebook without a
    base, the file's own sha256sum)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.text.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Campaign:
    id: str  # e.g. "gd-2020"
    name: str  # e.g. "2020年广东省高校学生会（研究生会）深化改革"
    rulebook: str  # rulebook id, e.g. "guangdong-2020"
    starts_on: date
    acceptance_on: date  # on-site acceptance (逐校验收) starts
    deadline_overrides: dict[str, date] = field(default_factory=dict)  # item id -> due date
    contact: str = ""
    rulebook_texts: tuple[RulebookText, ...] = ()  # the rulebook pinned when the campaign was registered
    threshold_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> parameter -> value

    @property
    def contact_office(self) -> str:
        """Whom a school asks about this campaign, named in the messages it reads."""
        return self.contact or "上级团组织"
