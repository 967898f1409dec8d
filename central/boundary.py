"""The request boundary of the central system: every request is bounded before the app reads it.

An ASGI middleware in front of the whole app (``RequestBoundary``). For every ``/v1`` path but
``/v1/health`` it first refuses an address that sent too many wrong tokens (429, ``Throttle``), then
checks the bearer token (401) before a single body byte is read: FastAPI would otherwise read and
parse the whole JSON body before its auth dependency runs, so an unauthenticated sender could make
the server hold and parse any amount. The terminal's id then travels in the request scope
(``TERMINAL_SCOPE_KEY``), so the endpoints do not ask the database again.

Every request (``/v1`` or not) then has a body limit by route (``BodyLimits``): a declared
Content-Length above it is answered 413 at once, unread; a streamed body is cut off with 413 as soon
as it crosses the limit, never buffered beyond it. The JSON bodies are read here, whole, before the
app runs (so an endpoint only ever sees a body that arrived complete and in time); the streamed
ones (blob pieces and blob batches) pass through counted. A sender that stops sending mid-body for
``body_timeout`` seconds is answered 408 and the connection closed; the endpoint sees a client that
left, and stores nothing half-read.

The header timeout, header size cap and connection limit live one layer down, in the HTTP protocol
(``central.connections``): an ASGI app only runs once the headers are complete.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.blobs import MAX_BATCH_BODY, MAX_CHUNK_SIZE
from central.constants import BODY_TIMEOUT, TERMINAL_SCOPE_KEY, THROTTLE_ATTEMPTS, THROTTLE_LOCKOUT, THROTTLE_WINDOW
from protocol import limits
from protocol.models import ErrorBody

log = logging.getLogger(__name__)

#: addresses the throttle remembers at most (the least recently failed are forgotten first)
THROTTLE_ADDRESSES = 10_000
#: a refused body up to this size keeps the connection: the server discards the rest as it arrives,
#: and the client, having sent it all, reads the answer instead of a reset connection. A larger
#: (or unbounded, chunked) one has the connection closed after the answer.
KEEP_ALIVE_EXCESS = 16 * 1024 * 1024
#: a bearer token is 43 characters; a "token" of kilobytes is not hashed and looked up
_MAX_TOKEN = 512


@dataclass(frozen=True)
class BodyLimits:
    """The most bytes a request body may hold, by route (``central serve --max-*-body``)."""

    submission: int = limits.SUBMISSION_BODY
    submission_batch: int = limits.SUBMISSION_BATCH_BODY
    blob_announce: int = limits.BLOB_ANNOUNCE_BODY
    blob_states: int = limits.BLOB_STATES_BODY
    audit_batch: int = limits.AUDIT_BATCH_BODY
    review: int = limits.REVIEW_BODY
    reminder: int = limits.REMINDER_BODY
    rating: int = limits.RATING_BODY
    lookup: int = limits.LOOKUP_BODY
    registered_check: int = limits.REGISTERED_CHECK_BODY
    #: streamed: one ``PATCH /v1/blobs/{sha256}`` piece (the endpoint's own ceiling is ``MAX_CHUNK_SIZE``)
    blob_chunk: int = MAX_CHUNK_SIZE
    #: streamed: one ``POST /v1/blobs/batch`` (the endpoint's own ceiling is ``MAX_BATCH_BODY``)
    blob_batch: int = MAX_BATCH_BODY
    #: every other request (none of them takes a body)
    other: int = limits.OTHER_BODY

    def route(self, method: str, path: str) -> tuple[str, int, bool]:
        """The route's name, its limit, and whether its body streams through to the endpoint."""
        for route_method, pattern, name, streamed in _ROUTES:
            if method == route_method and pattern.fullmatch(path):
                return name, getattr(self, name), streamed
        return "other", self.other, True


_ROUTES: tuple[tuple[str, re.Pattern[str], str, bool], ...] = (
    ("POST", re.compile(r"/v1/submissions"), "submission", False),
    ("POST", re.compile(r"/v1/submissions/batch"), "submission_batch", False),
    ("POST", re.compile(r"/v1/blobs"), "blob_announce", False),
    ("POST", re.compile(r"/v1/blobs/states"), "blob_states", False),
    ("POST", re.compile(r"/v1/blobs/batch"), "blob_batch", True),
    ("PATCH", re.compile(r"/v1/blobs/[^/]+"), "blob_chunk", True),
    ("POST", re.compile(r"/v1/audit/batch"), "audit_batch", False),
    ("POST", re.compile(r"/v1/reviews/[^/]+/(?:signatures|return)"), "review", False),
    ("POST", re.compile(r"/v1/submissions/[^/]+/reminders"), "reminder", False),
    ("POST", re.compile(r"/v1/submissions/[^/]+/rating"), "rating", False),
    ("POST", re.compile(r"/v1/lookup/(?:person|employer)"), "lookup", False),
    ("POST", re.compile(r"/v1/lookup/registered"), "registered_check", False),
)


@dataclass
class _Attempts:
    window_start: float
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class Throttle:
    """Wrong or missing tokens counted per client address; ``attempts`` of them within ``window``
    seconds lock the address out for ``lockout`` seconds.

    Kept in memory, at most ``max_addresses`` of them: an attacker with many addresses makes the
    least recently failing ones be forgotten (and so let in early), never the table grow. Used from
    the event loop's thread only.
    """

    attempts: int = THROTTLE_ATTEMPTS
    window: float = THROTTLE_WINDOW
    lockout: float = THROTTLE_LOCKOUT
    max_addresses: int = THROTTLE_ADDRESSES
    clock: Callable[[], float] = time.monotonic
    _table: OrderedDict[str, _Attempts] = field(default_factory=OrderedDict)

    def locked(self, address: str) -> float:
        """Seconds ``address`` stays locked out; 0 when it is not."""
        entry = self._table.get(address)
        if entry is None:
            return 0.0
        return max(0.0, entry.locked_until - self.clock())

    def failed(self, address: str) -> bool:
        """Count a failure of ``address``; True when it locks the address out."""
        if self.attempts <= 0:
            return False
        now = self.clock()
        entry = self._table.get(address)
        if entry is None or now - entry.window_start > self.window:
            entry = _Attempts(window_start=now)
            self._table[address] = entry
        self._table.move_to_end(address)
        entry.failures += 1
        if entry.failures >= self.attempts:
            entry.locked_until = now + self.lockout
            entry.failures = 0
            entry.window_start = now
            locked = True
        else:
            locked = False
        while len(self._table) > self.max_addresses:
            self._table.popitem(last=False)
        return locked

    def __len__(self) -> int:
        return len(self._table)


@dataclass(frozen=True)
class Boundary:
    """What ``create_app`` bounds requests with (``central serve`` options; the defaults otherwise)."""

    limits: BodyLimits = field(default_factory=BodyLimits)
    #: None: no body timeout
    body_timeout: float | None = BODY_TIMEOUT
    throttle_attempts: int = THROTTLE_ATTEMPTS
    throttle_window: float = THROTTLE_WINDOW
    throttle_lockout: float = THROTTLE_LOCKOUT

    def throttle(self) -> Throttle:
        """A fresh throttle table for one app."""
        return Throttle(attempts=self.throttle_attempts, window=self.throttle_window, lockout=self.throttle_lockout)


def authenticated_terminal(scope: Scope) -> str | None:
    """The terminal ``RequestBoundary`` authenticated this request as, if it ran."""
    value = scope.get(TERMINAL_SCOPE_KEY)
    return value if isinstance(value, str) else None


def bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The bearer token of the Authorization header, or None when there is none (or not one)."""
    for name, value in headers:
        if name.lower() == b"authorization":
            text = value.decode("latin-1")
            scheme, _, token = text.partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token or len(token) > _MAX_TOKEN:
                return None
            return token
    return None


def error_message(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                  *, close: bool = False) -> tuple[Message, Message]:
    """The protocol's error answer (``{"error": {"code", "message"}}``) as two ASGI messages."""
    body = ErrorBody.model_validate({"error": {"code": code, "message": message}}).model_dump_json().encode()
    all_headers = {"content-type": "application/json", "content-length": str(len(body)), **(headers or {})}
    if status == 503:
        all_headers.setdefault("Retry-After", "1")
    if close:
        all_headers["connection"] = "close"
    start: Message = {"type": "http.response.start", "status": status,
                      "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in all_headers.items()]}
    return start, {"type": "http.response.body", "body": body, "more_body": False}


class RequestBoundary:
    """ASGI middleware: authenticate, throttle and bound each request before the app reads it
    (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, authenticate: Callable[[str], str | None],
                 limits: BodyLimits | None = None, body_timeout: float | None = BODY_TIMEOUT,
                 throttle: Throttle | None = None) -> None:
        """``authenticate``: token -> terminal id or None (a blocking database call, run in the thread pool)."""
        self.app = app
        self._authenticate = authenticate
        self.limits = limits or BodyLimits()
        self.body_timeout = body_timeout
        self.throttle = throttle if throttle is not None else Throttle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        declared, chunked = _declared_length(headers)
        # An answer before the body is read keeps the connection only if the rest is modest.
        unread_close = chunked or (declared is not None and declared > KEEP_ALIVE_EXCESS)
        if (path.startswith("/v1/") or path == "/v1") and path != "/v1/health":
            address = _client_address(scope)
            wait = self.throttle.locked(address)
            if wait > 0:
                retry = str(max(1, math.ceil(wait)))
                await _answer(send, 429, "too_many_attempts",
                              f"too many failed authentications from this address; retry after {retry} s",
                              {"Retry-After": retry}, close=unread_close)
                return
            token = bearer_token(headers)
            terminal_id = await run_in_threadpool(self._authenticate, token) if token is not None else None
            if terminal_id is None:
                if self.throttle.failed(address):
                    log.warning("address %s locked out for %.0f s after %d failed authentications",
                                address, self.throttle.lockout, self.throttle.attempts)
                await _answer(send, 401, "unauthorized", "missing bearer token" if token is None else "invalid token",
                              {"WWW-Authenticate": "Bearer"}, close=unread_close)
                return
            scope = {**scope, TERMINAL_SCOPE_KEY: terminal_id}
        name, limit, streamed = self.limits.route(scope["method"], path)
        if declared is not None and declared > limit:
            log.info("%s %s refused: declared %d bytes, limit %d", scope["method"], path, declared, limit)
            await _answer(send, 413, _too_large_code(name), _too_large(name, limit), close=unread_close)
            return
        if streamed:
            guard = _StreamGuard(receive, send, name, limit, self.body_timeout)
            await self.app(scope, guard.receive, guard.out.send)
            return
        body = await self._read_body(receive, send, name, limit)
        if body is None:
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive, send: Send, name: str, limit: int) -> bytes | None:
        """The whole body, at most ``limit`` bytes, each piece within the body timeout; None when
        the request was answered (413, 408) or the client left."""
        body = bytearray()
        more = True
        while more:
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                log.info("%s body stalled for %.0f s after %d bytes; cut off", name, self.body_timeout or 0, len(body))
                await _answer(send, 408, "body_timeout", _stalled(self.body_timeout or 0), close=True)
                return None
            if message["type"] != "http.request":  # the client left: nothing to do
                return None
            piece: bytes = message.get("body", b"")
            if len(body) + len(piece) > limit:
                log.info("%s body crossed its limit of %d bytes; cut off", name, limit)
                await _answer(send, 413, "body_too_large", _too_large(name, limit), close=True)
                return None
            body += piece
            more = bool(message.get("more_body", False))
        return bytes(body)


class _SendAfter:
    """The app's ``send``, muted once the boundary answered in its place (``answered``)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.answered = False
        self.started = False

    async def send(self, message: Message) -> None:
        if self.answered:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class _StreamGuard:
    """The ``receive`` a streamed body's endpoint reads through: counts the bytes and times each
    piece; past the limit or a stall it answers 413 or 408 itself and tells the endpoint the client
    left (it keeps what it received whole, e.g. earlier items of a blob batch, and nothing half-read)."""

    def __init__(self, receive: Receive, send: Send, name: str, limit: int, timeout: float | None) -> None:
        self._receive = receive
        self._send = send
        self._name = name
        self._limit = limit
        self._timeout = timeout
        self._seen = 0
        self._done = False
        self.out = _SendAfter(send)

    async def receive(self) -> Message:
        if self.out.answered:
            return {"type": "http.disconnect"}
        if self._done:  # the body is in: later reads wait for a disconnect, without a deadline
            return await self._receive()
        try:
            message = await asyncio.wait_for(self._receive(), self._timeout)
        except TimeoutError:
            log.info("%s body stalled for %.0f s after %d bytes; cut off", self._name, self._timeout or 0, self._seen)
            await self._refuse(408, "body_timeout", _stalled(self._timeout or 0))
            return {"type": "http.disconnect"}
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit:
                log.info("%s body crossed its limit of %d bytes; cut off", self._name, self._limit)
                await self._refuse(413, _too_large_code(self._name), _too_large(self._name, self._limit))
                return {"type": "http.disconnect"}
            self._done = not message.get("more_body", False)
        return message

    async def _refuse(self, status: int, code: str, message: str) -> None:
        if not self.out.started:
            await _answer(self._send, status, code, message, close=True)
        self.out.answered = True


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then passes on (to hear a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None,
                  *, close: bool = False) -> None:
    start, body = error_message(status, code, message, headers, close=close)
    await send(start)
    await send(body)


def _declared_length(headers: list[tuple[bytes, bytes]]) -> tuple[int | None, bool]:
    """The declared Content-Length (None when absent or unreadable) and whether the body is chunked."""
    declared: int | None = None
    chunked = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"content-length" and value.strip().isdigit() and value.strip().isascii():
            declared = int(value.strip())
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return declared, chunked


def _client_address(scope: Scope) -> str:
    client: Any = scope.get("client")
    return str(client[0]) if client else "-"


def _too_large_code(name: str) -> str:
    """The 413's code: the blob endpoints keep the codes they always had."""
    return {"blob_chunk": "chunk_too_large", "blob_batch": "batch_too_large"}.get(name, "body_too_large")


def _too_large(name: str, limit: int) -> str:
    return f"the body is larger than the {limit} bytes a {name.replace('_', ' ')} request may hold"


def _stalled(seconds: float) -> str:
    return f"no body bytes arrived for {seconds:g} s; nothing was stored"
