"""Clerk accounts (issue 16): no overwrite, the password policy, lockout, equal hash work, hash upgrade.

Time comes from an injected clock (no sleeping); hash work is counted through the ``Hasher`` seam
(never timed). Everything runs on a real encrypted SQLite file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select

from core.errors import AuthenticationError, ValidationError
from local_db import outbox
from local_db.clerks import (
    AccountLocked,
    ClerkExists,
    Role,
    add_clerk,
    disable_clerk,
    list_clerks,
    reset_password,
    verify_clerk,
)
from local_db.database import Database, open_database
from local_db.models import Clerk
from local_db.passwords import Argon2Hasher, scrypt_hash

KEY = bytes(range(32))
DESK = frozenset({Role.FRONT_DESK})
T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


class CountingHasher:
    """The real argon2id hasher, counting each verification (the seam the sign-in code goes through)."""

    def __init__(self) -> None:
        self.real = Argon2Hasher()
        self.verified = 0

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password: str, stored: str) -> bool:
        self.verified += 1
        return self.real.verify(password, stored)

    def needs_rehash(self, stored: str) -> bool:
        return self.real.needs_rehash(stored)

    def dummy(self) -> str:
        return self.real.dummy()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "t.sqlite3", KEY)
    yield database  # type: ignore[misc]
    database.close()


def _hash_of(db: Database, clerk_id: str) -> str:
    with db.sessions() as s:
        return str(s.scalar(select(Clerk.password_hash).where(Clerk.id == clerk_id)))


def test_creating_a_clerk_never_overwrites_one(db: Database) -> None:
    add_clerk(db, "1001", "王柜员", "first-pass-1", roles=DESK)
    disable_clerk(db, "1001")
    before = _hash_of(db, "1001")
    with pytest.raises(ClerkExists) as exists:
        add_clerk(db, "1001", "冒名者", "second-pass-2", roles=frozenset({Role.REVIEW}))
    assert "1001" in exists.value.user_message and "已存在" in exists.value.user_message
    [row] = list_clerks(db)
    assert (row.name, row.roles, row.active, _hash_of(db, "1001")) == ("王柜员", DESK, False, before)
    with pytest.raises(AuthenticationError):  # neither re-activated nor given the new password
        verify_clerk(db, "1001", "second-pass-2")


@pytest.mark.parametrize(("clerk_id", "password", "why"), [
    ("1001", "short-7", "至少8位"),
    ("12345678", "12345678", "不能与工号相同"),
    ("1001", "aaaaaaaaaa", "同一个字符"),
])
def test_the_password_policy(db: Database, clerk_id: str, password: str, why: str) -> None:
    with pytest.raises(ValidationError, match=why):
        add_clerk(db, clerk_id, "王柜员", password, roles=DESK)
    add_clerk(db, clerk_id, "王柜员", "good-pass-1", roles=DESK)
    with pytest.raises(ValidationError, match=why):
        reset_password(db, clerk_id, password)
    assert verify_clerk(db, clerk_id, "good-pass-1").id == clerk_id


def test_five_wrong_passwords_lock_for_fifteen_minutes_then_it_expires(db: Database) -> None:
    add_clerk(db, "1001", "王柜员", "right-pass-1", roles=DESK)
    for n in range(4):
        with pytest.raises(AuthenticationError) as wrong:
            verify_clerk(db, "1001", "wrong-pass", now=T0 + timedelta(seconds=n))
        assert not isinstance(wrong.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        verify_clerk(db, "1001", "wrong-pass", now=T0 + timedelta(seconds=4))
    until = T0 + timedelta(seconds=4, minutes=15)
    assert locked.value.until == until
    assert until.astimezone().strftime("%H:%M") in locked.value.user_message and "锁定" in locked.value.user_message
    with pytest.raises(AccountLocked):  # the right password does not open it early
        verify_clerk(db, "1001", "right-pass-1", now=until - timedelta(seconds=1))
    assert verify_clerk(db, "1001", "right-pass-1", now=until).id == "1001"
    for n in range(4):  # the count started over
        with pytest.raises(AuthenticationError) as wrong:
            verify_clerk(db, "1001", "wrong-pass", now=until + timedelta(seconds=n))
        assert not isinstance(wrong.value, AccountLocked)


def test_a_successful_sign_in_clears_the_count_and_a_reset_lifts_the_lock(db: Database) -> None:
    add_clerk(db, "1001", "王柜员", "right-pass-1", roles=DESK)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            verify_clerk(db, "1001", "wrong-pass", now=T0)
    verify_clerk(db, "1001", "right-pass-1", now=T0)
    for _ in range(4):
        with pytest.raises(AuthenticationError) as wrong:
            verify_clerk(db, "1001", "wrong-pass", now=T0)
        assert not isinstance(wrong.value, AccountLocked)
    with pytest.raises(AccountLocked):
        verify_clerk(db, "1001", "wrong-pass", now=T0, max_failures=5)
    reset_password(db, "1001", "fresh-pass-2")
    assert verify_clerk(db, "1001", "fresh-pass-2", now=T0).id == "1001"


@pytest.mark.parametrize("who", ["unknown", "disabled", "locked"])
def test_a_refusal_costs_the_same_hash_work_as_a_wrong_password(db: Database, who: str) -> None:
    add_clerk(db, "1001", "王柜员", "right-pass-1", roles=DESK)
    add_clerk(db, "1002", "停用柜员", "right-pass-1", roles=DESK)
    disable_clerk(db, "1002")
    known = CountingHasher()
    with pytest.raises(AuthenticationError):
        verify_clerk(db, "1001", "wrong-pass", hasher=known, now=T0)
    if who == "locked":
        for _ in range(4):
            with pytest.raises(AuthenticationError):
                verify_clerk(db, "1001", "wrong-pass", now=T0)
    other = CountingHasher()
    clerk_id = {"unknown": "9999", "disabled": "1002", "locked": "1001"}[who]
    with pytest.raises(AuthenticationError):
        verify_clerk(db, clerk_id, "wrong-pass", hasher=other, now=T0 + timedelta(minutes=1))
    assert known.verified == other.verified == 1
    assert other.real.dummy().startswith("$argon2id$")  # the dummy costs what a real argon2id hash costs


def test_an_old_scrypt_hash_is_verified_and_upgraded_to_argon2id(db: Database) -> None:
    add_clerk(db, "1001", "王柜员", "placeholder-1", roles=DESK)
    with db.sessions.begin() as s:
        clerk = s.get(Clerk, "1001")
        assert clerk is not None
        clerk.password_hash = scrypt_hash("old-scrypt-pass")
    with pytest.raises(AuthenticationError):
        verify_clerk(db, "1001", "wrong-pass")
    assert _hash_of(db, "1001").startswith("scrypt$")  # a failure changes nothing
    assert verify_clerk(db, "1001", "old-scrypt-pass").name == "王柜员"
    upgraded = _hash_of(db, "1001")
    assert upgraded.startswith("$argon2id$")
    assert verify_clerk(db, "1001", "old-scrypt-pass").id == "1001"
    assert _hash_of(db, "1001") == upgraded  # an up-to-date hash is left alone


def test_existing_clerks_get_front_desk_and_review_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(outbox.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.exec_driver_sql(
            "INSERT INTO clerk (id, name, password_hash, active, created_at) "
            f"VALUES ('7', '旧柜员', '{scrypt_hash('old-scrypt-pass')}', 1, '2026-01-01 00:00:00')")
    engine.dispose()
    db = open_database(path, KEY)
    try:
        [row] = list_clerks(db)
        assert row.roles == {Role.FRONT_DESK, Role.REVIEW} and row.locked_until is None
        assert verify_clerk(db, "7", "old-scrypt-pass").roles == {Role.FRONT_DESK, Role.REVIEW}
    finally:
        db.close()
