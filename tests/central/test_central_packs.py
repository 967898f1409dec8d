"""Blob batches are stored in one pack file per batch (central.blobs): the layout on disk,
and that every blob reads back byte for byte whichever way it was uploaded. The
``backend`` tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from central.blobs import PACK_WRITEBACK, STALE_PACK_SECONDS, BatchBlob
from central.store import CentralStore, add_terminal

#: the ``backend`` fixture's value (conftest.Backend; conftest is not importable by name)
Backend = Any
BATCH = "application/x-sicounter-blob-batch"
OFFSET = "application/offset+octet-stream"


def sample(size: int, seed: str) -> bytes:
    return hashlib.shake_256(f"pack-{seed}".encode()).digest(size)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def item(data: bytes, media_type: str = "image/jpeg", name: str | None = None) -> bytes:
    return f"{name or sha(data)} {len(data)} {media_type}\n".encode("ascii") + data


def post_batch(client: httpx.Client, body: bytes) -> httpx.Response:
    answer = client.post("/v1/blobs/batch", content=body, headers={"Content-Type": BATCH})
    assert answer.status_code == 200, answer.text
    return answer


def terminal_dir(backend: Backend, terminal_id: str) -> Path:
    """Where the server keeps the terminal's blobs (see the ``backend`` fixture)."""
    db = backend.server.db_path
    blobs = db.parent / ("blobs" if backend.name == "postgresql" else f"{db.stem}-blobs")
    return blobs / terminal_id


def packs(backend: Backend, terminal_id: str) -> list[Path]:
    return sorted((terminal_dir(backend, terminal_id) / "packs").glob("*.pack"))


def leftovers(backend: Backend, terminal_id: str) -> list[str]:
    return [p.name for p in terminal_dir(backend, terminal_id).rglob("*") if p.name.endswith((".tmp", ".part"))]


def assert_reads_back(client: httpx.Client, data: bytes, media_type: str = "image/jpeg") -> None:
    answer = client.get(f"/v1/blobs/{sha(data)}/content")
    assert answer.status_code == 200, answer.text
    assert answer.content == data
    assert answer.headers["content-length"] == str(len(data))
    assert answer.headers["content-type"] == media_type


def upload_by_patch(client: httpx.Client, data: bytes, upto: int | None = None) -> None:
    created = client.post("/v1/blobs", json={"sha256": sha(data), "size": len(data), "media_type": "image/jpeg"})
    assert created.status_code == 201, created.text
    answer = client.patch(f"/v1/blobs/{sha(data)}", content=data[:upto],
                          headers={"Upload-Offset": "0", "Content-Type": OFFSET})
    assert answer.status_code == 200, answer.text


def test_a_batch_is_one_pack_and_reads_back(backend: Backend) -> None:
    terminal_id, token = backend.add_terminal()
    blobs = [sample(size, f"sizes-{size}") for size in [1, 2, 1000, 150_000, 1_048_577, 8 * 1024 * 1024, 3]]
    with backend.client(token) as client:
        answer = post_batch(client, b"".join(item(data, "application/pdf") for data in blobs))
        assert answer.json()["blobs"] == [{"sha256": sha(data), "size": len(data), "received": len(data),
                                           "complete": True, "error": None} for data in blobs]
        for data in blobs:
            assert_reads_back(client, data, "application/pdf")
    [pack] = packs(backend, terminal_id)
    assert pack.read_bytes() == b"".join(blobs)
    assert sorted(p.name for p in terminal_dir(backend, terminal_id).iterdir()) == ["packs"]
    assert leftovers(backend, terminal_id) == []


def test_a_hash_mismatch_in_the_middle_keeps_its_neighbours_and_drops_its_bytes(backend: Backend) -> None:
    terminal_id, token = backend.add_terminal()
    first, bad, last = sample(30_000, "first"), sample(20_000, "bad"), sample(40_000, "last")
    with backend.client(token) as client:
        body = item(first) + item(bad[:-1] + b"!", name=sha(bad)) + item(last)
        results = post_batch(client, body).json()["blobs"]
        assert [r["complete"] for r in results] == [True, False, True]
        assert results[1]["error"]["code"] == "hash_mismatch" and results[1]["received"] == 0
        assert_reads_back(client, first)
        assert_reads_back(client, last)
        assert client.get(f"/v1/blobs/{sha(bad)}").status_code == 404
    [pack] = packs(backend, terminal_id)
    assert pack.read_bytes() == first + last


def test_a_torn_batch_commits_a_pack_of_the_complete_items(backend: Backend) -> None:
    terminal_id, token = backend.add_terminal()
    blobs = [sample(50_000 + i, f"torn-{i}") for i in range(3)]
    body = item(blobs[0]) + item(blobs[1]) + item(blobs[2])[:25_000]
    url = urlsplit(backend.server.base_url)
    assert url.hostname is not None and url.port is not None
    head = (f"POST /v1/blobs/batch HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {BATCH}\r\nContent-Length: {len(body) + 1000}\r\n\r\n")
    with socket.create_connection((url.hostname, url.port), timeout=30) as raw:
        raw.sendall(head.encode("ascii") + body)
    with backend.client(token) as client:
        deadline = time.monotonic() + 20
        while client.get(f"/v1/blobs/{sha(blobs[1])}").status_code != 200:
            assert time.monotonic() < deadline, "the torn batch's items were never recorded"
            time.sleep(0.05)
        assert_reads_back(client, blobs[0])
        assert_reads_back(client, blobs[1])
        assert client.get(f"/v1/blobs/{sha(blobs[2])}").status_code == 404
    [pack] = packs(backend, terminal_id)
    assert pack.read_bytes() == blobs[0] + blobs[1]
    assert leftovers(backend, terminal_id) == []


def test_a_batch_of_known_or_rejected_blobs_leaves_no_pack(backend: Backend) -> None:
    terminal_id, token = backend.add_terminal()
    known = [sample(10_000 + i, f"known-{i}") for i in range(3)]
    with backend.client(token) as client:
        post_batch(client, b"".join(item(data) for data in known))
        [pack] = packs(backend, terminal_id)
        stored = pack.read_bytes(), pack.stat().st_ino
        again = post_batch(client, b"".join(item(data) for data in known)).json()["blobs"]
        assert [r["complete"] for r in again] == [True] * 3
        bad = sample(500, "rejected")
        rejected = post_batch(client, item(bad[:-1] + b"?", name=sha(bad))).json()["blobs"]
        assert rejected[0]["error"]["code"] == "hash_mismatch"
        for data in known:
            assert_reads_back(client, data)
    assert packs(backend, terminal_id) == [pack]
    assert (pack.read_bytes(), pack.stat().st_ino) == stored
    assert leftovers(backend, terminal_id) == []


def test_blobs_uploaded_both_ways_read_back(backend: Backend) -> None:
    terminal_id, token = backend.add_terminal()
    patched, partial, batched = sample(70_000, "patched"), sample(60_000, "partial"), sample(80_000, "batched")
    with backend.client(token) as client:
        upload_by_patch(client, patched)
        upload_by_patch(client, partial, upto=1000)
        # PATCH first, batch later: the complete one keeps its file, the partial one moves to the pack.
        results = post_batch(client, item(patched) + item(partial)).json()["blobs"]
        assert [(r["complete"], r["error"]) for r in results] == [(True, None), (True, None)]
        [pack] = packs(backend, terminal_id)
        assert pack.read_bytes() == patched + partial  # the known blob's bytes stay unreferenced
        assert_reads_back(client, patched)
        assert_reads_back(client, partial)
        # Batch first, resumable upload later: the announcement finds it complete.
        post_batch(client, item(batched))
        announced = client.post("/v1/blobs", json={"sha256": sha(batched), "size": len(batched),
                                                   "media_type": "image/jpeg"})
        assert announced.status_code == 200 and announced.json()["complete"] is True
        refused = client.patch(f"/v1/blobs/{sha(batched)}", content=batched,
                               headers={"Upload-Offset": "0", "Content-Type": OFFSET})
        assert refused.status_code == 409
        assert_reads_back(client, batched)
    directory = terminal_dir(backend, terminal_id)
    assert (directory / sha(patched)[:2] / sha(patched)).read_bytes() == patched
    assert not (directory / sha(batched)[:2] / sha(batched)).exists()
    assert len(packs(backend, terminal_id)) == 2
    assert leftovers(backend, terminal_id) == []


def test_stale_temporary_packs_are_swept_on_the_next_batch(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    add_terminal(db, "T1")
    store = CentralStore.open(db)
    try:
        assert store.blobs is not None
        directory = store.blobs.pack_directory("T1")
        directory.mkdir(parents=True)
        stale, fresh = directory / "dead.pack.tmp", directory / "alive.pack.tmp"
        stale.write_bytes(b"x")
        fresh.write_bytes(b"y")
        old = time.time() - STALE_PACK_SECONDS - 60
        os.utime(stale, (old, old))
        pack = store.blobs.open_pack("T1")
        assert not stale.exists() and fresh.exists()
        pack.write(b"hello")
        pack.truncate(2)
        pack.write(b"y!")
        store.blobs.commit_batch("T1", pack, [])  # nothing to record: the pack goes
        assert sorted(p.name for p in directory.iterdir()) == ["alive.pack.tmp"]
    finally:
        store.close()


def test_an_older_database_gets_the_pack_table(tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    add_terminal(db, "T1")
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE blob_pack_entries")
    data = sample(3000, "old-db")
    store = CentralStore.open(db)
    try:
        assert store.blobs is not None
        pack = store.blobs.open_pack("T1")
        pack.write(data)
        store.blobs.commit_batch("T1", pack, [BatchBlob(sha(data), len(data), "image/png", 0)])
        found = store.blobs.content("T1", sha(data))
        assert found is not None and found.read() == data and found.media_type == "image/png"
    finally:
        store.close()


def test_a_pack_handed_to_the_disk_while_written_reads_back_whole(tmp_path: Path) -> None:
    """A pack larger than the write-back step, with an item cut off behind a write-back point
    (a rejected item), holds exactly the items kept; the hint changes no byte."""
    db = tmp_path / "central.sqlite3"
    add_terminal(db, "T1")
    first, rejected, second = (sample(PACK_WRITEBACK + 1000, "wb-1"), sample(PACK_WRITEBACK, "wb-2"),
                               sample(PACK_WRITEBACK + 5, "wb-3"))
    store = CentralStore.open(db)
    try:
        assert store.blobs is not None
        pack = store.blobs.open_pack("T1")
        for at in range(0, len(first), 65536):  # as the body streams in, a piece at a time
            pack.write(memoryview(first)[at:at + 65536])
        pack.write(rejected)
        pack.truncate(len(first))
        pack.write(second)
        assert pack.position == len(first) + len(second)
        store.blobs.commit_batch("T1", pack, [BatchBlob(sha(first), len(first), "image/png", 0),
                                              BatchBlob(sha(second), len(second), "image/png", len(first))])
        for data in (first, second):
            found = store.blobs.content("T1", sha(data))
            assert found is not None and found.read() == data
        (written,) = store.blobs.pack_directory("T1").glob("*.pack")
        assert written.read_bytes() == first + second
    finally:
        store.close()
