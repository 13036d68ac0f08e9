"""Which database ReformBoard uses, how to connect to it, and how to bring its schema up to date.

SQLite (a file under ./data) is the embedded default; PostgreSQL is for production. The caller gives the
URL (reformboard.settings reads it from the environment). A database that cannot be used raises DatabaseUnavailable, whose message is
one line (Chinese first) that the CLI prints as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from checks.errors import DomainError

DEFAULT_SQLITE_PATH = Path("data") / "reformboard.db"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
PG_CONNECT_TIMEOUT_SECONDS = 10
# How long a SQLite writer waits for another one to commit before giving up with "database is locked":
# writers queue one at a time, and a queue of a dozen uploads still drains well within this.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITES = "reformboard_writes"  # execution option: this transaction will write
_PASSWORD_IN_URL = re.compile(r"(://[^:/@]*:)[^@]*@")  # for URLs too broken to parse


class DatabaseUnavailable(DomainError):
    """The database cannot be used; str() is a one-line message fit for a user."""

    @classmethod
    def unreachable(cls, url: URL, error: BaseException) -> DatabaseUnavailable:
        return cls(f"无法连接数据库 (cannot connect to database): {hide_password(url)} — {_reason(error)}")


class DatabaseBusy(DatabaseUnavailable):
    """Other writers held SQLite's write lock past the busy timeout; nothing of this transaction is kept."""

    def __init__(self) -> None:
        super().__init__(
            "数据库正忙（其他上传或修改正在保存），本次操作未保存，请稍后重试 (database busy, retry later)"
        )


def hide_password(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _reason(error: BaseException) -> str:
    """The driver's own complaint, on one line ("Connection refused", 'database "x" does not exist')."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    first = lines[0] if lines else type(cause).__name__
    # psycopg2: 'connection to server at "127.0.0.1", port 1 failed: Connection refused'
    detail = first.rsplit(" failed: ", 1)[-1]
    return " ".join(detail.removeprefix("FATAL:").split())


def database_url(url: str | URL | None = None) -> URL:
    """The URL to use: the one given, else the default SQLite file."""
    text = url if url is not None else f"sqlite:///{DEFAULT_SQLITE_PATH}"
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        shown = _PASSWORD_IN_URL.sub(r"\1***@", str(text))
        raise DatabaseUnavailable(f"数据库地址无效 (invalid database URL): {shown} — {exc}") from None
    if parsed.drivername == "postgresql":
        # SQLAlchemy 2.1 made psycopg 3 the default; we ship psycopg2.
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def make_engine(url: str | URL | None = None) -> Engine:
    """An engine for `url` (see database_url), checked by opening one connection."""
    parsed = database_url(url)
    try:
        engine = _create(parsed)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(f"数据库地址无效 (invalid database URL): {hide_password(parsed)} — {exc}") from None
    with _connect(engine):
        return engine


def _create(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        _ensure_sqlite_folder(url)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_busy)
        return engine
    if url.get_backend_name() == "postgresql":
        return create_engine(url, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS})
    return create_engine(url)


def _ensure_sqlite_folder(url: URL) -> None:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable.unreachable(url, exc) from None


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:  # DBAPI objects are untyped
    # Let SQLAlchemy, not pysqlite, decide where transactions begin, so DDL (migrations) and
    # savepoints are transactional too (the SQLAlchemy documentation's pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # WAL lets the board read while an upload writes.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A deferred transaction that reads and then writes cannot wait for another writer: SQLite refuses
    # its first write at once ("database is locked"). A writer therefore takes the write lock up front,
    # waiting its turn (busy_timeout); readers stay deferred and never wait (WAL).
    writes = connection.get_execution_options().get(_WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _sqlite_busy(context: ExceptionContext) -> None:
    if "database is locked" in str(context.original_exception):
        raise DatabaseBusy from context.original_exception


def make_sessionmaker(engine: Engine, *, writes: bool = False) -> sessionmaker[Session]:
    """Sessions for `engine`; store functions never commit, the caller owns each transaction.

    `writes`: the transactions will write, so on SQLite each takes the write lock when it begins.
    """
    bind = engine.execution_options(**{_WRITES: True}) if writes else engine
    return sessionmaker(bind, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configured from the installed package: no alembic.ini needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine_or_url: Engine | str | URL | None = None) -> None:
    """Upgrade the database to the newest schema (a no-op when it is already there)."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    owned = engine is not engine_or_url
    config = alembic_config()
    try:
        with _connect(engine) as connection, _foreign_keys_off(connection), connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if owned:
            engine.dispose()


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, batch migrations rebuild a table by dropping it, which would fail (or cascade) while
    other tables refer to it; Alembic's advice is to switch foreign keys off meanwhile. The pragma only
    works outside a transaction, hence on the driver's connection, before SQLAlchemy begins one."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None  # None only once a connection is invalidated; this one was just opened
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _connect(engine: Engine) -> Connection:
    try:
        return engine.connect()
    except DBAPIError as exc:
        raise DatabaseUnavailable.unreachable(engine.url, exc) from None
