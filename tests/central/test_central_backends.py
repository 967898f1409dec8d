"""The store's guarantees on both backends: a real server on SQLite and one on PostgreSQL.

Every test here runs twice (the ``backend`` fixture); what differs between the two is
how the store gets its guarantees (BEGIN IMMEDIATE versus unique constraints, upserts
and locks), never what a client sees.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from central.receipts import parse_receipt
from central.store import STATUS_RETURNED, CentralStore

Body = Callable[..., dict[str, Any]]
#: the ``backend`` fixture's value (conftest.Backend; conftest is not importable by name)
Backend = Any

OCTETS = "application/offset+octet-stream"


def race(workers: int, action: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run ``action`` in ``workers`` threads released at the same moment."""
    barrier = threading.Barrier(workers)
    answers: list[httpx.Response | None] = [None] * workers

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = action(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def test_idempotent_submission(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    body = body_for(terminal_id)
    with backend.client(token) as client:
        first = client.post("/v1/submissions", json=body)
        again = client.post("/v1/submissions", json=body)
        other = client.post("/v1/submissions", json={**body, "clerk_id": "someone-else"})
    assert first.status_code == 201, first.text
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_concurrent_duplicates_make_one_record_and_one_receipt(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    body = body_for(terminal_id)
    distinct = [body_for(terminal_id) for _ in range(8)]
    with backend.client(token) as client:
        same = race(12, lambda _i: client.post("/v1/submissions", json=body))
        different = race(8, lambda i: client.post("/v1/submissions", json=distinct[i]))
    assert sorted(r.status_code for r in same) == [200] * 11 + [201]
    assert len({r.json()["receipt_number"] for r in same}) == 1
    receipts = [r.json()["receipt_number"] for r in [*same[:1], *different]]
    assert all(r.status_code == 201 for r in different)
    # Gapless, unique sequence: the duplicates used no number.
    assert sorted(parse_receipt(n)[1] for n in receipts) == list(range(1, 10))
    with CentralStore.open(backend.db) as store:
        assert [r.id for r in store.list_submissions()].count(body["id"]) == 1
        events, _ = store.status_feed(terminal_id, None, 100)
    assert len(events) == 9 and {e.status for e in events} == {"accepted"}


def test_blob_upload_and_racing_chunks(backend: Backend) -> None:
    _, token = backend.add_terminal()
    data = bytes(range(256)) * 41 + b"tail"
    sha = hashlib.sha256(data).hexdigest()
    with backend.client(token) as client:
        racers = race(6, lambda _i: client.post("/v1/blobs", json={"sha256": sha, "size": len(data),
                                                                    "media_type": "image/jpeg"}))
        assert sorted(r.status_code for r in racers) == [200] * 5 + [201]
        chunks = race(6, lambda _i: client.patch(f"/v1/blobs/{sha}", content=data[:1000],
                                                 headers={"Upload-Offset": "0", "Content-Type": OCTETS}))
        # Exactly one of six identical chunks at offset 0 is stored; the rest learn where to go on.
        assert sorted(r.status_code for r in chunks) == [200] + [409] * 5
        assert {r.headers["Upload-Offset"] for r in chunks if r.status_code == 409} == {"1000"}
        last = client.patch(f"/v1/blobs/{sha}", content=data[1000:],
                            headers={"Upload-Offset": "1000", "Content-Type": OCTETS})
        assert last.status_code == 200 and last.json()["complete"] is True
        assert client.get(f"/v1/blobs/{sha}/content").content == data


def test_feed_and_case_corrections(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    first = body_for(terminal_id)
    with backend.client(token) as client:
        assert client.post("/v1/submissions", json=first).status_code == 201
        with CentralStore.open(backend.db) as store:
            store.review(first["id"], STATUS_RETURNED, "缺少身份证复印件。")
        corrections = [body_for(terminal_id, case_id=first["id"], case_version=2) for _ in range(4)]
        answers = race(4, lambda i: client.post("/v1/submissions", json=corrections[i]))
        assert sorted(r.status_code for r in answers) == [201, 409, 409, 409]
        assert {r.json()["error"]["code"] for r in answers if r.status_code == 409} == {"case_conflict"}
        feed = client.get("/v1/status-feed", params={"limit": 2}).json()
        rest = client.get("/v1/status-feed", params={"since": feed["next_cursor"]}).json()
    events = feed["events"] + rest["events"]
    assert feed["more"] is True and rest["more"] is False
    assert [(e["case_version"], e["status"]) for e in events] == [(1, "accepted"), (1, "returned"),
                                                                   (2, "accepted")]
    assert events[1]["reason"] == "缺少身份证复印件。"
    assert [int(e["cursor"]) for e in events] == sorted(int(e["cursor"]) for e in events)
    assert str(uuid.UUID(events[2]["case_id"])) == first["id"]
