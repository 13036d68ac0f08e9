"""Issue #16 item 6 as users meet it: two `reformboard serve` processes, replicas A and B, on one PostgreSQL
through pgbouncer in transaction pooling with a single server connection (tests/fixtures/pooler.py), each
driven in Chromium.

A school user on replica A uploads its workbook and never sees another school, while a province
administrator works on replica B's board; B's next page run shows the upload. Afterwards pgbouncer lists
both replicas among its clients, PostgreSQL saw one connection of the app role, and that connection holds
no scope left behind by either.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import URL, make_url

from reformboard.settings import APP_DATABASE_URL, DATABASE_URL
from tenants import rls
from tenants.db import make_engine
from tenants.models import Submission
from tests.fixtures.browser import (
    VIEWPORT,
    WAIT_MS,
    Seeded,
    choose_workbook,
    cli,
    log_in,
    metric,
    seed_accounts,
    serve,
    submit_workbook,
)
from tests.fixtures.pooler import NEEDS_PGBOUNCER, Pooler

pytestmark = [
    pytest.mark.browser,
    NEEDS_PGBOUNCER,
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]
REPLICAS = ("replica-a", "replica-b")  # their application_name, as pgbouncer lists its clients


@dataclass(frozen=True)
class Replicas:
    a: str  # the board's URL on replica A
    b: str
    school: Seeded  # the school user's school, its workbook, and the schools it must never see


@pytest.fixture
def replicas(db_url: str, app_url: URL, pooler: Pooler, tmp_path: Path) -> Iterator[Replicas]:
    """A demo province (made directly, as the owner), then two boards whose every database URL is the
    pooler's; they share the test's file store (conftest's REFORMBOARD_FILE_STORE)."""
    direct = {**os.environ, DATABASE_URL: db_url, APP_DATABASE_URL: app_url.render_as_string(hide_password=False)}
    cli(direct, "init")
    cli(direct, "demo", "--schools", "12")
    school = seed_accounts(db_url, tmp_path)

    def env(name: str) -> dict[str, str]:
        owner, app = pooler.route(make_url(db_url)), pooler.route(app_url).update_query_dict({"application_name": name})
        return {
            **os.environ,
            DATABASE_URL: owner.render_as_string(hide_password=False),
            APP_DATABASE_URL: app.render_as_string(hide_password=False),
        }

    logs = [tmp_path / name for name in REPLICAS]
    for folder in logs:
        folder.mkdir()
    with serve(env(REPLICAS[0]), logs[0]) as a, serve(env(REPLICAS[1]), logs[1]) as b:
        yield Replicas(a, b, school)


def new_page(browser: Browser) -> Page:
    return browser.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()


def search_board(page: Page, words: str) -> None:
    """Narrow the board to the schools matching `words`: a new run of the page."""
    page.get_by_label("搜索学校").fill(words)
    page.get_by_label("搜索学校").press("Enter")


def schools_seen(page: Page, school: Seeded) -> set[str]:
    """The other schools whose name or code is on the page, tables included (their canvas holds the
    visible cells as text for screen readers)."""
    shown = page.locator("body").text_content() or ""
    return {code for code, name in school.other_schools.items() if code in shown or name in shown}


def test_a_school_on_replica_a_and_the_province_on_replica_b_work_through_one_pooled_connection(
    replicas: Replicas, browser: Browser, pooler: Pooler, app_url: URL, engine: Engine
) -> None:
    school, province = new_page(browser), new_page(browser)
    log_in(province, replicas.b, "province.admin")
    search_board(province, replicas.school.code)
    expect(metric(province, "范围内学校").get_by_test_id("stMetricValue")).to_have_text("1", timeout=WAIT_MS)
    expect(metric(province, str(replicas.school.new_verdict)).get_by_test_id("stMetricValue")).to_have_text("0")

    log_in(school, replicas.a, "school")
    expect(school.get_by_role("heading", name=replicas.school.name)).to_be_visible(timeout=WAIT_MS)
    expect(school.get_by_text("收到的提醒")).to_be_visible(timeout=WAIT_MS)  # the home page's last section
    assert schools_seen(school, replicas.school) == set()
    choose_workbook(school, replicas.school.workbook)
    submit_workbook(school)
    assert schools_seen(school, replicas.school) == set()

    search_board(province, replicas.school.name)  # replica B's next run of its board
    expect(metric(province, "范围内学校").get_by_test_id("stMetricValue")).to_have_text("1", timeout=WAIT_MS)
    expect(metric(province, str(replicas.school.new_verdict)).get_by_test_id("stMetricValue")).to_have_text(
        "1", timeout=WAIT_MS
    )

    school.get_by_role("link", name="学校详情").click()
    expect(school.get_by_role("heading", name=replicas.school.name)).to_be_visible(timeout=WAIT_MS)
    expect(school.get_by_text(str(replicas.school.new_verdict), exact=True).first).to_be_visible(timeout=WAIT_MS)
    assert schools_seen(school, replicas.school) == set()

    clients = {row["application_name"] for row in pooler.show("CLIENTS") if row["user"] == app_url.username}
    assert set(REPLICAS) <= clients  # both boards reached the database through the pooler
    with engine.connect() as owner:
        backends = text("SELECT count(*) FROM pg_stat_activity WHERE usename = :role")
        assert owner.scalar(backends, {"role": app_url.username}) == 1  # and shared one server connection
    probe = make_engine(pooler.route(app_url))
    with probe.begin() as connection:  # the shared connection holds no scope left by either board
        assert connection.scalar(text("SELECT current_setting(:name, true)"), {"name": rls.SCOPE}) in (None, "")
        assert connection.scalar(select(func.count()).select_from(Submission)) == 0
    probe.dispose()
