"""Passwords: hashed with argon2id (argon2-cffi's defaults, RFC 9106's low-memory
choice), checked in constant time, rehashed when the parameters change. A password is
never logged or stored in the clear."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from threadgraph.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; this only bounds the work a request asks for

_HASHER = PasswordHasher()
# Checked against when the login is unknown, so a wrong login takes as long as a wrong
# password and the time of an answer does not tell which logins exist.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"a password has at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def generate() -> str:
    """A one-time password to hand to a new person (about 128 bits)."""
    return secrets.token_urlsafe(16)


def verify(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed; with no hash (unknown login), always
    False after the same work."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
