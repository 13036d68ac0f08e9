"""User accounts: who may sign in, with which role, and how repeated wrong passwords are slowed down.

There is no default password anywhere: the first province administrator is created by
bootstrap_admin with a random password that is shown once. Functions never commit: the caller owns
the transaction (authenticate too, so that a failed attempt is counted only when the caller commits).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ForeignKey, event, select
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from tenants.access import require_role
from tenants.audit import audit
from tenants.models import Base, School, Unit, chinese_enum, utcnow
from tenants.passwords import WeakPassword, check_policy, hash_password, needs_rehash, verify_password
from tenants.principal import Principal, Role

Clock = Callable[[], datetime]
Sleep = Callable[[float], None]

# A couple of typos are normal and cost nothing ...
FREE_FAILURES = 2
# ... after that each further failure in a row waits twice as long as the one before, up to
# MAX_DELAY_SECONDS: a script gets a handful of guesses a minute, a person barely notices.
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 8.0
# This many failures in a row lock the account for LOCK_MINUTES (and every further failure locks it
# again), so online guessing of a 10-character password is hopeless; someone who really forgot the
# password waits a quarter of an hour or asks the province administrator to set a new one.
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15

BOOTSTRAP_USERNAME = "admin"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_ACTOR_LENGTH = 64  # an unknown name typed at the login form is kept, cut to this length
_PENDING_SLEEP = "accounts.pending_sleep"  # session.info key: the wait a refused login owes


class AccountError(ValueError):
    """A refused account change; str() is a Chinese sentence for the user."""


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(default="")
    role: Mapped[Role] = mapped_column(chinese_enum(Role))
    tenant_code: Mapped[str | None] = mapped_column(ForeignKey("tenants.code"))  # Role.SCHOOL
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))  # Role.UNIT
    password_hash: Mapped[str | None]  # None: signs in through SSO only
    oidc_subject: Mapped[str | None] = mapped_column(unique=True)
    email: Mapped[str | None] = mapped_column(unique=True)  # lower case
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def principal_for(user: User) -> Principal:
    return Principal(username=user.username, role=Role(user.role), tenant_code=user.tenant_code,
                     unit_code=user.unit_code, display_name=user.display_name)


# --- managing accounts -----------------------------------------------------------------------------------


def add_user(session: Session, username: str, role: Role, *, by: Principal, display_name: str = "",
             tenant_code: str | None = None, unit_code: str | None = None, password: str | None = None,
             email: str | None = None, oidc_subject: str | None = None) -> User:
    """A new account; a school account needs its school, a unit account its unit."""
    require_role(session, by, Role.PROVINCE_ADMIN, action="user_add")
    username = _valid_username(session, username)
    _check_attachment(session, role, tenant_code, unit_code)
    email = email.strip().lower() if email else None
    if password is None and email is None and oidc_subject is None:
        raise AccountError("请设置密码，或填写统一身份认证的邮箱/标识，否则该账号无法登录")
    _check_identity_free(session, email, oidc_subject)
    user = User(username=username, display_name=display_name, role=role, tenant_code=tenant_code,
                unit_code=unit_code, password_hash=_hash(password) if password is not None else None,
                email=email, oidc_subject=oidc_subject)
    session.add(user)
    session.flush()
    audit(session, by.username, "user_added", tenant_code, username=username, role=role.value,
          unit=unit_code)
    return user


def set_password(session: Session, username: str, password: str, *, by: Principal) -> User:
    """A new password (a user may change their own); it also lifts a lock."""
    if by.username != username:
        require_role(session, by, Role.PROVINCE_ADMIN, action="user_passwd")
    user = _existing(session, username)
    user.password_hash = _hash(password)
    user.failed_attempts = 0
    user.locked_until = None
    audit(session, by.username, "password_changed", user.tenant_code, username=username)
    return user


def disable_user(session: Session, username: str, *, by: Principal) -> User:
    require_role(session, by, Role.PROVINCE_ADMIN, action="user_disable")
    if username == by.username:
        raise AccountError("不能停用自己正在使用的账号")
    user = _existing(session, username)
    user.active = False
    audit(session, by.username, "user_disabled", user.tenant_code, username=username)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def get_user(session: Session, username: str) -> User | None:
    return session.get(User, username.strip().lower())


def find_sso_user(session: Session, subject: str | None, email: str | None) -> User | None:
    """The account an SSO identity belongs to: by its subject, else by its e-mail address."""
    if subject:
        user = session.scalar(select(User).where(User.oidc_subject == subject))
        if user is not None:
            return user
    if email:
        return session.scalar(select(User).where(User.email == email.strip().lower()))
    return None


def bootstrap_admin(session: Session) -> str | None:
    """On first run, create province administrator "admin" and return its random password, once.

    Returns None when a province administrator already exists (the password is never shown again).
    """
    if session.scalar(select(User.username).where(User.role == Role.PROVINCE_ADMIN).limit(1)):
        return None
    if get_user(session, BOOTSTRAP_USERNAME) is not None:
        raise AccountError(f"用户名 {BOOTSTRAP_USERNAME} 已被占用，请用 reformboard user add 创建省级管理员")
    password = secrets.token_urlsafe(16)
    session.add(User(username=BOOTSTRAP_USERNAME, display_name="省级管理员", role=Role.PROVINCE_ADMIN,
                     password_hash=hash_password(password)))
    session.flush()
    audit(session, "system", "admin_bootstrapped", username=BOOTSTRAP_USERNAME)
    return password


def _hash(password: str) -> str:
    try:
        check_policy(password)
    except WeakPassword as exc:
        raise AccountError(str(exc)) from None
    return hash_password(password)


def _valid_username(session: Session, username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise AccountError(f"用户名“{username}”无效：只能用字母、数字和 . _ @ -，长度 2–64，以字母或数字开头")
    if session.get(User, name) is not None:
        raise AccountError(f"用户名 {name} 已存在")
    return name


def _check_attachment(session: Session, role: Role, tenant_code: str | None, unit_code: str | None) -> None:
    if role is Role.SCHOOL:
        if not tenant_code or unit_code:
            raise AccountError("学校团委账号须指定所属学校（--tenant），且不能指定单位")
        if session.get(School, tenant_code) is None:
            raise AccountError(f"找不到学校标识码为 {tenant_code} 的学校，请先添加该学校")
    elif role is Role.UNIT:
        if not unit_code or tenant_code:
            raise AccountError("地市团委/省直机关团工委账号须指定所属单位（--unit），且不能指定学校")
        if session.get(Unit, unit_code) is None:
            raise AccountError(f"找不到单位代码为 {unit_code} 的单位，请先添加该单位")
    elif tenant_code or unit_code:
        raise AccountError(f"{role.label}账号不属于某个学校或单位，请不要指定 --tenant 或 --unit")


def _check_identity_free(session: Session, email: str | None, oidc_subject: str | None) -> None:
    if email and session.scalar(select(User.username).where(User.email == email)):
        raise AccountError(f"邮箱 {email} 已被其他账号使用")
    if oidc_subject and session.scalar(select(User.username).where(User.oidc_subject == oidc_subject)):
        raise AccountError("该统一身份认证标识已被其他账号使用")


def _existing(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"找不到用户 {username}")
    return user


# --- signing in ------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # unknown name or wrong password: the user is not told which
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Login:
    outcome: Outcome
    user: User | None = None
    locked_minutes: int = 0

    @property
    def message(self) -> str:
        """What the login form says, in Chinese."""
        return {
            Outcome.SIGNED_IN: "登录成功",
            Outcome.WRONG: "用户名或密码错误",
            Outcome.LOCKED: f"登录失败次数过多，请 {self.locked_minutes} 分钟后再试",
            Outcome.DISABLED: "该账号已停用，请联系团省委学校部",
        }[self.outcome]


def authenticate(session: Session, username: str, password: str, *, clock: Clock = utcnow,
                 sleep: Sleep = time.sleep) -> Login:
    """Check a password, count failures, lock after too many, and audit the attempt.

    A failure sleeps (growing with the failures in a row) once the caller's transaction has ended, so
    no lock is held while it waits; the caller must commit even when the login is refused, or the
    failure is not counted.
    """
    now = clock()
    user = get_user(session, username)
    if user is None:
        verify_password(None, password)  # costs what a wrong password costs
        audit(session, username.strip()[:_ACTOR_LENGTH], "login_failed", reason="unknown_user")
        return Login(Outcome.WRONG)
    if user.locked_until is not None and user.locked_until > now:
        audit(session, user.username, "login_failed", user.tenant_code, reason="locked")
        return Login(Outcome.LOCKED, locked_minutes=_minutes_left(user.locked_until, now))
    if not verify_password(user.password_hash, password):
        return _count_failure(session, user, now, sleep)
    if not user.active:
        audit(session, user.username, "login_failed", user.tenant_code, reason="disabled")
        return Login(Outcome.DISABLED)
    return _sign_in(session, user, password, now)


def delay_after(failures: int) -> float:
    """Seconds a refused login waits, after `failures` failures in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_SECONDS)


def _count_failure(session: Session, user: User, now: datetime, sleep: Sleep) -> Login:
    user.failed_attempts += 1
    locked = user.failed_attempts >= LOCK_AFTER_FAILURES
    if locked:
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
    audit(session, user.username, "login_failed", user.tenant_code, reason="wrong_password",
          failures=user.failed_attempts, locked=locked)
    session.info[_PENDING_SLEEP] = (sleep, delay_after(user.failed_attempts))  # slept after commit
    if locked:
        return Login(Outcome.LOCKED, locked_minutes=LOCK_MINUTES)
    return Login(Outcome.WRONG)


@event.listens_for(Session, "after_transaction_end")
def _sleep_when_unlocked(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and _PENDING_SLEEP in session.info:  # the outermost one: locks let go
        sleep, seconds = session.info.pop(_PENDING_SLEEP)
        sleep(seconds)


def _sign_in(session: Session, user: User, password: str, now: datetime) -> Login:
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit(session, user.username, "login", user.tenant_code, method="password")
    return Login(Outcome.SIGNED_IN, user=user)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))  # rounded up
