"""Database fixtures for any test that needs one.

Each of these runs the test on BOTH databases (ids "sqlite" and "postgresql"):

- `db_url`: the URL (str) of a fresh database migrated to the newest schema, empty of data.
  SQLite: a file in the test's temporary folder. PostgreSQL: a throwaway database `rb_test_<random>`
  on the server named by $REFORMBOARD_TEST_PG (an admin URL; default
  postgresql+psycopg2://postgres@127.0.0.1:5432/postgres), dropped after the test.
  If that server cannot be reached the PostgreSQL runs fail, saying so: they are never skipped.
- `empty_db_url`: the same, but not migrated (for migration tests).
- `engine`: `tenants.db.make_engine(db_url)`, disposed after the test.
- `session`: a Session on `engine` (from `tenants.db.make_sessionmaker`); nothing is committed unless
  the test commits, and it is closed after the test.
- `directory`: commits, through `session`, a unit (4401 广州市团委), two schools and the campaign of the
  Guangdong 2020 rulebook; returns them as a `Directory` (`.unit`, `.school`, `.other_school` codes and
  `.campaign`, a checks.campaign.Campaign).

Migrating once per run into a template (a SQLite file copied, a PostgreSQL TEMPLATE database) keeps a
fresh database per test cheap.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from checks.campaign import Campaign
from checks.rulebook import load_rulebook
from tenants import store
from tenants.db import DatabaseUnavailable, database_url, make_engine, make_sessionmaker, migrate
from tenants.principal import Principal, UserRole
from tests.fixtures.reports import UNIT_KINDS

# Fixtures shared by several test modules, registered here rather than imported into each.
pytest_plugins = ["tests.fixtures.cli", "tests.fixtures.browser", "tests.fixtures.app_role", "tests.fixtures.pooler"]

PG_ADMIN_ENV = "REFORMBOARD_TEST_PG"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
BACKENDS = ["sqlite", "postgresql"]
# Whom tests read as when they look at what was stored (the store's read functions take a principal).
PROVINCE = Principal("test-province", UserRole.PROVINCE_ADMIN)


@pytest.fixture(autouse=True)
def _file_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents that a command or page stores go to the test's folder, never to ./data/files."""
    monkeypatch.setenv("REFORMBOARD_FILE_STORE", str(tmp_path / "files"))


class PostgresServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin

    def create(self, template: str | None = None) -> str:
        name = f"rb_test_{secrets.token_hex(6)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}{clause}"))
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def url(self, name: str) -> str:
        url: URL = self.admin.url.set(database=name)
        return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    admin_url = database_url(os.environ.get(PG_ADMIN_ENV, DEFAULT_PG_ADMIN_URL))
    try:
        admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    except DatabaseUnavailable as exc:
        message = f"PostgreSQL tests need a server (set ${PG_ADMIN_ENV} to an admin URL): {exc}"
        raise pytest.fail.Exception(message, pytrace=False) from None
    yield PostgresServer(admin)
    admin.engine.dispose()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create()
    migrate(postgres_server.url(name))
    yield name
    postgres_server.drop(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "reformboard.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'reformboard.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create()
    yield server.url(name)
    server.drop(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "reformboard.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create(template=request.getfixturevalue("postgres_template"))
    yield server.url(name)
    server.drop(name)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        yield session


@dataclass(frozen=True)
class Directory:
    unit: str
    school: str
    other_school: str
    campaign: Campaign


@pytest.fixture
def directory(session: Session) -> Directory:
    seeded = Directory(unit="4401", school="4144010558", other_school="4144010559", campaign=load_rulebook().campaign)
    store.add_unit(session, seeded.unit, "广州市团委", "地市团委", kinds=UNIT_KINDS)
    store.add_school(session, seeded.school, "广州示范大学", seeded.unit, "本科")
    store.add_school(session, seeded.other_school, "广州职业技术学院", seeded.unit, "高职（专科）")
    store.ensure_campaign(session, seeded.campaign)
    session.commit()
    return seeded
