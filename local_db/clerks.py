"""Clerk accounts: roles, creation that never overwrites, disabling, password reset and sign-in.

Sign-in follows what an assessor of a level-3 system (GB/T 22239) looks for: argon2id hashes (an old
scrypt hash is upgraded at the next successful sign-in), a lockout after repeated wrong passwords, and
the same hash work for an unknown or disabled staff number as for a known one, so the answer's timing
does not tell which staff numbers exist. Who may call what is checked one layer up, in the use cases
(``app/permissions.py``); this module stores and verifies.
"""

from __future__ import annotations

import enum
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.errors import AuthenticationError, StateError, ValidationError
from local_db.database import Database
from local_db.models import Clerk, ClerkRole, utcnow
from local_db.passwords import Argon2Hasher, Hasher

MIN_PASSWORD_LENGTH = 8


class Role(enum.StrEnum):
    """The posts of 个人权益记录管理办法 Art. 7 and the administrator of Art. 26; stored as the value."""

    FRONT_DESK = "front_desk"  # 受理
    REVIEW = "review"  # 复核
    APPROVAL = "approval"  # 审批
    SUPERVISOR = "supervisor"  # 业务主管
    AUDITOR = "auditor"  # 稽核
    ADMIN = "admin"  # 系统管理员


ROLE_LABELS: dict[Role, str] = {
    Role.FRONT_DESK: "受理", Role.REVIEW: "复核", Role.APPROVAL: "审批",
    Role.SUPERVISOR: "业务主管", Role.AUDITOR: "稽核", Role.ADMIN: "系统管理员",
}


@dataclass(frozen=True)
class ClerkInfo:
    """A signed-in clerk: staff number, name and the roles held at sign-in."""

    id: str
    name: str
    roles: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class ClerkRecord:
    """One row of the clerk list an administrator sees (no hash)."""

    id: str
    name: str
    roles: frozenset[Role]
    active: bool
    locked_until: datetime | None


class ClerkExists(ValidationError):
    """Creating a clerk never replaces one (issue 16: the CLI used to overwrite and re-activate)."""

    def __init__(self, clerk_id: str) -> None:
        super().__init__("clerk_id", f"工号 {clerk_id} 已存在，不能重复创建。",
                         hint="如需更改该柜员的密码，请使用“重置密码”；如需停用，请使用“停用”。")


class UnknownClerk(StateError):
    def __init__(self, clerk_id: str) -> None:
        super().__init__(f"no clerk {clerk_id!r}", user_message=f"没有工号为 {clerk_id} 的柜员。",
                         hint="请核对工号。")


class AccountLocked(AuthenticationError):
    """Too many wrong passwords: refused until ``until`` whatever is typed."""

    def __init__(self, clerk_id: str, until: datetime) -> None:
        local = until.astimezone().strftime("%Y-%m-%d %H:%M")
        super().__init__(f"clerk {clerk_id!r} locked until {until.isoformat()}",
                         user_message=f"密码错误次数过多，该工号已锁定至 {local}。",
                         hint="请到时再试，或请系统管理员重置密码。")
        self.until = until


class UnknownFailures:
    """Wrong sign-ins for staff numbers that are unknown or disabled, counted in memory like a real lockout.

    Without it the ``max_failures``-th refusal says "locked until …" only for a staff number that
    exists, which tells a guesser which numbers are real. With it an unknown number is "locked" after
    the same count for the same time, with the same words. Numbers are kept as SHA-256 digests (what
    was typed may be a password typed in the wrong box), at most ``capacity`` of them, the oldest
    forgotten first. In memory only: a restart forgets them (a real clerk's lockout is in the database),
    which a guesser at the counter cannot use without being seen restarting the program.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        #: digest -> (failures in a row, locked until)
        self._entries: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()

    @staticmethod
    def _key(clerk_id: str) -> str:
        return hashlib.sha256(clerk_id.encode("utf-8")).hexdigest()

    def refuse(self, clerk_id: str, now: datetime, max_failures: int, lockout: timedelta) -> AuthenticationError:
        """The refusal for one more wrong sign-in of this number: plain, or ``AccountLocked`` as a real one."""
        key = self._key(clerk_id)
        with self._lock:
            failures, until = self._entries.pop(key, (0, None))
            if until is not None and until > now:
                self._entries[key] = (failures, until)
                return AccountLocked(clerk_id, until)
            failures += 1
            refusal: AuthenticationError = AuthenticationError(f"sign-in refused for clerk {clerk_id!r}")
            until = None
            if failures >= max_failures:
                failures, until = 0, now + lockout
                refusal = AccountLocked(clerk_id, until)
            self._entries[key] = (failures, until)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
            return refusal


@cache
def default_hasher() -> Hasher:
    """The process's argon2id hasher (built on first use; keeps its dummy hash)."""
    return Argon2Hasher()


def check_roles(roles: frozenset[Role]) -> None:
    """At least one role; the administrator holds no business role (Art. 26)."""
    if not roles:
        raise ValidationError("roles", "请至少选择一个岗位。")
    if Role.ADMIN in roles and len(roles) > 1:
        raise ValidationError("roles", "系统管理员不能兼任业务岗位。",
                              hint="请为业务岗位另建一个柜员账号。")


def check_password(clerk_id: str, password: str) -> None:
    """The password policy: long enough, not the staff number, not one character repeated."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", f"密码至少{MIN_PASSWORD_LENGTH}位。")
    if password.strip().casefold() == clerk_id.strip().casefold():
        raise ValidationError("password", "密码不能与工号相同。")
    if len(set(password)) == 1:
        raise ValidationError("password", "密码不能由同一个字符重复组成。")


#: writes the audit trail's entry of a clerk change inside the change's transaction
ClerkAuditHook = Callable[[Session], object]


def _roles_of(s: Session, clerk_id: str) -> frozenset[Role]:
    names = s.scalars(select(ClerkRole.role).where(ClerkRole.clerk_id == clerk_id))
    return frozenset(Role(n) for n in names if n in Role._value2member_map_)


def add_clerk(db: Database, clerk_id: str, name: str, password: str, *, roles: frozenset[Role],
              hasher: Hasher | None = None, audit: ClerkAuditHook | None = None) -> ClerkInfo:
    """Create a clerk; ``ClerkExists`` if the staff number is taken (active or not).

    ``audit`` (as for every change here) writes the audit trail's entry in the change's own transaction.
    """
    clerk_id, name = clerk_id.strip(), name.strip()
    if not clerk_id:
        raise ValidationError("clerk_id", "请填写工号")
    if not name:
        raise ValidationError("name", "请填写姓名")
    check_roles(roles)
    check_password(clerk_id, password)
    digest = (hasher or default_hasher()).hash(password)
    with db.sessions.begin() as s:
        if s.get(Clerk, clerk_id) is not None:
            raise ClerkExists(clerk_id)
        s.add(Clerk(id=clerk_id, name=name, password_hash=digest, active=True))
        s.flush()
        s.add_all(ClerkRole(clerk_id=clerk_id, role=role.value) for role in sorted(roles))
        if audit is not None:
            audit(s)
    return ClerkInfo(clerk_id, name, roles)


def count_clerks(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Clerk)) or 0)


def list_clerks(db: Database) -> list[ClerkRecord]:
    with db.sessions() as s:
        clerks = list(s.scalars(select(Clerk).order_by(Clerk.id)))
        return [ClerkRecord(c.id, c.name, _roles_of(s, c.id), c.active, c.locked_until) for c in clerks]


def disable_clerk(db: Database, clerk_id: str, *, audit: ClerkAuditHook | None = None) -> None:
    """The clerk can no longer sign in; their records and signatures stay."""
    with db.sessions.begin() as s:
        clerk = s.get(Clerk, clerk_id.strip())
        if clerk is None:
            raise UnknownClerk(clerk_id)
        clerk.active = False
        if audit is not None:
            audit(s)


def reset_password(db: Database, clerk_id: str, password: str, *, hasher: Hasher | None = None,
                   audit: ClerkAuditHook | None = None) -> None:
    """A new password, and the lockout lifted; a disabled clerk stays disabled."""
    clerk_id = clerk_id.strip()
    check_password(clerk_id, password)
    digest = (hasher or default_hasher()).hash(password)
    with db.sessions.begin() as s:
        clerk = s.get(Clerk, clerk_id)
        if clerk is None:
            raise UnknownClerk(clerk_id)
        clerk.password_hash, clerk.failed_signins, clerk.locked_until = digest, 0, None
        if audit is not None:
            audit(s)


def set_roles(db: Database, clerk_id: str, roles: frozenset[Role], *, audit: ClerkAuditHook | None = None) -> None:
    check_roles(roles)
    with db.sessions.begin() as s:
        if s.get(Clerk, clerk_id) is None:
            raise UnknownClerk(clerk_id)
        s.execute(delete(ClerkRole).where(ClerkRole.clerk_id == clerk_id))
        s.add_all(ClerkRole(clerk_id=clerk_id, role=role.value) for role in sorted(roles))
        if audit is not None:
            audit(s)


def verify_clerk(db: Database, clerk_id: str, password: str, *, now: datetime | None = None,
                 hasher: Hasher | None = None, max_failures: int = 5,
                 lockout: timedelta = timedelta(minutes=15), unknown: UnknownFailures | None = None) -> ClerkInfo:
    """The clerk whose password this is, with their roles.

    ``AuthenticationError`` for a wrong password, an unknown or a disabled staff number (each after one
    verification of the same cost); ``AccountLocked`` while locked. The ``max_failures``-th wrong
    password in a row locks the account for ``lockout``; a successful sign-in clears the count and
    replaces a scrypt (or outdated argon2) hash. ``now`` is the clock (tests). With ``unknown``, an
    unknown or disabled staff number is refused the same way after the same count (``UnknownFailures``).
    """
    hasher = hasher or default_hasher()
    now = now or utcnow()
    clerk_id = clerk_id.strip()
    refusal: AuthenticationError | None = None
    with db.sessions.begin() as s:
        clerk = s.get(Clerk, clerk_id)
        if clerk is None or not clerk.active:
            hasher.verify(password, hasher.dummy())
            refusal = (AuthenticationError(f"sign-in refused for clerk {clerk_id!r}") if unknown is None
                       else unknown.refuse(clerk_id, now, max_failures, lockout))
        elif clerk.locked_until is not None and clerk.locked_until > now:
            hasher.verify(password, hasher.dummy())
            refusal = AccountLocked(clerk_id, clerk.locked_until)
        elif not hasher.verify(password, clerk.password_hash):
            clerk.failed_signins = (clerk.failed_signins or 0) + 1
            refusal = AuthenticationError(f"sign-in refused for clerk {clerk_id!r}")
            if clerk.failed_signins >= max_failures:
                clerk.failed_signins, clerk.locked_until = 0, now + lockout
                refusal = AccountLocked(clerk_id, now + lockout)
        else:
            clerk.failed_signins, clerk.locked_until = 0, None
            if hasher.needs_rehash(clerk.password_hash):
                clerk.password_hash = hasher.hash(password)
            info = ClerkInfo(clerk.id, clerk.name, _roles_of(s, clerk.id))
    if refusal is not None:
        raise refusal
    return info
