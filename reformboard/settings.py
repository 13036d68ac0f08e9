"""Settings read from the environment, with the embedded defaults a fresh machine needs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from checks.rulebook import DEFAULT_RULEBOOK
from loaders.limits import MB, Limits


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # None: the embedded SQLite file under ./data/
    rulebook: str
    max_upload_mb: int
    max_roster_rows: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("REFORMBOARD_DATABASE_URL") or None,
            rulebook=os.environ.get("REFORMBOARD_RULEBOOK", DEFAULT_RULEBOOK),
            max_upload_mb=int(os.environ.get("REFORMBOARD_MAX_UPLOAD_MB", "20")),
            max_roster_rows=int(os.environ.get("REFORMBOARD_MAX_ROSTER_ROWS", "20000")),
        )

    def limits(self) -> Limits:
        """The loader's limits, as configured for this deployment."""
        return Limits(max_bytes=self.max_upload_mb * MB, max_roster_rows=self.max_roster_rows)
