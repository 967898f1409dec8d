"""The two ways ``CentralStore.submit_batch`` works (set-based, and item by item when a batch
is not independent or races a writer) against the answers ``submit`` gives one at a time,
in-process on SQLite and PostgreSQL; and the blob batch's answer for blobs already complete."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.errors import CentralError
from central.process import CentralServerProcess
from central.receipts import parse_receipt
from central.store import STATUS_RETURNED, CentralStore, IncomingSubmission, SubmitResult

T1 = "T1"
NOW = datetime(2026, 11, 23, 3, 0, 0, tzinfo=UTC)
SCAN = hashlib.shake_256(b"scan").digest(3000)
SCAN_SHA = hashlib.sha256(SCAN).hexdigest()
HALF = hashlib.shake_256(b"half").digest(2000)
HALF_SHA = hashlib.sha256(HALF).hexdigest()
OpenStore = Callable[[], CentralStore]
Outcome = tuple[Any, ...]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """``open_store()``: a fresh store (own database and blob directory) on a fixed clock."""
    opened: list[CentralStore] = []

    def make() -> CentralStore:
        directory = tmp_path / uuid.uuid4().hex[:8]
        if request.param == "postgresql":
            db: Path | str = request.getfixturevalue("postgres").new_database()
        else:
            db = directory / "central.sqlite3"
        store = CentralStore.open(db, clock=lambda: NOW, blob_dir=directory / "blobs")
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def incoming(**overrides: Any) -> IncomingSubmission:
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()), "item_code": "pension.retirement", "version": 1, "terminal_id": T1,
        "clerk_id": "c1", "created_at": "2026-11-23T09:30:00+08:00", "payload": {"name": "李四"},
    }
    fields.update(overrides)
    return IncomingSubmission(**fields)


def attachment(sha: str, size: int) -> dict[str, Any]:
    return {"material_key": "id_card", "sha256": sha, "size": size, "media_type": "image/jpeg", "pages": 1}


def outcome(result: SubmitResult | CentralError) -> Outcome:
    """A comparable form of one answer: the whole record, or the refusal's kind and message."""
    if isinstance(result, SubmitResult):
        return ("ok", result.created, result.record)
    return ("refused", type(result).__name__, result.code, str(result))


def one_at_a_time(store: CentralStore, items: Sequence[IncomingSubmission]) -> list[Outcome]:
    answers: list[Outcome] = []
    for item in items:
        try:
            answers.append(outcome(store.submit(item)))
        except CentralError as exc:
            answers.append(outcome(exc))
    return answers


def feed(store: CentralStore) -> list[tuple[str, str, int, str, str]]:
    events, _ = store.status_feed(T1, None, 500)
    cursors = [int(event.cursor) for event in events]
    assert cursors == sorted(set(cursors))
    return [(e.submission_id, e.case_id, e.case_version, e.status, e.receipt_number) for e in events]


class History:
    """The same earlier submissions, blobs and reviews, replayed into any store."""

    def __init__(self) -> None:
        self.stored = incoming()
        self.taken = incoming()
        self.returned = incoming()
        self.pending = incoming()

    def apply(self, store: CentralStore) -> None:
        store.add_terminal(T1)
        store.add_terminal("T2")
        assert store.blobs is not None
        store.blobs.create(T1, SCAN_SHA, len(SCAN), "image/jpeg")
        store.blobs.append(T1, SCAN_SHA, 0, SCAN)
        store.blobs.create(T1, HALF_SHA, len(HALF), "image/jpeg")
        store.blobs.append(T1, HALF_SHA, 0, HALF[:1000])
        for item in (self.stored, self.taken, self.returned, self.pending):
            store.submit(item)
        store.review(self.returned.id, STATUS_RETURNED, "缺少材料。")


def mixed_batch(history: History) -> list[IncomingSubmission]:
    """Independent items, one of every answer a batch can give."""
    return [
        incoming(),
        history.stored,                                                  # exact repeat: duplicate
        replace(history.taken, clerk_id="someone-else"),                 # idempotency_conflict
        incoming(attachments=[attachment(SCAN_SHA, len(SCAN))]),         # complete attachment
        incoming(attachments=[attachment(HALF_SHA, len(HALF))]),         # attachments_incomplete
        incoming(attachments=[attachment(SCAN_SHA, len(SCAN) + 1)]),     # wrong size: incomplete
        incoming(attachments=[attachment("c" * 64, 5), attachment(SCAN_SHA, len(SCAN))]),
        incoming(case_id=history.pending.id, case_version=2),            # case_conflict: not returned
        incoming(case_id=history.returned.id, case_version=2,            # a correct v2
                 attachments=[attachment(SCAN_SHA, len(SCAN))]),
        incoming(case_id=str(uuid.uuid4()), case_version=2),             # case_conflict: unknown case
        incoming(case_id=str(uuid.uuid4())),                             # v1 of a case of its own id
        incoming(counter_receipt_no="P-7"),
    ]


def no_item_by_item(store: CentralStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_items: Sequence[IncomingSubmission]) -> None:
        raise AssertionError("the batch went item by item")

    monkeypatch.setattr(store, "_submit_batch_by_item", refuse)


def test_set_based_batch_answers_as_one_at_a_time(open_store: OpenStore,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    history = History()
    items = mixed_batch(history)
    single, batched = open_store(), open_store()
    history.apply(single)
    history.apply(batched)
    expected = one_at_a_time(single, items)
    no_item_by_item(batched, monkeypatch)
    assert [outcome(r) for r in batched.submit_batch(items)] == expected
    assert [kind for kind, *_ in expected].count("ok") == 6
    assert feed(batched) == feed(single)
    # The whole batch again: every stored item is now a duplicate, the refusals stay refusals.
    again = [outcome(r) for r in batched.submit_batch(items)]
    assert again == one_at_a_time(single, items)
    assert [a[1] for a in again if a[0] == "ok"] == [False] * 6


@pytest.mark.parametrize("shape", ["v1 and v2 of one case", "two v2 of one case", "one id twice",
                                   "one id twice, another body", "a case named by an earlier id"])
def test_dependent_batches_answer_as_one_at_a_time(open_store: OpenStore, shape: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    history = History()
    first = incoming()
    items = {
        "v1 and v2 of one case": [first, incoming(case_id=first.id, case_version=2)],
        "two v2 of one case": [incoming(case_id=history.returned.id, case_version=2),
                               incoming(case_id=history.returned.id, case_version=2)],
        "one id twice": [first, incoming(), first],
        "one id twice, another body": [first, replace(first, clerk_id="c2")],
        "a case named by an earlier id": [incoming(case_id=first.id), replace(first, case_id=str(uuid.uuid4()))],
    }[shape]
    items = [*mixed_batch(history)[:3], *items]
    single, batched = open_store(), open_store()
    history.apply(single)
    history.apply(batched)
    by_item = batched._submit_batch_by_item
    went_by_item: list[int] = []

    def spy(batch: Sequence[IncomingSubmission]) -> list[SubmitResult | CentralError]:
        went_by_item.append(len(batch))
        return by_item(batch)

    monkeypatch.setattr(batched, "_submit_batch_by_item", spy)
    assert [outcome(r) for r in batched.submit_batch(items)] == one_at_a_time(single, items)
    assert feed(batched) == feed(single)
    # Items that depend on each other go item by item; a case named by another item's id does not.
    assert went_by_item == ([] if shape == "a case named by an earlier id" else [len(items)])


def test_receipts_stay_gapless_and_unique_across_batches(open_store: OpenStore) -> None:
    history = History()
    store = open_store()
    history.apply(store)
    first = incoming()
    batches = [mixed_batch(history), [first, incoming(case_id=first.id, case_version=2), incoming()],
               mixed_batch(history), [incoming() for _ in range(30)]]
    receipts = [store.submit(incoming()).record.receipt_number]
    for batch in batches:
        receipts += [r.record.receipt_number for r in store.submit_batch(batch)
                     if isinstance(r, SubmitResult) and r.created]
    stored = [r.receipt_number for r in store.list_submissions()]
    assert sorted(receipts) == sorted(stored[4:])
    sequences = sorted(parse_receipt(number)[1] for number in stored)
    assert sequences == list(range(1, len(stored) + 1))


def test_a_racing_writer_sends_the_batch_item_by_item(open_store: OpenStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of one item and another id for a case version commit after the batch's checks."""
    history = History()
    store = open_store()
    history.apply(store)
    items = mixed_batch(history)
    copied, correction = items[0], items[8]
    rival = replace(correction, id=str(uuid.uuid4()))
    calls: list[int] = []

    if store.dialect == "postgresql":
        def race(_session: Session, _checked: Sequence[IncomingSubmission]) -> None:
            if not calls:
                other = CentralStore.open(str(store._engine.url.render_as_string(hide_password=False)),
                                          clock=lambda: NOW)
                try:
                    other.submit(copied)
                    other.submit(rival)
                finally:
                    other.close()
            calls.append(1)
    else:
        # SQLite writers serialise at BEGIN, so nobody can race in; the unique index's
        # answer is simulated, and the rival rows are stored before the item-by-item redo.
        def race(_session: Session, _checked: Sequence[IncomingSubmission]) -> None:
            calls.append(1)
            raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

        by_item = store._submit_batch_by_item

        def after_rival(batch: Sequence[IncomingSubmission]) -> list[SubmitResult | CentralError]:
            store.submit(copied)
            store.submit(rival)
            return by_item(batch)

        monkeypatch.setattr(store, "_submit_batch_by_item", after_rival)

    monkeypatch.setattr(store, "_batch_checked", race)
    results = store.submit_batch(items)
    assert calls == [1]
    answers = [outcome(r) for r in results]
    duplicate = store.get_submission(copied.id)
    assert answers[0] == ("ok", False, duplicate)
    assert answers[8][:3] == ("refused", "CaseConflict", "case_conflict")
    # The rest is what one at a time gives after the rival's two submissions.
    reference = open_store()
    history.apply(reference)
    reference.submit(copied)
    reference.submit(rival)
    assert answers == one_at_a_time(reference, items)
    stored = store.list_submissions()
    assert sorted(parse_receipt(r.receipt_number)[1] for r in stored) == list(range(1, len(stored) + 1))
    assert len(feed(store)) == len(stored) + 1  # one review event


# -- blob batch ---------------------------------------------------------------------------

BATCH = "application/x-sicounter-blob-batch"


def blob_item(data: bytes, sha: str | None = None, size: int | None = None) -> bytes:
    sha = sha or hashlib.sha256(data).hexdigest()
    return f"{sha} {len(data) if size is None else size} image/jpeg\n".encode("ascii") + data


def test_blob_batch_resending_complete_blobs_keeps_the_stored_files(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    done = [hashlib.shake_256(f"done-{i}".encode()).digest(4000 + i) for i in range(3)]
    fresh = hashlib.shake_256(b"fresh").digest(5000)
    shas = [hashlib.sha256(data).hexdigest() for data in done]
    blob_dir = central.db_path.parent / f"{central.db_path.stem}-blobs" / terminal_id
    with httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"},
                      timeout=60.0) as client:
        first = client.post("/v1/blobs/batch", content=b"".join(blob_item(d) for d in done),
                            headers={"Content-Type": BATCH})
        assert first.status_code == 200, first.text
        packs = list((blob_dir / "packs").glob("*.pack"))
        assert len(packs) == 1
        before = {path: (path.read_bytes(), path.stat().st_ino) for path in packs}
        body = (blob_item(done[0])                                   # the same bytes again
                + blob_item(b"y" * len(done[1]), sha=shas[1])         # other bytes: dropped unread
                + blob_item(b"z" * 10, sha=shas[2], size=10)          # another size: the stored one stands
                + blob_item(fresh))
        answer = client.post("/v1/blobs/batch", content=body, headers={"Content-Type": BATCH})
        assert answer.status_code == 200, answer.text
        assert answer.json()["blobs"] == [
            *[{"sha256": sha, "size": len(data), "received": len(data), "complete": True, "error": None}
              for sha, data in zip(shas, done, strict=True)],
            {"sha256": hashlib.sha256(fresh).hexdigest(), "size": len(fresh), "received": len(fresh),
             "complete": True, "error": None}]
        # The first pack is never rewritten; the resent bytes land, unreferenced, in the new one.
        assert {path: (path.read_bytes(), path.stat().st_ino) for path in packs} == before
        assert len(list((blob_dir / "packs").glob("*.pack"))) == 2
        for sha, data in zip(shas, done, strict=True):
            assert client.get(f"/v1/blobs/{sha}/content").content == data
        assert client.get(f"/v1/blobs/{hashlib.sha256(fresh).hexdigest()}/content").content == fresh
    assert sorted(p.name for p in blob_dir.iterdir()) == ["packs"]  # no per-blob files
    assert not [p.name for p in blob_dir.rglob("*") if p.name.endswith((".tmp", ".part"))]
