"""Small things several subcommands share: parsing dates, today's date, who is acting."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from reformboard.context import AppContext
from reformboard.errors import UserFacingError
from tenants.principal import Principal, local_operator
from tenants.submissions import CHINA_TIME


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 {text!r} 应写成 YYYY-MM-DD") from None


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user named with -o, making its folder if need be; a path that cannot be written
    is a message, not a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UserFacingError(f"无法写入文件 {path}：{exc.strerror or exc}") from None


def today() -> date:
    """Today on China's calendar, where the schools and their deadlines are."""
    return datetime.now(CHINA_TIME).date()


def operator() -> Principal:
    """The CLI acts as the local operator, named by the account running it: whoever can run commands
    on the server already holds the database's owner URL, so a --as option would add a name but no
    protection."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        name = "unknown"
    return local_operator(name)


@contextmanager
def operator_transaction() -> Iterator[tuple[Session, Principal]]:
    """A transaction on the configured database, acting as the local operator."""
    ctx = AppContext.open()
    principal = operator()
    try:
        with ctx.transaction(principal, writes=True) as session:
            yield session, principal
    finally:
        ctx.engine.dispose()
