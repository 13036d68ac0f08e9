"""Settings read from the environment, with the embedded defaults a fresh machine needs.

This is the only module that reads the environment: tenants/, loaders/ and dashboard/ are given the values
(tests/test_settings.py checks that, and that README's 环境变量 table lists exactly ENVIRONMENT).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from checks.rulebook import DEFAULT_RULEBOOK
from loaders.limits import MB, Limits

DATABASE_URL = "REFORMBOARD_DATABASE_URL"
APP_DATABASE_URL = "REFORMBOARD_APP_DATABASE_URL"
RULEBOOK = "REFORMBOARD_RULEBOOK"
RULEBOOK_DIR = "REFORMBOARD_RULEBOOK_DIR"
MAX_UPLOAD_MB = "REFORMBOARD_MAX_UPLOAD_MB"
MAX_ROSTER_ROWS = "REFORMBOARD_MAX_ROSTER_ROWS"
# Every environment variable ReformBoard reads.
ENVIRONMENT = (DATABASE_URL, APP_DATABASE_URL, RULEBOOK, RULEBOOK_DIR, MAX_UPLOAD_MB, MAX_ROSTER_ROWS)


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # None: the embedded SQLite file under ./data/ (tenants.db.DEFAULT_SQLITE_PATH)
    app_database_url: str | None  # the PostgreSQL app role the board connects as (see tenants.rls)
    rulebook: str  # an id or a .toml path
    max_upload_mb: int
    max_roster_rows: int
    rulebook_dir: Path | None = None  # a folder of rulebooks searched by id before the built-in ones

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=environ.get(DATABASE_URL) or None,
            app_database_url=environ.get(APP_DATABASE_URL) or None,
            rulebook=environ.get(RULEBOOK, DEFAULT_RULEBOOK),
            max_upload_mb=int(environ.get(MAX_UPLOAD_MB, "20")),
            max_roster_rows=int(environ.get(MAX_ROSTER_ROWS, "20000")),
            rulebook_dir=Path(environ[RULEBOOK_DIR]) if environ.get(RULEBOOK_DIR) else None,
        )

    @property
    def rulebook_folders(self) -> tuple[Path, ...]:
        """Where rulebooks are looked up by id, before the built-in checks/rulebooks/."""
        return () if self.rulebook_dir is None else (self.rulebook_dir,)

    @property
    def board_database_url(self) -> str | None:
        """The URL the dashboard connects with: the app role's, else the one database URL there is."""
        return self.app_database_url or self.database_url

    def limits(self) -> Limits:
        """The loader's limits, as configured for this deployment."""
        return Limits(max_bytes=self.max_upload_mb * MB, max_roster_rows=self.max_roster_rows)
