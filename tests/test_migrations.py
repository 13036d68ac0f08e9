"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tenants.db import alembic_config, make_engine, migrate
from tenants.metadata import METADATA

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, METADATA)
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_migrates_to_head(empty_db_url: str) -> None:
    migrate(empty_db_url)

    assert current_revision(empty_db_url) == HEAD
    assert set(METADATA.tables) <= table_names(empty_db_url)


def test_the_migrations_and_the_models_agree(empty_db_url: str) -> None:
    migrate(empty_db_url)

    assert schema_differences(empty_db_url) == []


def test_migrating_twice_changes_nothing(empty_db_url: str) -> None:
    migrate(empty_db_url)
    tables_after_first = table_names(empty_db_url)

    migrate(empty_db_url)

    assert current_revision(empty_db_url) == HEAD
    assert table_names(empty_db_url) == tables_after_first


def test_migrate_accepts_an_engine(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()

    assert current_revision(empty_db_url) == HEAD


def test_every_tenant_table_has_its_own_tenant_code_for_row_level_security() -> None:
    shared = {"units", "campaigns", "tenants", "audit_log", "unknown_logins", "scope_key", "unit_contacts"}
    for name, table in METADATA.tables.items():
        if name not in shared:
            assert "tenant_code" in table.c, name
