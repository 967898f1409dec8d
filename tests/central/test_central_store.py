"""The central store in-process: receipts, idempotency, tokens."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from central.errors import (
    AlreadyDecided,
    CentralStorageError,
    IdempotencyConflict,
    InvalidTerminalId,
    NotFound,
    OffsetMismatch,
    ReceiptsExhausted,
)
from central.receipts import china_day, format_receipt, parse_receipt
from central.store import CentralStore, IncomingSubmission, SubmissionRow, add_terminal
from core.errors import CounterError
from protocol.canonical import canonical_json


class Clock:
    """A settable clock, so receipt dates do not depend on when the test runs."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC))


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[CentralStore]:
    with CentralStore.open(tmp_path / "central.sqlite3", clock=clock) as opened:
        opened.add_terminal("T1")
        yield opened


def incoming(**overrides: Any) -> IncomingSubmission:
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()), "item_code": "pension.retirement", "version": 1, "terminal_id": "T1",
        "clerk_id": "c1", "created_at": "2026-11-23T09:30:00+08:00", "payload": {"name": "李四"},
    }
    fields.update(overrides)
    return IncomingSubmission(**fields)



def test_receipt_day_is_the_china_date_and_the_sequence_restarts_daily(store: CentralStore,
                                                                       clock: Clock) -> None:
    # 15:59:59 UTC is 23:59:59 in China; one second later it is the next day there.
    assert store.submit(incoming()).record.receipt_number == "SB20261123000001"
    assert store.submit(incoming()).record.receipt_number == "SB20261123000002"
    clock.now += timedelta(seconds=1)
    assert store.submit(incoming()).record.receipt_number == "SB20261124000001"
    assert store.submit(incoming()).record.receipt_number == "SB20261124000002"


def test_received_at_is_utc_iso(store: CentralStore, clock: Clock) -> None:
    record = store.submit(incoming()).record
    assert datetime.fromisoformat(record.received_at) == clock.now
    assert record.received_at.endswith("+00:00")


def test_duplicate_replays_and_conflict_refuses(store: CentralStore, clock: Clock) -> None:
    original = incoming()
    first = store.submit(original)
    clock.now += timedelta(minutes=5)
    again = store.submit(original)
    assert first.created and not again.created
    assert again.record == first.record
    with pytest.raises(IdempotencyConflict) as caught:
        store.submit(incoming(id=original.id, payload={"name": "王五"}))
    assert isinstance(caught.value, CounterError)
    assert caught.value.http_status == 409
    assert [r.id for r in store.list_submissions()] == [original.id]


def blind_first_lookup(store: CentralStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next submit's first lookup miss, as if the winner committed just after it."""
    real = store._existing
    calls: list[str] = []

    def lookup(session: Session, submission_id: str) -> SubmissionRow | None:
        calls.append(submission_id)
        return None if len(calls) == 1 else real(session, submission_id)

    monkeypatch.setattr(store, "_existing", lookup)


def test_lost_insert_race_answers_with_the_winners_record(store: CentralStore, clock: Clock,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    original = incoming()
    winner = store.submit(original).record

    blind_first_lookup(store, monkeypatch)
    replay = store.submit(original)
    assert not replay.created
    assert replay.record == winner

    blind_first_lookup(store, monkeypatch)
    with pytest.raises(IdempotencyConflict):
        store.submit(incoming(id=original.id, version=2))

    # The failed inserts rolled back their receipt numbers too.
    assert store.submit(incoming()).record.receipt_number == format_receipt(china_day(clock.now), 2)
    assert len(store.list_submissions()) == 2


def test_exhausted_day_refuses_and_stores_nothing(tmp_path: Path, store: CentralStore, clock: Clock) -> None:
    with sqlite3.connect(tmp_path / "central.sqlite3") as raw:
        raw.execute("INSERT INTO receipt_counters (day, last_sequence) VALUES (?, ?)",
                    (china_day(clock.now), 999_999))
    raw.close()
    with pytest.raises(ReceiptsExhausted):
        store.submit(incoming())
    assert store.list_submissions() == []


def test_tokens_are_stored_hashed_and_rotate(tmp_path: Path, store: CentralStore) -> None:
    first = store.add_terminal("T2")
    assert store.authenticate(first) == "T2"
    second = store.add_terminal("T2")
    assert second != first
    assert store.authenticate(first) is None
    assert store.authenticate(second) == "T2"
    assert store.authenticate("") is None
    with sqlite3.connect(tmp_path / "central.sqlite3") as raw:
        (stored,) = raw.execute("SELECT token_sha256 FROM terminals WHERE terminal_id = 'T2'").fetchone()
    raw.close()
    assert stored == hashlib.sha256(second.encode()).hexdigest()
    assert second.encode() not in (tmp_path / "central.sqlite3").read_bytes()


@pytest.mark.parametrize("terminal_id", ["", " T1", "T 1", "-T", "x" * 65, "终端1"])
def test_invalid_terminal_ids_are_refused(store: CentralStore, terminal_id: str) -> None:
    with pytest.raises(InvalidTerminalId):
        store.add_terminal(terminal_id)


def test_add_terminal_function_creates_the_database(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "central.sqlite3"
    token = add_terminal(db, "T9")
    with CentralStore.open(db) as store:
        assert store.authenticate(token) == "T9"
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()


def test_get_submission_is_scoped_to_the_terminal(store: CentralStore) -> None:
    store.add_terminal("T2")
    record = store.submit(incoming()).record
    assert store.get_submission(record.id, terminal_id="T1") == record
    assert store.get_submission(record.id, terminal_id="T2") is None
    assert store.get_submission(str(uuid.uuid4())) is None


def test_canonical_json_ignores_key_order_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": {"d": "张", "c": [1, 2]}}) == '{"a":{"c":[1,2],"d":"张"},"b":1}'
    assert incoming(id="x").body_sha256() == incoming(id="x").body_sha256()


def test_receipt_helpers() -> None:
    assert format_receipt("20261123", 1) == "SB20261123000001"
    assert parse_receipt("SB20261123000042") == ("20261123", 42)
    with pytest.raises(ValueError):
        parse_receipt("SB2026112300004")
    with pytest.raises(ValueError):
        format_receipt("20261123", 1_000_000)
    assert china_day(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == "20270101"


def test_a_file_that_is_not_sqlite_is_a_storage_error(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CentralStorageError):
        CentralStore.open(db)


def test_lost_blob_bytes_restart_the_upload(tmp_path: Path, store: CentralStore) -> None:
    assert store.blobs is not None
    data = b"0123456789" * 10
    sha = hashlib.sha256(data).hexdigest()
    store.blobs.create("T1", sha, len(data), "image/jpeg")
    assert store.blobs.append("T1", sha, 0, data[:40]).received == 40
    part = tmp_path / "central-blobs" / "T1" / sha[:2] / f"{sha}.part"
    assert part.stat().st_size == 40
    part.unlink()  # lost by hand, or a backup restored without it
    with pytest.raises(OffsetMismatch) as refused:
        store.blobs.append("T1", sha, 40, data[40:])
    assert refused.value.received == 0
    state = store.blobs.append("T1", sha, 0, data)
    assert state.complete and (tmp_path / "central-blobs" / "T1" / sha[:2] / sha).read_bytes() == data


def test_extra_bytes_after_received_are_cut_off(tmp_path: Path, store: CentralStore) -> None:
    """A crash between writing a chunk and recording it leaves bytes the next chunk overwrites."""
    assert store.blobs is not None
    data = bytes(range(200))
    sha = hashlib.sha256(data).hexdigest()
    store.blobs.create("T1", sha, len(data), "application/pdf")
    store.blobs.append("T1", sha, 0, data[:50])
    part = tmp_path / "central-blobs" / "T1" / sha[:2] / f"{sha}.part"
    with part.open("ab") as stream:
        stream.write(b"garbage that was never acknowledged")
    assert store.blobs.append("T1", sha, 50, data[50:]).complete


def test_review_rules(store: CentralStore) -> None:
    record = store.submit(incoming()).record
    with pytest.raises(ValueError, match="reason"):
        store.review(record.id, "returned", "  ")
    with pytest.raises(ValueError):
        store.review(record.id, "accepted")
    with pytest.raises(NotFound):
        store.review(str(uuid.uuid4()), "approved")
    assert store.review(record.id, "approved", "已核准").reason == "已核准"
    with pytest.raises(AlreadyDecided):
        store.review(record.id, "returned", "晚了")
    events, more = store.status_feed("T1", None, 10)
    assert [(e.status, e.reason) for e in events] == [("accepted", None), ("approved", "已核准")] and not more
