"""A campaign is a rulebook run over a period: its own dates, deadlines optionally shifted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Campaign:
    id: str  # e.g. "gd-2020"
    name: str  # e.g. "2020年广东省高校学生会（研究生会）深化改革"
    rulebook: str  # rulebook id, e.g. "guangdong-2020"
    starts_on: date
    acceptance_on: date  # on-site acceptance (逐校验收) starts
    deadline_overrides: dict[str, date] = field(default_factory=dict)  # item id -> due date
    contact: str = ""

    @property
    def contact_office(self) -> str:
        """Whom a school asks about this campaign, named in the messages it reads."""
        return self.contact or "上级团组织"
