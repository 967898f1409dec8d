"""The HTTP API of the reference central system (FastAPI), protocol version 1.

No ``from __future__ import annotations`` here: FastAPI reads endpoint annotations
at runtime, and the ones naming the closure-local auth dependency can only be
resolved if they are real objects, not strings.
"""

import hashlib
import json
import logging
import re
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Response, status
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from central.apidocs import PAGE_CSP, render_page
from central.auth import terminal_dependency
from central.blobs import (
    MAX_BATCH_BODY,
    MAX_BATCH_ITEM_SIZE,
    MAX_BATCH_ITEMS,
    MAX_CHUNK_SIZE,
    BatchBlob,
    BlobLocation,
    BlobState,
    BlobStore,
    PackWriter,
)
from central.boundary import Boundary, RequestBoundary
from central.constants import DEFAULT_RETURN_REASON
from central.errors import (
    BadChunk,
    BatchTooLarge,
    CentralError,
    CentralStorageError,
    ChunkTooLarge,
    HashMismatch,
    NotFound,
    OffsetMismatch,
    TerminalMismatch,
    Unauthorized,
)
from central.headers import SecurityHeaders
from central.jsonbody import WireJSONRoute
from central.lookup_api import lookup_router
from central.reference import ReferenceSource, etag_of
from central.review import Reviewer
from central.reviews import CENTRAL_SIGNER, ReviewDesk, case_summary
from central.signing import ReferenceSigner
from central.store import CentralStore, IncomingSubmission, SubmissionRecord, SubmitResult
from central.tiers import ReviewPolicy
from forms.definitions import FormDef
from protocol import limits
from protocol.audit import ChainEntry
from protocol.models import (
    BLOB_MEDIA_TYPES,
    SHA256_PATTERN,
    UUID_PATTERN,
    AuditBatchAnswer,
    AuditBatchIn,
    AuditHead,
    BlobBatchAnswer,
    BlobBatchResult,
    BlobIn,
    BlobOut,
    BlobStatesAnswer,
    BlobStatesIn,
    ErrorBody,
    ErrorDetail,
    Health,
    RatingIn,
    RatingOut,
    ReferenceIndex,
    ReminderIn,
    ReminderOut,
    ReviewCaseOut,
    ReviewList,
    ReviewReturnIn,
    ReviewSignIn,
    ReviewSummaryOut,
    StatusEventOut,
    StatusFeed,
    SubmissionBatchAnswer,
    SubmissionBatchIn,
    SubmissionBatchResult,
    SubmissionIn,
    SubmissionOut,
    SubmitAnswer,
)
from protocol.signing import SIGNATURE_HEADER, VERSION_HEADER
from protocol.values import forbidden_character

log = logging.getLogger(__name__)

_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing or invalid bearer token"},
    413: {"model": ErrorBody, "description": "body_too_large: the body is over its route's limit "
                                             "(docs/sync-protocol.md, Limits); nothing was read or stored"},
    422: {"model": ErrorBody, "description": "invalid body"},
    429: {"model": ErrorBody, "description": "too_many_attempts: this address sent too many wrong tokens; retry after "
                                             "Retry-After seconds"},
}


RETRY_AFTER_SECONDS = "1"


def error_response(status_code: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The one shape of every error answer: ``{"error": {"code", "message"}}``."""
    body = ErrorBody.model_validate({"error": {"code": code, "message": message}})
    if status_code == 503:
        # Every 503 says when to come back, so clients need no guess of their own.
        headers = {**(headers or {}), "Retry-After": RETRY_AFTER_SECONDS}
    return JSONResponse(body.model_dump(), status_code=status_code, headers=headers)


OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
#: a PATCH body up to this size is read (and dropped) even when refused, so the client
#: finishes sending and reads our answer instead of a reset connection
_DRAIN_LIMIT = 4 * MAX_CHUNK_SIZE


def _out(record: SubmissionRecord) -> SubmissionOut:
    return SubmissionOut(id=record.id, receipt_number=record.receipt_number,
                         status=record.status,
                         received_at=record.received_at, case_id=record.case_id,
                         case_version=record.case_version, reason=record.reason)


#: a decimal number in a header or query: ASCII digits only (``str.isdigit`` also takes "²", which ``int``
#: refuses), and at most 18 of them, so it fits a bigint column whatever it is
_DECIMAL = re.compile(r"[0-9]{1,18}")
_UUID = re.compile(UUID_PATTERN)


def _decimal(text: str, what: str) -> int:
    """``text`` as a non-negative integer, or ``BadChunk`` (422 ``validation_error``) naming ``what``."""
    if _DECIMAL.fullmatch(text) is None:
        raise BadChunk(f"{what} must be a non-negative integer of at most 18 digits")
    return int(text)


def _known_id(submission_id: str) -> str:
    """A submission id from a path; one that is no UUID is unknown (404) without asking the database,
    which may not even take its characters (PostgreSQL refuses U+0000)."""
    if _UUID.fullmatch(submission_id) is None:
        raise NotFound("no such submission")
    return submission_id


def _known_case(submission_id: str) -> str:
    """A case's submission id from a review path; one that is no UUID is not awaiting review (404)."""
    if _UUID.fullmatch(submission_id) is None:
        raise NotFound("no such case awaiting review for this terminal")
    return submission_id


#: what a reference document's name looks like (forms, holidays, figures-NN); anything else is unknown (404)
_REFERENCE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _blob_out(state: BlobState) -> BlobOut:
    return BlobOut(sha256=state.sha256, size=state.size, received=state.received, complete=state.complete)


Sha256 = Annotated[str, PathParam(pattern=SHA256_PATTERN, description="lower-case hex SHA-256")]

#: how stored bytes are served: never rendered or sniffed by a browser, never kept, saved as a file
_BLOB_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": "attachment",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "no-store",
}


def _blob_answer(found: BlobLocation) -> StreamingResponse:
    """A stored blob's bytes, as a download of an allowlisted type. A type outside the allowlist (a row
    stored before the allowlist existed) goes out as ``application/octet-stream``."""
    media_type = found.media_type if found.media_type in BLOB_MEDIA_TYPES else "application/octet-stream"
    # A range of a pack or a whole file alike, one piece at a time.
    return StreamingResponse(found.pieces(), media_type=media_type,
                             headers={**_BLOB_HEADERS, "Content-Length": str(found.length)})


async def _read_chunk(request: Request) -> bytes:
    """The PATCH body, read as it streams in, never holding more than one chunk.

    Raises ``ChunkTooLarge`` past ``MAX_CHUNK_SIZE`` (after draining a moderate
    excess), ``BadChunk`` for an empty or short body, and lets ``ClientDisconnect``
    through for a torn request.
    """
    declared_text = request.headers.get("content-length")
    declared: int | None = None
    if declared_text is not None:
        declared = _decimal(declared_text, "Content-Length")
        if declared > _DRAIN_LIMIT:
            raise ChunkTooLarge(f"a chunk may hold at most {MAX_CHUNK_SIZE} bytes")
    chunk = bytearray()
    seen = 0
    async for piece in request.stream():
        seen += len(piece)
        if seen <= MAX_CHUNK_SIZE:
            chunk += piece
        elif seen > _DRAIN_LIMIT:
            break
    if seen > MAX_CHUNK_SIZE:
        raise ChunkTooLarge(f"a chunk may hold at most {MAX_CHUNK_SIZE} bytes")
    if declared is not None and seen != declared:
        raise BadChunk(f"body has {seen} bytes, Content-Length said {declared}")
    if not chunk:
        raise BadChunk("a chunk must hold at least 1 byte")
    return bytes(chunk)


BLOB_BATCH_CONTENT_TYPE = "application/x-sicounter-blob-batch"
_BATCH_HEADER_RE = re.compile(rb"([0-9a-f]{64}) ([1-9][0-9]{0,9}) ([!-~]{1,64})")
#: a header line is far shorter; a longer one without a newline is malformed
_MAX_BATCH_HEADER = 256


@dataclass
class _BatchItem:
    """One item of a blob batch while and after its bytes stream in."""

    sha256: str
    size: int
    media_type: str
    remaining: int
    #: where the item's bytes start in the batch's pack
    offset: int
    #: the stored state, if this terminal already had the blob complete (the item's bytes are dropped)
    known: BlobState | None = None
    digest: Any = None
    error: ErrorDetail | None = None
    #: announced as a media type outside the allowlist: its bytes are read and dropped, it fails alone
    refused: bool = False

    def result(self) -> BlobBatchResult:
        if self.known is not None:
            return BlobBatchResult(sha256=self.sha256, size=self.known.size, received=self.known.size,
                                   complete=True, error=None)
        ok = self.error is None
        return BlobBatchResult(sha256=self.sha256, size=self.size, received=self.size if ok else 0,
                               complete=ok, error=self.error)


async def _read_blob_batch(request: Request, pack: PackWriter, done: list[_BatchItem]) -> None:
    """Parse the streamed batch body into ``done`` (items fully received, in body order).

    Never holds more than one stream piece (and one header line) in memory: item bytes go
    straight to the batch's pack while they are hashed. Raises ``BadChunk`` for a
    malformed header or a body ending mid-item, ``BatchTooLarge`` past a limit, and lets
    ``ClientDisconnect`` through; ``done`` then holds the items received before, and the
    pack ends after the last of them.
    """
    header = bytearray()
    current: _BatchItem | None = None
    total = 0
    try:
        async for received in request.stream():
            piece = memoryview(received)  # slices of an item's bytes are views, not copies
            total += len(piece)
            if total > MAX_BATCH_BODY:
                raise BatchTooLarge(f"a blob batch may hold at most {MAX_BATCH_BODY} bytes")
            pos = 0
            while pos < len(piece):
                if current is None:
                    newline = received.find(b"\n", pos)
                    if newline < 0:
                        header += piece[pos:]
                        pos = len(piece)
                        if len(header) > _MAX_BATCH_HEADER:
                            raise BadChunk(f"item {len(done) + 1}: header line too long")
                        continue
                    header += piece[pos:newline]
                    pos = newline + 1
                    current = _start_batch_item(bytes(header), pack.position, len(done))
                    header.clear()
                    continue
                take = min(current.remaining, len(piece) - pos)
                data = piece[pos:pos + take]
                if not current.refused:
                    current.digest.update(data)
                    pack.write(data)
                current.remaining -= take
                pos += take
                if current.remaining == 0:
                    _finish_batch_item(current, pack)
                    done.append(current)
                    current = None
        if current is not None or header:
            raise BadChunk(f"the body ended inside item {len(done) + 1}")
    finally:
        if current is not None:
            pack.truncate(current.offset)


def _start_batch_item(line: bytes, offset: int, index: int) -> _BatchItem:
    """Check the item's header line. Whether the blob is complete already is asked once for
    the whole batch at the end (``_commit_blob_batch``), not here per item."""
    match = _BATCH_HEADER_RE.fullmatch(line)
    if match is None:
        raise BadChunk(f"item {index + 1}: header must be '<sha256> <size> <media_type>'")
    if index >= MAX_BATCH_ITEMS:
        raise BatchTooLarge(f"a blob batch may hold at most {MAX_BATCH_ITEMS} items")
    size = int(match.group(2))
    if size > MAX_BATCH_ITEM_SIZE:
        raise BatchTooLarge(f"item {index + 1}: a batch item may hold at most {MAX_BATCH_ITEM_SIZE} bytes; "
                            "upload larger blobs with PATCH")
    sha256 = match.group(1).decode("ascii")
    item = _BatchItem(sha256=sha256, size=size, media_type=match.group(3).decode("ascii"), remaining=size,
                      offset=offset, digest=hashlib.sha256())
    if item.media_type not in BLOB_MEDIA_TYPES:
        item.refused = True
        item.error = ErrorDetail(code="validation_error",
                                 message=f"item {index + 1}: media_type must be one of {', '.join(BLOB_MEDIA_TYPES)}; "
                                         "nothing of this item was kept")
    return item


def _finish_batch_item(item: _BatchItem, pack: PackWriter) -> None:
    if item.refused:
        return
    if item.digest.hexdigest() != item.sha256:
        pack.truncate(item.offset)
        item.error = ErrorDetail(code=HashMismatch.code,
                                 message=f"the {item.size} bytes received do not hash to {item.sha256}; "
                                         "nothing of this item was kept")
        log.warning("blob batch item %s did not match its hash; discarded", item.sha256[:12])


def _commit_blob_batch(blobs: BlobStore, terminal_id: str, pack: PackWriter, done: list[_BatchItem]) -> None:
    """Drop the items whose blob this terminal already has complete (their answer is the
    stored state, whatever bytes came; their bytes stay in the pack, unreferenced) and
    make the other hash-checked items complete."""
    known = blobs.complete_states(terminal_id, {item.sha256 for item in done})
    for item in done:
        state = known.get(item.sha256)
        if state is not None and not item.refused:
            item.error = None
            item.known = state
    ready = [BatchBlob(item.sha256, item.size, item.media_type, item.offset)
             for item in done if item.known is None and item.error is None]
    blobs.commit_batch(terminal_id, pack, ready)


def _incoming(body: SubmissionIn, policy: ReviewPolicy,
              forms: Mapping[str, FormDef] | None = None) -> IncomingSubmission:
    """The submission as sent (optional fields left out stay out of the hashed body), with the central
    system's own verdict on its review (``central.tiers``; ``forms`` read once per batch)."""
    review = body.review.model_dump(exclude_unset=True) if body.review is not None else None
    attachments = [a.model_dump() for a in body.attachments or ()]
    verdict = policy.verdict(body.item_code, body.clerk_id, body.terminal_id, body.created_at, body.payload, review,
                             forms, unsigned=policy.unsigned(body.item_code, body.version, attachments, forms))
    return IncomingSubmission(**body.model_dump(exclude_unset=True), verdict=verdict)


def _router(store: CentralStore, reference: ReferenceSource, signer: ReferenceSigner | None,
            desk: ReviewDesk, *, item_limit: int = limits.SUBMISSION_BODY) -> APIRouter:
    """The /v1 endpoints; ``item_limit`` is the most one submission of a batch may hold, the limit of
    ``POST /v1/submissions`` (``central.boundary``)."""
    router = APIRouter(prefix="/v1", route_class=WireJSONRoute)
    policy = desk.policy

    Terminal = Annotated[str, Depends(terminal_dependency(store))]

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
            409: {"model": ErrorBody, "description": "idempotency_conflict (id already used with a different "
                                                     "body), attachments_incomplete or case_conflict"},
            422: {"model": ErrorBody, "description": "validation_error, or review_incomplete: the review tier the "
                                                     "central system computes needs signatures the body does not "
                                                     "carry, or a signer is the submitter or signed twice (the "
                                                     "message says why, in Chinese); signature_missing: the "
                                                     "definition asks for the applicant's signature "
                                                     "(material_key _signature) and none is attached"},
            503: {"model": ErrorBody, "description": "busy; retry after Retry-After seconds"},
        },
    )
    def submit(body: SubmissionIn, terminal_id: Terminal, response: Response) -> SubmitAnswer:
        if body.terminal_id != terminal_id:
            raise TerminalMismatch("terminal_id does not match the token's terminal")
        result = store.submit(_incoming(body, policy))
        if not result.created:
            response.status_code = status.HTTP_200_OK
        return SubmitAnswer(**_out(result.record).model_dump(), duplicate=not result.created)

    @router.post("/submissions/batch", responses={
        **_ERROR_RESPONSES,
        503: {"model": ErrorBody, "description": "busy; retry after Retry-After seconds (nothing stored)"},
    })
    def submit_batch(body: SubmissionBatchIn, terminal_id: Terminal) -> SubmissionBatchAnswer:
        results: list[SubmissionBatchResult | None] = [None] * len(body.submissions)
        valid: list[tuple[int, IncomingSubmission]] = []
        forms = policy.forms()
        for index, item in enumerate(body.submissions):
            item_id = _item_id(item)
            size = _encoded_size(item)
            if size > item_limit:
                # The batch fits its own limit, but this item would be refused alone: it fails alone (413,
                # final for the client), so a batch cannot carry what a single POST may not.
                results[index] = _batch_error(item_id, 413, "body_too_large",
                                              f"a submission may hold at most {item_limit} bytes; this one holds "
                                              f"{size}")
                continue
            try:
                parsed = SubmissionIn.model_validate(item)
            except ValidationError as exc:
                results[index] = _batch_error(item_id, 422, "validation_error", _errors_message(exc.errors()))
                continue
            if parsed.terminal_id != terminal_id:
                results[index] = _batch_error(item_id, TerminalMismatch.http_status, TerminalMismatch.code,
                                              "terminal_id does not match the token's terminal")
                continue
            valid.append((index, _incoming(parsed, policy, forms)))
        outcomes = store.submit_batch([incoming for _, incoming in valid]) if valid else []
        for (index, incoming), outcome in zip(valid, outcomes, strict=True):
            if isinstance(outcome, SubmitResult):
                answer = SubmitAnswer(**_out(outcome.record).model_dump(), duplicate=not outcome.created)
                results[index] = SubmissionBatchResult(id=incoming.id, ok=True,
                                                       status_code=201 if outcome.created else 200,
                                                       answer=answer, error=None)
            else:
                results[index] = _batch_error(incoming.id, outcome.http_status, outcome.code, str(outcome))
        return SubmissionBatchAnswer(results=[result for result in results if result is not None])

    @router.post("/submissions/{submission_id}/reminders", status_code=status.HTTP_201_CREATED, responses={
        **_ERROR_RESPONSES,
        200: {"model": ReminderOut, "description": "duplicate of an earlier identical POST (the same reminder id)"},
        404: {"model": ErrorBody, "description": "no such submission of this terminal"},
        409: {"model": ErrorBody, "description": "idempotency_conflict (reminder id already used with another body)"}})
    def remind(submission_id: str, body: ReminderIn, terminal_id: Terminal, response: Response) -> ReminderOut:
        """A clerk of this terminal presses (催办) one of its cases; stored once by the reminder's id."""
        from central.reminders import record_reminder

        record, created = record_reminder(store, terminal_id=terminal_id, submission_id=_known_id(submission_id),
                                          reminder_id=body.id, clerk_id=body.clerk_id, created_at=body.created_at,
                                          note=body.note)
        if not created:
            response.status_code = status.HTTP_200_OK
        log.info("reminder %s on case %s from terminal %s", record.id, record.submission_id, terminal_id)
        return ReminderOut(id=record.id, submission_id=record.submission_id, receipt_number=record.receipt_number,
                           case_status=record.case_status, received_at=record.received_at)

    @router.post("/submissions/{submission_id}/rating", status_code=status.HTTP_201_CREATED, responses={
        **_ERROR_RESPONSES,
        200: {"model": RatingOut, "description": "duplicate of an earlier identical POST (the same rating id)"},
        404: {"model": ErrorBody, "description": "no such submission of this terminal"},
        409: {"model": ErrorBody, "description": "idempotency_conflict (rating id already used with another body, "
                                                 "or the case already has another rating)"}})
    def rate(submission_id: str, body: RatingIn, terminal_id: Terminal, response: Response) -> RatingOut:
        """The applicant's 好差评 of one of this terminal's cases; one per case, stored once by the rating's id."""
        from central.ratings import record_rating

        record, created = record_rating(store, terminal_id=terminal_id, submission_id=_known_id(submission_id),
                                        rating_id=body.id, clerk_id=body.clerk_id, level=body.level,
                                        reasons=body.reasons, created_at=body.created_at)
        if not created:
            response.status_code = status.HTTP_200_OK
        log.info("rating %s on case %s from terminal %s", record.id, record.submission_id, terminal_id)
        return RatingOut(id=record.id, submission_id=record.submission_id, receipt_number=record.receipt_number,
                         level=record.level, received_at=record.received_at)

    @router.get("/submissions/{submission_id}",
                responses={**_ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "unknown id"}})
    def get_submission(submission_id: str, terminal_id: Terminal) -> SubmissionOut:
        # Another terminal's submission is "not found" so ids cannot be probed.
        record = store.get_submission(_known_id(submission_id), terminal_id=terminal_id)
        if record is None:
            raise NotFound("no such submission")
        return _out(record)

    def blob_store() -> BlobStore:
        if store.blobs is None:
            raise CentralStorageError("this server has no blob directory (start it with --blob-dir)")
        return store.blobs

    blob_errors: dict[int | str, dict[str, Any]] = {
        **_ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "this terminal never announced the blob"},
        503: {"model": ErrorBody, "description": "busy; retry after Retry-After seconds"},
    }

    @router.post("/blobs", status_code=status.HTTP_201_CREATED, responses={
        **blob_errors,
        200: {"model": BlobOut, "description": "this terminal announced the blob before"},
        409: {"model": ErrorBody, "description": "blob_size_conflict"},
    })
    def create_blob(body: BlobIn, terminal_id: Terminal, response: Response) -> BlobOut:
        state, created = blob_store().create(terminal_id, body.sha256, body.size, body.media_type)
        if not created:
            response.status_code = status.HTTP_200_OK
        return _blob_out(state)

    @router.post("/blobs/states", responses=blob_errors)
    def blob_states(body: BlobStatesIn, terminal_id: Terminal) -> BlobStatesAnswer:
        """Which of these blobs this terminal has complete, in one query: after a torn blob batch the
        client asks before sending again, so the items received whole do not cross the line twice."""
        known = blob_store().complete_states(terminal_id, body.sha256)
        return BlobStatesAnswer(complete=list(dict.fromkeys(h for h in body.sha256 if h in known)))

    @router.get("/blobs/{sha256}", responses=blob_errors)
    def get_blob(sha256: Sha256, terminal_id: Terminal) -> BlobOut:
        state = blob_store().get(terminal_id, sha256)
        if state is None:
            raise NotFound("no such blob")
        return _blob_out(state)

    @router.patch("/blobs/{sha256}", responses={
        **blob_errors,
        409: {"model": ErrorBody, "description": "offset_mismatch (header Upload-Offset says where to resume) "
                                                 "or blob_overflow"},
        413: {"model": ErrorBody, "description": "chunk_too_large (over 8 MiB)"},
        415: {"model": ErrorBody, "description": "Content-Type is not application/offset+octet-stream"},
        422: {"model": ErrorBody, "description": "hash_mismatch (stored bytes discarded) or validation_error"},
    }, response_model=BlobOut, openapi_extra={"requestBody": {"required": True, "content": {
        OFFSET_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}})
    async def patch_blob(sha256: Sha256, request: Request, terminal_id: Terminal,
                         upload_offset: Annotated[str | None, Header()] = None) -> Response:
        blobs = blob_store()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != OFFSET_CONTENT_TYPE:
            raise UnsupportedChunkType(f"Content-Type must be {OFFSET_CONTENT_TYPE}")
        if upload_offset is None:
            raise BadChunk("Upload-Offset must be a non-negative integer")
        offset = _decimal(upload_offset, "Upload-Offset")
        try:
            chunk = await _read_chunk(request)
        except ClientDisconnect:
            # Nobody will read this answer; what matters is that nothing was stored.
            log.info("blob %s: client left mid-chunk; nothing stored", sha256[:12])
            return Response(status_code=400)
        state = await run_in_threadpool(blobs.append, terminal_id, sha256, offset, chunk)
        return JSONResponse(_blob_out(state).model_dump())

    @router.post("/blobs/batch", responses={
        **blob_errors,
        200: {"model": BlobBatchAnswer, "description": "per item, in body order"},
        413: {"model": ErrorBody, "description": "batch_too_large: over 256 MiB, 1000 items or 8 MiB in an item "
                                                 "(items received before are kept)"},
        415: {"model": ErrorBody, "description": f"Content-Type is not {BLOB_BATCH_CONTENT_TYPE}"},
        422: {"model": ErrorBody, "description": "validation_error: malformed header line or the body ended "
                                                 "mid-item (items received before are kept)"},
    }, response_model=BlobBatchAnswer, openapi_extra={"requestBody": {"required": True, "content": {
        BLOB_BATCH_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary", "description":
                                             "items back to back, each '<sha256> <size> <media_type>\\n' "
                                             "followed by exactly size bytes"}}}}})
    async def blob_batch(request: Request, terminal_id: Terminal) -> Response:
        blobs = blob_store()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != BLOB_BATCH_CONTENT_TYPE:
            raise UnsupportedChunkType(f"Content-Type must be {BLOB_BATCH_CONTENT_TYPE}")
        declared = request.headers.get("content-length")
        if declared is not None and _decimal(declared, "Content-Length") > MAX_BATCH_BODY:
            raise BatchTooLarge(f"a blob batch may hold at most {MAX_BATCH_BODY} bytes")
        done: list[_BatchItem] = []
        failure: CentralError | None = None
        disconnected = False
        pack = blobs.open_pack(terminal_id)
        try:
            try:
                await _read_blob_batch(request, pack, done)
            except ClientDisconnect:
                disconnected = True
            except (BadChunk, BatchTooLarge) as exc:
                failure = exc
            # Items received before a tear are committed too, so a resend skips them.
            await run_in_threadpool(_commit_blob_batch, blobs, terminal_id, pack, done)
        except BaseException:
            pack.discard()
            raise
        if disconnected:
            log.info("blob batch of terminal %s: client left after %d items; those were kept",
                     terminal_id, len(done))
            return Response(status_code=400)
        if failure is not None:
            log.info("blob batch of terminal %s refused after %d items (%s); those were kept",
                     terminal_id, len(done), failure.code)
            return error_response(failure.http_status, failure.code,
                                  f"{failure}; the {len(done)} items before were received and kept")
        answer = BlobBatchAnswer(blobs=[item.result() for item in done])
        return JSONResponse(answer.model_dump())

    @router.get("/blobs/{sha256}/content", response_class=StreamingResponse, responses={
        **blob_errors, 200: {"content": {"application/octet-stream": {}}, "description": "the blob's bytes"}})
    def blob_content(sha256: Sha256, terminal_id: Terminal) -> StreamingResponse:
        found = blob_store().content(terminal_id, sha256)
        if found is None:
            raise NotFound("no such complete blob")
        return _blob_answer(found)

    @router.get("/status-feed", responses=_ERROR_RESPONSES)
    def status_feed(terminal_id: Terminal, since: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> StatusFeed:
        cursor: int | None = None
        if since:
            cursor = _decimal(since, "since (a cursor from an earlier answer)")
        events, more = store.status_feed(terminal_id, cursor, limit)
        return StatusFeed(
            events=[StatusEventOut(**event.__dict__) for event in events],
            next_cursor=events[-1].cursor if events else (since or ""),
            more=more,
        )

    @router.post("/audit/batch", responses={
        **_ERROR_RESPONSES,
        409: {"model": ErrorBody, "description": "audit_gap, audit_fork, audit_conflict or audit_hash_mismatch: "
                                                 "the batch does not continue the trail held here; nothing stored"},
        503: {"model": ErrorBody, "description": "busy; retry after Retry-After seconds (nothing stored)"},
    })
    def audit_batch(body: AuditBatchIn, terminal_id: Terminal) -> AuditBatchAnswer:
        appended = store.audit.append(terminal_id, [ChainEntry(**e.model_dump()) for e in body.entries])
        return AuditBatchAnswer(stored=appended.stored, duplicates=appended.duplicates,
                                last_seq=appended.last_seq, last_hash=appended.last_hash)

    @router.get("/audit/head", responses=_ERROR_RESPONSES)
    def audit_head(terminal_id: Terminal) -> AuditHead:
        last_seq, last_hash = store.audit.head(terminal_id)
        return AuditHead(last_seq=last_seq, last_hash=last_hash)

    review_errors: dict[int | str, dict[str, Any]] = {
        **_ERROR_RESPONSES,
        404: {"model": ErrorBody, "description": "no such case awaiting review in this terminal's office"},
    }

    def summary(case: Any) -> ReviewSummaryOut:
        return ReviewSummaryOut.model_validate(case_summary(desk, case))

    @router.get("/reviews", responses=_ERROR_RESPONSES)
    def reviews(terminal_id: Terminal) -> ReviewList:
        """The cases awaiting review (待复核) sent by the terminals of this terminal's office, oldest first."""
        return ReviewList(cases=[summary(case) for case in desk.awaiting(terminal_id)])

    @router.get("/reviews/{submission_id}", responses=review_errors)
    def review_case(submission_id: str, terminal_id: Terminal) -> ReviewCaseOut:
        """One case awaiting review, whole: every field with its provenance and waivers, and the materials."""
        case = desk.case(_known_case(submission_id), terminal_id)
        log.info("case %s awaiting review opened by terminal %s", submission_id, terminal_id)
        return ReviewCaseOut.model_validate({**case_summary(desk, case), "payload": case.record.payload,
                                             "attachments": case.record.attachments})

    @router.get("/reviews/{submission_id}/blobs/{sha256}", response_class=StreamingResponse, responses={
        **review_errors, 200: {"content": {"application/octet-stream": {}}, "description": "the material's bytes"}})
    def review_blob(submission_id: str, sha256: Sha256, terminal_id: Terminal) -> StreamingResponse:
        case = desk.case(_known_case(submission_id), terminal_id)
        if sha256 not in {a.get("sha256") for a in case.record.attachments}:
            raise NotFound("no such material in this case")
        found = blob_store().content(case.record.terminal_id, sha256)
        if found is None:
            raise NotFound("no such complete blob")
        log.info("material %s of case %s opened by terminal %s", sha256[:12], submission_id, terminal_id)
        return _blob_answer(found)

    @router.post("/reviews/{submission_id}/signatures", responses={
        **review_errors,
        409: {"model": ErrorBody, "description": "review_refused: not the next step, the signer took the case or "
                                                 "signed another step (the message says why, in Chinese)"}})
    def sign_review(submission_id: str, body: ReviewSignIn, terminal_id: Terminal) -> ReviewSummaryOut:
        """A clerk of this terminal signs the case's next step (their password and role were checked there);
        the last step accepts the case, and its terminal hears it through the status feed."""
        if terminal_id == CENTRAL_SIGNER:
            raise TerminalMismatch("this terminal id is reserved for the central system's own reviewers")
        return summary(desk.sign(_known_case(submission_id), body.step, body.clerk_id, terminal_id, body.signed_at,
                                 office_of=terminal_id))

    @router.post("/reviews/{submission_id}/return", responses={
        **review_errors, 409: {"model": ErrorBody, "description": "review_refused (the submitter's own case)"}})
    def return_review(submission_id: str, body: ReviewReturnIn, terminal_id: Terminal) -> ReviewSummaryOut:
        """A reviewer of this terminal returns the case (退回) with a reason; its terminal hears it as returned."""
        return summary(desk.return_case(_known_case(submission_id), body.clerk_id, terminal_id, body.reason,
                                        office_of=terminal_id))

    @router.get("/reference", responses=_ERROR_RESPONSES)
    def reference_index(_terminal_id: Terminal) -> ReferenceIndex:
        return ReferenceIndex(items=reference.index())

    @router.get("/reference/{name}", responses={
        **_ERROR_RESPONSES,
        200: {"content": {"application/json": {}}, "description": "the document; headers ETag, "
              f"{VERSION_HEADER} (its version) and {SIGNATURE_HEADER} (Ed25519 over protocol.signing."
              "reference_message, absent when the server has no signing key)", "headers": {
                  "ETag": {"schema": {"type": "string"}},
                  VERSION_HEADER: {"schema": {"type": "integer", "minimum": 1}},
                  SIGNATURE_HEADER: {"schema": {"type": "string", "format": "byte"}}}},
        304: {"description": "If-None-Match matched the current ETag"},
        404: {"model": ErrorBody, "description": "no such reference document"},
    })
    def reference_document(name: str, _terminal_id: Terminal,
                           if_none_match: Annotated[str | None, Header()] = None) -> Response:
        document = reference.document(name) if _REFERENCE_NAME.fullmatch(name) else None
        if document is None:
            raise NotFound("no such reference document")
        etag = etag_of(document)
        tags = {tag.strip() for tag in (if_none_match or "").split(",")}
        if etag in tags or f"W/{etag}" in tags or "*" in tags:
            return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        version = store.reference_version(name, etag.strip('"'))
        headers = {"ETag": etag, VERSION_HEADER: str(version)}
        if signer is not None:
            headers[SIGNATURE_HEADER] = signer.sign(name, version, document)
        return JSONResponse(document, headers=headers)

    return router


class UnsupportedChunkType(CentralError):
    code = "unsupported_media_type"
    http_status = 415
    user_message = "附件上传请求格式不正确。"


class BusyEvery:
    """ASGI middleware (test aid, ``--busy-every N``): every Nth request to the write
    endpoints is answered 503 before the app sees it, to exercise clients' retries.
    """

    PATHS = ("/v1/submissions", "/v1/blobs")

    def __init__(self, app: ASGIApp, every: int) -> None:
        self.app = app
        self.every = every
        self._count = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(self.PATHS):
            with self._lock:
                self._count += 1
                busy = self._count % self.every == 0
            if busy:
                response = error_response(503, "storage_unavailable",
                                          "central server is busy (--busy-every); retry later",
                                          {"Retry-After": RETRY_AFTER_SECONDS})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _validation_message(exc: RequestValidationError) -> str:
    return _errors_message(exc.errors())


def _location_part(part: Any) -> str:
    # A location may name a key the client sent (an unknown field): shown only when short and plain,
    # so the answer can always be encoded and never carries a value.
    text = str(part)
    return text if len(text) <= 64 and text.isprintable() and forbidden_character(text) is None else "…"


def _errors_message(errors: Sequence[Any]) -> str:
    # Only locations and messages: the input itself may hold ID numbers.
    parts = []
    for error in errors:
        location = ".".join(_location_part(part) for part in error.get("loc", ()))
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":  # the body reader's own reason (protocol.values.read_body)
            location, message = "body", str((error.get("ctx") or {}).get("error", message))
        parts.append(f"{location}: {message}")
    return "; ".join(parts) or "invalid request"


def _item_id(item: Any) -> str | None:
    """A batch item's ``id`` as sent, for its result: only a string that can be answered (short, no lone
    surrogate or U+0000); anything else is null, as for an item without an id."""
    raw = item.get("id") if isinstance(item, dict) else None
    if isinstance(raw, str) and len(raw) <= 64 and forbidden_character(raw) is None:
        return raw
    return None


def _encoded_size(item: Any) -> int:
    """An item's size as its own ``POST /v1/submissions`` body would be (compact UTF-8 JSON)."""
    text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))


def _batch_error(item_id: str | None, status_code: int, code: str, message: str) -> SubmissionBatchResult:
    return SubmissionBatchResult(id=item_id, ok=False, status_code=status_code, answer=None,
                                 error=ErrorDetail(code=code, message=message))


def _install_error_handlers(app: FastAPI) -> None:
    async def central_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CentralError)
        headers: dict[str, str] | None = None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, OffsetMismatch):
            headers = {"Upload-Offset": str(exc.received)}
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


def create_app(db: Path | str, *, blob_dir: Path | None = None, reference_dir: Path | None = None,
               review: str = "none", review_delay: float = 0.0, return_reason: str = DEFAULT_RETURN_REASON,
               busy_every: int = 0, signer: ReferenceSigner | None = None, api_docs: bool = False,
               boundary: Boundary | None = None) -> FastAPI:
    """Build the central server's app over the database ``db`` (a SQLite file, created if
    missing, or a SQLAlchemy URL).

    The store opens here rather than at start-up so errors in the path show at once,
    and closes when the app's lifespan ends; the reviewer thread (``review`` other than
    ``none``) runs during the lifespan. ``busy_every`` > 0 is a test aid: every Nth
    request to /v1/submissions or /v1/blobs is answered 503. ``signer`` signs reference data sets;
    without one they go out unsigned, which enrolled terminals refuse. ``api_docs``: serve ``/docs``
    (a page without scripts or external assets) and ``/openapi.json``, both without a token; off, both are 404.
    ``boundary``: the body limits, body timeout and wrong-token throttle every request meets first
    (``central.boundary``; defaults when None).
    """
    store = CentralStore.open(db, blob_dir=blob_dir)
    reviewer = Reviewer(store, review, delay=review_delay, reason=return_reason)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("central store: %s database; blobs in %s", store.dialect,
                 store.blobs.directory if store.blobs else "(none)")
        reviewer.start()
        try:
            yield
        finally:
            reviewer.stop()
            store.close()

    # FastAPI's own /docs and /redoc load their JavaScript from a public CDN: never served. With
    # ``api_docs`` the server renders its own page (central.apidocs) and serves /openapi.json.
    app = _CentralApp(title="sicounter reference central system", version="1", lifespan=lifespan,
                      docs_url=None, redoc_url=None, openapi_url="/openapi.json" if api_docs else None)
    app.state.store = store
    app.state.reviewer = reviewer
    reference = ReferenceSource(reference_dir)
    desk = ReviewDesk(store, ReviewPolicy(reference))
    app.state.reviews = desk
    bounds = boundary or Boundary()
    app.include_router(_router(store, reference, signer, desk, item_limit=bounds.limits.submission))
    app.include_router(lookup_router(store))
    _install_error_handlers(app)
    if busy_every > 0:
        app.add_middleware(BusyEvery, every=busy_every)
    if api_docs:
        _add_api_page(app)
    # Added last, so it runs first: nothing is read before the token and the sizes are checked.
    app.add_middleware(RequestBoundary, authenticate=store.authenticate, limits=bounds.limits,
                       body_timeout=bounds.body_timeout, throttle=bounds.throttle())
    return app


class _CentralApp(FastAPI):
    """FastAPI with ``SecurityHeaders`` around everything, Starlette's outermost error middleware included,
    so a 500 carries the same headers as every other answer."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


def _add_api_page(app: FastAPI) -> None:
    """``GET /docs``: the self-contained API page, public like /openapi.json (the protocol is published)."""
    page: list[str] = []

    def api_page() -> HTMLResponse:
        if not page:
            page.append(render_page(app.openapi()))
        return HTMLResponse(page[0], headers={"Content-Security-Policy": PAGE_CSP})

    app.add_api_route("/docs", api_page, methods=["GET"], include_in_schema=False)
