"""Blob uploads against a real ``python -m central serve`` process."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from central.process import CentralServerProcess

MakeTerminal = Callable[[], tuple[str, str]]
OCTETS = "application/offset+octet-stream"
MiB = 1024 * 1024


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)


def announce(client: httpx.Client, data: bytes, media_type: str = "image/jpeg") -> tuple[str, httpx.Response]:
    sha = hashlib.sha256(data).hexdigest()
    return sha, client.post("/v1/blobs", json={"sha256": sha, "size": len(data), "media_type": media_type})


def patch(client: httpx.Client, sha: str, offset: int, chunk: bytes, **headers: str) -> httpx.Response:
    return client.patch(f"/v1/blobs/{sha}", content=chunk,
                        headers={"Upload-Offset": str(offset), "Content-Type": OCTETS, **headers})


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def sample(size: int, seed: int = 7) -> bytes:
    return hashlib.shake_256(f"{seed}".encode()).digest(size)


@pytest.mark.parametrize("size, pieces", [
    (1, [1]),
    (1000, [1, 2, 997]),
    (12_345, [4096, 4097, 1, 4151]),
    (3 * MiB + 7, [MiB + 1, MiB - 1, MiB + 7]),
    (8 * MiB + 3, [8 * MiB, 3]),
])
def test_chunked_upload_in_odd_pieces(central: CentralServerProcess, make_terminal: MakeTerminal,
                                      size: int, pieces: list[int]) -> None:
    assert sum(pieces) == size
    _, token = make_terminal()
    data = sample(size)
    with connect(central, token) as client:
        sha, created = announce(client, data)
        assert created.status_code == 201
        assert created.json() == {"sha256": sha, "size": size, "received": 0, "complete": False}
        offset = 0
        for piece in pieces:
            answer = patch(client, sha, offset, data[offset:offset + piece])
            assert answer.status_code == 200, answer.text
            offset += piece
            assert answer.json() == {"sha256": sha, "size": size, "received": offset, "complete": offset == size}
        again = client.post("/v1/blobs", json={"sha256": sha, "size": size, "media_type": "image/jpeg"})
        assert again.status_code == 200 and again.json()["complete"] is True
        content = client.get(f"/v1/blobs/{sha}/content")
    assert content.status_code == 200 and content.content == data
    assert content.headers["content-type"] == "image/jpeg"
    stored = central.db_path.parent / f"{central.db_path.stem}-blobs"
    assert [p.name for p in stored.rglob(f"{sha}*")] == [sha]


def test_announce_is_idempotent_and_size_conflicts(central: CentralServerProcess,
                                                   make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    data = sample(100)
    with connect(central, token) as client:
        sha, first = announce(client, data)
        assert patch(client, sha, 0, data[:40]).status_code == 200
        _, partly = announce(client, data)
        conflict = client.post("/v1/blobs", json={"sha256": sha, "size": 101, "media_type": "image/jpeg"})
        fetched = client.get(f"/v1/blobs/{sha}")
        not_yet = client.get(f"/v1/blobs/{sha}/content")
    assert first.status_code == 201
    assert partly.status_code == 200 and partly.json()["received"] == 40
    assert_error(conflict, 409, "blob_size_conflict")
    assert fetched.json() == {"sha256": sha, "size": 100, "received": 40, "complete": False}
    assert_error(not_yet, 404, "not_found")


@pytest.mark.parametrize("body", [
    {"sha256": "A" * 64, "size": 1, "media_type": "image/jpeg"},
    {"sha256": "a" * 63, "size": 1, "media_type": "image/jpeg"},
    {"sha256": "a" * 64, "size": 0, "media_type": "image/jpeg"},
    {"sha256": "a" * 64, "size": 200 * MiB + 1, "media_type": "image/jpeg"},
    {"sha256": "a" * 64, "size": "1", "media_type": "image/jpeg"},
    {"sha256": "a" * 64, "size": 1, "media_type": ""},
    {"sha256": "a" * 64, "size": 1, "media_type": "x" * 65},
    {"sha256": "a" * 64, "size": 1, "media_type": "image/jpeg", "name": "scan.jpg"},
])
def test_invalid_announcements_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                       body: dict[str, object]) -> None:
    _, token = make_terminal()
    with connect(central, token) as client:
        assert_error(client.post("/v1/blobs", json=body), 422, "validation_error")


def test_blobs_are_scoped_per_terminal(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    (_, mine), (_, theirs) = make_terminal(), make_terminal()
    data = sample(64)
    with connect(central, mine) as client:
        sha, _ = announce(client, data)
        assert patch(client, sha, 0, data).json()["complete"] is True
    with connect(central, theirs) as other:
        assert_error(other.get(f"/v1/blobs/{sha}"), 404, "not_found")
        assert_error(other.get(f"/v1/blobs/{sha}/content"), 404, "not_found")
        assert_error(patch(other, sha, 0, data), 404, "not_found")
        # The other terminal uploads its own copy, from zero.
        _, own = announce(other, data)
        assert own.status_code == 201 and own.json()["received"] == 0


@pytest.mark.parametrize("stored, offset, chunk, status, code, header", [
    (0, 5, 10, 409, "offset_mismatch", "0"),
    (30, 0, 10, 409, "offset_mismatch", "30"),
    (30, 20, 10, 409, "offset_mismatch", "30"),
    (30, 31, 10, 409, "offset_mismatch", "30"),
    (30, 30, 71, 409, "blob_overflow", None),
    (100, 100, 1, 409, "blob_overflow", None),
])
def test_refused_chunks_store_nothing(central: CentralServerProcess, make_terminal: MakeTerminal, stored: int,
                                      offset: int, chunk: int, status: int, code: str,
                                      header: str | None) -> None:
    _, token = make_terminal()
    data = sample(100)
    with connect(central, token) as client:
        sha, _ = announce(client, data)
        if stored:
            assert patch(client, sha, 0, data[:stored]).status_code == 200
        answer = patch(client, sha, offset, (data + b"x")[offset:offset + chunk].ljust(chunk, b"x"))
        assert_error(answer, status, code)
        assert answer.headers.get("Upload-Offset") == header
        assert client.get(f"/v1/blobs/{sha}").json()["received"] == stored


def test_offset_mismatch_tells_where_to_resume(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    data = sample(5000)
    with connect(central, token) as client:
        sha, _ = announce(client, data)
        assert patch(client, sha, 0, data[:3000]).status_code == 200
        # A client that lost track of the first answer sends the first chunk again.
        stale = patch(client, sha, 0, data[:3000])
        assert_error(stale, 409, "offset_mismatch")
        resume = int(stale.headers["Upload-Offset"])
        done = patch(client, sha, resume, data[resume:])
    assert done.json() == {"sha256": sha, "size": 5000, "received": 5000, "complete": True}


def test_hash_mismatch_discards_the_bytes(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    data = sample(2000)
    wrong = data[:1999] + bytes([data[1999] ^ 1])
    with connect(central, token) as client:
        sha, _ = announce(client, data)
        assert patch(client, sha, 0, wrong[:1000]).status_code == 200
        assert_error(patch(client, sha, 1000, wrong[1000:]), 422, "hash_mismatch")
        assert client.get(f"/v1/blobs/{sha}").json() == {"sha256": sha, "size": 2000, "received": 0,
                                                          "complete": False}
        assert patch(client, sha, 0, data).json()["complete"] is True
        assert client.get(f"/v1/blobs/{sha}/content").content == data


@pytest.mark.parametrize("headers, chunk, status, code", [
    ({}, 8 * MiB + 1, 413, "chunk_too_large"),
    ({"Content-Type": "application/octet-stream"}, 10, 415, "unsupported_media_type"),
    ({"Upload-Offset": "-1"}, 10, 422, "validation_error"),
    ({"Upload-Offset": "zero"}, 10, 422, "validation_error"),
    ({}, 0, 422, "validation_error"),
])
def test_malformed_chunks(central: CentralServerProcess, make_terminal: MakeTerminal, headers: dict[str, str],
                          chunk: int, status: int, code: str) -> None:
    _, token = make_terminal()
    data = sample(9 * MiB)
    with connect(central, token) as client:
        sha, _ = announce(client, data)
        assert_error(patch(client, sha, 0, data[:chunk], **headers), status, code)
        assert client.get(f"/v1/blobs/{sha}").json()["received"] == 0


def test_missing_upload_offset_is_422(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    data = sample(10)
    with connect(central, token) as client:
        sha, _ = announce(client, data)
        answer = client.patch(f"/v1/blobs/{sha}", content=data, headers={"Content-Type": OCTETS})
    assert_error(answer, 422, "validation_error")


def wait_for_log(server: CentralServerProcess, text: str, count: int, timeout: float = 10.0) -> None:
    assert server.stderr_path is not None
    deadline = time.monotonic() + timeout
    while server.stderr_path.read_text(encoding="utf-8").count(text) < count:
        assert time.monotonic() < deadline, f"{text!r} not logged {count} time(s)"
        time.sleep(0.02)


def torn_patch(server: CentralServerProcess, token: str, sha: str, offset: int, chunk: bytes) -> None:
    """Send a PATCH's headers and half its body on a raw socket, then hang up."""
    url = urlsplit(server.base_url)
    head = (f"PATCH /v1/blobs/{sha} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {OCTETS}\r\nUpload-Offset: {offset}\r\nContent-Length: {len(chunk)}\r\n\r\n")
    with socket.create_connection((url.hostname, url.port)) as raw:
        raw.sendall(head.encode("ascii") + chunk[:len(chunk) // 2])


def test_torn_patch_stores_nothing_and_the_upload_resumes(
        tmp_path: Path, central_factory: Callable[..., CentralServerProcess]) -> None:
    from central.store import add_terminal

    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db)
    data = sample(300_000)
    with connect(server, token) as client:
        sha, _ = announce(client, data)
        torn_patch(server, token, sha, 0, data[:100_000])
        wait_for_log(server, "client left mid-chunk", 1)
        assert client.get(f"/v1/blobs/{sha}").json()["received"] == 0
        assert patch(client, sha, 0, data[:100_000]).json()["received"] == 100_000
        torn_patch(server, token, sha, 100_000, data[100_000:])
        wait_for_log(server, "client left mid-chunk", 2)
        # On a dropped connection the client asks where to go on, and goes on.
        resume = client.get(f"/v1/blobs/{sha}").json()["received"]
        assert resume == 100_000
        assert patch(client, sha, resume, data[resume:]).json()["complete"] is True
        assert client.get(f"/v1/blobs/{sha}/content").content == data
