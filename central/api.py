"""The HTTP API of the reference central system (FastAPI), protocol version 1.

No ``from __future__ import annotations`` here: FastAPI reads endpoint annotations
at runtime, and the ones naming the closure-local auth dependency can only be
resolved if they are real objects, not strings.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request

from central.errors import CentralError, NotFound, TerminalMismatch, Unauthorized
from central.schemas import ErrorBody, Health, SubmissionIn, SubmissionOut, SubmitAnswer
from central.store import CentralStore, IncomingSubmission, SubmissionRecord

log = logging.getLogger(__name__)

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid bearer token"},
    422: {"model": ErrorBody, "description": "invalid body"},
}


def error_response(status_code: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The one shape of every error answer: ``{"error": {"code", "message"}}``."""
    body = ErrorBody.model_validate({"error": {"code": code, "message": message}})
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


def _out(record: SubmissionRecord) -> SubmissionOut:
    return SubmissionOut(id=record.id, receipt_number=record.receipt_number,
                         status="accepted", received_at=record.received_at)


def _router(store: CentralStore) -> APIRouter:
    router = APIRouter(prefix="/v1")

    def terminal(authorization: Annotated[str | None, Header()] = None) -> str:
        """The terminal id the request's bearer token belongs to."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token")
        terminal_id = store.authenticate(token.strip())
        if terminal_id is None:
            raise Unauthorized("invalid token")
        return terminal_id

    Terminal = Annotated[str, Depends(terminal)]

    @router.get("/health")
    def health() -> Health:
        return Health(status="ok", server_time=datetime.now(UTC).isoformat(timespec="milliseconds"))

    @router.post(
        "/submissions",
        status_code=status.HTTP_201_CREATED,
        responses={
            **_ERROR_RESPONSES,
            200: {"model": SubmitAnswer, "description": "duplicate of an earlier identical POST"},
            403: {"model": ErrorBody, "description": "terminal_id is not the token's terminal"},
            409: {"model": ErrorBody, "description": "id already used with a different body"},
        },
    )
    def submit(body: SubmissionIn, terminal_id: Terminal, response: Response) -> SubmitAnswer:
        if body.terminal_id != terminal_id:
            raise TerminalMismatch("terminal_id does not match the token's terminal")
        result = store.submit(IncomingSubmission(**body.model_dump()))
        if not result.created:
            response.status_code = status.HTTP_200_OK
        return SubmitAnswer(**_out(result.record).model_dump(), duplicate=not result.created)

    @router.get("/submissions/{submission_id}",
                responses={**_ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "unknown id"}})
    def get_submission(submission_id: str, terminal_id: Terminal) -> SubmissionOut:
        # Another terminal's submission is "not found" so ids cannot be probed.
        record = store.get_submission(submission_id, terminal_id=terminal_id)
        if record is None:
            raise NotFound("no such submission")
        return _out(record)

    return router


def _validation_message(exc: RequestValidationError) -> str:
    # Only locations and messages: the input itself may hold ID numbers.
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    async def central_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CentralError)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthorized) else None
        return error_response(exc.http_status, exc.code, str(exc), headers)

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(422, "validation_error", _validation_message(exc))

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        codes = {404: "not_found", 405: "method_not_allowed"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail),
                              dict(exc.headers) if exc.headers else None)

    async def storage_busy(_request: Request, exc: Exception) -> JSONResponse:
        log.error("central database unavailable: %s", type(exc).__name__)
        return error_response(503, "storage_unavailable", "central database is busy; retry later")

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected %s while handling a request", type(exc).__name__)
        return error_response(500, "internal_error", "internal server error")

    app.add_exception_handler(CentralError, central_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(OperationalError, storage_busy)
    app.add_exception_handler(Exception, unexpected)


def create_app(db_path: Path) -> FastAPI:
    """Build the central server's app over the database at ``db_path`` (created if missing).

    The store opens here rather than at start-up so errors in the path show at once,
    and closes when the app's lifespan ends.
    """
    store = CentralStore.open(db_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("central store at %s", db_path)
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="sicounter reference central system", version="1", lifespan=lifespan)
    app.state.store = store
    app.include_router(_router(store))
    _install_error_handlers(app)
    return app
