"""JSON request bodies read by the protocol's rules (``protocol.values.read_body``), not by ``json.loads``.

FastAPI reads a JSON body with the standard parser and answers 400 for whatever that parser raises
other than a decode error: invalid UTF-8, nesting deep enough to exhaust the recursion limit, an
integer of thousands of digits. The protocol promises 422 ``validation_error`` for every malformed
body, so the endpoints' router uses ``WireJSONRoute``, whose requests parse their body with the
protocol's reader and report any refusal as the decode error FastAPI turns into a 422.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from protocol.values import BodyError, read_body


class WireJSONRequest(Request):
    """A request whose ``json()`` is the protocol's reader (``protocol.values.read_body``)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = read_body(body)
            except BodyError as exc:
                # FastAPI answers a JSONDecodeError with a RequestValidationError (our 422); its position
                # is not meaningful here (the message says where, when it can).
                raise json.JSONDecodeError(str(exc), "", 0) from None
        return self._json


class WireJSONRoute(APIRoute):
    """A route whose JSON body is read by ``WireJSONRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wire_json_handler(request: Request) -> Response:
            return await handler(WireJSONRequest(request.scope, request.receive))

        return wire_json_handler
