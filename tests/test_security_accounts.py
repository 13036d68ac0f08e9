"""Hardening of accounts (issue #10, items 8–10 and list_users of 12), on SQLite and PostgreSQL:
parallel guesses are all counted, credential changes end sessions, weak passwords are refused, and an
unknown name cannot be told from a wrong password."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from tenants import accounts
from tenants.access import AccessDenied
from tenants.accounts import (
    LOCK_AFTER_FAILURES,
    MAX_DELAY_SECONDS,
    AccountError,
    Login,
    add_user,
    authenticate,
    disable_user,
    get_user,
    list_users,
    set_password,
)
from tenants.db import make_sessionmaker
from tenants.models import UnknownLogin, User
from tenants.passwords import WeakPassword, check_policy, common_passwords
from tenants.principal import Principal, UserRole
from tests.conftest import Directory
from tests.test_accounts import ADMIN, PASSWORD, FakeClock, RecordedSleep
from tests.test_login_page import SIGNED_IN, shown, sign_in

# Fixtures of other modules, imported for pytest to find ("as": re-exported, not unused).
from tests.test_accounts import school_user as school_user  # isort: skip
from tests.test_login_page import app as app, clock as clock  # isort: skip

GUESSES = 40


def guess_in_parallel(engine: Engine, username: str, count: int) -> list[Login]:
    """`count` wrong passwords at `username`, each in its own transaction, all released at once."""
    start = threading.Barrier(count)

    def guess(n: int) -> Login:
        start.wait()
        with make_sessionmaker(engine).begin() as session:
            return authenticate(session, username, f"wrong guess {n}", sleep=lambda _: None)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(guess, range(count)))


# --- 8. parallel guessing ---------------------------------------------------------------------------------


def test_parallel_wrong_passwords_are_all_counted_and_lock(engine: Engine, session: Session, school_user: User) -> None:
    results = guess_in_parallel(engine, "gz.school", GUESSES)

    user = session.get(User, "gz.school", populate_existing=True)
    assert user.failed_attempts == GUESSES
    assert user.locked_until is not None
    assert sum(result.outcome is accounts.Outcome.LOCKED for result in results) == GUESSES - LOCK_AFTER_FAILURES + 1


def test_parallel_guesses_at_an_unknown_name_are_all_counted(
    engine: Engine, session: Session, directory: Directory
) -> None:
    guess_in_parallel(engine, "nobody", GUESSES)

    assert session.get(UnknownLogin, "nobody").failed_attempts == GUESSES


# --- 10. an unknown name looks like a wrong password ------------------------------------------------------


def attempts(session: Session, username: str, password: str, times: int) -> tuple[list[tuple], list[float]]:
    clock, sleep = FakeClock(), RecordedSleep()
    answers = []
    for _ in range(times):
        login = authenticate(session, username, password, clock=clock, sleep=sleep)
        session.commit()
        answers.append((login.outcome, login.message("")))
    return answers, sleep.delays


def test_an_unknown_name_is_answered_slowed_and_locked_like_a_wrong_password(
    session: Session, school_user: User
) -> None:
    known = attempts(session, "gz.school", "wrong password", LOCK_AFTER_FAILURES + 2)
    unknown = attempts(session, "nobody", "wrong password", LOCK_AFTER_FAILURES + 2)

    assert unknown == known
    assert known[0][-1] == (accounts.Outcome.LOCKED, "登录失败次数过多，请 15 分钟后再试")


def test_an_unknown_name_costs_one_argon2_run_with_the_same_parameters(
    session: Session, school_user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    salts: list[str] = []
    real = accounts.hash_with_salt

    def recording(password: str, salt: str) -> str:
        salts.append(salt)
        return real(password, salt)

    monkeypatch.setattr(accounts, "hash_with_salt", recording)
    authenticate(session, "gz.school", "wrong password", sleep=lambda _: None)
    authenticate(session, "nobody", "wrong password", sleep=lambda _: None)

    known, unknown = (salt.rsplit("$", 1)[0] for salt in salts)  # the salt itself differs
    assert len(salts) == 2 and known == unknown


def test_during_a_lock_the_right_password_looks_like_a_wrong_one(session: Session, school_user: User) -> None:
    clock, sleep = FakeClock(), RecordedSleep()
    for _ in range(LOCK_AFTER_FAILURES):
        authenticate(session, "gz.school", "wrong password", clock=clock, sleep=sleep)
        session.commit()
    sleep.delays.clear()

    right = authenticate(session, "gz.school", PASSWORD, clock=clock, sleep=sleep)
    session.commit()  # the wait comes once the transaction has ended
    wrong = authenticate(session, "gz.school", "wrong password", clock=clock, sleep=sleep)
    session.commit()

    assert right.message("") == wrong.message("") == "登录失败次数过多，请 15 分钟后再试"
    assert sleep.delays == [MAX_DELAY_SECONDS, MAX_DELAY_SECONDS]


# --- 10. the password policy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "密码至少需要 10 个字符"),
        ("1234567890", "密码不能全是数字"),
        ("aaaaaaaaaa", "密码不能由同一个字符重复组成"),
        ("GZ.School-2026", "密码不能包含用户名"),
        ("password12", "该密码过于常见"),
        ("Woaini1314", "该密码过于常见"),
        ("qq123456789", "该密码过于常见"),
        ("a1234567890", "该密码过于常见"),
    ],
)
def test_weak_passwords_are_refused_saying_why(password: str, message: str) -> None:
    with pytest.raises(WeakPassword, match=message):
        check_policy(password, "gz.school")


def test_the_common_password_list_ships_with_the_package() -> None:
    assert len(common_passwords()) >= 200
    assert {"1234567890", "a1234567890", "woaini1314", "qq123456789", "password12"} <= common_passwords()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_cli_and_the_accounts_module_give_the_same_message(
    reformboard, session: Session, directory: Directory
) -> None:
    code, _, err = reformboard(
        "user", "add", "viewer", "--role", "province-viewer", "--password-stdin", stdin="password12\n"
    )
    with pytest.raises(AccountError) as refused:  # what the 管理 page shows
        add_user(session, "viewer", UserRole.PROVINCE_VIEWER, by=ADMIN, password="password12")

    assert (code, err.strip()) == (1, f"错误：{refused.value}")
    assert str(refused.value) == "该密码过于常见，容易被猜中，请换一个"


def test_a_new_password_is_held_to_the_policy_too(session: Session, school_user: User) -> None:
    with pytest.raises(AccountError, match="密码不能包含用户名"):
        set_password(session, "gz.school", "gz.school-new-one", by=ADMIN)


# --- 9. credential changes end the other sessions ---------------------------------------------------------


def version(session: Session) -> int:
    return session.scalar(
        select(User.credential_version).where(User.username == "gz.school").execution_options(populate_existing=True)
    )


@pytest.mark.parametrize("change", ["password", "role", "school", "disabled"])
def test_a_credential_change_raises_the_version(
    session: Session, school_user: User, directory: Directory, change: str
) -> None:
    before = version(session)
    if change == "password":
        set_password(session, "gz.school", "a brand new secret", by=ADMIN)
    elif change == "disabled":
        disable_user(session, "gz.school", by=ADMIN)
    else:  # no function changes these yet: an edit straight in the database counts too
        values = (
            {"role": UserRole.PROVINCE_VIEWER, "tenant_code": None}
            if change == "role"
            else {"tenant_code": directory.other_school}
        )
        session.execute(update(User).where(User.username == "gz.school").values(**values))
    session.commit()

    assert version(session) == before + 1


def test_signing_in_and_failing_leave_the_version_alone(session: Session, school_user: User) -> None:
    before = version(session)
    authenticate(session, "gz.school", "wrong password", sleep=lambda _: None)
    authenticate(session, "gz.school", PASSWORD, sleep=lambda _: None)
    session.commit()

    assert version(session) == before


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("change", ["password", "role", "school"])
def test_a_credential_change_ends_a_signed_in_session(
    app: AppTest, session: Session, directory: Directory, change: str
) -> None:
    assert shown(sign_in(app)) == [SIGNED_IN]
    if change == "password":
        set_password(session, "gz.school", "a brand new secret", by=ADMIN)
    else:
        values = (
            {"role": UserRole.PROVINCE_VIEWER, "tenant_code": None}
            if change == "role"
            else {"tenant_code": directory.other_school}
        )
        session.execute(update(User).where(User.username == "gz.school").values(**values))
    session.commit()

    assert shown(app.run()) == ["您账号的密码、角色或所属学校/单位已变更，请重新登录"]
    again = sign_in(app, password="a brand new secret" if change == "password" else PASSWORD)
    assert shown(again)[0].startswith("已登录：王老师")


# --- 12. list_users ---------------------------------------------------------------------------------------


def test_only_the_province_administrator_lists_accounts(session: Session, school_user: User) -> None:
    with pytest.raises(AccessDenied):
        list_users(session, by=Principal("viewer", UserRole.PROVINCE_VIEWER))


def test_listed_accounts_carry_no_password_hash(session: Session, school_user: User) -> None:
    session.expunge_all()
    [listed] = list_users(session, by=ADMIN)

    with pytest.raises(InvalidRequestError):
        _ = listed.password_hash
    with pytest.raises(InvalidRequestError):
        _ = get_user(session, "gz.school").password_hash
