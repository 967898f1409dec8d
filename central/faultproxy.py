"""A loopback HTTP/1.1 proxy that injects network faults on command.

The sync engine must survive a network that drops requests, tears bodies, loses
answers of a server that already committed, and is slow or gone altogether. Mocking
the HTTP client cannot show that: the faults must happen on real TCP connections, at
precise points of the HTTP exchange ("the third PATCH", "the middle of the body").
So this proxy sits between the terminal's client and the central server on
127.0.0.1, parses just enough HTTP/1.1 to know where each request and response starts
and ends, and streams everything else through unchanged (bodies are never buffered
whole: benchmarks push hundreds of megabytes through it).

The proxy runs an asyncio loop on its own thread so a synchronous test can drive it;
every control method is thread-safe and takes effect before it returns. It can also
run as a process: ``python -m central.faultproxy --upstream URL``.

A fault that should hit, say, only the third request can be built from the
first-match rule: ``add(Fault("delay", times=2))`` (zero seconds: passes two requests
through unchanged) followed by ``add(Fault("drop"))``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http
import json
import logging
import random
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Literal, TypeVar, cast, get_args
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

FaultKind = Literal["drop", "reset_request_body", "reset_response_body", "status", "lose_answer", "delay"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

#: largest piece written at once when pacing, so a bandwidth limit is smooth, not bursty
PACE_CHUNK = 16 * 1024
#: largest piece read at once; bounds per-connection memory together with the stream limit
READ_CHUNK = 64 * 1024
#: longest request/response head or chunk-size line accepted (asyncio stream limit)
HEAD_LIMIT = 64 * 1024
#: how long a reset waits for already written bytes to reach the peer before cutting
FLUSH_TIMEOUT = 2.0
#: seconds a random "delay" fault waits at most (drawn uniformly from the seeded generator)
RANDOM_DELAY_MAX = 1.0
#: body of the answer to a "status" fault, recognisable in the client's logs
STATUS_BODY = json.dumps({"error": {"code": "proxy_fault", "message": "injected"}}).encode()

T = TypeVar("T")


@dataclass(frozen=True)
class Fault:
    """One fault to inject into the requests that match it.

    Kinds: ``drop`` closes the client connection once the request head arrived;
    ``reset_request_body`` forwards the head and ``after_bytes`` of the body, then resets
    both connections; ``reset_response_body`` relays the response head and
    ``after_bytes`` of its body, then resets the client; ``status`` answers ``status``
    without forwarding; ``lose_answer`` lets the server answer completely, then resets
    the client without any of it; ``delay`` waits ``seconds`` before forwarding.
    """

    kind: FaultKind
    #: only requests whose method and path start with these match (e.g. method="PATCH", path="/v1/blobs")
    method: str | None = None
    path: str | None = None
    #: for status: the HTTP status to answer without forwarding (500, 503, 429…), with optional Retry-After
    status: int = 503
    retry_after: float | None = None
    #: for reset_*: after how many body bytes the connection is reset (default: half the body;
    #: for a chunked body, half of its first chunk; for a body that runs until close, 0)
    after_bytes: int | None = None
    #: for delay: seconds added before forwarding the request
    seconds: float = 0.0
    #: how many matching requests this fault applies to (then it is used up); 0 = forever
    times: int = 1

    def __post_init__(self) -> None:
        # A typo in a test's fault must fail loudly, not silently inject nothing.
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {', '.join(FAULT_KINDS)}")
        if self.times < 0:
            raise ValueError("times must be >= 0 (0 = forever)")
        if self.after_bytes is not None and self.after_bytes < 0:
            raise ValueError("after_bytes must be >= 0")
        if self.seconds < 0:
            raise ValueError("seconds must be >= 0")
        if not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code")

    def matches(self, method: str, path: str) -> bool:
        """Whether a request with this method and path is one this fault targets."""
        if self.method is not None and not method.upper().startswith(self.method.upper()):
            return False
        return self.path is None or path.startswith(self.path)


@dataclass(frozen=True)
class ProxyStats:
    """A snapshot of the proxy's counters (bytes include heads and chunk framing)."""

    requests_seen: int = 0
    forwarded: int = 0
    faults_injected: dict[str, int] = field(default_factory=dict)
    bytes_up: int = 0
    bytes_down: int = 0
    connections: int = 0


class _Counters:
    """Mutable counters behind ``ProxyStats``; a lock because tests read them from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests_seen = 0
        self._forwarded = 0
        self._faults: dict[str, int] = {}
        self._bytes_up = 0
        self._bytes_down = 0
        self._connections = 0

    def add(self, *, requests_seen: int = 0, forwarded: int = 0, bytes_up: int = 0, bytes_down: int = 0,
            connections: int = 0, fault: str | None = None) -> None:
        with self._lock:
            self._requests_seen += requests_seen
            self._forwarded += forwarded
            self._bytes_up += bytes_up
            self._bytes_down += bytes_down
            self._connections += connections
            if fault is not None:
                self._faults[fault] = self._faults.get(fault, 0) + 1

    def snapshot(self) -> ProxyStats:
        with self._lock:
            return ProxyStats(self._requests_seen, self._forwarded, dict(self._faults),
                              self._bytes_up, self._bytes_down, self._connections)


class _TokenBucket:
    """Paces one direction of the link; shared by all connections like a real line."""

    def __init__(self, rate: int | None) -> None:
        self.rate = rate
        self._tokens = float(PACE_CHUNK)
        self._stamp = time.monotonic()

    async def take(self, n: int) -> None:
        """Wait until ``n`` (<= PACE_CHUNK) bytes may be sent."""
        while True:
            rate = self.rate
            if rate is None:
                return
            now = time.monotonic()
            self._tokens = min(float(PACE_CHUNK), self._tokens + (now - self._stamp) * rate)
            self._stamp = now
            if self._tokens >= n:
                self._tokens -= n
                return
            await asyncio.sleep((n - self._tokens) / rate)


@dataclass
class _Head:
    """A parsed request or response head, kept raw so it is forwarded byte for byte."""

    raw: bytes
    start: tuple[str, str, str]
    headers: list[tuple[str, str]]

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name]
        return ", ".join(values) if values else None

    def tokens(self, name: str) -> set[str]:
        value = self.header(name)
        return {token.strip().lower() for token in value.split(",")} if value else set()

    @property
    def chunked(self) -> bool:
        return "chunked" in self.tokens("transfer-encoding")

    @property
    def content_length(self) -> int | None:
        value = self.header("content-length")
        if value is None:
            return None
        lengths = {part.strip() for part in value.split(",")}
        if len(lengths) != 1 or not (next(iter(lengths)).isascii() and next(iter(lengths)).isdigit()):
            raise ValueError(f"bad Content-Length {value!r}")
        return int(lengths.pop())


def _parse_head(raw: bytes) -> _Head:
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2:
        raise ValueError(f"bad start line {lines[0]!r}")
    start = (parts[0], parts[1], parts[2] if len(parts) > 2 else "")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad header line {line!r}")
        headers.append((name.strip(), value.strip()))
    return _Head(raw, start, headers)


async def _read_head(reader: asyncio.StreamReader) -> _Head | None:
    """The next head on ``reader``, or None if the peer closed cleanly before one."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise ConnectionError("peer closed inside a head") from exc
    # RFC 9112 2.2: a server should ignore empty lines before a request line.
    stripped = raw.lstrip(b"\r\n")
    return _parse_head(stripped)


def _path_of(target: str) -> str:
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """Abort a connection with a TCP RST (SO_LINGER 0), as a crashed peer or middlebox would."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _unacked(sock: socket.socket) -> int | None:
    """Bytes the kernel still holds for the peer (unsent or unacknowledged); None if unknown."""
    try:
        import fcntl
        import termios

        value = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")  # == SIOCOUTQ on Linux
        return int(struct.unpack("i", value)[0])
    except (ImportError, OSError, AttributeError):
        return None


async def _flushed(writer: asyncio.StreamWriter) -> None:
    """Wait (bounded) until what was written has reached the peer.

    A reset with SO_LINGER 0 discards unsent data, so without this the peer of a
    "reset after N bytes" fault might see fewer than N bytes, or none.
    """
    deadline = time.monotonic() + FLUSH_TIMEOUT
    sock = writer.get_extra_info("socket")
    while time.monotonic() < deadline:
        if writer.transport.is_closing():
            return
        if writer.transport.get_write_buffer_size() == 0:
            pending = _unacked(sock) if sock is not None else None
            if pending is None:
                await asyncio.sleep(0.05)  # no way to ask the kernel: give loopback a moment
                return
            if pending == 0:
                return
        await asyncio.sleep(0.001)


class _CutConnection(Exception):
    """The current fault ended this connection; the handler stops without further noise."""


@dataclass
class _Active:
    """One queued fault and how many more requests it applies to (None: forever)."""

    fault: Fault
    remaining: int | None


@dataclass(eq=False)  # identity, so connections can live in a set
class _Connection:
    """One client connection and the upstream connection dedicated to it."""

    client: asyncio.StreamWriter
    upstream_reader: asyncio.StreamReader | None = None
    upstream: asyncio.StreamWriter | None = None

    def reset_all(self) -> None:
        _reset(self.client)
        _reset(self.upstream)


class FaultProxy:
    """The proxy: ``start()`` it (or use ``with``), point the client at ``url``, add faults."""

    def __init__(self, upstream: str, *, host: str = "127.0.0.1", port: int = 0,
                 latency: float = 0.0, bandwidth: int | None = None, seed: int = 0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, not {upstream!r}")
        if parts.path not in ("", "/") or parts.query:
            raise ValueError("upstream must not have a path: request targets are forwarded unchanged")
        _check_network(latency, bandwidth)
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port or 80
        self._host = host
        self._port = port
        self._latency = latency
        self._up = _TokenBucket(bandwidth)
        self._down = _TokenBucket(bandwidth)
        self._seed = seed
        # Faults are set from the test's thread and consumed on the loop's thread.
        self._lock = threading.Lock()
        self._faults: list[_Active] = []
        self._random_rate = 0.0
        self._random_kinds: tuple[FaultKind, ...] = ()
        self._random = random.Random(seed)
        self._counters = _Counters()
        # Only touched on the loop's thread:
        self._offline = False
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Run the proxy on its own thread; returns once it is listening."""
        if self._thread is not None:
            raise RuntimeError("proxy already started")
        loop = asyncio.new_event_loop()
        started: Future[None] = Future()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._listen())
                if self._offline and self._server is not None:  # set_offline(True) before start()
                    self._server.close()
                    self._server = None
            except BaseException as exc:
                started.set_exception(exc)
                loop.close()
                return
            started.set_result(None)
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name=f"faultproxy->{self._upstream_port}", daemon=True)
        self._thread.start()
        try:
            started.result(timeout=30.0)
        except BaseException:
            self._thread.join(timeout=5.0)
            self._thread = None
            self._loop = None
            raise

    def stop(self) -> None:
        """Close the listener and every connection, and end the loop's thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30.0)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30.0)
        self._loop = None
        self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Where clients connect, e.g. ``http://127.0.0.1:41234`` (known once started)."""
        if self._port == 0:
            raise RuntimeError("proxy not started: the port is not known yet")
        return f"http://{self._host}:{self._port}"

    @property
    def stats(self) -> ProxyStats:
        return self._counters.snapshot()

    # -- control (any thread) ----------------------------------------------------------

    def add(self, fault: Fault) -> None:
        """Queue a fault; the first queued fault that matches a request applies to it."""
        with self._lock:
            self._faults.append(_Active(fault, fault.times or None))

    def clear(self) -> None:
        """Remove all queued faults (random faults stay as set)."""
        with self._lock:
            self._faults.clear()

    def set_random(self, rate: float, kinds: Sequence[str], *, seed: int | None = None) -> None:
        """Give each request not hit by a queued fault a random fault of ``kinds`` with probability ``rate``.

        The generator restarts from ``seed`` (else the proxy's seed) on every call, so
        the same sequence of requests meets the same faults. Rate 0 switches it off.
        Random ``status`` faults answer 503; random ``delay`` faults wait up to
        ``RANDOM_DELAY_MAX`` seconds; random resets cut at half the body.
        """
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}")
        if rate > 0 and not kinds:
            raise ValueError("a random rate needs at least one kind")
        with self._lock:
            self._random_rate = rate
            self._random_kinds = cast(tuple[FaultKind, ...], tuple(kinds))  # checked against FAULT_KINDS above
            self._random = random.Random(self._seed if seed is None else seed)

    def set_offline(self, offline: bool) -> None:
        """Offline: new connections are refused (the port stops listening) and open ones are reset.

        Back online, the proxy listens again on the same port.
        """
        self._in_loop(lambda: self._set_offline(offline))

    def set_network(self, *, latency: float | None = None, bandwidth: int | None = None) -> None:
        """Change latency (seconds each way) and/or bandwidth (bytes/s per direction; 0 = unlimited).

        ``None`` leaves a setting unchanged; a bandwidth of 0 removes the limit because
        ``None`` already means "unchanged" here.
        """
        _check_network(latency or 0.0, bandwidth or None)

        async def apply() -> None:
            if latency is not None:
                self._latency = latency
            if bandwidth is not None:
                self._up.rate = self._down.rate = bandwidth or None

        self._in_loop(apply)

    def _in_loop(self, func: Callable[[], Awaitable[T]]) -> T:
        """Run ``func`` on the loop's thread and wait, so the change holds when we return."""
        loop = self._loop
        if loop is None:
            return asyncio.run(_call(func))
        return asyncio.run_coroutine_threadsafe(_call(func), loop).result(timeout=30.0)

    # -- loop side ---------------------------------------------------------------------

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._host, self._port, limit=HEAD_LIMIT,
                                                  reuse_address=True)
        self._port = self._server.sockets[0].getsockname()[1]

    async def _set_offline(self, offline: bool) -> None:
        if self._thread is None:  # not started: only remember the state
            self._offline = offline
            return
        if offline and not self._offline:
            self._offline = True
            if self._server is not None:
                self._server.close()
                self._server = None
            for connection in list(self._connections):
                connection.reset_all()
        elif not offline and self._offline:
            self._offline = False
            await self._listen()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self._connections):
            connection.reset_all()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _next_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for active in self._faults:
                if active.fault.matches(method, path):
                    if active.remaining is not None:
                        active.remaining -= 1
                        if active.remaining == 0:
                            self._faults.remove(active)
                    return active.fault
            if self._random_rate > 0 and self._random.random() < self._random_rate:
                kind = self._random.choice(self._random_kinds)
                seconds = self._random.uniform(0.0, RANDOM_DELAY_MAX) if kind == "delay" else 0.0
                return Fault(kind, seconds=seconds)
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if self._offline:
            _reset(writer)
            return
        connection = _Connection(writer)
        self._connections.add(connection)
        if task is not None:
            self._tasks.add(task)
        self._counters.add(connections=1)
        try:
            while await self._exchange(reader, connection):
                pass
        except _CutConnection:
            pass
        except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError) as exc:
            # A peer went away or spoke bad HTTP: end both sides as a broken link would.
            log.debug("faultproxy connection ended: %r", exc)
            connection.reset_all()
        finally:
            self._connections.discard(connection)
            if task is not None:
                self._tasks.discard(task)
            for side in (connection.client, connection.upstream):
                if side is not None and not side.transport.is_closing():
                    side.close()

    async def _exchange(self, reader: asyncio.StreamReader, connection: _Connection) -> bool:
        """Relay one request and its response; True if the client connection stays open."""
        client = connection.client
        request = await _read_head(reader)
        if request is None:
            return False
        method, target, _version = request.start
        self._counters.add(requests_seen=1)
        fault = self._next_fault(method, _path_of(target))
        if fault is not None:
            self._counters.add(fault=fault.kind)
        keep_alive = "close" not in request.tokens("connection") and request.start[2] != "HTTP/1.0"
        kind = fault.kind if fault is not None else None

        if kind == "drop":
            client.close()
            raise _CutConnection
        if fault is not None and kind == "status":
            await self._relay_body(request, reader, None, self._up, cut_at=None, cut_half=False)
            await self._answer_status(client, fault, method, keep_alive)
            return keep_alive
        if fault is not None and kind == "delay" and fault.seconds > 0:
            await asyncio.sleep(fault.seconds)
        if self._latency > 0:
            await asyncio.sleep(self._latency)

        upstream_reader, upstream = await self._upstream(connection)
        self._counters.add(forwarded=1)
        await self._send(upstream, request.raw, self._up, up=True)
        if fault is not None and kind == "reset_request_body":
            await self._relay_body(request, reader, upstream, self._up,
                                   cut_at=fault.after_bytes, cut_half=fault.after_bytes is None)
            await _flushed(upstream)
            connection.reset_all()
            raise _CutConnection
        await self._relay_body(request, reader, upstream, self._up, cut_at=None, cut_half=False)

        response = await _read_head(upstream_reader)
        while response is not None and response.start[1].startswith("1") and response.start[1] != "101":
            # Interim answers (100 Continue, 103 Early Hints) precede the real one.
            if kind != "lose_answer":
                await self._send(client, response.raw, self._down, up=False)
            response = await _read_head(upstream_reader)
        if response is None:
            # The server closed without answering: so does the proxy, like the link would.
            client.close()
            raise _CutConnection
        if self._latency > 0:
            await asyncio.sleep(self._latency)
        status = int(response.start[1]) if response.start[1].isascii() and response.start[1].isdigit() else 0
        bodyless = method.upper() == "HEAD" or status in (204, 304) or 100 <= status < 200
        until_close = not bodyless and not response.chunked and response.content_length is None
        response_keeps = (response.start[0] != "HTTP/1.0" and "close" not in response.tokens("connection")
                          and not until_close)

        if fault is not None and kind == "lose_answer":
            await self._relay_body(response, upstream_reader, None, self._down, cut_at=None, cut_half=False,
                                   bodyless=bodyless, until_close=until_close)
            connection.reset_all()
            raise _CutConnection
        await self._send(client, response.raw, self._down, up=False)
        if fault is not None and kind == "reset_response_body":
            await self._relay_body(response, upstream_reader, client, self._down,
                                   cut_at=fault.after_bytes, cut_half=fault.after_bytes is None,
                                   bodyless=bodyless, until_close=until_close)
            await _flushed(client)
            connection.reset_all()
            raise _CutConnection
        await self._relay_body(response, upstream_reader, client, self._down, cut_at=None, cut_half=False,
                               bodyless=bodyless, until_close=until_close)
        if not response_keeps and connection.upstream is not None:
            connection.upstream.close()
            connection.upstream = connection.upstream_reader = None
        if not (keep_alive and response_keeps):
            await client.drain()
            client.close()
            return False
        return True

    async def _upstream(self, connection: _Connection) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """The connection's upstream, reopened if the server closed it while idle."""
        reader, writer = connection.upstream_reader, connection.upstream
        if reader is not None and writer is not None and not reader.at_eof() and not writer.transport.is_closing():
            return reader, writer
        if writer is not None:
            writer.close()
        try:
            reader, writer = await asyncio.open_connection(self._upstream_host, self._upstream_port,
                                                           limit=HEAD_LIMIT)
        except OSError:
            # The server is down: say so the way a gateway does, and end the connection.
            body = json.dumps({"error": {"code": "proxy_upstream_down",
                                         "message": "upstream refused the connection"}}).encode()
            await self._send(connection.client, b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n"
                             b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
                             self._down, up=False)
            await connection.client.drain()
            connection.client.close()
            raise _CutConnection from None
        connection.upstream_reader, connection.upstream = reader, writer
        return reader, writer

    async def _answer_status(self, client: asyncio.StreamWriter, fault: Fault, method: str,
                             keep_alive: bool) -> None:
        try:
            reason = http.HTTPStatus(fault.status).phrase
        except ValueError:
            reason = "Injected"
        lines = [f"HTTP/1.1 {fault.status} {reason}", "Content-Type: application/json",
                 f"Content-Length: {len(STATUS_BODY)}"]
        if fault.retry_after is not None:
            lines.append(f"Retry-After: {fault.retry_after:g}")
        if not keep_alive:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        await self._send(client, head if method.upper() == "HEAD" else head + STATUS_BODY, self._down, up=False)
        if not keep_alive:
            await client.drain()
            client.close()

    async def _send(self, writer: asyncio.StreamWriter, data: bytes, bucket: _TokenBucket, *, up: bool) -> None:
        """Write ``data`` paced by ``bucket``, with backpressure so memory stays bounded."""
        view = memoryview(data)
        step = PACE_CHUNK if bucket.rate is not None else len(view) or 1
        for offset in range(0, len(view), step):
            piece = view[offset:offset + step]
            await bucket.take(len(piece))
            writer.write(piece)
            await writer.drain()
            if up:
                self._counters.add(bytes_up=len(piece))
            else:
                self._counters.add(bytes_down=len(piece))

    async def _relay_body(self, head: _Head, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None,
                          bucket: _TokenBucket, *, cut_at: int | None, cut_half: bool,
                          bodyless: bool = False, until_close: bool = False) -> None:
        """Stream the body framed by ``head`` from ``reader`` to ``writer`` (None: discard).

        Stops after ``cut_at`` payload bytes (``cut_half``: after half the body, or of
        the first chunk of a chunked body) so the caller can then tear the connection.
        """
        up = bucket is self._up
        if bodyless:
            return
        if head.chunked:
            await self._relay_chunked(reader, writer, bucket, up=up, cut_at=cut_at, cut_half=cut_half)
            return
        length = head.content_length
        if length is None and not until_close:
            return  # a request without Content-Length or chunking has no body
        if cut_half:
            cut_at = length // 2 if length is not None else 0
        await self._relay_bytes(reader, writer, bucket, up=up, length=length, cut_at=cut_at)

    async def _relay_bytes(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None,
                           bucket: _TokenBucket, *, up: bool, length: int | None, cut_at: int | None) -> int:
        """Relay ``length`` bytes (None: until the peer closes), stopping at ``cut_at``; returns bytes relayed."""
        done = 0
        while length is None or done < length:
            want = READ_CHUNK if length is None else min(READ_CHUNK, length - done)
            if cut_at is not None:
                if done >= cut_at:
                    break
                want = min(want, cut_at - done)
            data = await reader.read(want)
            if not data:
                if length is None:
                    break
                raise ConnectionError("peer closed inside a body")
            if writer is not None:
                await self._send(writer, data, bucket, up=up)
            done += len(data)
        return done

    async def _relay_chunked(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None,
                             bucket: _TokenBucket, *, up: bool, cut_at: int | None, cut_half: bool) -> None:
        payload = 0

        async def forward(data: bytes) -> None:
            if writer is not None:
                await self._send(writer, data, bucket, up=up)

        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                await forward(line)
                while (trailer := await reader.readuntil(b"\r\n")) != b"\r\n":
                    await forward(trailer)
                await forward(b"\r\n")
                return
            if cut_half and cut_at is None:
                cut_at = size // 2
            if cut_at is not None and payload >= cut_at:
                return
            await forward(line)
            relayed = await self._relay_bytes(reader, writer, bucket, up=up, length=size,
                                              cut_at=None if cut_at is None else cut_at - payload)
            payload += relayed
            if relayed < size:
                return
            if await reader.readexactly(2) != b"\r\n":
                raise ValueError("chunk not followed by CRLF")
            await forward(b"\r\n")


async def _call(func: Callable[[], Awaitable[T]]) -> T:
    return await func()


def _check_network(latency: float, bandwidth: int | None) -> None:
    if latency < 0:
        raise ValueError("latency must be >= 0")
    if bandwidth is not None and bandwidth <= 0:
        raise ValueError("bandwidth must be > 0 bytes per second (None: unlimited)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the proxy until SIGINT/SIGTERM, for tests that want it in its own process."""
    parser = argparse.ArgumentParser(prog="python -m central.faultproxy",
                                     description="A loopback HTTP/1.1 proxy that injects network faults.")
    parser.add_argument("--upstream", required=True, help="server URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default): any free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added each way")
    parser.add_argument("--bandwidth", type=int, default=None, help="bytes per second per direction")
    parser.add_argument("--random-rate", type=float, default=0.0, help="probability of a random fault per request")
    parser.add_argument("--random-kinds", default="", help="comma-separated fault kinds for random faults")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.random_kinds.split(",") if kind.strip()]
    try:
        proxy = FaultProxy(args.upstream, host=args.host, port=args.port, latency=args.latency,
                           bandwidth=args.bandwidth, seed=args.seed)
        if args.random_rate:
            proxy.set_random(args.random_rate, kinds, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with proxy:
        print(f"faultproxy listening on {proxy.url}", flush=True)
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
