"""HTTP client of the central system's sync protocol (docs/sync-protocol.md).

Every transport or HTTP failure leaves here as a ``SyncError`` that says whether trying again can
help, and every answer leaves as a typed model of ``protocol.models``: nothing above this module sees
httpx exceptions or digs in untyped JSON. A malformed answer (a field missing or of the wrong type)
is a ``SyncError`` too, never a ``KeyError`` in the engine.

An older central system without the batch endpoints (404 or 405) is served one request per item
here, with the same typed batch results, so the engine has one send path whatever the server.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from core.errors import CentralNotTrusted, CentralTooSlow, CentralUnreachable, ConfigError, SyncError
from core.files import CA_FILE_LIMIT, read_text_bounded
from protocol.audit import ChainEntry
from protocol.body import (
    BLOB_BATCH_MEDIA_TYPE,
    BLOB_PIECE_MEDIA_TYPE,
    QueuedBody,
    blob_batch_head,
    submission_batch_body,
)
from protocol.lookup import (
    EmployerLookupAnswer,
    EmployerLookupIn,
    PersonLookupAnswer,
    PersonLookupIn,
    RegisteredCheckAnswer,
    RegisteredCheckIn,
)
from protocol.models import (
    MAX_BLOB_SIZE,
    MAX_STATE_QUERY,
    AuditBatchAnswer,
    AuditEntryIn,
    AuditHead,
    BlobBatchAnswer,
    BlobBatchResult,
    BlobOut,
    BlobStatesAnswer,
    ErrorDetail,
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
    StatusFeed,
    SubmissionBatchAnswer,
    SubmissionBatchResult,
    SubmissionOut,
    SubmitAnswer,
)
from protocol.signing import SIGNATURE_HEADER, VERSION_HEADER

log = logging.getLogger(__name__)

Model = TypeVar("Model", bound=BaseModel)


def _retry_after(resp: httpx.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time())


class OffsetMismatch(SyncError):
    """The server holds another number of bytes of a blob than we assumed; resume from ``received``."""

    def __init__(self, sha256: str, received: int) -> None:
        super().__init__(f"blob {sha256[:12]}: server has {received} bytes", retryable=True, status=409)
        self.received = received


class MalformedAnswer(SyncError):
    """The central system answered 200/201 with a body this protocol version cannot read.

    Retryable: a central system being upgraded or misconfigured gets fixed, and the rows wait
    meanwhile, queued locally.
    """

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail, retryable=True, status=status, code="malformed_answer",
                         user_message="中心系统的应答无法识别，已离线保存。",
                         hint="稍后将自动重试；如持续出现，请联系系统管理员。")


class AnswerTooLarge(SyncError):
    """The central system's answer ran past what this call can ever need (a broken or rogue central system,
    or a proxy in between); it was dropped unread, nothing of it was kept."""

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail, retryable=True, status=status, code="answer_too_large",
                         user_message="中心系统的应答超出允许大小，已丢弃，本机数据未受影响。",
                         hint="稍后将自动重试；如持续出现，请联系系统管理员检查中心系统或网络代理。")


#: seconds to wait for a connection: a central system that does not accept one by then is unreachable
CONNECT_TIMEOUT = 5.0
#: seconds a lookup may take at the counter: an applicant waits, and after that the window carries on offline
LOOKUP_TIMEOUT = 4.0
#: a batch import's duplicate check of up to 10,000 numbers: longer, the employer's HR person waits anyway
REGISTERED_CHECK_TIMEOUT = 15.0
#: the most an answer may hold (decoded): a JSON answer (the largest, a status feed page or a batch's
#: results, is well under 1 MiB), a reference data set (all forms in one document), a blob's bytes
MAX_JSON_ANSWER = 8 * 1024 * 1024
MAX_REFERENCE_ANSWER = 16 * 1024 * 1024
MAX_BLOB_ANSWER = MAX_BLOB_SIZE
#: answers of an older central system to a batch endpoint it does not have
_NO_ENDPOINT = (404, 405)
#: 409 answers that clear up once the client has done its part (uploaded the blobs), so worth retrying
_RETRYABLE_CONFLICTS = {"attachments_incomplete"}


def _error_code(resp: httpx.Response) -> str:
    try:
        return str(resp.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"http_{resp.status_code}"


@dataclass(frozen=True)
class BlobSource:
    """A blob to stream: its name, size and type, and how to read its plaintext in pieces (called
    again if it must be sent again, so a generator is never reused half-consumed)."""

    sha256: str
    size: int
    media_type: str
    open: Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class ReferenceData:
    """One reference data set as the central system sent it. ``document`` is the data set's own JSON
    (forms, holidays, figures), checked by the terminal's loaders, not by the protocol."""

    document: dict[str, Any]
    etag: str | None
    #: the data set's version (``Reference-Version``); None when the central system sent none
    version: int | None = None
    #: the base64 Ed25519 signature (``Reference-Signature``); None when unsigned
    signature: str | None = None


class CentralClient:
    """One terminal's authenticated connection to the central system (thread-safe: the sender and the
    uploads ahead share it)."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 15.0,
                 transport: httpx.BaseTransport | None = None, ca_file: Path | None = None) -> None:
        """``ca_file``: a PEM file of the CA(s) the central system's certificate must chain to (the
        office's own CA); None: the system's trust store."""
        #: seconds to wait for the central system to answer (and for any one read or write to progress)
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "sicounter"},
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            transport=transport,
            verify=tls_context(ca_file),
        )
        #: the server answered 404/405 to a batch endpoint: one request per item from then on
        self._no_submission_batch = False
        self._no_blob_batch = False

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, *, drain: float = 0.0, cap: int = MAX_JSON_ANSWER,
                 **kw: Any) -> httpx.Response:
        """One request; ``drain`` is how long the line may still need, once the body is written, to
        carry what waits in the OS's buffers: the answer is awaited that much longer.

        Writing a body returns as soon as the OS has taken it, and on a slow line it can hold
        megabytes. Waiting only the usual time after that gives up on uploads that are still
        arriving, and sending them again only makes the line slower still.

        ``cap``: the answer's body is read up to this many bytes (``AnswerTooLarge`` past it).
        """
        if drain > 0:
            kw["timeout"] = httpx.Timeout(self.timeout, connect=CONNECT_TIMEOUT, read=self.timeout + drain)
        try:
            return _read_capped(self._http, method, path, cap, **kw)
        except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
            raise CentralTooSlow(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:
            if _certificate_refused(exc):
                raise CentralNotTrusted(f"{method} {path}: certificate not trusted: {exc}") from exc
            raise CentralUnreachable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc

    def _check(self, resp: httpx.Response, model: type[Model]) -> Model:
        """The answer as ``model``, or the ``SyncError`` its status means."""
        if resp.status_code in (200, 201):
            try:
                return model.model_validate_json(resp.content)
            except ValidationError as exc:
                raise MalformedAnswer(f"{resp.request.method} {resp.request.url.path}: unreadable "
                                      f"{model.__name__}: {exc.error_count()} errors, first: "
                                      f"{exc.errors()[0]['loc']} {exc.errors()[0]['msg']}", resp.status_code) from None
        raise _refusal(resp)

    def health(self) -> bool:
        try:
            return self._request("GET", "/v1/health").status_code == 200
        except CentralUnreachable:
            return False

    def post_submission(self, body: str) -> SubmitAnswer:
        """One submission (its stored canonical text, sent as it is)."""
        return self._check(self._request("POST", "/v1/submissions", content=body.encode("utf-8"),
                                         headers={"Content-Type": "application/json"}), SubmitAnswer)

    def get_submission(self, submission_id: str) -> SubmissionOut:
        return self._check(self._request("GET", f"/v1/submissions/{submission_id}"), SubmissionOut)

    # -- attachments: content-addressed, resumable (docs/sync-protocol.md, "Blobs") -------------
    def create_blob(self, sha256: str, size: int, media_type: str) -> BlobOut:
        """Announce a blob; the answer says how many bytes the server already holds."""
        return self._check(self._request("POST", "/v1/blobs",
                                         json={"sha256": sha256, "size": size, "media_type": media_type}), BlobOut)

    def blob_status(self, sha256: str) -> BlobOut | None:
        resp = self._request("GET", f"/v1/blobs/{sha256}")
        return None if resp.status_code == 404 else self._check(resp, BlobOut)

    def upload_chunk(self, sha256: str, offset: int, data: bytes, *, drain: float = 0.0) -> BlobOut:
        """Append ``data`` at ``offset``; ``OffsetMismatch`` when the server holds another amount."""
        resp = self._request("PATCH", f"/v1/blobs/{sha256}", content=data, drain=drain,
                             headers={"Upload-Offset": str(offset), "Content-Type": BLOB_PIECE_MEDIA_TYPE})
        if resp.status_code == 409 and _error_code(resp) == "offset_mismatch":
            try:
                received = int(resp.headers["Upload-Offset"])
            except (KeyError, ValueError):
                raise SyncError("offset_mismatch without a usable Upload-Offset", retryable=True,
                                status=409) from None
            raise OffsetMismatch(sha256, received)
        return self._check(resp, BlobOut)

    # -- what the central system did since ------------------------------------------------------
    def status_feed(self, since: str | None, limit: int = 200) -> StatusFeed:
        params: dict[str, str | int] = {"limit": limit}
        if since:
            params["since"] = since
        return self._check(self._request("GET", "/v1/status-feed", params=params), StatusFeed)

    def reference_index(self) -> dict[str, str]:
        """Every reference data set the central system offers, and its current ETag."""
        return self._check(self._request("GET", "/v1/reference"), ReferenceIndex).items

    def reference(self, name: str, etag: str | None) -> ReferenceData | None:
        """One reference data set, or None when unchanged since ``etag`` (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._request("GET", f"/v1/reference/{name}", headers=headers, cap=MAX_REFERENCE_ANSWER)
        if resp.status_code == 304:
            return None
        if resp.status_code != 200:
            raise _refusal(resp)
        try:
            document = resp.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise MalformedAnswer(f"reference {name}: not a JSON object", resp.status_code)
        version_text = resp.headers.get(VERSION_HEADER, "")
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses
        version = int(version_text) if re.fullmatch(r"[0-9]{1,18}", version_text) else None
        return ReferenceData(document, resp.headers.get("ETag"), version, resp.headers.get(SIGNATURE_HEADER))

    # -- the audit trail (docs/sync-protocol.md, "Audit trail") ---------------------------------
    def post_audit_batch(self, entries: Sequence[ChainEntry]) -> AuditBatchAnswer | None:
        """Consecutive audit entries, exactly as stored; None when the central system has no audit endpoint.

        A batch that does not continue the central system's copy is a ``SyncError`` that is not
        retryable, its ``code`` one of ``audit_gap``, ``audit_fork``, ``audit_conflict``,
        ``audit_hash_mismatch``.
        """
        body = {"entries": [AuditEntryIn(seq=e.seq, at=e.at, clerk_id=e.clerk_id, action=e.action, subject=e.subject,
                                         person_key=e.person_key, detail=e.detail, prev_hash=e.prev_hash,
                                         hash=e.hash).model_dump() for e in entries]}
        resp = self._request("POST", "/v1/audit/batch", json=body)
        if resp.status_code in _NO_ENDPOINT:
            return None
        return self._check(resp, AuditBatchAnswer)

    def audit_head(self) -> AuditHead | None:
        """The last audit entry the central system holds of this terminal; None without the endpoint."""
        resp = self._request("GET", "/v1/audit/head")
        if resp.status_code in _NO_ENDPOINT:
            return None
        return self._check(resp, AuditHead)

    # -- 催办 (docs/sync-protocol.md, "Reminders") ----------------------------------------------
    def post_reminder(self, submission_id: str, reminder: ReminderIn) -> ReminderOut:
        """A clerk's reminder on one of this terminal's cases; sent again with the same id, it is stored once."""
        return self._check(self._request("POST", f"/v1/submissions/{submission_id}/reminders",
                                         json=reminder.model_dump(exclude_none=True)), ReminderOut)

    # -- 好差评 (docs/sync-protocol.md, "Ratings") -------------------------------------------------
    def post_rating(self, submission_id: str, rating: RatingIn) -> RatingOut:
        """The applicant's rating of one of this terminal's cases; sent again with the same id, it is stored once."""
        return self._check(self._request("POST", f"/v1/submissions/{submission_id}/rating",
                                         json=rating.model_dump()), RatingOut)

    # -- cases awaiting review (待复核), signed on this terminal for another (docs/sync-protocol.md) ---
    def reviews(self) -> ReviewList:
        """The office's cases awaiting review at the central system."""
        return self._reviewed(self._request("GET", "/v1/reviews"), ReviewList)

    def review_case(self, submission_id: str) -> ReviewCaseOut:
        """One case awaiting review, whole: fields, provenance, waivers, materials."""
        return self._reviewed(self._request("GET", f"/v1/reviews/{submission_id}"), ReviewCaseOut)

    def review_blob(self, submission_id: str, sha256: str, size: int | None = None) -> bytes:
        """A material's bytes of a case awaiting review, read up to ``size`` (its announced size; default the
        protocol's largest blob) and checked against ``sha256``."""
        resp = self._request("GET", f"/v1/reviews/{submission_id}/blobs/{sha256}",
                             cap=size if size is not None else MAX_BLOB_ANSWER)
        if resp.status_code != 200:
            raise _review_refusal(resp)
        if hashlib.sha256(resp.content).hexdigest() != sha256:
            raise MalformedAnswer(f"material {sha256[:12]}: the bytes sent do not hash to it", resp.status_code)
        return resp.content

    def sign_review(self, submission_id: str, signature: ReviewSignIn) -> ReviewSummaryOut:
        """A clerk of this terminal signs a step; the answer is the case as it stands after."""
        return self._reviewed(self._request("POST", f"/v1/reviews/{submission_id}/signatures",
                                            json=signature.model_dump()), ReviewSummaryOut)

    def return_review(self, submission_id: str, returned: ReviewReturnIn) -> ReviewSummaryOut:
        """A reviewer of this terminal returns the case (退回) with a reason."""
        return self._reviewed(self._request("POST", f"/v1/reviews/{submission_id}/return",
                                            json=returned.model_dump()), ReviewSummaryOut)

    def _reviewed(self, resp: httpx.Response, model: type[Model]) -> Model:
        if resp.status_code in (200, 201):
            return self._check(resp, model)
        raise _review_refusal(resp)

    # -- batches: many small blobs in one stream, many submissions in one commit ----------------
    def upload_blob_batch(self, blobs: Sequence[BlobSource], *, drain: float = 0.0) -> list[BlobBatchResult]:
        """Stream small blobs back to back (``sha256 size media_type\\n`` + bytes each); one result per blob.

        The body is generated while it is sent, so only one piece is in memory at a time. Against a
        central system without the endpoint, each blob is announced and sent in one piece instead.
        """
        if not self._no_blob_batch:
            def body() -> Iterator[bytes]:
                for blob in blobs:
                    yield blob_batch_head(blob.sha256, blob.size, blob.media_type)
                    yield from blob.open()

            resp = self._request("POST", "/v1/blobs/batch", content=body(), drain=drain,
                                 headers={"Content-Type": BLOB_BATCH_MEDIA_TYPE})
            if resp.status_code not in _NO_ENDPOINT:
                return self._check(resp, BlobBatchAnswer).blobs
            log.info("central system has no blob batches; sending scans one at a time")
            self._no_blob_batch = True
        return [self._upload_whole(blob, drain) for blob in blobs]

    def _upload_whole(self, blob: BlobSource, drain: float) -> BlobBatchResult:
        """One small blob through the single endpoints (announce, then the rest in one piece)."""
        state = self.create_blob(blob.sha256, blob.size, blob.media_type)
        for _attempt in range(3):  # the server counted otherwise: resume where it says, a few times
            if state.complete:
                break
            try:
                state = self.upload_chunk(blob.sha256, state.received, b"".join(blob.open())[state.received:],
                                          drain=drain)
            except OffsetMismatch as exc:
                state = BlobOut(sha256=blob.sha256, size=blob.size, received=exc.received, complete=False)
        return BlobBatchResult(sha256=blob.sha256, size=blob.size, received=state.received,
                               complete=state.complete, error=None)

    def complete_blobs(self, hashes: list[str]) -> set[str]:
        """Which of these blobs the central system holds complete, in one request per thousand.

        Asked after a torn blob batch: the server keeps the items it received whole, so only the
        others need to cross the line again. Empty when it cannot say (an older central system).
        """
        held: set[str] = set()
        for start in range(0, len(hashes), MAX_STATE_QUERY):
            resp = self._request("POST", "/v1/blobs/states", json={"sha256": hashes[start:start + MAX_STATE_QUERY]})
            if resp.status_code in _NO_ENDPOINT:
                return held
            held.update(self._check(resp, BlobStatesAnswer).complete)
        return held

    def post_submission_batch(self, bodies: Sequence[QueuedBody]) -> list[SubmissionBatchResult]:
        """Several submissions in one request and one commit at the server; one result per body, in order.

        Against a central system without the endpoint, they are posted one at a time (see
        ``_post_one_by_one``) with the same results.
        """
        if not self._no_submission_batch:
            resp = self._request("POST", "/v1/submissions/batch", content=submission_batch_body(bodies),
                                 headers={"Content-Type": "application/json"})
            if resp.status_code not in _NO_ENDPOINT:
                return self._check(resp, SubmissionBatchAnswer).results
            log.info("central system has no submission batches; sending one at a time")
            self._no_submission_batch = True
        return self._post_one_by_one(bodies)

    def _post_one_by_one(self, bodies: Sequence[QueuedBody]) -> list[SubmissionBatchResult]:
        """The batch as single posts. A refusal of one body is its result, as in a batch; a passing
        fault (network, busy, authentication) on the first post fails the whole call, as a batch
        request would, and on a later one ends it early: the bodies without a result go again later."""
        results: list[SubmissionBatchResult] = []
        for body in bodies:
            try:
                answer = self.post_submission(body.text)
            except SyncError as exc:
                code = str(exc.fields.get("code") or "")
                if not exc.retryable or code in _RETRYABLE_CONFLICTS:
                    results.append(SubmissionBatchResult(
                        id=body.submission_id, ok=False, status_code=exc.status or 0, answer=None,
                        error=ErrorDetail(code=code, message=exc.detail)))
                    continue
                if not results:
                    raise
                log.info("posting one at a time stopped after %d of %d: %s", len(results), len(bodies), exc.detail)
                break
            results.append(SubmissionBatchResult(id=body.submission_id, ok=True,
                                                 status_code=200 if answer.duplicate else 201,
                                                 answer=answer, error=None))
        return results

    # -- lookups (issue 20): online only, answered while the applicant waits at the window -----------------

    def _lookup(self, path: str, body: BaseModel, model: type[Model], timeout: float) -> Model:
        limit = httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
        return self._check(self._request("POST", path, json=body.model_dump(exclude_none=True), timeout=limit),
                           model)

    def lookup_person(self, body: PersonLookupIn, *, timeout: float = LOOKUP_TIMEOUT) -> PersonLookupAnswer:
        """What the central system knows of one person; the same lookup id again is recorded once.

        ``timeout`` is a counter's, not the sync's: an applicant waits at the window, and the window carries
        on with the card's data when the central system does not answer (``CentralUnreachable`` /
        ``CentralTooSlow``)."""
        return self._lookup("/v1/lookup/person", body, PersonLookupAnswer, timeout)

    def lookup_employer(self, body: EmployerLookupIn, *, timeout: float = LOOKUP_TIMEOUT) -> EmployerLookupAnswer:
        """One employer by unit number or credit code, with its staff count and the first staff listed."""
        return self._lookup("/v1/lookup/employer", body, EmployerLookupAnswer, timeout)

    def check_registered(self, body: RegisteredCheckIn, *,
                         timeout: float = REGISTERED_CHECK_TIMEOUT) -> RegisteredCheckAnswer:
        """Which of up to 10,000 ID numbers the registry knows and where they are insured (batch import)."""
        return self._lookup("/v1/lookup/registered", body, RegisteredCheckAnswer, timeout)


def _read_capped(http: httpx.Client, method: str, path: str, cap: int, **kw: Any) -> httpx.Response:
    """One request whose answer is read as it streams in and given up past ``cap`` bytes (as decoded).

    A declared ``Content-Length`` over the cap is refused before a byte of the body is read; a body
    without one (chunked, or a server that just keeps sending) is read until the cap and the
    connection dropped. The answer comes back whole, as ``Client.request`` would give it.
    """
    with http.stream(method, path, **kw) as resp:
        declared = resp.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > cap:
            raise AnswerTooLarge(f"{method} {path}: answer of {declared} bytes, more than {cap}", resp.status_code)
        body = bytearray()
        for piece in resp.iter_bytes():
            body += piece
            if len(body) > cap:
                raise AnswerTooLarge(f"{method} {path}: answer ran past {cap} bytes", resp.status_code)
        # The decoded body, so the header saying how it was encoded no longer applies.
        headers = [(k, v) for k, v in resp.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(resp.status_code, headers=headers, content=bytes(body), request=resp.request,
                              extensions=resp.extensions)


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """Certificate checks against ``ca_file`` (the office's CA) or the system's trust store.

    ``ConfigError`` when the file cannot be read: a terminal told to trust a CA it cannot load must not
    quietly trust something else. The file is read through ``core.files`` (a regular file of at most
    ``CA_FILE_LIMIT``, UTF-8 text as PEM is): a setting naming a FIFO must not hang the terminal's start.
    """
    if ca_file is None:
        return ssl.create_default_context()
    pem = read_text_bounded(ca_file, CA_FILE_LIMIT, "本单位 CA 证书文件")
    try:
        return ssl.create_default_context(cadata=pem)
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise ConfigError(f"central_ca_file {ca_file}: {exc}",
                          user_message=f"无法读取本单位 CA 证书文件：{ca_file}",
                          hint="请联系系统管理员检查 central_ca_file 设置（PEM 格式的 CA 证书）。") from exc


def _certificate_refused(exc: BaseException) -> bool:
    """Whether a transport failure is a TLS certificate that did not verify (anywhere in its causes)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _refusal(resp: httpx.Response) -> SyncError:
    """What a non-success answer means to the terminal."""
    code = _error_code(resp)
    detail = f"central answered {resp.status_code} {code}"
    if resp.status_code == 409 and code in _RETRYABLE_CONFLICTS:
        return SyncError(detail, retryable=True, status=409, code=code,
                         user_message="中心系统尚未收齐本笔业务的材料，正在补传。",
                         hint="稍后将自动重试，无需重新录入。")
    if resp.status_code in (401, 403):
        # A terminal-wide configuration fault: keep everything queued and keep
        # retrying slowly, an administrator fixing the token unblocks it.
        return SyncError(detail, retryable=True, status=resp.status_code,
                         user_message="中心系统拒绝了本终端的身份凭证，已离线保存。",
                         hint="请联系系统管理员检查终端令牌。")
    if resp.status_code == 429 and code == "too_many_attempts":
        # The central system throttles this address after wrong tokens: wait as told, then try again.
        return SyncError(detail, retryable=True, status=429, code=code, retry_after=_retry_after(resp),
                         user_message="中心系统暂停了本机所在地址的连接（身份凭证多次验证失败），已离线保存。",
                         hint="稍后将自动重试；如持续出现，请联系系统管理员检查终端令牌。")
    if resp.status_code == 429 or resp.status_code >= 500:
        return SyncError(detail, retryable=True, status=resp.status_code, retry_after=_retry_after(resp),
                         user_message="中心系统暂时繁忙，已离线保存。",
                         hint="稍后将自动重试，无需重新录入。")
    return SyncError(detail, retryable=False, status=resp.status_code, code=code,
                     user_message="中心系统拒收了这笔业务。",
                     hint="业务已保存在本机，请联系系统管理员处理。")


_NO_SUCH_REVIEW = "中心系统没有这笔待复核业务（可能已由他人签字或退回）。"


def _review_refusal(resp: httpx.Response) -> SyncError:
    """A review request refused: the central system's own reason (in Chinese) is what the clerk reads."""
    if resp.status_code in (404, 409):
        try:
            message = str(resp.json()["error"]["message"])
        except (ValueError, KeyError, TypeError):
            message = ""
        found = resp.status_code == 409
        return SyncError(f"central answered {resp.status_code} {_error_code(resp)}", retryable=False,
                         status=resp.status_code, code=_error_code(resp),
                         user_message=message if found and message else _NO_SUCH_REVIEW,
                         hint="请刷新待复核列表。")
    return _refusal(resp)
