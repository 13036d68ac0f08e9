"""Concurrent writers on the embedded SQLite database: every upload lands, and a refused login's wait
holds no lock that another writer needs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from checks.rulebook import load_rulebook
from loaders.template import fill_template
from reformboard.cli import main
from reformboard.demo import build_demo
from tenants import db
from tenants.accounts import Outcome, add_user, authenticate, delay_after
from tenants.models import Submission
from tenants.principal import UserRole, local_operator
from tests.conftest import Directory

CONCURRENT_LOADS = 8
SCHOOLS, SEED = 10, 3  # not every demo school has uploaded: 10 give at least 8 that have
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sqlite_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'reformboard.db'}"
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", url)
    assert main(["init"]) == 0
    assert main(["demo", "--schools", str(SCHOOLS), "--seed", str(SEED), "--no-workbooks"]) == 0
    return url


def distinct_workbooks(folder: Path) -> list[Path]:
    """One workbook per demo school, each with a contact name no stored upload has."""
    rulebook = load_rulebook()
    demo = build_demo(SCHOOLS, SEED, today=date.today(), rulebook=rulebook)
    latest = {upload.tenant_code: upload for upload in demo.submissions}
    paths = []
    for number, upload in enumerate(list(latest.values())[:CONCURRENT_LOADS]):
        report = replace(upload.report, school=replace(upload.report.school, contact_name=f"并发联系人{number}"))
        path = folder / f"填报-{number}.xlsx"
        path.write_bytes(fill_template(report, rulebook, demo.campaign))
        paths.append(path)
    return paths


def submission_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(Submission))
    finally:
        engine.dispose()


def test_eight_concurrent_loads_on_sqlite_all_land(sqlite_demo: str, tmp_path: Path) -> None:
    paths = distinct_workbooks(tmp_path)
    assert len(paths) == CONCURRENT_LOADS
    before = submission_count(sqlite_demo)
    env = {**os.environ, "REFORMBOARD_DATABASE_URL": sqlite_demo}
    loads = [
        subprocess.Popen(
            [sys.executable, "-m", "reformboard", "load", str(path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in paths
    ]
    finished = [(*load.communicate(timeout=300), load.returncode) for load in loads]

    for out, err, returncode in finished:
        assert returncode == 0, out + err
        assert "已接收" in out and "完全相同" not in out
    assert submission_count(sqlite_demo) == before + CONCURRENT_LOADS


def test_a_load_that_cannot_get_the_write_lock_says_to_retry_and_keeps_nothing(
    sqlite_demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = distinct_workbooks(tmp_path)[0]
    before = submission_count(sqlite_demo)
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(sqlite_demo.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, in the middle of its transaction
    try:
        assert main(["load", str(path)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert "数据库正忙" in err and "请稍后重试" in err and "Traceback" not in err
    assert submission_count(sqlite_demo) == before


def test_a_writing_transaction_holds_the_sqlite_write_lock_from_its_start(tmp_path: Path) -> None:
    """So it can wait its turn: a deferred one that has read cannot wait when it comes to write."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    db.migrate(engine)
    try:
        with db.make_sessionmaker(engine).begin() as reader:
            reader.scalar(select(func.count()).select_from(Submission))
            assert another_writer_can_write(engine)
        with db.make_sessionmaker(engine, writes=True).begin() as writer:
            writer.scalar(select(func.count()).select_from(Submission))
            assert not another_writer_can_write(engine)
    finally:
        engine.dispose()


# --- a refused login waits without holding the write lock -------------------------------------------------


PASSWORD = "correct horse battery"
NO_LOCK_WAIT = {"sqlite": {"timeout": 0}, "postgresql": {"options": "-c lock_timeout=50"}}


def test_a_refused_login_waits_after_its_transaction_has_ended(
    engine: Engine, session: Session, directory: Directory
) -> None:
    add_user(
        session,
        "gz.school",
        UserRole.SCHOOL,
        by=local_operator("tester"),
        tenant_code=directory.school,
        password=PASSWORD,
    )
    session.commit()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        assert another_writer_can_write(engine), "the failed login still holds a lock while it waits"
        waits.append(seconds)

    for _ in range(3):  # past the free failures, so the last one really waits
        assert authenticate(session, "gz.school", "wrong password", sleep=sleep).outcome is Outcome.WRONG
        session.commit()
    assert waits == [delay_after(n) for n in (1, 2, 3)]
    assert waits[-1] > 0


def another_writer_can_write(engine: Engine) -> bool:
    """Whether another connection can update the users table at once, without waiting for a lock."""
    probe = create_engine(engine.url, connect_args=NO_LOCK_WAIT[engine.dialect.name])
    try:
        with probe.begin() as connection:
            connection.execute(text("UPDATE users SET display_name = display_name"))
    except OperationalError:  # "database is locked" / lock timeout: someone holds the lock
        return False
    finally:
        probe.dispose()
    return True
