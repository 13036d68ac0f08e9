"""SSO for real: Chromium signs in through a local OpenID provider to a Streamlit app using dashboard.auth.

The app, its secrets.toml and the provider (oidc-provider-mock) run on free ports; screenshots go to
test-artifacts/. A registered identity sees its role; an unknown one is refused with a clear message.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from tenants.accounts import add_user
from tenants.principal import UserRole, local_operator
from tenants.store import audit_entries
from tests.conftest import PROVINCE, Directory

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STARTUP_SECONDS = 60
ADMIN = local_operator("tester")
PASSWORD = "correct horse battery"

APP = """\
import streamlit as st

from dashboard.auth import current_principal, login_page, logout

principal = current_principal()
if principal is None:
    login_page()
else:
    st.success(f"已登录：{principal.display_name}（{principal.role.label}）")
    st.button("退出登录", on_click=logout)
"""

SECRETS = """\
[auth]
redirect_uri = "http://localhost:{app_port}/oauth2callback"
cookie_secret = "test-cookie-secret-not-for-production"
client_id = "reformboard"
client_secret = "reformboard-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Board:
    url: str
    log: Path


@pytest.fixture
def accounts(session: Session, directory: Directory) -> Directory:
    add_user(
        session,
        "zhang",
        UserRole.SCHOOL,
        by=ADMIN,
        display_name="张老师",
        tenant_code=directory.school,
        oidc_subject="zhang-001",
    )
    add_user(session, "li", UserRole.PROVINCE_VIEWER, by=ADMIN, display_name="李处长", email="li@example.edu.cn")
    add_user(
        session,
        "gz.unit",
        UserRole.UNIT,
        by=ADMIN,
        display_name="广州市团委",
        unit_code=directory.unit,
        password=PASSWORD,
    )
    session.commit()
    return directory


@pytest.fixture
def provider() -> Iterator[str]:
    # zhang's provider e-mail is not the one on record: the mapping must go by subject.
    users = [ProviderUser(sub="zhang-001", claims={"email": "zhang.private@example.com", "name": "Zhang"})]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def board(tmp_path: Path, db_url: str, provider: str, accounts: Directory) -> Iterator[Board]:
    port = free_port()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(SECRETS.format(app_port=port, provider=provider))
    (tmp_path / "app.py").write_text(APP)
    log = tmp_path / "streamlit.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REFORMBOARD_DATABASE_URL": db_url}
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://localhost:{port}"
        _wait_until_healthy(url, server, log)
        yield Board(url, log)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited:\n{log.read_text()}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit did not start within {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in_through_provider(browser: Browser, board: Board, subject: str) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()  # a fresh context: no identity cookie yet
    page.goto(board.url)
    page.get_by_role("button", name="统一身份认证登录").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    return page


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_a_registered_identity_signs_in_with_its_role(browser: Browser, board: Board, session: Session) -> None:
    page = sign_in_through_provider(browser, board, "zhang-001")

    expect(page.get_by_text("已登录：张老师（学校团委）")).to_be_visible(timeout=30_000)
    screenshot(page, "oidc-signed-in-by-subject")
    [entry] = audit_entries(session, PROVINCE, action="login")
    assert (entry.actor, entry.detail) == ("zhang", {"method": "sso"})


def test_an_identity_maps_by_email_when_its_subject_is_unknown(browser: Browser, board: Board) -> None:
    page = sign_in_through_provider(browser, board, "li@example.edu.cn")  # the provider's e-mail is the sub

    expect(page.get_by_text("已登录：李处长（省级查看）")).to_be_visible(timeout=30_000)
    screenshot(page, "oidc-signed-in-by-email")


def test_an_unregistered_identity_is_refused(browser: Browser, board: Board, session: Session) -> None:
    page = sign_in_through_provider(browser, board, "stranger@example.com")

    expect(page.get_by_text("您的账号尚未在系统中登记，请联系团省委学校部开通")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="退出统一身份认证")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_visible()  # a local account may still sign in
    expect(page.get_by_text("已登录")).to_have_count(0)
    screenshot(page, "oidc-unregistered-refused")
    [entry] = audit_entries(session, PROVINCE, action="login_failed")
    assert entry.detail == {"reason": "unregistered", "method": "sso"}


def test_a_local_account_signs_in_with_its_password_and_out_again(browser: Browser, board: Board) -> None:
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(board.url)
    page.get_by_label("用户名").fill("gz.unit")
    page.get_by_label("密码", exact=True).fill("wrong password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible(timeout=30_000)

    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("已登录：广州市团委（主管单位）")).to_be_visible(timeout=30_000)
    screenshot(page, "password-signed-in")

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("用户名")).to_be_visible(timeout=30_000)
