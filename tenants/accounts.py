"""User accounts: who may sign in, with which role, and how repeated wrong passwords are slowed down.

There is no default password anywhere: the first province administrator is created by
bootstrap_admin with a random password that is shown once. Functions never commit: the caller owns
the transaction (authenticate too, so that a failed attempt is counted only when the caller commits).

Password hashes never leave this module: User.password_hash is never loaded with an account, and on
PostgreSQL the dashboard's app role cannot read it at all (see migration 0004 and tenants.rls).
Signing in reads only the hash's salt, recomputes the candidate's hash from it and lets the database
compare and count the attempt in one UPDATE, so parallel guesses are all counted.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, event, false, func, null, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session, SessionTransaction

from checks.errors import DomainError
from tenants import rls
from tenants.access import PermissionAction, require_role
from tenants.audit import AuditAction, audit
from tenants.directory import DirectoryError, parse_school_code, parse_unit_code
from tenants.models import Tenant, Unit, UnknownLogin, User, utcnow
from tenants.passwords import WeakPassword, check_policy, hash_password, hash_with_salt, salt_of
from tenants.principal import Principal, UserRole

Clock = Callable[[], datetime]
_Column = ColumnElement | InstrumentedAttribute  # a column of users or of unknown_logins
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


class AccountError(DomainError, ValueError):
    """A refused account change; str() is a Chinese sentence for the user."""


def principal_for(user: User) -> Principal:
    return Principal(
        username=user.username,
        role=UserRole(user.role),
        tenant_code=user.tenant_code,
        unit_code=user.unit_code,
        display_name=user.display_name,
    )


# --- managing accounts -----------------------------------------------------------------------------------


def add_user(
    session: Session,
    username: str,
    role: UserRole,
    *,
    by: Principal,
    display_name: str = "",
    tenant_code: str | None = None,
    unit_code: str | None = None,
    password: str | None = None,
    email: str | None = None,
    oidc_subject: str | None = None,
) -> User:
    """A new account; a school account needs its school, a unit account its unit."""
    require_role(session, by, UserRole.PROVINCE_ADMIN, action=PermissionAction.USER_ADD)
    _require_account_writes(session)
    username = _valid_username(session, username)
    tenant_code, unit_code = _typed_codes(tenant_code, unit_code)
    _check_attachment(session, role, tenant_code, unit_code)
    email = email.strip().lower() if email else None
    if password is None and email is None and oidc_subject is None:
        raise AccountError("请设置密码，或填写统一身份认证的邮箱/标识，否则该账号无法登录")
    _check_identity_free(session, email, oidc_subject)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        tenant_code=tenant_code,
        unit_code=unit_code,
        password_hash=_hash(password, username) if password is not None else None,
        email=email,
        oidc_subject=oidc_subject,
    )
    session.add(user)
    session.flush()
    audit(session, by.username, AuditAction.USER_ADDED, tenant_code, username=username, role=role.value, unit=unit_code)
    return user


def set_password(session: Session, username: str, password: str, *, by: Principal) -> User:
    """A new password (a user may change their own); it also lifts a lock and ends the user's sessions."""
    if by.username != username:
        require_role(session, by, UserRole.PROVINCE_ADMIN, action=PermissionAction.USER_PASSWD)
    _require_account_writes(session)
    user = _existing(session, username)
    user.password_hash = _hash(password, user.username)
    user.failed_attempts = 0
    user.locked_until = None
    audit(session, by.username, AuditAction.PASSWORD_CHANGED, user.tenant_code, username=username)
    return user


def disable_user(session: Session, username: str, *, by: Principal) -> User:
    require_role(session, by, UserRole.PROVINCE_ADMIN, action=PermissionAction.USER_DISABLE)
    if username == by.username:
        raise AccountError("不能停用自己正在使用的账号")
    user = _existing(session, username)
    if _on_postgresql(session):  # the app role may not update users: migration 0004's function may
        session.execute(select(func.account_disable(user.username)))
        session.refresh(user)
    else:
        user.active = False
    audit(session, by.username, AuditAction.USER_DISABLED, user.tenant_code, username=username)
    return user


def list_users(session: Session, *, by: Principal) -> list[User]:
    """Every account (without its password hash), for the province administrator only."""
    require_role(session, by, UserRole.PROVINCE_ADMIN, action=PermissionAction.USER_LIST)
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
    if session.scalar(select(User.username).where(User.role == UserRole.PROVINCE_ADMIN).limit(1)):
        return None
    if get_user(session, BOOTSTRAP_USERNAME) is not None:
        raise AccountError(f"用户名 {BOOTSTRAP_USERNAME} 已被占用，请用 reformboard user add 创建省级管理员")
    password = secrets.token_urlsafe(16)
    session.add(
        User(
            username=BOOTSTRAP_USERNAME,
            display_name="省级管理员",
            role=UserRole.PROVINCE_ADMIN,
            password_hash=hash_password(password),
        )
    )
    session.flush()
    audit(session, "system", AuditAction.ADMIN_BOOTSTRAPPED, username=BOOTSTRAP_USERNAME)
    return password


def _hash(password: str, username: str) -> str:
    try:
        check_policy(password, username)
    except WeakPassword as exc:
        raise AccountError(str(exc)) from None
    return hash_password(password)


ACCOUNT_WRITES_REFUSED = (
    "添加账号和设置密码须在服务器上用 reformboard user 命令完成（看板所用的数据库账号无权修改账号）"
)


def may_write_accounts(session: Session) -> bool:
    """False for PostgreSQL's app role, which only signs in and disables: accounts are added and
    passwords set by the owner (the CLI)."""
    return not _on_postgresql(session) or session.scalar(text("SELECT has_table_privilege('users', 'INSERT')"))


def _require_account_writes(session: Session) -> None:
    if not may_write_accounts(session):
        raise AccountError(ACCOUNT_WRITES_REFUSED)


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _valid_username(session: Session, username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise AccountError(f"用户名“{username}”无效：只能用字母、数字和 . _ @ -，长度 2–64，以字母或数字开头")
    if session.get(User, name) is not None:
        raise AccountError(f"用户名 {name} 已存在")
    return name


def _typed_codes(tenant_code: str | None, unit_code: str | None) -> tuple[str | None, str | None]:
    """The school and unit codes as stored (full-width digits made ASCII, blanks trimmed), as the
    directory reads them."""
    try:
        return (
            parse_school_code(tenant_code) if tenant_code else None,
            parse_unit_code(unit_code) if unit_code else None,
        )
    except DirectoryError as refused:
        raise AccountError(str(refused)) from None


def _check_attachment(session: Session, role: UserRole, tenant_code: str | None, unit_code: str | None) -> None:
    if role is UserRole.SCHOOL:
        if not tenant_code or unit_code:
            raise AccountError("学校团委账号须指定所属学校，且不能指定单位")
        if session.get(Tenant, tenant_code) is None:
            raise AccountError(f"找不到学校标识码为 {tenant_code} 的学校，请先添加该学校")
    elif role is UserRole.UNIT:
        if not unit_code or tenant_code:
            raise AccountError("主管单位账号须指定所属单位，且不能指定学校")
        if session.get(Unit, unit_code) is None:
            raise AccountError(f"找不到单位代码为 {unit_code} 的单位，请先添加该单位")
    elif tenant_code or unit_code:
        raise AccountError(f"{role.label}账号不属于某个学校或单位，请不要指定学校或单位")


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


def disabled_message(contact_office: str) -> str:
    """Said before any campaign is chosen, so it names the office of the rulebook in force (its
    vocabulary's contact_office) rather than a campaign's contact."""
    return f"该账号已停用，请联系{contact_office}"


def unregistered_message(contact_office: str) -> str:
    return f"您的账号尚未在系统中登记，请联系{contact_office}开通"


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # unknown name or wrong password: the user is not told which
    LOCKED = "locked"
    DISABLED = "disabled"
    UNREGISTERED = "unregistered"  # an SSO identity that no account claims


@dataclass(frozen=True)
class Login:
    outcome: Outcome
    user: User | None = None
    locked_minutes: int = 0

    def message(self, contact_office: str) -> str:
        """What the login form says, in Chinese; a disabled account is sent to `contact_office`."""
        return {
            Outcome.SIGNED_IN: "登录成功",
            Outcome.WRONG: "用户名或密码错误",
            Outcome.LOCKED: f"登录失败次数过多，请 {self.locked_minutes} 分钟后再试",
            Outcome.DISABLED: disabled_message(contact_office),
            Outcome.UNREGISTERED: unregistered_message(contact_office),
        }[self.outcome]


def sso_sign_in(
    session: Session, subject: str | None, email: str | None, now: datetime, *, audit_refusal: bool
) -> Login:
    """Sign in the account an SSO identity belongs to (audited); a disabled or missing account is refused,
    the refusal audited when `audit_refusal` (once per browser session is enough)."""
    user = find_sso_user(session, subject, email)
    if user is not None and user.active:
        user.last_login_at = now
        rls.sign_actor(session, user.username)
        audit(session, user.username, AuditAction.LOGIN, user.tenant_code, method="sso")
        return Login(Outcome.SIGNED_IN, user=user)
    outcome = Outcome.UNREGISTERED if user is None else Outcome.DISABLED
    if audit_refusal:
        actor = f"sso:{email or subject}"
        rls.sign_actor(session, actor)
        audit(session, actor, AuditAction.LOGIN_FAILED, reason=outcome.value, method="sso")
    return Login(outcome)


def session_ended(session: Session, principal: Principal, why: AuditAction) -> None:
    """Record that a signed-in session ended: signed out, or ended by the board (idle, account changed)."""
    rls.sign_actor(session, principal.username)
    audit(session, principal.username, why, principal.tenant_code)


def authenticate(
    session: Session, username: str, password: str, *, clock: Clock = utcnow, sleep: Sleep = time.sleep
) -> Login:
    """Check a password, count failures, lock after too many, and audit the attempt.

    An unknown name goes the same way as a known one (one argon2 run, its failures counted, the same
    waits and lock), so neither the answer nor its timing tells which names exist. A refusal sleeps
    (growing with the failures in a row) once the caller's transaction has ended, so no lock is held
    while it waits; the caller must commit even when the login is refused, or the failure is not counted.
    """
    now = clock()
    name = username.strip().lower()
    salt = _stored_salt(session, name)
    candidate = hash_with_salt(password, salt or salt_of(None))
    if salt is None:
        check = _count_unknown(session, name[:_ACTOR_LENGTH], now)
        user, actor, tenant_code, reason = None, username.strip()[:_ACTOR_LENGTH], None, "unknown_user"
    else:
        check = _check_password(session, name, candidate, now)
        user = session.get_one(User, name, populate_existing=True)  # its salt was just read
        actor, tenant_code, reason = user.username, user.tenant_code, "wrong_password"
    rls.sign_actor(session, actor)  # the audit entries below are in this actor's name
    locked_until = check.locked_until if check.locked_until is not None and check.locked_until > now else None
    locked = locked_until is not None
    if user is not None and check.matched and not locked:  # only a known user's password can match
        return _sign_in(session, user)
    audit(
        session,
        actor,
        AuditAction.LOGIN_FAILED,
        tenant_code,
        reason="locked" if check.matched else reason,
        failures=check.failed_attempts,
        locked=locked,
    )
    # Locked: the longest wait whatever the password, so that a guess during a lock learns nothing.
    # Slept once the caller's transaction has ended (below), holding no lock meanwhile.
    session.info[_PENDING_SLEEP] = (sleep, MAX_DELAY_SECONDS if locked else delay_after(check.failed_attempts))
    if locked_until is not None:
        return Login(Outcome.LOCKED, locked_minutes=_minutes_left(locked_until, now))
    return Login(Outcome.WRONG)


def delay_after(failures: int) -> float:
    """Seconds a refused login waits, after `failures` failures in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_SECONDS)


@event.listens_for(Session, "after_transaction_end")
def _sleep_when_unlocked(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and _PENDING_SLEEP in session.info:  # the outermost one: locks let go
        sleep, seconds = session.info.pop(_PENDING_SLEEP)
        sleep(seconds)


@dataclass(frozen=True)
class _Check:
    matched: bool
    failed_attempts: int
    locked_until: datetime | None


def _stored_salt(session: Session, name: str) -> str | None:
    """The account's salt (passwords.salt_of; "" for an SSO-only account), None when there is no account.

    Read on a connection of its own: on SQLite a transaction that has read may not write once another
    has committed meanwhile, and many sign-ins at once must all get to count their attempt."""
    with session.get_bind().engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            return connection.scalar(select(func.account_salt(name)))
        row = connection.execute(select(User.password_hash).where(User.username == name)).one_or_none()
    return None if row is None else salt_of(row.password_hash) if row.password_hash else ""


def _check_password(session: Session, name: str, candidate: str, now: datetime) -> _Check:
    """Compare the candidate's hash with the stored one and count the attempt, in one UPDATE."""
    if _on_postgresql(session):
        row = session.execute(
            select(
                func.account_check_password(
                    name, candidate, now, LOCK_AFTER_FAILURES, now + timedelta(minutes=LOCK_MINUTES)
                ).table_valued("matched", "failed_attempts", "locked_until")
            )
        ).one()
    else:  # the same UPDATE as migration 0004's account_check_password
        matched = func.coalesce(User.password_hash == candidate, false())
        signs_in = matched & ~_locked(User.locked_until, now)
        row = session.execute(
            update(User)
            .where(User.username == name)
            .values(
                last_login_at=case((signs_in & User.active, now), else_=User.last_login_at),
                **_counted(User.failed_attempts, User.locked_until, matched, now),
            )
            .returning(matched, User.failed_attempts, User.locked_until)
            .execution_options(synchronize_session=False)
        ).one()
    return _Check(*row)


def _count_unknown(session: Session, name: str, now: datetime) -> _Check:
    """Count a failure at a name no account has, in one INSERT … ON CONFLICT DO UPDATE."""
    dialect = postgresql if _on_postgresql(session) else sqlite
    table = UnknownLogin.__table__
    statement = dialect.insert(table).values(username=name, failed_attempts=1)  # one failure never locks
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.username], set_=_counted(table.c.failed_attempts, table.c.locked_until, false(), now)
    )
    failed_attempts, locked_until = session.execute(
        statement.returning(table.c.failed_attempts, table.c.locked_until)
    ).one()
    return _Check(False, failed_attempts, locked_until)


def _counted(
    failed: _Column, locked_until: _Column, matched: ColumnElement[bool], now: datetime
) -> dict[str, ColumnElement]:
    """New failure count and lock for an attempt: a match outside a lock forgives, a match inside one
    changes nothing, a failure counts (and locks once enough, without extending a running lock)."""
    locked = _locked(locked_until, now)
    failures = failed + 1
    return {
        "failed_attempts": case((matched & ~locked, 0), (matched, failed), else_=failures),
        "locked_until": case(
            (locked, locked_until),
            (matched, null()),
            (failures >= LOCK_AFTER_FAILURES, now + timedelta(minutes=LOCK_MINUTES)),
            else_=locked_until,
        ),
    }


def _locked(locked_until: _Column, now: datetime) -> ColumnElement[bool]:
    return func.coalesce(locked_until > now, false())


def _sign_in(session: Session, user: User) -> Login:
    if not user.active:
        audit(session, user.username, AuditAction.LOGIN_FAILED, user.tenant_code, reason="disabled")
        return Login(Outcome.DISABLED)
    audit(session, user.username, AuditAction.LOGIN, user.tenant_code, method="password")
    return Login(Outcome.SIGNED_IN, user=user)


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))  # rounded up
