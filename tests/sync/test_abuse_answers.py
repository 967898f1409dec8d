"""The terminal's client against a misbehaving central system (issue 17): answers are read up to a cap.

A tiny real HTTP server in a thread plays a broken or rogue central system (or a proxy in between, in
front of a real central process, for the terminal end to end):
it sends a reference document or a status feed that never ends, declares a 2 GiB body, or sends a
scan bigger than the case says. The client stops at the cap with a Chinese ``AnswerTooLarge`` and
returns nothing, and its memory stays within a small multiple of the cap (``tracemalloc``).
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.terminal import Terminal
from core.errors import SyncError
from sync.client import (
    MAX_JSON_ANSWER,
    MAX_REFERENCE_ANSWER,
    AnswerTooLarge,
    CentralClient,
    MalformedAnswer,
)

#: what the rogue server sends at most when nobody stops it: far past every cap, and well short of
#: what would hurt the test machine if the client did not stop
ENDLESS = 256 * 1024 * 1024
_BLOCK = b"[" + b"0," * (32 * 1024) + b"0]"
SCAN = b"%PDF-1.4 a scanned page " + bytes(range(256)) * 64
SCAN_SHA = hashlib.sha256(SCAN).hexdigest()


class _Rogue(http.server.BaseHTTPRequestHandler):
    """Answers by path: ``/v1/reference/*`` endless without a length (read to the close), ``/v1/status-feed``
    endless chunked, ``/v1/reviews/declared/...`` a declared 2 GiB, ``/v1/reviews/<kind>/blobs/...`` a scan."""

    protocol_version = "HTTP/1.1"
    sent: list[int]

    def log_message(self, *_args: Any) -> None:  # quiet
        pass

    def _endless(self, write: Callable[[bytes], object]) -> None:
        total = 0
        try:
            while total < ENDLESS:
                write(_BLOCK)
                total += len(_BLOCK)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.sent.append(total)

    def do_GET(self) -> None:  # http.server's name
        path = self.path.split("?")[0]
        if path.startswith("/v1/reference/"):
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self._endless(self.wfile.write)
        elif path == "/v1/status-feed":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def chunk(data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

            self._endless(chunk)
            self.close_connection = True
        elif path.startswith("/v1/reviews/declared/"):
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(2 * 1024 ** 3))
            self.end_headers()
            self._endless(self.wfile.write)
        elif path.startswith("/v1/reviews/"):
            kind = path.split("/")[3]
            body = {"exact": SCAN, "double": SCAN * 2, "other": SCAN[::-1]}[kind]
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)


@pytest.fixture
def rogue() -> Iterator[tuple[CentralClient, list[int]]]:
    """A client of a rogue central system in a thread, and the byte counts that server managed to send."""
    sent: list[int] = []
    handler = type("Handler", (_Rogue,), {"sent": sent})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = CentralClient(f"http://127.0.0.1:{server.server_address[1]}", "token", timeout=30.0)
    try:
        yield client, sent
    finally:
        client.close()
        server.shutdown()
        server.server_close()


def _peak_while(call: Callable[[], Any]) -> tuple[BaseException | None, int]:
    """What ``call`` raised (None if nothing) and the peak of Python memory allocated meanwhile."""
    tracemalloc.start()
    raised: BaseException | None = None
    try:
        call()
    except BaseException as exc:  # handed back to the test
        raised = exc
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return raised, peak


def _is_too_large(raised: BaseException | None) -> AnswerTooLarge:
    assert isinstance(raised, AnswerTooLarge), repr(raised)
    assert isinstance(raised, SyncError) and raised.retryable
    assert "应答超出允许大小" in raised.user_message and raised.hint
    return raised


def test_endless_reference_document_stops_at_the_cap(rogue: tuple[CentralClient, list[int]]) -> None:
    client, sent = rogue
    raised, peak = _peak_while(lambda: client.reference("forms", None))
    _is_too_large(raised)
    assert peak < 3 * MAX_REFERENCE_ANSWER, f"{peak / 2**20:.0f} MiB held for a {MAX_REFERENCE_ANSWER >> 20} MiB cap"
    deadline = time.monotonic() + 20
    while not sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sent and sent[0] < ENDLESS // 4, "the client read on instead of dropping the connection"


def test_endless_chunked_status_feed_stops_at_the_cap(rogue: tuple[CentralClient, list[int]]) -> None:
    client, _sent = rogue
    raised, peak = _peak_while(lambda: client.status_feed(None))
    _is_too_large(raised)
    assert peak < 3 * MAX_JSON_ANSWER, f"{peak / 2**20:.0f} MiB held for a {MAX_JSON_ANSWER >> 20} MiB cap"


def test_declared_oversize_answer_is_refused_before_its_body(rogue: tuple[CentralClient, list[int]]) -> None:
    client, _sent = rogue
    raised, peak = _peak_while(lambda: client.review_blob("declared", SCAN_SHA, len(SCAN)))
    assert "2147483648" in _is_too_large(raised).detail
    assert peak < 2 * 1024 * 1024  # not one piece of the body was kept


def test_scan_larger_than_announced_is_refused(rogue: tuple[CentralClient, list[int]]) -> None:
    client, _sent = rogue
    assert client.review_blob("exact", SCAN_SHA, len(SCAN)) == SCAN
    with pytest.raises(AnswerTooLarge):
        client.review_blob("double", SCAN_SHA, len(SCAN))


def test_scan_that_is_not_the_named_one_is_refused(rogue: tuple[CentralClient, list[int]]) -> None:
    client, _sent = rogue
    with pytest.raises(MalformedAnswer):
        client.review_blob("other", SCAN_SHA, len(SCAN))


class _PaddingProxy:
    """A proxy in front of a real central process that sends the forms set on and on (its JSON followed
    by endless spaces: a valid document if it ever ended)."""

    def __init__(self, upstream: str) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # http.server's name
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "if-none-match")}
                answer = httpx.get(upstream + self.path, headers=headers, timeout=30)
                endless = self.path == "/v1/reference/forms" and answer.status_code == 200
                self.send_response(answer.status_code)
                for name, value in answer.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(name, value)
                if endless:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                try:
                    self.wfile.write(answer.content)
                    padding, total = b" " * 65536, 0
                    while endless and total < ENDLESS:
                        self.wfile.write(padding)
                        total += len(padding)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_endless_reference_set_through_a_proxy_changes_nothing(start_central: Any, make_terminal: Any) -> None:
    """End to end: the terminal's reference pull gives up with the Chinese error and keeps nothing."""
    proxy = _PaddingProxy(start_central().base_url)
    try:
        terminal: Terminal = make_terminal(proxy.url, start_sender=False)
        assert terminal.sender is not None
        tier = terminal.reference.form("retirement_approval").review.tier
        with pytest.raises(AnswerTooLarge) as refused:
            terminal.sender.pull_reference()
        assert "应答超出允许大小" in refused.value.user_message
        cache = terminal.settings.resolved_data_dir() / "reference"
        assert not (cache / "forms.json").exists()
        terminal.reference.forget()
        assert terminal.reference.form("retirement_approval").review.tier == tier
    finally:
        proxy.close()
