"""Signing in to the board: a username/password form and, when configured, the province's SSO.

Pages call current_principal() on every run (None: show login_page). The signed-in principal lives
in st.session_state with the account's credential_version at sign-in; a session idle for
SESSION_IDLE_MINUTES ends, and every run re-reads the account and ends the session when it was
disabled or its password, role, school or unit changed since (the database raises the version).

SSO: when .streamlit/secrets.toml has an [auth] section (redirect_uri, cookie_secret, client_id,
client_secret, server_metadata_url; see st.login), the login page offers 统一身份认证登录. The
identity st.user carries is mapped to an account by its subject (sub), else by its e-mail address
(only when the provider does not say it is unverified); an identity without an account gets no access.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from reformboard.context import configured_rulebook
from reformboard.settings import Settings
from tenants import db
from tenants.accounts import (
    Outcome,
    authenticate,
    disabled_message,
    get_user,
    principal_for,
    session_ended,
    sso_sign_in,
    unregistered_message,
)
from tenants.audit import AuditAction
from tenants.models import User, utcnow
from tenants.principal import Principal

# Long enough for a cadre to read a school's findings, short enough that a shared office computer left
# alone does not stay signed in for the afternoon.
SESSION_IDLE_MINUTES = 30

_PRINCIPAL = "auth.principal"
_LAST_SEEN = "auth.last_seen"
_VERSION = "auth.credential_version"  # the account's credential_version when this session signed in
_NOTICE = "auth.notice"  # said once on the login page (why the session ended)
_SSO_REFUSED = "auth.sso_refused"  # the refusal for this SSO identity is audited once per session

EXPIRED = f"您已超过 {SESSION_IDLE_MINUTES} 分钟未操作，请重新登录"
CREDENTIALS_CHANGED = "您账号的密码、角色或所属学校/单位已变更，请重新登录"


def contact_office() -> str:
    """Whom users ask before any campaign is chosen: the contact office of the rulebook in force."""
    return configured_rulebook(Settings.from_env()).vocabulary.contact_office


def clock() -> datetime:
    return utcnow()


def app_engine() -> Engine:
    """The dashboard's engine, connected as the app role (see tenants.rls), one per process."""
    return _engine_for(app_url())


def app_url() -> str:
    """The URL the board connects with (Settings.board_database_url), in full: engines are cached by it."""
    return db.database_url(Settings.from_env().board_database_url).render_as_string(hide_password=False)


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return db.make_engine(url)


def current_principal() -> Principal | None:
    """Who is signed in to this browser session, or None; ends idle sessions, disabled accounts and
    sessions whose account's credentials changed."""
    if _PRINCIPAL not in st.session_state:
        user = _sso_user()
        return None if user is None else _begin(user)
    if clock() - st.session_state[_LAST_SEEN] > timedelta(minutes=SESSION_IDLE_MINUTES):
        _end(AuditAction.SESSION_EXPIRED, EXPIRED)
        return None
    user = _account(st.session_state[_PRINCIPAL].username)
    if user is None or not user.active:
        _end(AuditAction.SESSION_ENDED_DISABLED, disabled_message(contact_office()))
        return None
    # A session without a remembered version (signed in before versions were kept) adopts today's.
    if user.credential_version != st.session_state.get(_VERSION, user.credential_version):
        _end(AuditAction.SESSION_ENDED_CREDENTIALS_CHANGED, CREDENTIALS_CHANGED)
        return None
    return _begin(user)


def login_page() -> None:
    """The sign-in page (a Streamlit page function)."""
    st.title("登录")
    st.caption("高校学生会（研究生会）深化改革验收看板")
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.info(notice)
    if _sso_configured():
        _sso_section()
    with st.form("login"):
        username = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        _password_login(username, password)


def logout() -> None:
    """Sign out (use as a button's on_click): audited; an SSO sign-in also drops its identity cookie."""
    principal = st.session_state.get(_PRINCIPAL)
    if principal is not None:
        _record_end(principal, AuditAction.LOGOUT)
    _forget()
    if _sso_logged_in():
        st.logout()


# --- password ---------------------------------------------------------------------------------------------


def _password_login(username: str, password: str) -> None:
    if not username.strip() or not password:
        st.error("请输入用户名和密码")
        return
    with db.make_sessionmaker(app_engine(), writes=True).begin() as session:
        login = authenticate(session, username, password, clock=clock)
    if login.user is None:  # refused: the outcome says why
        st.error(login.message(contact_office()))
        return
    _begin(login.user)
    st.rerun()


# --- SSO --------------------------------------------------------------------------------------------------


def _sso_configured() -> bool:
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _sso_logged_in() -> bool:
    return _sso_configured() and bool(st.user.is_logged_in)


def _sso_section() -> None:
    if not _sso_logged_in():
        st.button("统一身份认证登录", on_click=st.login, type="primary", width="stretch")
        st.divider()
        return
    st.error(st.session_state.get(_SSO_REFUSED) or unregistered_message(contact_office()))
    st.button("退出统一身份认证", on_click=st.logout)
    st.divider()


def _sso_user() -> User | None:
    """The account the SSO identity belongs to, signed in now; None (refusal audited) when none."""
    if not _sso_logged_in():
        return None
    with db.make_sessionmaker(app_engine(), writes=True).begin() as session:
        login = sso_sign_in(
            session, _claim("sub"), _verified_email(), clock(), audit_refusal=_SSO_REFUSED not in st.session_state
        )
    if login.outcome is not Outcome.SIGNED_IN:
        st.session_state.setdefault(_SSO_REFUSED, login.message(contact_office()))
    return login.user


def _verified_email() -> str | None:
    if st.user.get("email_verified") is False:
        return None
    return _claim("email")


def _claim(name: str) -> str | None:
    """A text claim of the SSO identity; st.user also holds booleans (is_logged_in) and the tokens."""
    value = st.user.get(name)
    return value if isinstance(value, str) else None


# --- the session ------------------------------------------------------------------------------------------


def _begin(user: User) -> Principal:
    """Sign the session in as `user` (or keep it signed in); the version is kept from the sign-in."""
    principal = principal_for(user)
    st.session_state[_PRINCIPAL] = principal
    st.session_state.setdefault(_VERSION, user.credential_version)
    st.session_state[_LAST_SEEN] = clock()
    return principal


def _account(username: str) -> User | None:
    with Session(app_engine()) as session:
        return get_user(session, username)


def _end(reason: AuditAction, notice: str) -> None:
    _record_end(st.session_state[_PRINCIPAL], reason)
    _forget()
    st.session_state[_NOTICE] = notice
    if _sso_logged_in():
        st.logout()


def _forget() -> None:
    for key in (_PRINCIPAL, _LAST_SEEN, _VERSION, _SSO_REFUSED):
        st.session_state.pop(key, None)


def _record_end(principal: Principal, why: AuditAction) -> None:
    with db.make_sessionmaker(app_engine(), writes=True).begin() as session:
        session_ended(session, principal, why)
