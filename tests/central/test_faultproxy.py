"""The fault proxy on real sockets: each fault as the client and the server see it.

The upstream is a small ``ThreadingHTTPServer`` written here (not the central app, so
these tests only depend on the proxy): it records every request it received, including
bodies torn by a reset, and can answer with large, chunked or bodyless responses.
"""

from __future__ import annotations

import hashlib
import json
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from central.faultproxy import Fault, FaultProxy

REPO = Path(__file__).resolve().parents[2]
#: generous bound for anything that should happen promptly; only failures wait this long
DEADLINE = 20.0


def pattern(size: int) -> bytes:
    """Deterministic, non-repeating-looking bytes, so a shifted or torn body is detectable."""
    block = hashlib.sha256(b"faultproxy").digest() * 64
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(counter.to_bytes(8, "big")).digest() + block[: 4096 - 32]
        counter += 1
    return bytes(out[:size])


@dataclass
class Seen:
    """One request as the upstream received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    complete: bool
    connection: tuple[str, int]


@dataclass
class Upstream:
    """The test server's record of what arrived, shared with its handler threads."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, item: Seen) -> None:
        with self.lock:
            self.seen.append(item)

    def snapshot(self) -> list[Seen]:
        with self.lock:
            return list(self.seen)

    def wait_for(self, predicate: Callable[[list[Seen]], bool]) -> list[Seen]:
        """Poll until ``predicate`` holds for what arrived (bounded by DEADLINE)."""
        deadline = time.monotonic() + DEADLINE
        while True:
            seen = self.snapshot()
            if predicate(seen):
                return seen
            if time.monotonic() > deadline:
                raise AssertionError(f"upstream never saw the expected requests; saw {seen}")
            time.sleep(0.005)


def make_handler(upstream: Upstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so the proxy's reuse is tested
        disable_nagle_algorithm = True  # head and body are separate writes: no 40 ms Nagle stalls

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _read_body(self) -> tuple[bytes, bool]:
            # read1 in a loop keeps what arrived before a reset (read() would lose it).
            body = bytearray()
            try:
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    while True:
                        line = self.rfile.readline()
                        if not line:
                            return bytes(body), False
                        size = int(line.split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return bytes(body), True
                        want = size
                        while want:
                            data = self.rfile.read1(want)
                            if not data:
                                return bytes(body), False
                            body += data
                            want -= len(data)
                        if self.rfile.readline() != b"\r\n":
                            return bytes(body), False
                length = int(self.headers.get("Content-Length", "0"))
                while len(body) < length:
                    data = self.rfile.read1(min(65536, length - len(body)))
                    if not data:
                        return bytes(body), False
                    body += data
                return bytes(body), True
            except (ConnectionError, OSError, ValueError):
                return bytes(body), False

        def _handle(self) -> None:
            body, complete = self._read_body()
            address = self.client_address
            upstream.record(Seen(self.command, self.path, dict(self.headers.items()), body, complete,
                                 (str(address[0]), int(address[1]))))
            if not complete:
                self.close_connection = True
                return
            try:
                self._answer(body)
            except (ConnectionError, OSError):
                self.close_connection = True

        def _answer(self, body: bytes) -> None:
            url = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            if url.path.startswith("/status/"):
                self.send_response(int(url.path.rsplit("/", 1)[1]))
                self.end_headers()
                return
            if url.path == "/big":
                payload = pattern(int(query["size"]))
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    for offset in range(0, len(payload), 65536):
                        self.wfile.write(payload[offset:offset + 65536])
                return
            if url.path == "/chunked":
                payload = pattern(int(query["size"]))
                step = int(query.get("chunk", "10000"))
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for offset in range(0, len(payload), step):
                    piece = payload[offset:offset + step]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
                return
            answer = json.dumps({"method": self.command, "path": self.path, "length": len(body),
                                 "sha256": hashlib.sha256(body).hexdigest()}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Resets are the point of these tests; the handler records what it got.
        pass


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    record = Upstream()
    server = QuietServer(("127.0.0.1", 0), make_handler(record))
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="test-upstream", daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()
    thread.join(timeout=DEADLINE)


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[FaultProxy]:
    with FaultProxy(upstream.url) as running:
        yield running


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, timeout=DEADLINE) as http:
        yield http


#: what httpx raises when the connection closes or resets under it
CUT = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def test_forwards_and_keeps_the_connection_alive(proxy: FaultProxy, client: httpx.Client,
                                                 upstream: Upstream) -> None:
    for index in range(4):
        response = client.post(f"/echo/{index}", content=b"x" * (index * 1000))
        assert response.status_code == 200
        assert response.json() == {"method": "POST", "path": f"/echo/{index}", "length": index * 1000,
                                   "sha256": hashlib.sha256(b"x" * (index * 1000)).hexdigest()}
    seen = upstream.snapshot()
    assert [item.path for item in seen] == [f"/echo/{index}" for index in range(4)]
    assert len({item.connection for item in seen}) == 1, "one client connection uses one upstream connection"
    stats = proxy.stats
    assert (stats.requests_seen, stats.forwarded, stats.connections) == (4, 4, 1)
    assert stats.faults_injected == {}
    assert stats.bytes_up >= 6000 and stats.bytes_down > 0


def test_bodyless_responses_keep_the_connection_usable(proxy: FaultProxy, client: httpx.Client) -> None:
    assert client.get("/status/204").status_code == 204
    assert client.get("/status/304").status_code == 304
    head = client.head("/big?size=5000")
    assert head.status_code == 200 and head.headers["content-length"] == "5000" and head.content == b""
    assert client.get("/big?size=5000").content == pattern(5000)
    assert proxy.stats.connections == 1


def test_drop_closes_before_forwarding(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    proxy.add(Fault("drop"))
    with pytest.raises(CUT):
        client.post("/dropped", content=b"body")
    assert client.get("/after").status_code == 200
    assert [item.path for item in upstream.snapshot()] == ["/after"]
    assert proxy.stats.faults_injected == {"drop": 1}
    assert proxy.stats.forwarded == 1


@pytest.mark.parametrize(("after_bytes", "expected"), [(50_000, 50_000), (None, 100_000), (0, 0)])
def test_reset_request_body_tears_the_body_upstream(proxy: FaultProxy, client: httpx.Client, upstream: Upstream,
                                                    after_bytes: int | None, expected: int) -> None:
    body = pattern(200_000)
    proxy.add(Fault("reset_request_body", after_bytes=after_bytes))
    with pytest.raises(CUT):
        client.put("/upload", content=body)
    seen = upstream.wait_for(lambda seen: len(seen) == 1)[0]
    assert (seen.path, seen.complete) == ("/upload", False)
    assert seen.body == body[:expected]
    assert client.get("/after").status_code == 200


def test_reset_request_body_of_a_chunked_upload(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    body = pattern(100_000)
    proxy.add(Fault("reset_request_body", after_bytes=30_000))
    with pytest.raises(CUT):
        client.post("/stream", content=iter([body[i:i + 20_000] for i in range(0, len(body), 20_000)]))
    seen = upstream.wait_for(lambda seen: len(seen) == 1)[0]
    assert seen.headers.get("Transfer-Encoding") == "chunked"
    assert not seen.complete and seen.body == body[:30_000]


def test_reset_response_body_after_some_bytes(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    proxy.add(Fault("reset_response_body", after_bytes=10_000))
    received = bytearray()
    with pytest.raises(CUT), client.stream("GET", "/big?size=1000000") as response:
        assert response.status_code == 200
        for piece in response.iter_raw():
            received += piece
    assert bytes(received) == pattern(10_000)
    seen = upstream.wait_for(lambda seen: len(seen) == 1)[0]
    assert seen.complete and seen.path == "/big?size=1000000"


def test_reset_response_body_defaults_to_half(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.add(Fault("reset_response_body"))
    received = bytearray()
    with pytest.raises(CUT), client.stream("GET", "/big?size=300000") as response:
        for piece in response.iter_raw():
            received += piece
    assert bytes(received) == pattern(150_000)


def test_status_answers_without_forwarding(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    proxy.add(Fault("status", status=429, retry_after=2))
    response = client.post("/v1/submissions", content=pattern(100_000))
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.json() == {"error": {"code": "proxy_fault", "message": "injected"}}
    # The unread body was drained: the same connection serves the next request.
    assert client.post("/v1/submissions", content=b"ok").json()["length"] == 2
    assert [item.body for item in upstream.snapshot()] == [b"ok"]
    assert proxy.stats.connections == 1
    assert proxy.stats.faults_injected == {"status": 1}


def test_status_with_fractional_retry_after(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.add(Fault("status", status=503, retry_after=0.5))
    response = client.get("/x")
    assert response.status_code == 503 and response.headers["retry-after"] == "0.5"


def test_lose_answer_lets_the_server_commit(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    proxy.add(Fault("lose_answer"))
    body = pattern(70_000)
    with pytest.raises(CUT):
        client.post("/v1/submissions", content=body)
    seen = upstream.wait_for(lambda seen: len(seen) == 1)[0]
    assert seen.complete and seen.body == body
    assert client.get("/after").status_code == 200
    assert proxy.stats.faults_injected == {"lose_answer": 1}


def test_delay_holds_the_request(proxy: FaultProxy, client: httpx.Client, upstream: Upstream) -> None:
    proxy.add(Fault("delay", seconds=0.3))
    started = time.monotonic()
    assert client.get("/slow").status_code == 200
    assert time.monotonic() - started >= 0.3
    proxy.add(Fault("delay", seconds=1.0))
    with pytest.raises(httpx.ReadTimeout):
        client.get("/too-slow", timeout=0.1)
    # The proxy still forwards it after the delay, as a slow network would.
    upstream.wait_for(lambda seen: [item.path for item in seen] == ["/slow", "/too-slow"])


def test_times_and_matching_by_method_and_path(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.add(Fault("status", method="PATCH", path="/v1/blobs", status=500, times=2))
    assert client.get("/v1/blobs/a").status_code == 200
    assert client.patch("/v1/other", content=b"x").status_code == 200
    assert client.patch("/v1/blobs/a", content=b"x").status_code == 500
    assert client.patch("/v1/blobs/b", content=b"x").status_code == 500
    assert client.patch("/v1/blobs/c", content=b"x").status_code == 200
    proxy.add(Fault("status", path="/forever", status=503, times=0))
    assert [client.get("/forever").status_code for _ in range(5)] == [503] * 5
    proxy.clear()
    assert client.get("/forever").status_code == 200


def test_faults_apply_in_the_order_added(proxy: FaultProxy, client: httpx.Client) -> None:
    # Hitting "the 3rd request": a zero-second delay passes the first two through.
    proxy.add(Fault("delay", times=2))
    proxy.add(Fault("status", status=503))
    assert [client.get(f"/{index}").status_code for index in range(4)] == [200, 200, 503, 200]
    assert proxy.stats.faults_injected == {"delay": 2, "status": 1}


def test_chunked_request_body_passes_intact(client: httpx.Client, upstream: Upstream) -> None:
    body = pattern(300_000)
    response = client.post("/chunked-up", content=iter([body[i:i + 7000] for i in range(0, len(body), 7000)]))
    assert response.json()["sha256"] == hashlib.sha256(body).hexdigest()
    seen = upstream.snapshot()[0]
    assert seen.headers.get("Transfer-Encoding") == "chunked" and seen.complete


def test_chunked_response_body_passes_intact(proxy: FaultProxy, client: httpx.Client) -> None:
    response = client.get("/chunked?size=300000&chunk=9000")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == pattern(300_000)
    assert client.get("/chunked?size=10").content == pattern(10)
    assert proxy.stats.connections == 1


def test_five_megabytes_pass_unchanged_both_ways(client: httpx.Client) -> None:
    body = pattern(5_000_000)
    assert client.post("/blob", content=body).json()["sha256"] == hashlib.sha256(body).hexdigest()
    download = client.get("/big?size=5000000")
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(body).hexdigest()


def test_bandwidth_paces_both_directions(upstream: Upstream) -> None:
    with FaultProxy(upstream.url, bandwidth=2_000_000) as proxy, \
            httpx.Client(base_url=proxy.url, timeout=DEADLINE) as http:
        body = pattern(1_000_000)
        started = time.monotonic()
        assert http.post("/up", content=body).json()["length"] == 1_000_000
        assert time.monotonic() - started >= 0.4
        started = time.monotonic()
        assert http.get("/big?size=1000000").content == body
        assert time.monotonic() - started >= 0.4
        proxy.set_network(bandwidth=0)  # 0: unlimited
        assert http.get("/big?size=1000").status_code == 200


def test_latency_is_added_each_way(upstream: Upstream) -> None:
    with FaultProxy(upstream.url, latency=0.15) as proxy, httpx.Client(base_url=proxy.url, timeout=DEADLINE) as http:
        started = time.monotonic()
        assert http.get("/a").status_code == 200
        assert time.monotonic() - started >= 0.3
        proxy.set_network(latency=0.0)
        assert http.get("/b").status_code == 200


def test_offline_refuses_and_cuts_then_recovers(proxy: FaultProxy, client: httpx.Client,
                                                upstream: Upstream) -> None:
    assert client.get("/before").status_code == 200
    proxy.set_offline(True)
    with httpx.Client(base_url=proxy.url, timeout=DEADLINE) as fresh, pytest.raises(httpx.ConnectError):
        fresh.get("/refused")
    with pytest.raises(httpx.TransportError):
        client.get("/cut")  # the open keep-alive connection was reset
    proxy.set_offline(False)
    assert client.get("/again").status_code == 200
    assert [item.path for item in upstream.snapshot()] == ["/before", "/again"]


def test_random_faults_are_reproducible_with_a_seed(proxy: FaultProxy, client: httpx.Client) -> None:
    def run() -> list[int]:
        return [client.get(f"/r/{index}").status_code for index in range(30)]

    proxy.set_random(0.4, ["status"], seed=7)
    first = run()
    proxy.set_random(0.4, ["status"], seed=7)
    assert run() == first
    assert 503 in first and 200 in first
    proxy.set_random(0.4, ["status"], seed=8)
    assert run() != first
    proxy.set_random(0.0, ["status"])
    assert set(run()) == {200}


def test_random_connection_faults(proxy: FaultProxy, upstream: Upstream) -> None:
    def run() -> list[str]:
        outcomes = []
        with httpx.Client(base_url=proxy.url, timeout=DEADLINE) as http:
            for index in range(20):
                try:
                    outcomes.append(str(http.post(f"/r/{index}", content=b"x" * 1000).status_code))
                except httpx.TransportError:
                    # which exception a reset surfaces as (read error, protocol error) depends on timing
                    # under load; which requests fail does not
                    outcomes.append("failed")
        return outcomes

    proxy.set_random(0.5, ["drop", "lose_answer"], seed=3)
    first = run()
    after_first = dict(proxy.stats.faults_injected)
    proxy.set_random(0.5, ["drop", "lose_answer"], seed=3)
    assert run() == first
    assert "200" in first and "failed" in first
    injected = proxy.stats.faults_injected
    assert after_first.get("drop", 0) > 0 and after_first.get("lose_answer", 0) > 0
    assert {kind: injected.get(kind, 0) - after_first.get(kind, 0) for kind in ("drop", "lose_answer")} == {
        kind: after_first.get(kind, 0) for kind in ("drop", "lose_answer")}  # the same faults again


def test_upstream_down_answers_502(upstream: Upstream) -> None:
    with FaultProxy("http://127.0.0.1:1") as proxy, httpx.Client(base_url=proxy.url, timeout=DEADLINE) as http:
        response = http.get("/x")
    assert response.status_code == 502


def test_invalid_faults_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fault("drop", times=-1)
    with pytest.raises(ValueError):
        FaultProxy("https://example.org")


def test_command_line_prints_its_banner_and_forwards(upstream: Upstream) -> None:
    process = subprocess.Popen([sys.executable, "-u", "-m", "central.faultproxy", "--upstream", upstream.url,
                                "--latency", "0.01", "--random-rate", "0", "--seed", "1"],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(process.stdout.readline() if process.stdout else ""),
                         daemon=True).start()
        banner = lines.get(timeout=DEADLINE).rstrip("\n")
        match = re.fullmatch(r"faultproxy listening on (http://127\.0\.0\.1:(\d+))", banner)
        assert match, banner
        response = httpx.post(f"{match.group(1)}/cli", content=b"abc", timeout=DEADLINE)
        assert response.json()["length"] == 3
        assert [item.path for item in upstream.snapshot()] == ["/cli"]
    finally:
        process.terminate()
        process.wait(timeout=DEADLINE)
    assert process.returncode == 0
