"""The bearer-token dependency every ``/v1`` router shares (the submissions, lookups, certificates …).

One function, so a router in its own module (``central/lookup_api.py`` …) authenticates exactly as the
submissions router does: from what ``central.boundary`` found before the body was read, or, in an app built
without the boundary (some tests), from the header here.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Header
from starlette.requests import Request

from central.boundary import authenticated_terminal
from central.errors import Unauthorized
from central.store import CentralStore


def terminal_dependency(store: CentralStore) -> Callable[..., str]:
    """A FastAPI dependency giving the terminal id the request's bearer token belongs to."""

    def terminal(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
        known = authenticated_terminal(request.scope)
        if known is not None:
            return known
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token")
        terminal_id = store.authenticate(token.strip())
        if terminal_id is None:
            raise Unauthorized("invalid token")
        return terminal_id

    return terminal
