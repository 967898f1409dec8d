"""Abuse suite (issue 17, item 1): the central system bounds every request before reading it.

Each test runs a real ``central serve`` process and talks to it over real sockets; the raw ones
send what no well-behaved client would (400 MiB bodies, headers a byte a second, bodies that
stall). Memory is the server process's peak resident size (``VmHWM`` in /proc), read before and
after: it may grow by at most ``MEMORY_BOUND`` while 400 MiB bodies are thrown at it.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from central.boundary import Throttle
from central.connections import HOOKS
from central.process import CentralServerProcess
from central.store import add_terminal
from tests.central.conftest import submission_body

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/status")

Start = Callable[..., CentralServerProcess]
MIB = 1024 * 1024
#: what the server's peak resident memory may grow by while it refuses 400 MiB bodies (it held
#: 1.46 GiB for one such body before the boundary)
MEMORY_BOUND = 64 * MIB
HUGE = 400 * MIB


# -- helpers ------------------------------------------------------------------------------------

def peak_rss(server: CentralServerProcess) -> int:
    """The server process's peak resident set size so far, in bytes."""
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def zeros(total: int, piece: int = MIB) -> Iterator[bytes]:
    """``total`` bytes in pieces of one reused buffer: the test itself never holds more than a piece."""
    block = b"0" * piece
    while total > 0:
        yield block[:min(piece, total)]
        total -= piece


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` in chunked transfer encoding (never ending: no last chunk)."""
    for piece in pieces:
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, sent: int, closed: bool) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        #: body bytes sent before the answer came
        self.sent = sent
        #: the server closed the connection after answering
        self.closed = closed

    def code(self) -> str:
        return str(json.loads(self.body)["error"]["code"])


def address(server: CentralServerProcess) -> tuple[str, int]:
    parts = urlsplit(server.base_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def head(method: str, path: str, *, token: str | None = None, length: int | None = None,
         extra: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: central", "Content-Type: application/json"]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode()


def exchange(server: CentralServerProcess, request_head: bytes, body: Iterable[bytes] = (),
             *, timeout: float = 30.0) -> Answer:
    """Send the head, then body pieces until the server answers (or stops reading and closes);
    then read its answer."""
    sock = socket.create_connection(address(server), timeout=timeout)
    sent = 0
    try:
        sock.sendall(request_head)
        for piece in body:
            view = memoryview(piece)
            while view:
                readable, writable, _ = select.select([sock], [sock], [], timeout)
                if readable:
                    return read_answer(sock, sent)
                assert writable, "the server neither read nor answered"
                try:
                    done = sock.send(view)
                except (BrokenPipeError, ConnectionResetError):
                    return read_answer(sock, sent)
                sent += done
                view = view[done:]
        return read_answer(sock, sent)
    finally:
        sock.close()


def read_answer(sock: socket.socket, sent: int) -> Answer:
    data = b""
    closed = False
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            raise AssertionError(f"connection closed without an answer (got {data!r})")
        data += piece
    header_text, _, body = data.partition(b"\r\n\r\n")
    lines = header_text.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        body += piece
    try:
        sock.settimeout(2.0)  # a server that closes does so right after its answer
        closed = sock.recv(1) == b""
    except ConnectionResetError:
        closed = True
    except TimeoutError:
        closed = False
    return Answer(status, headers, body, sent, closed)


def open_submission(terminal_id: str, submission_id: str) -> bytes:
    """The start of a submission body whose payload text never ends."""
    body = json.dumps(submission_body(terminal_id, id=submission_id, payload={"note": "@"}))
    return body.split("@")[0].encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServerProcess]:
    """One server for the tests that need no options of their own: short timeouts, two small limits
    (``test_limits_are_serve_options``), and no throttle (the tests send wrong tokens on purpose)."""
    directory = tmp_path_factory.mktemp("abuse")
    server = CentralServerProcess.start(
        directory / "central.sqlite3", timeout=30.0, stderr_path=directory / "central.log",
        extra_args=["--body-timeout", "2", "--header-timeout", "2", "--drain-timeout", "4", "--auth-attempts", "0",
                    "--max-blob-states-body", "100", "--max-submission-batch-body", "2K"])
    yield server
    server.stop()


def terminal(server: CentralServerProcess) -> tuple[str, str]:
    terminal_id = f"T-{uuid.uuid4().hex[:12]}"
    return terminal_id, add_terminal(server.db_path, terminal_id)


def stored(server: CentralServerProcess, token: str, submission_id: str) -> bool:
    answer = httpx.get(f"{server.base_url}/v1/submissions/{submission_id}",
                       headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def warm_up(server: CentralServerProcess, token: str, terminal_id: str) -> None:
    """One ordinary submission, so the peak measured before includes the code paths' own memory."""
    answer = httpx.post(f"{server.base_url}/v1/submissions", json=submission_body(terminal_id),
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 201, answer.text


# -- oversized bodies ---------------------------------------------------------------------------

BODY_PATHS = ("/v1/submissions", "/v1/submissions/batch", "/v1/blobs/states")


def test_unauthenticated_400mib_bodies_answer_401_within_bounded_memory(server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    warm_up(server, token, terminal_id)
    before = peak_rss(server)
    for path in BODY_PATHS:
        declared = exchange(server, head("POST", path, length=HUGE), zeros(HUGE))
        assert declared.status == 401 and declared.code() == "unauthorized"
        assert declared.headers["www-authenticate"] == "Bearer"
        assert declared.sent < 64 * MIB  # answered before the body, not after
        streamed = exchange(server, head("POST", path, token="not-a-token"), chunked(zeros(HUGE)))
        assert streamed.status == 401 and streamed.closed
    assert peak_rss(server) - before < MEMORY_BOUND


def test_four_unauthenticated_400mib_bodies_at_once_stay_within_bounded_memory(
        server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    warm_up(server, token, terminal_id)
    before = peak_rss(server)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda path: exchange(server, head("POST", path), chunked(zeros(HUGE, 256 * 1024))),
                                [*BODY_PATHS, "/v1/submissions"]))
    assert [answer.status for answer in answers] == [401] * 4
    assert peak_rss(server) - before < MEMORY_BOUND


def test_oversized_declared_body_with_a_valid_token_is_413_unread(server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    warm_up(server, token, terminal_id)
    before = peak_rss(server)
    submission_id = str(uuid.uuid4())
    start = open_submission(terminal_id, submission_id)
    answer = exchange(server, head("POST", "/v1/submissions", token=token, length=HUGE),
                      [start, *zeros(HUGE - len(start))])
    assert answer.status == 413 and answer.code() == "body_too_large"
    assert answer.closed
    for path in ("/v1/submissions/batch", "/v1/blobs/states"):
        assert exchange(server, head("POST", path, token=token, length=HUGE), zeros(HUGE)).status == 413
    assert peak_rss(server) - before < MEMORY_BOUND
    assert not stored(server, token, submission_id)


def test_oversized_chunked_body_with_a_valid_token_is_cut_off_at_the_limit(server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    warm_up(server, token, terminal_id)
    before = peak_rss(server)
    submission_id = str(uuid.uuid4())
    answer = exchange(server, head("POST", "/v1/submissions", token=token),
                      chunked([open_submission(terminal_id, submission_id), *zeros(HUGE, 64 * 1024)]))
    assert answer.status == 413 and answer.code() == "body_too_large" and answer.closed
    assert answer.sent < 64 * MIB
    for path in ("/v1/submissions/batch", "/v1/blobs/states"):
        assert exchange(server, head("POST", path, token=token), chunked(zeros(HUGE, 64 * 1024))).status == 413
    assert peak_rss(server) - before < MEMORY_BOUND
    assert not stored(server, token, submission_id)


def test_a_modest_oversized_body_keeps_the_connection_for_the_client_to_read_the_answer(
        server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    body = json.dumps(submission_body(terminal_id, payload={"note": "x" * 300 * 1024})).encode()
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        refused = client.post("/v1/submissions", content=body, headers={"Content-Type": "application/json"})
        assert refused.status_code == 413 and refused.json()["error"]["code"] == "body_too_large"
        assert refused.headers.get("connection") != "close"
        fine = client.post("/v1/submissions", json=submission_body(terminal_id))
        assert fine.status_code == 201


def test_the_unread_rest_of_a_refused_body_trickled_slowly_is_cut_off(server: CentralServerProcess) -> None:
    # the module's server runs with --drain-timeout 4
    _, token = terminal(server)
    with socket.create_connection(address(server), timeout=10) as sock:
        sock.sendall(head("POST", "/v1/submissions", token=token, length=MIB))
        answer = read_answer(sock, 0)
        assert answer.status == 413 and not answer.closed  # kept, so a client sending it all can read it
        deadline = time.monotonic() + 20
        closed = False
        while not closed and time.monotonic() < deadline:
            try:
                sock.sendall(b"x")  # a byte now and then: never the megabyte declared
            except (BrokenPipeError, ConnectionResetError):
                break
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable:
                try:
                    closed = sock.recv(1) == b""
                except ConnectionResetError:
                    closed = True
    assert closed or time.monotonic() < deadline, "the trickling connection was never closed"


def test_limits_are_serve_options(server: CentralServerProcess) -> None:
    # the module's server runs with --max-blob-states-body 100 --max-submission-batch-body 2K
    _, token = terminal(server)
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.post("/v1/blobs/states", json={"sha256": ["0" * 64, "1" * 64]}).status_code == 413
        assert client.post("/v1/blobs/states", json={"sha256": ["0" * 64]}).status_code == 200
        batch = client.post("/v1/submissions/batch", json={"submissions": [{"pad": "x" * 3000}]})
        assert batch.status_code == 413 and batch.json()["error"]["code"] == "body_too_large"


def test_a_batch_item_larger_than_a_single_submission_may_be_fails_alone(central_factory: Start,
                                                                         tmp_path: Path) -> None:
    """A batch within its own limit cannot carry a submission that ``POST /v1/submissions`` would refuse:
    that item is 413 ``body_too_large`` on its own, the others are stored."""
    server = central_factory(tmp_path / "central.sqlite3", "--max-submission-body", "2K")
    terminal_id, token = terminal(server)
    good = [submission_body(terminal_id) for _ in range(3)]
    big = submission_body(terminal_id, payload={"note": "x" * 3000})
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        alone = client.post("/v1/submissions", json=big)
        assert alone.status_code == 413 and alone.json()["error"]["code"] == "body_too_large"
        answer = client.post("/v1/submissions/batch", json={"submissions": [good[0], big, good[1], good[2]]})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status_code"] for r in results] == [201, 413, 201, 201]
    assert results[1]["id"] == big["id"] and results[1]["error"]["code"] == "body_too_large"
    assert [stored(server, token, body["id"]) for body in [*good, big]] == [True, True, True, False]


# -- slow senders -------------------------------------------------------------------------------

def test_headers_sent_one_byte_per_second_are_cut_off_after_the_header_timeout(
        server: CentralServerProcess) -> None:
    # the module's server runs with --header-timeout 2
    request = b"GET /v1/health HTTP/1.1\r\nHost: central\r\nX-Slow: " + b"a" * 60 + b"\r\n\r\n"
    started = time.monotonic()
    with socket.create_connection(address(server), timeout=10) as sock:
        answer = b""
        for byte in request:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            readable, _, _ = select.select([sock], [], [], 1.0)
            if readable:
                answer = sock.recv(65536)
                break
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b'"header_timeout"' in answer
    assert took < len(request) / 2  # cut off long before the headers could have been completed
    assert server.healthy()


def test_a_silent_connection_is_closed_after_the_header_timeout(server: CentralServerProcess) -> None:
    with socket.create_connection(address(server), timeout=10) as sock:
        assert sock.recv(1) == b""  # closed by the server, not by our 10 s timeout


def test_an_oversized_header_block_is_refused_with_431(server: CentralServerProcess) -> None:
    padding = "".join(f"X-Pad-{i}: {'a' * 1000}\r\n" for i in range(100))  # about 100 KiB of headers
    answer = exchange(server, head("GET", "/v1/health", length=0, extra=padding))
    assert answer.status == 431 and answer.code() == "headers_too_large" and answer.closed
    endless = exchange(server, b"GET /v1/health HTTP/1.1\r\nX-Endless: ", zeros(HUGE, 16 * 1024))
    assert endless.status == 431 and endless.sent < 4 * MIB
    assert server.healthy()


def test_a_stalled_submission_body_is_cut_off_after_the_body_timeout_and_nothing_stored(
        server: CentralServerProcess) -> None:
    terminal_id, token = terminal(server)
    submission_id = str(uuid.uuid4())
    body = json.dumps(submission_body(terminal_id, id=submission_id)).encode()
    with socket.create_connection(address(server), timeout=15) as sock:
        sock.sendall(head("POST", "/v1/submissions", token=token, length=len(body)) + body[:len(body) // 2])
        answer = read_answer(sock, len(body) // 2)  # and then nothing more: the server must give up
    assert answer.status == 408 and answer.code() == "body_timeout" and answer.closed
    assert not stored(server, token, submission_id)


def test_a_stalled_blob_piece_is_cut_off_and_nothing_stored(server: CentralServerProcess) -> None:
    _, token = terminal(server)
    sha256 = "ab" * 32
    auth = {"Authorization": f"Bearer {token}"}
    created = httpx.post(f"{server.base_url}/v1/blobs", json={"sha256": sha256, "size": 1000,
                                                              "media_type": "image/jpeg"}, headers=auth)
    assert created.status_code == 201, created.text
    request = (f"PATCH /v1/blobs/{sha256} HTTP/1.1\r\nHost: central\r\nAuthorization: Bearer {token}\r\n"
               "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
               "Content-Length: 1000\r\n\r\n").encode()
    with socket.create_connection(address(server), timeout=15) as sock:
        sock.sendall(request + b"x" * 500)
        answer = read_answer(sock, 500)
    assert answer.status == 408 and answer.code() == "body_timeout"
    assert httpx.get(f"{server.base_url}/v1/blobs/{sha256}", headers=auth).json()["received"] == 0


# -- connections --------------------------------------------------------------------------------

def test_connections_beyond_max_connections_get_503_with_retry_after(central_factory: Start,
                                                                        tmp_path: Path) -> None:
    server = central_factory(tmp_path / "central.sqlite3", "--max-connections", "2")
    idle = [socket.create_connection(address(server), timeout=10) for _ in range(2)]
    try:
        deadline = time.monotonic() + 5
        while True:  # the server may take a moment to accept the idle ones
            refused = exchange(server, b"GET /v1/health HTTP/1.1\r\nHost: central\r\n\r\n")
            if refused.status != 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert refused.status == 503 and refused.code() == "too_many_connections"
        assert refused.headers["retry-after"] == "1" and refused.closed
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10
    while not server.healthy():  # the idle ones are gone: served normally again
        assert time.monotonic() < deadline, "the server did not recover after the extra connections left"
        time.sleep(0.1)


def test_answers_carry_no_server_banner(server: CentralServerProcess) -> None:
    answer = httpx.get(f"{server.base_url}/v1/health")
    assert answer.status_code == 200 and "server" not in answer.headers


def test_uvicorn_still_has_the_hooks_the_connection_bounds_override() -> None:
    missing = [hook for hook in HOOKS if not callable(getattr(HttpToolsProtocol, hook, None))]
    assert not missing, f"uvicorn's HttpToolsProtocol lost {missing}: central.connections must follow it"
    from uvicorn.protocols.http import httptools_impl

    source = Path(httptools_impl.__file__).read_text(encoding="utf-8")
    # the fields our subclass reads or replaces
    for name in ("self.limit_concurrency", "self.connections", "self.tasks", "self.app", "self.url",
                 "self.headers", "self.transport", "self.loop"):
        assert name in source, f"uvicorn's HttpToolsProtocol no longer has {name}"


# -- wrong tokens -------------------------------------------------------------------------------

def test_wrong_tokens_from_one_address_get_429_until_the_lockout_ends(central_factory: Start,
                                                                      tmp_path: Path) -> None:
    server = central_factory(tmp_path / "central.sqlite3", "--auth-attempts", "3", "--auth-lockout", "2")
    _, token = terminal(server)
    good = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url) as client:
        for _ in range(3):
            assert client.get("/v1/status-feed", headers={"Authorization": "Bearer wrong"}).status_code == 401
        locked = client.get("/v1/status-feed", headers={"Authorization": "Bearer wrong"})
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_attempts"
        assert 1 <= int(locked.headers["Retry-After"]) <= 2
        assert client.get("/v1/status-feed", headers=good).status_code == 429  # the address, not the token
        assert client.get("/v1/health").status_code == 200  # health stays open
    # another address (127.0.0.2 reaches the server on 127.0.0.1 too) is not affected
    other = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(base_url=server.base_url, transport=other) as client:
        assert client.get("/v1/status-feed", headers=good).status_code == 200
    time.sleep(2.2)
    with httpx.Client(base_url=server.base_url) as client:
        assert client.get("/v1/status-feed", headers=good).status_code == 200


def test_the_throttle_table_stays_bounded_under_many_addresses() -> None:
    now = [0.0]
    throttle = Throttle(attempts=2, window=60, lockout=60, max_addresses=100, clock=lambda: now[0])
    for i in range(10_000):
        throttle.failed(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
    assert len(throttle) == 100
    throttle.failed("192.0.2.1")
    assert throttle.locked("192.0.2.1") == 0
    assert throttle.failed("192.0.2.1")
    assert throttle.locked("192.0.2.1") == 60
    now[0] = 61.0
    assert throttle.locked("192.0.2.1") == 0
