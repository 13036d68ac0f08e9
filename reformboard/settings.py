"""Settings read from the environment, with the embedded defaults a fresh machine needs.

This is the only module that reads the environment: tenants/, loaders/ and dashboard/ are given the values
(tests/test_settings.py checks that, and that README's 环境变量 table lists exactly ENVIRONMENT).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from checks.rulebook import DEFAULT_RULEBOOK
from loaders.limits import MB, Limits
from reformboard.errors import UserFacingError
from reformboard.files.limits import FileLimits
from reformboard.files.store import FileStore
from tenants.db import DEFAULT_SQLITE_PATH

DATABASE_URL = "REFORMBOARD_DATABASE_URL"
APP_DATABASE_URL = "REFORMBOARD_APP_DATABASE_URL"
RULEBOOK = "REFORMBOARD_RULEBOOK"
RULEBOOK_DIR = "REFORMBOARD_RULEBOOK_DIR"
MAX_UPLOAD_MB = "REFORMBOARD_MAX_UPLOAD_MB"
MAX_ROSTER_ROWS = "REFORMBOARD_MAX_ROSTER_ROWS"
SMTP_HOST = "REFORMBOARD_SMTP_HOST"
SMTP_PORT = "REFORMBOARD_SMTP_PORT"
SMTP_SECURITY = "REFORMBOARD_SMTP_SECURITY"
SMTP_USER = "REFORMBOARD_SMTP_USER"
SMTP_PASSWORD = "REFORMBOARD_SMTP_PASSWORD"
MAIL_FROM = "REFORMBOARD_MAIL_FROM"
MAIL_MAX_ATTEMPTS = "REFORMBOARD_MAIL_MAX_ATTEMPTS"
MAIL_CLAIM_MINUTES = "REFORMBOARD_MAIL_CLAIM_MINUTES"
PROVINCE_EMAIL = "REFORMBOARD_PROVINCE_EMAIL"
FILE_STORE = "REFORMBOARD_FILE_STORE"
MAX_FILE_MB = "REFORMBOARD_MAX_FILE_MB"
MAX_SCHOOL_FILES_MB = "REFORMBOARD_MAX_SCHOOL_FILES_MB"
# Every environment variable ReformBoard reads.
ENVIRONMENT = (
    DATABASE_URL,
    APP_DATABASE_URL,
    RULEBOOK,
    RULEBOOK_DIR,
    MAX_UPLOAD_MB,
    MAX_ROSTER_ROWS,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_SECURITY,
    SMTP_USER,
    SMTP_PASSWORD,
    MAIL_FROM,
    MAIL_MAX_ATTEMPTS,
    MAIL_CLAIM_MINUTES,
    PROVINCE_EMAIL,
    FILE_STORE,
    MAX_FILE_MB,
    MAX_SCHOOL_FILES_MB,
)
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
DEFAULT_FILE_STORE = DEFAULT_SQLITE_PATH.parent / "files"


@dataclass(frozen=True)
class MailSettings:
    """The mail server reminders go out through; host None: e-mail is not configured."""

    host: str | None
    port: int
    security: str  # starttls / ssl / none
    user: str | None
    password: str | None = field(repr=False)
    sender: str
    max_attempts: int  # sending attempts per reminder before it is given up
    claim_minutes: int  # a run that began sending this long ago without recording the attempt has died
    province: tuple[str, ...]  # the province's own contact addresses (escalations of its direct schools)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MailSettings:
        security = environ.get(SMTP_SECURITY, "starttls").strip().lower()
        if security not in SECURITY_PORTS:
            raise UserFacingError(f"{SMTP_SECURITY} 应为 {'、'.join(SECURITY_PORTS)} 之一，现为“{security}”")
        return cls(
            host=environ.get(SMTP_HOST) or None,
            port=int(environ.get(SMTP_PORT) or SECURITY_PORTS[security]),
            security=security,
            user=environ.get(SMTP_USER) or None,
            password=environ.get(SMTP_PASSWORD) or None,
            sender=environ.get(MAIL_FROM, ""),
            max_attempts=int(environ.get(MAIL_MAX_ATTEMPTS, "5")),
            claim_minutes=int(environ.get(MAIL_CLAIM_MINUTES, "15")),
            province=tuple(a.strip() for a in environ.get(PROVINCE_EMAIL, "").split(",") if a.strip()),
        )


@dataclass(frozen=True)
class Settings:
    database_url: str | None  # None: the embedded SQLite file under ./data/ (tenants.db.DEFAULT_SQLITE_PATH)
    app_database_url: str | None  # the PostgreSQL app role the board connects as (see tenants.rls)
    rulebook: str  # an id or a .toml path
    max_upload_mb: int
    max_roster_rows: int
    mail: MailSettings
    file_store: Path  # where documents' bytes are kept (a shared volume when several replicas serve)
    max_file_mb: int
    max_school_files_mb: int
    rulebook_dir: Path | None = None  # a folder of rulebooks searched by id before the built-in ones

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            database_url=environ.get(DATABASE_URL) or None,
            app_database_url=environ.get(APP_DATABASE_URL) or None,
            rulebook=environ.get(RULEBOOK, DEFAULT_RULEBOOK),
            max_upload_mb=int(environ.get(MAX_UPLOAD_MB, "20")),
            max_roster_rows=int(environ.get(MAX_ROSTER_ROWS, "20000")),
            mail=MailSettings.from_env(environ),
            rulebook_dir=Path(environ[RULEBOOK_DIR]) if environ.get(RULEBOOK_DIR) else None,
            file_store=Path(environ.get(FILE_STORE) or DEFAULT_FILE_STORE),
            max_file_mb=int(environ.get(MAX_FILE_MB, "20")),
            max_school_files_mb=int(environ.get(MAX_SCHOOL_FILES_MB, "500")),
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

    def files(self) -> FileStore:
        return FileStore(self.file_store)

    def file_limits(self) -> FileLimits:
        """The limits on uploaded documents (materials and evidence), as configured for this deployment."""
        return FileLimits(
            max_bytes=self.max_file_mb * MB, max_school_bytes=self.max_school_files_mb * MB, sandbox=self.limits()
        )
