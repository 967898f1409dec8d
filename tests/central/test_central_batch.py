"""Batch endpoints (``POST /v1/blobs/batch``, ``POST /v1/submissions/batch``) against real
server processes; the ``backend`` tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from central.process import CentralServerProcess
from central.receipts import parse_receipt
from central.store import CentralStore

Body = Callable[..., dict[str, Any]]
MakeTerminal = Callable[[], tuple[str, str]]
#: the ``backend`` fixture's value (conftest.Backend; conftest is not importable by name)
Backend = Any
BATCH = "application/x-sicounter-blob-batch"


def sample(size: int, seed: int) -> bytes:
    return hashlib.shake_256(f"batch-{seed}".encode()).digest(size)


def item(data: bytes, media_type: str = "image/jpeg", sha: str | None = None) -> bytes:
    sha = sha or hashlib.sha256(data).hexdigest()
    return f"{sha} {len(data)} {media_type}\n".encode("ascii") + data


def post_batch(client: httpx.Client, body: bytes) -> httpx.Response:
    return client.post("/v1/blobs/batch", content=body, headers={"Content-Type": BATCH})


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)


def raw_request(server: CentralServerProcess, token: str, path: str, content_type: str, length: int,
                body: bytes, *, read_answer: bool) -> bytes:
    """Send headers declaring ``length`` bytes and then ``body`` on a raw socket."""
    url = urlsplit(server.base_url)
    head = (f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n")
    assert url.hostname is not None and url.port is not None
    with socket.create_connection((url.hostname, url.port), timeout=30) as raw:
        raw.sendall(head.encode("ascii") + body)
        if not read_answer:
            return b""
        answer = b""
        while b"\r\n\r\n" not in answer:
            piece = raw.recv(65536)
            if not piece:
                break
            answer += piece
        return answer


# -- blobs ---------------------------------------------------------------------------


def test_blob_batch_of_odd_sizes(backend: Backend) -> None:
    _, token = backend.add_terminal()
    blobs = [sample(size, size) for size in [1, 2, 3, 7, 100, 4095, 4096, 4097, 65_535, 65_537,
                                            *range(1000, 1000 + 38 * 997, 997), 1_048_577, 3_000_001]]
    assert len(blobs) == 50
    with backend.client(token) as client:
        answer = post_batch(client, b"".join(item(data, "application/pdf") for data in blobs))
        assert answer.status_code == 200, answer.text
        results = answer.json()["blobs"]
        assert results == [{"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "received": len(data),
                            "complete": True, "error": None} for data in blobs]
        for data in blobs[::7]:
            content = client.get(f"/v1/blobs/{hashlib.sha256(data).hexdigest()}/content")
            assert content.content == data and content.headers["content-type"] == "application/pdf"
        # A resend skips what is complete; the single endpoints see the same state.
        again = post_batch(client, b"".join(item(data) for data in blobs[:3]))
        assert [r["complete"] for r in again.json()["blobs"]] == [True] * 3
        assert client.post("/v1/blobs", json={"sha256": hashlib.sha256(blobs[5]).hexdigest(),
                                               "size": len(blobs[5]), "media_type": "application/pdf"}
                           ).json()["complete"] is True


def test_blob_batch_skips_complete_replaces_partial_and_isolates_bad_hash(
        central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    done, partial, bad, good = (sample(5000 + i, 100 + i) for i in range(4))
    with connect(central, token) as client:
        assert post_batch(client, item(done)).json()["blobs"][0]["complete"] is True
        partial_sha = hashlib.sha256(partial).hexdigest()
        client.post("/v1/blobs", json={"sha256": partial_sha, "size": len(partial), "media_type": "image/png"})
        client.patch(f"/v1/blobs/{partial_sha}", content=partial[:1000],
                     headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        bad_sha = hashlib.sha256(bad).hexdigest()
        body = item(b"x" * len(done), sha=hashlib.sha256(done).hexdigest())  # complete: bytes dropped unread
        body += item(partial) + item(bad[:-1] + b"!", sha=bad_sha) + item(good)
        answer = post_batch(client, body)
        assert answer.status_code == 200, answer.text
        results = answer.json()["blobs"]
        assert [r["complete"] for r in results] == [True, True, False, True]
        assert results[2]["error"]["code"] == "hash_mismatch" and results[2]["received"] == 0
        assert [r["error"] for r in results[:2] + results[3:]] == [None] * 3
        assert client.get(f"/v1/blobs/{hashlib.sha256(done).hexdigest()}/content").content == done
        assert client.get(f"/v1/blobs/{partial_sha}/content").content == partial
        assert client.get(f"/v1/blobs/{bad_sha}").status_code == 404
        assert client.get(f"/v1/blobs/{hashlib.sha256(good).hexdigest()}/content").content == good
    blob_dir = central.db_path.parent / f"{central.db_path.stem}-blobs"
    leftovers = [p.name for p in blob_dir.rglob("*") if p.is_file() and "." in p.name]
    assert not [name for name in leftovers if name.startswith((partial_sha, bad_sha))]


def test_torn_blob_batch_keeps_the_items_before(backend: Backend) -> None:
    _, token = backend.add_terminal()
    blobs = [sample(40_000 + i, 200 + i) for i in range(3)]
    body = item(blobs[0]) + item(blobs[1]) + item(blobs[2])[:20_000]
    raw_request(backend.server, token, "/v1/blobs/batch", BATCH, 10 * len(body), body, read_answer=False)
    shas = [hashlib.sha256(data).hexdigest() for data in blobs]
    with backend.client(token) as client:
        deadline = time.monotonic() + 20
        while client.get(f"/v1/blobs/{shas[1]}").status_code != 200:
            assert time.monotonic() < deadline, "torn batch's items never recorded"
            time.sleep(0.05)
        assert client.get(f"/v1/blobs/{shas[0]}/content").content == blobs[0]
        assert client.get(f"/v1/blobs/{shas[1]}/content").content == blobs[1]
        assert client.get(f"/v1/blobs/{shas[2]}").status_code == 404
        # A body that ends mid-item while the client stays: 422, items before kept.
        short = item(blobs[2])[:-5]
        answer = post_batch(client, item(sample(10, 9)) + short)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation_error"
        assert client.get(f"/v1/blobs/{hashlib.sha256(sample(10, 9)).hexdigest()}").json()["complete"] is True
        assert client.get(f"/v1/blobs/{shas[2]}").status_code == 404
        resend = post_batch(client, b"".join(item(data) for data in blobs))
        assert [r["complete"] for r in resend.json()["blobs"]] == [True] * 3


def test_blob_states_name_the_complete_ones_in_the_order_asked(backend: Backend) -> None:
    """After a torn batch a client asks which blobs arrived whole; only this terminal's complete ones count."""
    _, token = backend.add_terminal()
    _, other_token = backend.add_terminal()
    first, second, partial, theirs, unknown = (sample(3000 + i, 300 + i) for i in range(5))
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in
           {"first": first, "second": second, "partial": partial, "theirs": theirs, "unknown": unknown}.items()}
    with backend.client(token) as client, backend.client(other_token) as other:
        assert post_batch(client, item(first) + item(second)).status_code == 200
        client.post("/v1/blobs", json={"sha256": sha["partial"], "size": len(partial), "media_type": "image/png"})
        client.patch(f"/v1/blobs/{sha['partial']}", content=partial[:100],
                     headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        assert post_batch(other, item(theirs)).status_code == 200
        asked = [sha["unknown"], sha["second"], sha["partial"], sha["theirs"], sha["first"], sha["second"]]
        answer = client.post("/v1/blobs/states", json={"sha256": asked})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"complete": [sha["second"], sha["first"]]}


@pytest.mark.parametrize("body", [
    {"sha256": []},
    {"sha256": ["A" * 64]},
    {"sha256": ["a" * 63]},
    {"sha256": ["a" * 64] * 1001},
    {"sha256": "a" * 64},
    {"sha256": ["a" * 64], "more": 1},
])
def test_malformed_blob_state_queries_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                              body: dict[str, Any]) -> None:
    _, token = make_terminal()
    with connect(central, token) as client:
        answer = client.post("/v1/blobs/states", json=body)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("body, status, code", [
    (b"nonsense\n", 422, "validation_error"),
    (f"{'a' * 64} 0 image/jpeg\n".encode(), 422, "validation_error"),
    (f"{'a' * 64} 8388609 image/jpeg\n".encode(), 413, "batch_too_large"),
    (f"{'A' * 64} 3 image/jpeg\nabc".encode(), 422, "validation_error"),
])
def test_malformed_blob_batches(central: CentralServerProcess, make_terminal: MakeTerminal, body: bytes,
                                status: int, code: str) -> None:
    _, token = make_terminal()
    with connect(central, token) as client:
        answer = post_batch(client, body)
        assert answer.status_code == status, answer.text
        assert answer.json()["error"]["code"] == code
        wrong_type = client.post("/v1/blobs/batch", content=item(b"abc"),
                                 headers={"Content-Type": "application/octet-stream"})
        assert wrong_type.status_code == 415


def test_blob_batch_declared_too_large_is_413(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    answer = raw_request(central, token, "/v1/blobs/batch", BATCH, 256 * 1024 * 1024 + 1, item(b"abc"),
                         read_answer=True)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"batch_too_large" in answer or b"content-length" in answer.lower()


def test_blob_batches_are_scoped_per_terminal(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token_a = make_terminal()
    _, token_b = make_terminal()
    data = sample(777, 77)
    sha = hashlib.sha256(data).hexdigest()
    with connect(central, token_a) as a, connect(central, token_b) as b:
        assert post_batch(a, item(data)).json()["blobs"][0]["complete"] is True
        assert b.get(f"/v1/blobs/{sha}").status_code == 404
        assert b.get(f"/v1/blobs/{sha}/content").status_code == 404
        # B must send the bytes itself; A's copy does not count for B.
        assert post_batch(b, item(data)).json()["blobs"][0]["complete"] is True
        assert b.get(f"/v1/blobs/{sha}/content").content == data
        assert httpx.post(f"{central.base_url}/v1/blobs/batch", content=item(data),
                          headers={"Content-Type": BATCH}).status_code == 401


# -- submissions ---------------------------------------------------------------------


def post_submissions(client: httpx.Client, bodies: list[Any]) -> httpx.Response:
    return client.post("/v1/submissions/batch", json={"submissions": bodies})


def test_submission_batch_of_100_and_its_repeat(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    bodies = [body_for(terminal_id) for _ in range(100)]
    with backend.client(token) as client:
        first = post_submissions(client, bodies)
        assert first.status_code == 200, first.text
        results = first.json()["results"]
        assert [r["id"] for r in results] == [b["id"] for b in bodies]
        assert all(r["ok"] and r["status_code"] == 201 and r["error"] is None for r in results)
        assert all(r["answer"]["duplicate"] is False and r["answer"]["status"] == "accepted" for r in results)
        sequences = [parse_receipt(r["answer"]["receipt_number"])[1] for r in results]
        assert sequences == list(range(sequences[0], sequences[0] + 100))
        again = post_submissions(client, bodies).json()["results"]
        assert all(r["ok"] and r["status_code"] == 200 and r["answer"]["duplicate"] for r in again)
        assert [r["answer"]["receipt_number"] for r in again] == [r["answer"]["receipt_number"] for r in results]
        single = client.post("/v1/submissions", json=bodies[42])
        assert single.status_code == 200 and single.json() == {**results[42]["answer"], "duplicate": True}
        feed = client.get("/v1/status-feed", params={"limit": 500}).json()
        assert len(feed["events"]) == 100


def test_mixed_submission_batch(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    other_id, _ = backend.add_terminal()
    missing = body_for(terminal_id, attachments=[{"material_key": "id_card", "sha256": "b" * 64, "size": 10,
                                                  "media_type": "image/jpeg", "pages": 1}])
    broken = body_for(terminal_id, version="one", extra_field=1)
    good = body_for(terminal_id)
    foreign = body_for(other_id)
    conflict = body_for(terminal_id)
    with backend.client(token) as client:
        assert client.post("/v1/submissions", json=conflict).status_code == 201
        answer = post_submissions(client, [missing, broken, good, foreign, {**conflict, "clerk_id": "x"},
                                           "not an object", good])
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert [(r["ok"], r["status_code"]) for r in results] == [
            (False, 409), (False, 422), (True, 201), (False, 403), (False, 409), (False, 422), (True, 200)]
        assert [r["error"]["code"] for r in results if not r["ok"]] == [
            "attachments_incomplete", "validation_error", "terminal_mismatch", "idempotency_conflict",
            "validation_error"]
        assert "version" in results[1]["error"]["message"] and "extra_field" in results[1]["error"]["message"]
        assert results[1]["id"] == broken["id"] and results[5]["id"] is None
        assert results[6]["answer"]["duplicate"] is True
        assert results[6]["answer"]["receipt_number"] == results[2]["answer"]["receipt_number"]
        assert client.get(f"/v1/submissions/{good['id']}").status_code == 200
        assert client.get(f"/v1/submissions/{missing['id']}").status_code == 404
        assert post_submissions(client, []).status_code == 422
        assert client.post("/v1/submissions/batch", json={"submissions": [good], "more": 1}).status_code == 422


def test_submission_batch_with_blob_batch(backend: Backend, body_for: Body) -> None:
    """The client algorithm: small blobs in one batch, then the submissions in one batch."""
    terminal_id, token = backend.add_terminal()
    scans = [sample(3000 + i, 300 + i) for i in range(4)]
    bodies = [body_for(terminal_id, attachments=[
        {"material_key": f"scan{j}", "sha256": hashlib.sha256(scans[2 * i + j]).hexdigest(),
         "size": len(scans[2 * i + j]), "media_type": "image/jpeg", "pages": 1} for j in range(2)])
        for i in range(2)]
    with backend.client(token) as client:
        early = post_submissions(client, bodies).json()["results"]
        assert [r["error"]["code"] for r in early] == ["attachments_incomplete"] * 2
        assert post_batch(client, b"".join(item(scan) for scan in scans)).status_code == 200
        late = post_submissions(client, bodies).json()["results"]
        assert [r["status_code"] for r in late] == [201, 201]


def test_racing_submission_batches_store_each_id_once(backend: Backend, body_for: Body) -> None:
    terminal_id, token = backend.add_terminal()
    bodies = [body_for(terminal_id) for _ in range(60)]
    # Overlapping, in different orders, so a naive implementation would deadlock or duplicate.
    batches = [bodies[0:40], list(reversed(bodies[20:60])), bodies[10:50], bodies[::-1]]
    answers: list[httpx.Response | None] = [None] * len(batches)
    barrier = threading.Barrier(len(batches))

    def run(index: int) -> None:
        with backend.client(token) as client:
            barrier.wait()
            answers[index] = post_submissions(client, batches[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    receipts: dict[str, set[str]] = {}
    created = 0
    for answer in answers:
        assert answer is not None and answer.status_code == 200, answer and answer.text
        for result in answer.json()["results"]:
            assert result["ok"], result
            created += result["status_code"] == 201
            receipts.setdefault(result["id"], set()).add(result["answer"]["receipt_number"])
    assert created == 60
    assert all(len(numbers) == 1 for numbers in receipts.values())
    with CentralStore.open(backend.db) as store:
        stored = [r.id for r in store.list_submissions() if r.terminal_id == terminal_id]
        events, _ = store.status_feed(terminal_id, None, 500)
    assert sorted(stored) == sorted(b["id"] for b in bodies)
    assert len(events) == 60
    sequences = sorted(parse_receipt(next(iter(n)))[1] for n in receipts.values())
    assert sequences == list(range(sequences[0], sequences[0] + 60))


def test_batches_are_subject_to_busy_every(tmp_path: Any, central_factory: Callable[..., CentralServerProcess],
                                           body_for: Body) -> None:
    from central.store import add_terminal

    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--busy-every", "2")
    with connect(server, token) as client:
        codes = [post_submissions(client, [body_for("T1", id=str(uuid.uuid4()))]).status_code for _ in range(2)]
        codes += [post_batch(client, item(sample(10, i))).status_code for i in range(2)]
    assert codes == [200, 503, 200, 503]
