"""Password hashing: argon2id for new hashes, the old salted scrypt hashes still verified (and upgraded).

``Hasher`` is the seam the sign-in code goes through, so a test can count how much hash work a refusal
costs (an unknown staff number must cost the same as a wrong password, GB/T 22239 identity
authentication) without timing anything. ``Argon2Hasher`` is the real one; it keeps one dummy hash,
made on first use with the same parameters as every other hash, to verify against when there is no
clerk to verify against.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["Argon2Hasher", "Hasher", "scrypt_hash"]

_N, _R, _P = 2**14, 8, 1


class Hasher(Protocol):
    def hash(self, password: str) -> str:
        """A new salted hash of ``password``."""
        ...

    def verify(self, password: str, stored: str) -> bool:
        """Whether ``password`` matches ``stored`` (any supported scheme)."""
        ...

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` should be replaced by a fresh hash after a successful sign-in."""
        ...

    def dummy(self) -> str:
        """A hash of no one's password, verified when the staff number is unknown or disabled."""
        ...


def scrypt_hash(password: str) -> str:
    """The pre-issue-16 format (kept so tests and old databases can have one to upgrade)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))


class Argon2Hasher:
    """argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters; scrypt verified for upgrade."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._argon2 = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password: str, stored: str) -> bool:
        if stored.startswith("scrypt$"):
            return _verify_scrypt(password, stored)
        try:
            return self._argon2.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        if not stored.startswith("$argon2id$"):
            return True
        try:
            return self._argon2.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def dummy(self) -> str:
        if self._dummy is None:
            self._dummy = self._argon2.hash(secrets.token_urlsafe(16))
        return self._dummy
