"""Password hashing (argon2id, argon2-cffi's recommended parameters) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Long enough that an offline guess at an argon2 hash is hopeless; short enough for a cadre to type.
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verified when the username is unknown, so an unknown name costs as long as a wrong password and
# response times do not reveal which accounts exist.
_DECOY_HASH = _hasher.hash("decoy password, never anyone's")


class WeakPassword(ValueError):
    """str() says in Chinese what the password lacks."""


def check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    if password.strip() != password:
        raise WeakPassword("密码首尾不能有空格")


def hash_password(password: str) -> str:
    """The argon2id hash; the policy is checked where a password is chosen, not here."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing hash (an SSO-only account) never matches."""
    try:
        return _hasher.verify(password_hash or _DECOY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
