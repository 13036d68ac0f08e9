"""Choosing and opening the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tenants import store
from tenants.db import DatabaseUnavailable, database_url, make_engine, migrate

UNREACHABLE = "postgresql://reformboard:s3cret@127.0.0.1:1/reformboard"


def test_the_default_database_is_a_sqlite_file_under_data(monkeypatch) -> None:
    # The environment is Settings' to read (tests/test_settings.py); tenants.db only takes a URL.
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", "sqlite:////srv/rb/board.db")

    assert str(database_url()) == "sqlite:///data/reformboard.db"


def test_a_plain_postgresql_url_uses_psycopg2() -> None:
    assert database_url("postgresql://u@db/rb").drivername == "postgresql+psycopg2"


def test_the_sqlite_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "rb.db"

    make_engine(f"sqlite:///{path}").dispose()

    assert path.parent.is_dir()


@pytest.mark.parametrize("open_it", [make_engine, migrate], ids=["make_engine", "migrate"])
def test_an_unreachable_database_gives_one_line_without_the_password(open_it) -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        open_it(UNREACHABLE)

    message = str(raised.value)
    assert message.startswith(
        "无法连接数据库 (cannot connect to database): postgresql+psycopg2://reformboard:***@127.0.0.1:1/reformboard — "
    )
    assert "refused" in message.lower()
    assert "s3cret" not in message
    assert "\n" not in message


def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "rb.db").mkdir()  # a folder where the file should be

    with pytest.raises(DatabaseUnavailable, match="无法连接数据库.*unable to open database file"):
        make_engine(f"sqlite:///{tmp_path / 'rb.db'}")


def test_a_sqlite_folder_that_cannot_be_created_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")

    with pytest.raises(DatabaseUnavailable, match="无法连接数据库"):
        make_engine(f"sqlite:///{tmp_path / 'taken' / 'rb.db'}")


def test_a_malformed_url_is_reported_not_raised_raw() -> None:
    with pytest.raises(DatabaseUnavailable, match="数据库地址无效"):
        make_engine("not a url")


def test_foreign_keys_are_enforced(session) -> None:
    with pytest.raises(IntegrityError):
        store.add_school(session, "4144010558", "无主管单位的学校", unit_code="9999")


def test_foreign_keys_are_back_on_once_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    migrate(engine)  # switches them off while it runs, on a pooled connection

    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_a_school_code_is_ten_digits() -> None:
    with pytest.raises(ValueError, match="学校标识码应为10位数字"):
        store.add_school(Session(), "41440105", "短码学校", unit_code="4401")
