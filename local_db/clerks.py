"""Clerk accounts: creation and sign-in against a salted scrypt hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from core.errors import AuthenticationError, ValidationError
from local_db.database import Database
from local_db.models import Clerk

_N, _R, _P = 2**14, 8, 1


@dataclass(frozen=True)
class ClerkInfo:
    id: str
    name: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _verify(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got, bytes.fromhex(digest))


def add_clerk(db: Database, clerk_id: str, name: str, password: str) -> ClerkInfo:
    """Create a clerk, or reset the name and password of an existing one."""
    clerk_id, name = clerk_id.strip(), name.strip()
    if not clerk_id:
        raise ValidationError("clerk_id", "请填写工号")
    if not name:
        raise ValidationError("name", "请填写姓名")
    if len(password) < 6:
        raise ValidationError("password", "密码至少6位")
    with db.sessions.begin() as s:
        clerk = s.get(Clerk, clerk_id)
        if clerk is None:
            s.add(Clerk(id=clerk_id, name=name, password_hash=hash_password(password), active=True))
        else:
            clerk.name, clerk.password_hash, clerk.active = name, hash_password(password), True
    return ClerkInfo(clerk_id, name)


def verify_clerk(db: Database, clerk_id: str, password: str) -> ClerkInfo:
    with db.sessions() as s:
        clerk = s.scalar(select(Clerk).where(Clerk.id == clerk_id.strip(), Clerk.active.is_(True)))
    if clerk is None or not _verify(password, clerk.password_hash):
        raise AuthenticationError(f"sign-in refused for clerk {clerk_id!r}")
    return ClerkInfo(clerk.id, clerk.name)

