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
from reformboard.files.limits import FileLimits
from reformboard.files.store import FileStore
from tenants.db import DEFAULT_SQLITE_PATH

DATABASE_URL = "REFORMBOARD_DATABASE_URL"
APP_DATABASE_URL = "REFORMBOARD_APP_DATABASE_URL"
RULEBOOK = "REFORMBOARD_RULEBOOK"
MAX_UPLOAD_MB = "REFORMBOARD_MAX_UPLOAD_MB"
MAX_ROSTER_ROWS = "REFORMBOARD_MAX_ROSTER_ROWS"
FILE_STORE = "REFORMBOARD_FILE_STORE"
MAX_FILE_MB = "REFORMBOARD_MAX_FILE_MB"
MAX_SCHOOL_FILES_MB = "REFORMBOARD_MAX_SCHOOL_FILES_MB"
# Every environment variable ReformBoard reads.
ENVIRONMENT = (
    DATABASE_URL,
    APP_DATABASE_URL,
    RULEBOOK,
    MAX_UPLOAD_MB,
    MAX_ROSTER_ROWS,
    FILE_STORE,
    MAX_FILE_MB,
    MAX_SCHOOL_FILES_MB,
)
DEFAULT_FILE_STORE = DEFAULT_SQLITE_PATH.parent / "files"


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # None: the embedded SQLite file under ./data/ (tenants.db.DEFAULT_SQLITE_PATH)
    app_database_url: str | None  # the PostgreSQL app role the board connects as (see tenants.rls)
    rulebook: str
    max_upload_mb: int
    max_roster_rows: int
    file_store: Path  # where documents' bytes are kept (a shared volume when several replicas serve)
    max_file_mb: int
    max_school_files_mb: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=environ.get(DATABASE_URL) or None,
            app_database_url=environ.get(APP_DATABASE_URL) or None,
            rulebook=environ.get(RULEBOOK, DEFAULT_RULEBOOK),
            max_upload_mb=int(environ.get(MAX_UPLOAD_MB, "20")),
            max_roster_rows=int(environ.get(MAX_ROSTER_ROWS, "20000")),
            file_store=Path(environ.get(FILE_STORE) or DEFAULT_FILE_STORE),
            max_file_mb=int(environ.get(MAX_FILE_MB, "20")),
            max_school_files_mb=int(environ.get(MAX_SCHOOL_FILES_MB, "500")),
        )

    @property
    def board_database_url(self) -> str | None:
        """The URL the dashboard connects with: the app role's, else the one database URL there is."""
        return self.app_database_url or self.database_url

    def limits(self) -> Limits:
        """The loader's limits, as configured for this deployment."""
        return Limits(max_bytes=self.max_upload_mb * MB, max_roster_rows=self.max_roster_rows)

    def files(self) -> FileStore:
        return FileStore(self.file_store)

    def file_limits(self) -> FileLimits:
        """The limits on uploaded documents (materials and evidence), as configured for this deployment."""
        return FileLimits(
            max_bytes=self.max_file_mb * MB, max_school_bytes=self.max_school_files_mb * MB, sandbox=self.limits()
        )
