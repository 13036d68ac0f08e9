"""The login page and the signed-in session (dashboard.auth), driven by Streamlit's AppTest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from dashboard import auth
from tenants.accounts import add_user, disable_user, get_user
from tenants.principal import UserRole, local_operator
from tenants.store import audit_entries
from tests.conftest import PROVINCE, Directory
from tests.test_accounts import FakeClock

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

ADMIN = local_operator("tester")
PASSWORD = "correct horse battery"
APP = """
import streamlit as st

from dashboard.auth import current_principal, login_page, logout

principal = current_principal()
if principal is None:
    login_page()
else:
    st.success(f"已登录：{principal.display_name}（{principal.role.label}）")
    st.button("退出登录", on_click=logout)
"""
SIGNED_IN = "已登录：王老师（学校团委）"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(auth, "clock", fake)
    return fake


@pytest.fixture
def app(
    db_url: str, monkeypatch: pytest.MonkeyPatch, session: Session, directory: Directory, clock: FakeClock
) -> AppTest:
    monkeypatch.setenv("REFORMBOARD_DATABASE_URL", db_url)
    add_user(
        session,
        "gz.school",
        UserRole.SCHOOL,
        by=ADMIN,
        display_name="王老师",
        tenant_code=directory.school,
        password=PASSWORD,
    )
    session.commit()
    return AppTest.from_string(APP, default_timeout=30).run()


def sign_in(app: AppTest, username: str = "gz.school", password: str = PASSWORD) -> AppTest:
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    return app.button[0].click().run()


def shown(app: AppTest) -> list[str]:
    return [element.value for element in (*app.success, *app.error, *app.info)]


def test_the_right_password_signs_in(app: AppTest) -> None:
    assert shown(sign_in(app)) == [SIGNED_IN]


def test_a_wrong_password_is_refused(app: AppTest) -> None:
    assert shown(sign_in(app, password="wrong password")) == ["用户名或密码错误"]


def test_empty_fields_are_refused_before_any_check(app: AppTest, session: Session) -> None:
    assert shown(sign_in(app, password="")) == ["请输入用户名和密码"]
    assert audit_entries(session, PROVINCE, action="login_failed") == []


def test_a_locked_account_is_told_how_long_to_wait(app: AppTest, session: Session, clock: FakeClock) -> None:
    get_user(session, "gz.school").locked_until = clock.now + timedelta(minutes=9, seconds=30)
    session.commit()

    assert shown(sign_in(app)) == ["登录失败次数过多，请 10 分钟后再试"]


def test_a_disabled_account_is_told_so(app: AppTest, session: Session) -> None:
    disable_user(session, "gz.school", by=ADMIN)
    session.commit()

    assert shown(sign_in(app)) == ["该账号已停用，请联系团省委学校部"]


def test_activity_keeps_the_session_alive(app: AppTest, clock: FakeClock) -> None:
    sign_in(app)
    for _ in range(3):
        clock.advance(auth.SESSION_IDLE_MINUTES - 1)
        app.run()

    assert shown(app) == [SIGNED_IN]


def test_an_idle_session_ends(app: AppTest, clock: FakeClock, session: Session) -> None:
    sign_in(app)
    clock.advance(auth.SESSION_IDLE_MINUTES + 1)

    assert shown(app.run()) == ["您已超过 30 分钟未操作，请重新登录"]
    assert shown(app.run()) == []  # said once
    assert [e.actor for e in audit_entries(session, PROVINCE, action="session_expired")] == ["gz.school"]


def test_disabling_an_account_ends_its_session(app: AppTest, session: Session) -> None:
    sign_in(app)
    disable_user(session, "gz.school", by=ADMIN)
    session.commit()

    assert shown(app.run()) == ["该账号已停用，请联系团省委学校部"]


def test_logging_out_ends_the_session_and_is_audited(app: AppTest, session: Session) -> None:
    sign_in(app)

    app.button[0].click().run()

    assert app.text_input[0].label == "用户名"
    assert [e.actor for e in audit_entries(session, PROVINCE, action="logout")] == ["gz.school"]
