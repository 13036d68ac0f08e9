"""Issue #16 item 6: two replicas of the app share one PostgreSQL through pgbouncer in transaction pooling.

Each replica is an app-role engine of its own (its own connection pool, as a `reformboard serve` process
has), both connected to pgbouncer, which gives every transaction whichever server connection is free:
with a pool of one, both replicas' transactions run on the same server connection one after another.
Row-level security still holds because tenants.rls.set_scope writes the scope with set_config(…, true),
local to the transaction, which is exactly what transaction pooling keeps together.

The pgbouncer is tests/fixtures/pooler.py's; tests/test_pooler_browser.py runs two `reformboard serve`
processes on it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from dashboard.data import board
from reformboard.commands.common import today
from reformboard.context import AppContext
from reformboard.services.uploads import ingest
from reformboard.settings import Settings
from tenants import store
from tenants.access import scoped_transaction
from tenants.db import make_engine
from tenants.models import Submission
from tenants.principal import Principal, UserRole
from tests.conftest import Directory
from tests.fixtures import wust
from tests.fixtures.pooler import NEEDS_PGBOUNCER, Pooler
from tests.fixtures.workbooks import filled

ON_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
PROVINCE_VIEWER = Principal("province-b", UserRole.PROVINCE_VIEWER)
pytestmark = NEEDS_PGBOUNCER


def school_user(code: str) -> Principal:
    return Principal(f"school-{code}", UserRole.SCHOOL, tenant_code=code)


@pytest.fixture
def replicas(pooler: Pooler, app_url: URL) -> Iterator[tuple[Engine, Engine]]:
    a, b = make_engine(pooler.route(app_url)), make_engine(pooler.route(app_url))
    yield a, b
    a.dispose()
    b.dispose()


def tenants_seen(session: Session) -> set[str]:
    return set(session.scalars(select(Submission.tenant_code)))


def backend(session: Session) -> int:
    return session.scalar(text("SELECT pg_backend_pid()"))


@ON_POSTGRESQL
def test_a_school_on_one_replica_and_the_province_on_the_other_keep_their_scopes_through_the_pooler(
    replicas: tuple[Engine, Engine], uploads: Directory
) -> None:
    replica_a, replica_b = replicas
    school, everyone = school_user(uploads.school), {uploads.school, uploads.other_school}
    backends = set()
    for _ in range(3):  # interleaved: each transaction takes the server connection the other just used
        with scoped_transaction(replica_a, school) as session:
            assert tenants_seen(session) == {uploads.school}
            backends.add(backend(session))
        with scoped_transaction(replica_b, PROVINCE_VIEWER) as session:
            assert tenants_seen(session) == everyone
            backends.add(backend(session))
        with replica_a.begin() as connection:  # no scope of its own: nothing was left behind
            assert connection.scalar(text("SELECT current_setting('app.scope', true)")) in (None, "")
            assert connection.scalar(select(func.count()).select_from(Submission)) == 0
            backends.add(connection.scalar(text("SELECT pg_backend_pid()")))
    assert len(backends) == 1  # one server connection served both replicas and every scope


@ON_POSTGRESQL
def test_an_upload_through_one_replica_is_on_the_other_replicas_board_at_its_next_read(
    replicas: tuple[Engine, Engine], session: Session, directory: Directory
) -> None:
    store.add_school(session, wust.CODE, wust.NAME, directory.unit, "本科")
    session.commit()
    settings = Settings.from_env()
    replica_a, replica_b = (AppContext(settings=settings, engine=engine) for engine in replicas)
    campaign, as_of = directory.campaign, today()

    def last_upload_on_b():
        schools = board(replica_b, PROVINCE_VIEWER, campaign, as_of).schools
        return schools.set_index("code").loc[wust.CODE, "last_upload"]

    assert pd.isna(last_upload_on_b())
    uploader = school_user(wust.CODE)
    with replica_a.transaction(uploader, writes=True) as upload:
        outcome = ingest(
            upload,
            data=filled(),
            filename="填报.xlsx",
            principal=uploader,
            campaign=campaign,
            rulebook=replica_a.rulebook_for(campaign),
            limits=settings.limits(),
        )
    assert outcome.accepted and outcome.created
    assert not pd.isna(last_upload_on_b())
