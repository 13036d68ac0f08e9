"""Password hashing (argon2id, argon2-cffi's recommended parameters) and the password policy."""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret

from checks.errors import DomainError

# Long enough that an offline guess at an argon2 hash is hopeless; short enough for a cadre to type.
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Its salt stands in when the username is unknown (or has no password), so an unknown name costs as
# long as a wrong password and response times do not reveal which accounts exist.
_DECOY_HASH = _hasher.hash("decoy password, never anyone's")


class WeakPassword(DomainError, ValueError):
    """str() says in Chinese what the password lacks."""


def check_policy(password: str, username: str) -> None:
    """The one password policy, for every place a password is chosen (the 管理 page and the CLI)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if password.strip() != password:
        raise WeakPassword("密码首尾不能有空格")
    if password.isdigit():
        raise WeakPassword("密码不能全是数字，请加入字母或符号")
    if len(set(password)) == 1:
        raise WeakPassword("密码不能由同一个字符重复组成")
    if username and username.strip().lower() in password.lower():
        raise WeakPassword("密码不能包含用户名")
    if password.lower() in common_passwords():
        raise WeakPassword("该密码过于常见，容易被猜中，请换一个")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to allow, in lower case."""
    listing = resources.files("tenants").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in listing.splitlines() if line.strip() and not line.startswith("#"))


def hash_password(password: str) -> str:
    """The argon2id hash; the policy is checked where a password is chosen, not here."""
    return _hasher.hash(password)


def salt_of(password_hash: str | None) -> str:
    """The hash without its digest ("$argon2id$v=19$m=…,t=…,p=…$<salt>"): all a verifier needs to
    recompute the hash of a candidate, and worthless for guessing offline. None: the decoy's, so that
    an unknown or SSO-only account costs the same argon2 run as any other."""
    return (password_hash or _DECOY_HASH).rsplit("$", 1)[0]


def hash_with_salt(password: str, salt: str) -> str:
    """The full hash `password` would have under `salt` (from salt_of); equal to the stored hash
    exactly when the password is right. A malformed salt gives a string no stored hash equals."""
    try:
        _, variant, version, costs, encoded_salt = salt.split("$")
        cost = dict(item.split("=") for item in costs.split(","))
        raw_salt = base64.b64decode(encoded_salt + "=" * (-len(encoded_salt) % 4))
        digest = hash_secret(
            password.encode(),
            raw_salt,
            time_cost=int(cost["t"]),
            memory_cost=int(cost["m"]),
            parallelism=int(cost["p"]),
            hash_len=_hasher.hash_len,
            type=Type[variant.removeprefix("argon2").upper()],
            version=int(version[2:]),
        )
    except (ValueError, KeyError):
        return ""
    return digest.decode()
