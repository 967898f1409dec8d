"""Connections of the central system: header timeout, header size cap and connection limit.

uvicorn has no timeout for reading a request's headers, and no cap on their size, so a sender
that sends one byte a second (slowloris), or headers without end, holds a connection (and its
buffers) for ever; and its concurrency limit answers with a bare text 503 without ``Retry-After``.
``bounded_protocol`` makes a subclass of uvicorn's httptools protocol that

- closes a connection whose request headers are not complete ``header_timeout`` seconds after its
  first byte (or after the connection was made), answering 408 when something had arrived;
- answers 431 and closes when the header bytes of one request exceed ``max_header_bytes``;
- answers 503 in the protocol's error shape, with ``Retry-After``, to a request arriving while
  ``max_connections`` connections are open (or as many requests are being served);
- closes a connection whose request was answered before its body was read (a 413 or 401 that keeps
  the connection, so the client can read it) if the rest of that body has not arrived within
  ``drain_timeout`` seconds: uvicorn drops it as it comes, and a sender trickling it would otherwise
  hold the connection for ever.

It hooks ``connection_made``, ``data_received``, ``on_message_begin``, ``on_headers_complete``,
``on_body``, ``on_message_complete``, ``on_response_complete`` and ``connection_lost`` of
``uvicorn.protocols.http.httptools_impl.HttpToolsProtocol``; tests/central/test_abuse_limits.py checks
those hooks still exist, so a uvicorn upgrade that moves them fails a test rather than silently dropping
the bounds.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from central.boundary import error_message
from central.constants import BACKLOG, DRAIN_TIMEOUT, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_HEADER_BYTES

log = logging.getLogger(__name__)

__all__ = ["BACKLOG", "DRAIN_TIMEOUT", "HEADER_TIMEOUT", "HOOKS", "MAX_CONNECTIONS", "MAX_HEADER_BYTES",
           "bounded_protocol"]

#: the hooks of HttpToolsProtocol this module overrides (checked by a test against the installed uvicorn)
HOOKS = ("connection_made", "data_received", "on_message_begin", "on_headers_complete", "on_body",
         "on_message_complete", "on_response_complete", "connection_lost")


async def _too_many_connections(scope: Scope, receive: Receive, send: Send) -> None:
    start, body = error_message(503, "too_many_connections",
                                "the central system serves as many connections as it may; retry later",
                                close=True)
    await send(start)
    await send(body)


def _raw_answer(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP answer in the protocol's error shape, for a request the app never sees."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode("ascii")
    return head + body


def bounded_protocol(*, header_timeout: float = HEADER_TIMEOUT, max_header_bytes: int = MAX_HEADER_BYTES,
                     max_connections: int | None = MAX_CONNECTIONS,
                     drain_timeout: float = DRAIN_TIMEOUT) -> type[HttpToolsProtocol]:
    """The httptools protocol class with these bounds, for ``uvicorn.Config(http=...)``."""

    class BoundedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with a header timeout, a header size cap and a connection
        limit answered in the protocol's shape (see the module's docstring)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # uvicorn's own limit would answer a bare text 503; ours answers in the protocol's shape
            self.limit_concurrency = None
            self._header_timer: asyncio.TimerHandle | None = None
            #: closes the connection if the unread rest of an answered request's body takes too long
            self._drain_timer: asyncio.TimerHandle | None = None
            #: bytes received while the current request's headers are incomplete
            self._header_bytes = 0
            self._in_headers = True
            self._refused = False

        def _arm(self) -> None:
            if self._header_timer is None and header_timeout > 0:
                self._header_timer = self.loop.call_later(header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            if self._drain_timer is not None:
                self._drain_timer.cancel()
                self._drain_timer = None

        def _drain_too_slow(self) -> None:
            self._drain_timer = None
            log.info("%s: the rest of a refused body did not arrive within %.0f s; connection closed",
                     self.client[0] if self.client else "-", drain_timeout)
            self._refuse(None)

        def _refuse(self, answer: bytes | None) -> None:
            self._disarm()
            self._refused = True
            if not self.transport.is_closing():
                if answer is not None:
                    self.transport.write(answer)
                self.transport.close()

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if not self._in_headers or self._refused:
                return
            log.info("%s: request headers incomplete after %.0f s; connection closed",
                     self.client[0] if self.client else "-", header_timeout)
            self._refuse(_raw_answer(408, "Request Timeout", "header_timeout",
                                     f"request headers not complete within {header_timeout:g} s")
                         if self._header_bytes else None)

        def _headers_too_large(self) -> None:
            log.info("%s: request headers over %d bytes; refused", self.client[0] if self.client else "-",
                     max_header_bytes)
            self._refuse(_raw_answer(431, "Request Header Fields Too Large", "headers_too_large",
                                     f"request headers may take at most {max_header_bytes} bytes"))

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()  # a connection that never sends a byte is closed too

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            if self._in_headers:
                self._arm()  # the keep-alive timer stops at the first byte; ours takes over
                self._header_bytes += len(data)
            super().data_received(data)
            if self._in_headers and self._header_bytes > max_header_bytes and not self._refused:
                self._headers_too_large()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._in_headers = False
            self._disarm()
            if self._refused:
                return
            size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
            if size > max_header_bytes:
                self._headers_too_large()
                return
            if max_connections is not None and (len(self.connections) > max_connections
                                                or len(self.tasks) >= max_connections):
                log.warning("%d connections open, %d requests in progress: a request answered 503",
                            len(self.connections), len(self.tasks))
                app, self.app = self.app, _too_many_connections
                try:
                    super().on_headers_complete()
                finally:
                    self.app = app
                return
            super().on_headers_complete()

        def on_body(self, body: bytes) -> None:
            if not self._refused:
                super().on_body(body)

        def on_message_complete(self) -> None:
            # whatever arrives next is the next request's headers
            self._in_headers = True
            self._header_bytes = 0
            self._disarm()
            if not self._refused:
                super().on_message_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            # answered before its body was all read: the rest must come in time, or the connection goes
            if (not self._in_headers and not self._refused and not self.transport.is_closing()
                    and drain_timeout > 0 and self._drain_timer is None):
                self._drain_timer = self.loop.call_later(drain_timeout, self._drain_too_slow)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return BoundedHttpToolsProtocol
