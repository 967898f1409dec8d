"""Security headers on every answer of the reference central system.

Every answer carries personal data or could be opened by a browser someone points at the server, so
each one says: do not guess my type (``nosniff``), do not keep me (``no-store``), do not frame me, do
not run or load anything from me (a CSP of ``default-src 'none'``), send no referrer on, and, over
HTTPS, come back only over HTTPS (HSTS). An answer that set one of them itself (the API page's own
CSP, a blob's stricter one) keeps its own.

It wraps the whole app (``central.api._CentralApp.build_middleware_stack``), outside Starlette's
error middleware, so a 500 from an unexpected exception gets the same headers as every other answer.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: a year, as HSTS preload lists ask; only sent over HTTPS (RFC 6797 forbids it over plain HTTP)
HSTS = "max-age=31536000; includeSubDomains"
#: what an answer carries unless it set the header itself
DEFAULT_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


class SecurityHeaders:
    """ASGI middleware adding ``DEFAULT_HEADERS`` (and HSTS over HTTPS) to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULT_HEADERS:
                    headers.setdefault(name, value)
                if secure:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
