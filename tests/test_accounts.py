"""Accounts: who may be added, how passwords are kept and checked, and how guessing is slowed and stopped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tenants.access import AccessDenied
from tenants.accounts import (
    FREE_FAILURES,
    LOCK_AFTER_FAILURES,
    LOCK_MINUTES,
    AccountError,
    Outcome,
    add_user,
    authenticate,
    bootstrap_admin,
    delay_after,
    disable_user,
    find_sso_user,
    get_user,
    list_users,
    principal_for,
    set_password,
)
from tenants.models import User
from tenants.principal import Principal, UserRole, local_operator
from tenants.store import audit_entries
from tests.conftest import PROVINCE, Directory

PASSWORD = "correct horse battery"
ADMIN = local_operator("tester")


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def school_user(session: Session, directory: Directory) -> User:
    user = add_user(
        session,
        "gz.school",
        UserRole.SCHOOL,
        by=ADMIN,
        display_name="王老师",
        tenant_code=directory.school,
        password=PASSWORD,
    )
    session.commit()
    return user


def login(session: Session, password: str, clock: FakeClock, sleep: RecordedSleep, username: str = "gz.school"):
    result = authenticate(session, username, password, clock=clock, sleep=sleep)
    session.commit()  # as every caller must: a refused attempt is counted only once committed
    return result


# --- adding accounts ---------------------------------------------------------------------------------------


def test_a_school_account_belongs_to_an_existing_school(session: Session, directory: Directory) -> None:
    with pytest.raises(AccountError, match="须指定所属学校"):
        add_user(session, "a.school", UserRole.SCHOOL, by=ADMIN, password=PASSWORD)
    with pytest.raises(AccountError, match="找不到学校标识码为 4144019999 的学校"):
        add_user(session, "a.school", UserRole.SCHOOL, by=ADMIN, tenant_code="4144019999", password=PASSWORD)


def test_a_unit_account_belongs_to_an_existing_unit(session: Session, directory: Directory) -> None:
    with pytest.raises(AccountError, match="须指定所属单位"):
        add_user(session, "a.unit", UserRole.UNIT, by=ADMIN, tenant_code=directory.school, password=PASSWORD)
    user = add_user(session, "a.unit", UserRole.UNIT, by=ADMIN, unit_code=directory.unit, password=PASSWORD)

    assert principal_for(user) == Principal("a.unit", UserRole.UNIT, unit_code=directory.unit)


def test_a_province_account_belongs_to_no_school(session: Session, directory: Directory) -> None:
    with pytest.raises(AccountError, match="不属于某个学校或单位"):
        add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=ADMIN, unit_code=directory.unit, password=PASSWORD)


def test_usernames_are_unique_and_compared_in_lower_case(session: Session, school_user: User) -> None:
    with pytest.raises(AccountError, match="用户名 gz.school 已存在"):
        add_user(session, "GZ.School", UserRole.PROVINCE_VIEWER, by=ADMIN, password=PASSWORD)


def test_a_malformed_username_is_refused(session: Session) -> None:
    with pytest.raises(AccountError, match="用户名“张 三”无效"):
        add_user(session, "张 三", UserRole.PROVINCE_VIEWER, by=ADMIN, password=PASSWORD)


def test_an_account_with_no_way_to_sign_in_is_refused(session: Session) -> None:
    with pytest.raises(AccountError, match="无法登录"):
        add_user(session, "nobody", UserRole.PROVINCE_VIEWER, by=ADMIN)


def test_a_short_password_is_refused(session: Session) -> None:
    with pytest.raises(AccountError, match="密码至少需要 10 个字符"):
        add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=ADMIN, password="123456")


def test_only_the_province_administrator_adds_accounts(session: Session, directory: Directory) -> None:
    viewer = Principal("viewer", UserRole.PROVINCE_VIEWER)

    with pytest.raises(AccessDenied):
        add_user(session, "sneaky", UserRole.PROVINCE_ADMIN, by=viewer, password=PASSWORD)

    assert get_user(session, "sneaky") is None
    [denial] = audit_entries(session, PROVINCE, action="permission_denied")
    assert (denial.actor, denial.detail) == ("viewer", {"attempted": "user_add"})


def test_passwords_are_stored_as_argon2_hashes(session: Session, school_user: User) -> None:
    assert school_user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in school_user.password_hash


def test_adding_an_account_is_audited_without_the_password(session: Session, school_user: User) -> None:
    [entry] = audit_entries(session, PROVINCE, action="user_added")

    assert (entry.actor, entry.tenant_code, entry.detail["username"]) == (
        ADMIN.username,
        school_user.tenant_code,
        "gz.school",
    )
    assert PASSWORD not in str(entry.detail)


def test_list_users_shows_every_account(session: Session, school_user: User) -> None:
    add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=ADMIN, password=PASSWORD)

    assert [user.username for user in list_users(session, by=ADMIN)] == ["viewer", "gz.school"]


# --- the first administrator -------------------------------------------------------------------------------


def test_the_first_administrator_gets_a_random_password_shown_once(
    session: Session, clock: FakeClock, sleep: RecordedSleep
) -> None:
    password = bootstrap_admin(session)
    session.commit()

    assert password and len(password) >= 20
    assert login(session, password, clock, sleep, username="admin").outcome is Outcome.SIGNED_IN
    assert bootstrap_admin(session) is None
    assert [u.username for u in list_users(session, by=ADMIN) if u.role is UserRole.PROVINCE_ADMIN] == ["admin"]


def test_no_administrator_is_bootstrapped_when_one_exists(session: Session) -> None:
    add_user(session, "chief", UserRole.PROVINCE_ADMIN, by=ADMIN, password=PASSWORD)

    assert bootstrap_admin(session) is None
    assert get_user(session, "admin") is None


def test_bootstrapped_passwords_differ_between_installations(session: Session) -> None:
    first = bootstrap_admin(session)
    session.rollback()

    assert bootstrap_admin(session) != first


# --- signing in ---------------------------------------------------------------------------------------------


def test_the_right_password_signs_in_and_is_audited(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    result = login(session, PASSWORD, clock, sleep)

    assert result.outcome is Outcome.SIGNED_IN
    assert principal_for(result.user) == Principal(
        "gz.school", UserRole.SCHOOL, tenant_code=school_user.tenant_code, display_name="王老师"
    )
    assert get_user(session, "gz.school").last_login_at == clock.now
    assert [e.actor for e in audit_entries(session, PROVINCE, action="login")] == ["gz.school"]


def test_an_unknown_name_and_a_wrong_password_get_the_same_answer(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    unknown = login(session, PASSWORD, clock, sleep, username="nobody")
    wrong = login(session, "wrong password", clock, sleep)

    assert unknown.outcome is wrong.outcome is Outcome.WRONG
    assert unknown.message("") == wrong.message("") == "用户名或密码错误"
    assert {e.detail["reason"] for e in audit_entries(session, PROVINCE, action="login_failed")} == {
        "unknown_user",
        "wrong_password",
    }


def test_failures_in_a_row_wait_longer_and_longer(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert login(session, "wrong password", clock, sleep).outcome is Outcome.WRONG

    assert sleep.delays == [delay_after(n) for n in range(1, LOCK_AFTER_FAILURES)]
    assert sleep.delays[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    assert sleep.delays[FREE_FAILURES:] == sorted(set(sleep.delays[FREE_FAILURES:]))  # growing
    assert sleep.delays[-1] > 0


def test_too_many_failures_lock_the_account_even_against_the_right_password(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        result = login(session, "wrong password", clock, sleep)
    assert result.outcome is Outcome.LOCKED
    assert result.message("") == f"登录失败次数过多，请 {LOCK_MINUTES} 分钟后再试"

    clock.advance(LOCK_MINUTES - 5.5)
    still_locked = login(session, PASSWORD, clock, sleep)

    assert still_locked.outcome is Outcome.LOCKED
    assert still_locked.message("") == "登录失败次数过多，请 6 分钟后再试"


def test_the_lock_ends_after_its_time(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        login(session, "wrong password", clock, sleep)

    clock.advance(LOCK_MINUTES)

    assert login(session, PASSWORD, clock, sleep).outcome is Outcome.SIGNED_IN
    assert get_user(session, "gz.school").failed_attempts == 0


def test_a_failure_after_the_lock_ends_locks_again(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        login(session, "wrong password", clock, sleep)
    clock.advance(LOCK_MINUTES)

    assert login(session, "wrong password", clock, sleep).outcome is Outcome.LOCKED


def test_a_success_forgives_earlier_failures(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES - 1):
        login(session, "wrong password", clock, sleep)
    login(session, PASSWORD, clock, sleep)
    sleep.delays.clear()

    login(session, "wrong password", clock, sleep)

    assert sleep.delays == [0.0]


def test_a_disabled_account_cannot_sign_in(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    disable_user(session, "gz.school", by=ADMIN)
    session.commit()

    right = login(session, PASSWORD, clock, sleep)
    wrong = login(session, "wrong password", clock, sleep)

    assert (right.outcome, right.message("团省委学校部")) == (Outcome.DISABLED, "该账号已停用，请联系团省委学校部")
    assert wrong.outcome is Outcome.WRONG  # a guesser learns nothing about the account
    assert [e.detail for e in audit_entries(session, PROVINCE, action="user_disabled")] == [{"username": "gz.school"}]


def test_an_sso_only_account_has_no_password_to_guess(session: Session, clock: FakeClock, sleep: RecordedSleep) -> None:
    add_user(session, "sso.user", UserRole.PROVINCE_VIEWER, by=ADMIN, email="SSO@Example.edu.cn")
    session.commit()

    assert login(session, "", clock, sleep, username="sso.user").outcome is Outcome.WRONG
    assert login(session, "anything at all", clock, sleep, username="sso.user").outcome is Outcome.WRONG


# --- changing passwords -------------------------------------------------------------------------------------


def test_a_new_password_replaces_the_old_one(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    set_password(session, "gz.school", "a brand new secret", by=ADMIN)
    session.commit()

    assert login(session, PASSWORD, clock, sleep).outcome is Outcome.WRONG
    assert login(session, "a brand new secret", clock, sleep).outcome is Outcome.SIGNED_IN
    [entry] = audit_entries(session, PROVINCE, action="password_changed")
    assert "a brand new secret" not in str(entry.detail)


def test_a_new_password_lifts_the_lock(
    session: Session, school_user: User, clock: FakeClock, sleep: RecordedSleep
) -> None:
    for _ in range(LOCK_AFTER_FAILURES):
        login(session, "wrong password", clock, sleep)

    set_password(session, "gz.school", "a brand new secret", by=ADMIN)
    session.commit()

    assert login(session, "a brand new secret", clock, sleep).outcome is Outcome.SIGNED_IN


def test_users_change_their_own_password_but_not_others(session: Session, school_user: User) -> None:
    me = principal_for(school_user)
    set_password(session, "gz.school", "my own new secret", by=me)
    add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=ADMIN, password=PASSWORD)

    with pytest.raises(AccessDenied):
        set_password(session, "viewer", "taken over now", by=me)


def test_no_one_disables_their_own_account(session: Session) -> None:
    chief = add_user(session, "chief", UserRole.PROVINCE_ADMIN, by=ADMIN, password=PASSWORD)

    with pytest.raises(AccountError, match="不能停用自己"):
        disable_user(session, "chief", by=principal_for(chief))


# --- SSO identities -----------------------------------------------------------------------------------------


def test_an_sso_identity_maps_by_subject_first_then_by_email(session: Session) -> None:
    by_subject = add_user(
        session, "li", UserRole.PROVINCE_VIEWER, by=ADMIN, oidc_subject="sub-li", email="li@example.edu.cn"
    )
    by_email = add_user(session, "wang", UserRole.PROVINCE_VIEWER, by=ADMIN, email="Wang@Example.edu.cn")

    assert find_sso_user(session, "sub-li", "wang@example.edu.cn") is by_subject
    assert find_sso_user(session, "sub-unknown", "WANG@example.edu.cn") is by_email
    assert find_sso_user(session, "sub-unknown", "stranger@example.edu.cn") is None
    assert find_sso_user(session, None, None) is None


def test_an_sso_identity_belongs_to_one_account(session: Session) -> None:
    add_user(session, "li", UserRole.PROVINCE_VIEWER, by=ADMIN, email="li@example.edu.cn")

    with pytest.raises(AccountError, match="邮箱 li@example.edu.cn 已被其他账号使用"):
        add_user(session, "li2", UserRole.PROVINCE_VIEWER, by=ADMIN, email="LI@example.edu.cn")
