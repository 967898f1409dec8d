"""Bodies of the sync protocol, version 1 (see docs/sync-protocol.md).

Request models are strict and forbid unknown fields: the server hashes the body to
decide whether a repeat is a duplicate, so it must never silently coerce or drop
what a client sent (a newer client sending attachments to this server gets a 422,
not a receipt for a submission that lost its attachments).

Answer models are what the server promises (its OpenAPI document is generated from
them) and what the terminal's client reads. They ignore fields they do not know, so a
newer server may add some; a status is any string on reading (documented as the
enumeration), so a status a newer server adds is skipped by the terminal rather than
making the whole answer unreadable. Times are checked to be ISO 8601 here, so a
malformed answer fails in one place, validation, never later in the engine.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from protocol.ratings import LOW_REASONS, check_rating
from protocol.values import INT32_MAX, MAX_VALUE_DEPTH, REMINDER_NOTE_MAX, BodyError, check_value, read_body

#: no control characters (C0, DEL, C1): identifiers end up in the central system's logs, where a line
#: break would forge a line
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*$"
Identifier = Field(min_length=1, max_length=64, pattern=PLAIN_TEXT)
#: pydantic checks ``pattern`` with Rust's regex engine, where ``$`` is the end of the text (a trailing
#: newline is refused, unlike Python's ``re.match``); tests/central/test_abuse_http.py holds it to that
SHA256_PATTERN = r"^[0-9a-f]{64}$"
MAX_BLOB_SIZE = 200 * 1024 * 1024
#: what a blob may be announced as: what the terminal's scans and receipts are (PDF), what a camera
#: page is (JPEG, PNG), and the rows of an employer's staff list (JSON, ``protocol.body.BATCH_ROWS_KEY``).
#: Anything else is refused (422), so a blob can never be served back as a type a browser renders and
#: runs (text/html, image/svg+xml); JSON is data to a browser, and blob answers carry ``nosniff``
BlobMediaType = Literal["application/pdf", "image/jpeg", "image/png", "application/json"]
BLOB_MEDIA_TYPES: tuple[str, ...] = get_args(BlobMediaType)
#: characters of a time on the wire (the central system's columns hold 40; an ISO 8601 time with
#: microseconds and offset has 32)
MAX_TIME_LENGTH = 40
#: a submission id (and case id) in a path: a UUID in lower-case canonical form
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _uuid4(value: str) -> str:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise ValueError("must be a UUID") from None
    # Version 4 also rules out the nil UUID, which a buggy client would reuse for everything.
    if parsed.version != 4 or str(parsed) != value:
        raise ValueError("must be a version 4 UUID in lower-case canonical form")
    return value


def _iso_time(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time") from None
    return value


class WireIn(BaseModel):
    """A request body (or part of one): strict, no unknown fields, and every value in it as the
    protocol takes values (``protocol.values.check_value``: no lone surrogate or U+0000 in any string
    or key, integers within 64 bits, finite numbers, bounded nesting), checked before the fields are.

    The fields then bound what each may hold: integers to what the central system's column holds
    (``INT32_MAX`` for an ``integer`` column, ``INT64_MAX`` for ``bigint``), strings to their column's length.
    """

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _wire_values(cls, data: Any) -> Any:
        # A body's fixed fields sit at most two levels above a free-form value, which is bounded on its own.
        check_value(data, max_depth=MAX_VALUE_DEPTH + 2)
        return data


def _not_null(value: Any) -> Any:
    # Optional fields may be left out (they then take their default) but not sent as
    # null: null would hash differently from "left out" without meaning anything else.
    if value is None:
        raise ValueError("may be left out but not null")
    return value


class StampedIn(WireIn):
    """A body a terminal makes once and may send again (reminder, rating, lookup, certificate): its ``id`` is a
    lower-case version 4 UUID (the idempotency key) and its ``created_at`` an ISO 8601 time. The subclass
    declares both fields (their descriptions differ); the checks are here once."""

    @field_validator("id", check_fields=False)
    @classmethod
    def _id_uuid4(cls, value: str) -> str:
        return _uuid4(value)

    @field_validator("created_at", check_fields=False)
    @classmethod
    def _iso8601(cls, value: str) -> str:
        return _iso_time(value)


class AttachmentIn(WireIn):
    """One entry of a submission's ``attachments``: a blob this terminal uploaded."""

    material_key: str = Identifier
    sha256: str = Field(pattern=SHA256_PATTERN, description="lower-case hex SHA-256 of the blob's bytes")
    size: int = Field(ge=1, le=MAX_BLOB_SIZE, description="the blob's size; a blob holds at most 200 MiB")
    media_type: BlobMediaType = Field(description="one of " + ", ".join(BLOB_MEDIA_TYPES))
    pages: int = Field(ge=1, le=INT32_MAX)


ReviewStepName = Literal["review", "approval"]
#: bounds of a submission's ``review``: reasons (each a sentence), and signatures (a tier has two steps)
MAX_REVIEW_REASONS = 64
MAX_REASON_LENGTH = 500
MAX_REVIEW_SIGNATURES = 8
ReviewTierName = Literal["none", "review", "review_approval"]


class ReviewSignatureIn(WireIn):
    """One signed review step: 复核 (``review``) or 审批 (``approval``), by whom, where and when."""

    step: ReviewStepName
    clerk_id: str = Identifier
    terminal_id: str = Field(min_length=1, max_length=64, pattern=PLAIN_TEXT,
                             description="where the signer's password was checked")
    signed_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 with UTC offset")

    @field_validator("signed_at")
    @classmethod
    def _iso8601(cls, value: str) -> str:
        return _iso_time(value)


class ReviewIn(WireIn):
    """A submission's ``review``: the tier the terminal computed, the raise reasons, the signatures."""

    tier: ReviewTierName = Field(description="as the terminal computed it; the central system computes its own")
    reasons: list[Annotated[str, Field(max_length=MAX_REASON_LENGTH)]] | None = Field(
        default=None, max_length=MAX_REVIEW_REASONS, description="the raise conditions that held; default []")
    signatures: list[ReviewSignatureIn] | None = Field(default=None, max_length=MAX_REVIEW_SIGNATURES,
                                                       description="in signing order; default []")
    awaiting_review: bool | None = Field(
        default=None, description="true: 待复核, kept awaiting review until the missing steps are signed at the "
                                  "central system or on another terminal (GET /v1/reviews); default false")

    @field_validator("reasons", "signatures", "awaiting_review", mode="before")
    @classmethod
    def _optional_not_null(cls, value: Any) -> Any:
        return _not_null(value)


class SubmissionIn(WireIn):
    """``POST /v1/submissions`` body."""

    id: str = Field(description="client-made UUID version 4, lower-case canonical form; the idempotency key")
    item_code: str = Identifier
    version: int = Field(ge=1, le=INT32_MAX, description="version of the item's form definition")
    terminal_id: str = Identifier
    clerk_id: str = Identifier
    created_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 time the clerk submitted, "
                                                                     "with UTC offset")
    payload: dict[str, Any] = Field(description="the form's data: any JSON object within the protocol's value "
                                                f"rules, nested at most {MAX_VALUE_DEPTH} levels deep")
    attachments: list[AttachmentIn] | None = Field(
        default=None, description="blobs this terminal uploaded completely before; default []")
    case_id: str | None = Field(
        default=None, description="UUID 4, lower-case; the case this submission is a version of; default: id")
    case_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX,
        description="1 for a new case, previous + 1 for the correction of a returned one; default 1")
    counter_receipt_no: str | None = Field(default=None, min_length=1, max_length=48, pattern=PLAIN_TEXT,
                                           description="the number on the counter's paper receipt")
    review: ReviewIn | None = Field(default=None, description="the case's review tier and signatures; left out "
                                                              "when the terminal computed no tier")
    home_visit: bool | None = Field(default=None, description="true: the case was taken at the applicant's home "
                                                              "(上门服务), not at a window; left out otherwise")

    @field_validator("id")
    @classmethod
    def _id_uuid4(cls, value: str) -> str:
        return _uuid4(value)

    @field_validator("case_id")
    @classmethod
    def _case_uuid4(cls, value: str | None) -> str:
        return _uuid4(_not_null(value))

    @field_validator("attachments", "case_version", "counter_receipt_no", "review", "home_visit", mode="before")
    @classmethod
    def _optional_not_null(cls, value: Any) -> Any:
        return _not_null(value)

    @field_validator("created_at")
    @classmethod
    def _iso8601(cls, value: str) -> str:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be an ISO 8601 date-time") from None
        return value

    @field_validator("payload")
    @classmethod
    def _plain_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        check_value(value, max_depth=MAX_VALUE_DEPTH)
        return value


#: the statuses of protocol version 1
STATUSES = ("accepted", "returned", "approved", "awaiting_review")
#: a status as read: documented as the enumeration, accepted as any string (see the module's docstring)
Status = Annotated[str, Field(json_schema_extra={"enum": list(STATUSES)})]


IsoTime = Annotated[str, AfterValidator(_iso_time)]


class SubmissionOut(BaseModel):
    """``GET /v1/submissions/{id}`` answer, and the core of the POST answer."""

    id: str
    receipt_number: str = Field(description="SB + YYYYMMDD (China date of receipt) + 6-digit daily sequence")
    status: Status = Field(description="current status; accepted until a reviewer returns or approves it")
    received_at: IsoTime = Field(description="UTC, ISO 8601")
    case_id: str
    case_version: int
    reason: str | None = Field(description="the reviewer's reason (returned) or note (approved)")

    @model_validator(mode="before")
    @classmethod
    def _before_cases(cls, data: Any) -> Any:
        """A central system of the first release (no cases, no review) answers without ``case_id``,
        ``case_version`` and ``reason``: its submissions are first versions of their own case, as the
        defaults of the request say. Filled in here, so the published schema keeps them required."""
        if isinstance(data, dict) and "id" in data:
            return {"case_id": data["id"], "case_version": 1, "reason": None, **data}
        return data


class SubmitAnswer(SubmissionOut):
    """``POST /v1/submissions`` answer."""

    duplicate: bool = Field(description="true when this replays the answer to an earlier identical POST")


class BlobIn(WireIn):
    """``POST /v1/blobs`` body."""

    sha256: str = Field(pattern=SHA256_PATTERN, description="lower-case hex SHA-256 of the plaintext bytes")
    size: int = Field(ge=1, le=MAX_BLOB_SIZE)
    media_type: BlobMediaType = Field(description="one of " + ", ".join(BLOB_MEDIA_TYPES))


class BlobOut(BaseModel):
    """The state of an upload."""

    sha256: str
    size: int
    received: int = Field(description="bytes stored so far; the next chunk starts here")
    complete: bool


class StatusEventOut(BaseModel):
    cursor: str
    submission_id: str
    case_id: str
    case_version: int
    status: Status
    reason: str | None
    receipt_number: str
    at: IsoTime = Field(description="UTC, ISO 8601")


class StatusFeed(BaseModel):
    events: list[StatusEventOut]
    next_cursor: str = Field(description="pass as since= next time; the last event's cursor, or since unchanged")
    more: bool = Field(description="true when more events follow at once")


class ReferenceIndex(BaseModel):
    items: dict[str, str] = Field(description="reference data name -> its current ETag (quoted)")


class Health(BaseModel):
    status: Literal["ok"]
    server_time: str


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


MAX_BATCH_SUBMISSIONS = 200


class SubmissionBatchIn(BaseModel):
    """``POST /v1/submissions/batch`` body. Each item is validated on its own, so one
    malformed item fails alone (``validation_error`` in its result) and not the batch: the
    envelope does not look into its items (hence not a ``WireIn``)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    submissions: list[Any] = Field(
        min_length=1, max_length=MAX_BATCH_SUBMISSIONS,
        description="1..200 bodies, each exactly as for POST /v1/submissions",
        json_schema_extra={"items": {"$ref": "#/components/schemas/SubmissionIn"}})


class SubmissionBatchResult(BaseModel):
    """The outcome of one item of a submission batch, in request order."""

    id: str | None = Field(description="the item's id as sent, or null if it had no string id")
    ok: bool = Field(description="true when stored now (201) or a duplicate of an earlier identical body (200)")
    status_code: int = Field(description="what POST /v1/submissions would have answered: 201, 200, 403, 409, 422 "
                                         "(or 503 receipts_exhausted)")
    answer: SubmitAnswer | None = Field(description="the single endpoint's answer when ok, else null")
    error: ErrorDetail | None = Field(description="the single endpoint's error when not ok, else null")

    @model_validator(mode="after")
    def _answered_when_ok(self) -> SubmissionBatchResult:
        if self.ok and self.answer is None:
            raise ValueError("an ok result carries the answer")
        return self


class SubmissionBatchAnswer(BaseModel):
    """``POST /v1/submissions/batch`` answer."""

    results: list[SubmissionBatchResult]


class BlobBatchResult(BaseModel):
    """The outcome of one item of a blob batch, in body order."""

    sha256: str
    size: int
    received: int = Field(description="bytes stored: size when complete, else 0")
    complete: bool
    error: ErrorDetail | None = Field(description="hash_mismatch (nothing of the item kept), else null")


class BlobBatchAnswer(BaseModel):
    """``POST /v1/blobs/batch`` answer."""

    blobs: list[BlobBatchResult]


#: hashes one ``POST /v1/blobs/states`` may ask about (as many as a blob batch may carry)
MAX_STATE_QUERY = 1000


class BlobStatesIn(WireIn):
    """``POST /v1/blobs/states`` body: which of these blobs does the server hold complete?"""

    sha256: list[Annotated[str, Field(pattern=SHA256_PATTERN)]] = Field(min_length=1, max_length=MAX_STATE_QUERY)


class BlobStatesAnswer(BaseModel):
    """``POST /v1/blobs/states`` answer: those asked about that this terminal has complete, in the
    order asked (the others are unknown or incomplete: ``GET /v1/blobs/{sha256}`` tells which)."""

    complete: list[str]


# -- the audit trail (docs/sync-protocol.md, "Audit trail") ----------------------------------------

#: audit entries one ``POST /v1/audit/batch`` may carry
MAX_AUDIT_BATCH = 500
#: fifteen digits in a row: an ID number or part of one, which no audit entry may carry. ``\d`` on purpose:
#: the refusal also catches the number written in full-width or other digits
_ID_LIKE = re.compile(r"\d{15}")


#: the largest sequence number: within the central system's bigint column, and exact as a JSON number in
#: any reader (2**53 - 1, the largest integer a double holds exactly; the OpenAPI document writes it as one)
MAX_SEQ = 2**53 - 1


class AuditEntryIn(WireIn):
    """One entry of a terminal's audit trail, exactly as the terminal stored and hashed it.

    ``hash`` is ``protocol.audit.entry_hash(prev_hash, at, clerk_id, action, subject, person_key, detail)``;
    ``person_key`` is the terminal's keyed hash of an ID number, never the number.
    """

    seq: int = Field(ge=1, le=MAX_SEQ,
                     description="the entry's place in the terminal's trail: 1, 2, 3 … without gaps")
    at: str = Field(max_length=MAX_TIME_LENGTH, description="UTC, ISO 8601 with microseconds, as hashed")
    clerk_id: str | None = Field(max_length=32, description="the clerk's staff number, or null (the terminal)")
    action: str = Field(min_length=1, max_length=32, description="what was done, e.g. sign_in, submit, view_case")
    subject: str | None = Field(max_length=64, description="what it was about, e.g. a submission id")
    person_key: str | None = Field(pattern=SHA256_PATTERN, description="HMAC-SHA256 of the person's ID number "
                                                                       "under the terminal's secret, or null")
    detail: str = Field(max_length=4096, description="canonical JSON text of an object: a few facts without "
                                                     "personal data")
    prev_hash: str = Field(pattern=SHA256_PATTERN, description="the previous entry's hash (64 zeros for seq 1)")
    hash: str = Field(pattern=SHA256_PATTERN, description="SHA-256 over prev_hash and the entry's content")

    @field_validator("at")
    @classmethod
    def _at_iso(cls, value: str) -> str:
        return _iso_time(value)

    @field_validator("subject", "detail", "clerk_id")
    @classmethod
    def _no_id_number(cls, value: str | None) -> str | None:
        if value is not None and _ID_LIKE.search(value):
            raise ValueError("must not hold an ID number")
        return value

    @field_validator("detail")
    @classmethod
    def _detail_object(cls, value: str) -> str:
        # The facts are JSON, and the same rules hold for them as for any free-form value on the wire.
        try:
            facts = read_body(value.encode("utf-8"), max_depth=MAX_VALUE_DEPTH)
        except BodyError as exc:
            raise ValueError(str(exc).replace("the body", "detail")) from None
        if not isinstance(facts, dict):
            raise ValueError("detail must be the JSON text of an object")
        check_value(facts, max_depth=MAX_VALUE_DEPTH, where=("detail",))
        return value


class AuditBatchIn(WireIn):
    """``POST /v1/audit/batch`` body: consecutive entries of the token's terminal, in sequence order."""

    entries: list[AuditEntryIn] = Field(min_length=1, max_length=MAX_AUDIT_BATCH)

    @model_validator(mode="after")
    def _consecutive(self) -> AuditBatchIn:
        first = self.entries[0].seq
        if [e.seq for e in self.entries] != list(range(first, first + len(self.entries))):
            raise ValueError("entries must have consecutive sequence numbers in ascending order")
        return self


class AuditHead(BaseModel):
    """``GET /v1/audit/head`` answer: the last entry the central system holds of the token's terminal."""

    last_seq: int = Field(description="0 when it holds none")
    last_hash: str = Field(description="that entry's hash (64 zeros when none)")


class AuditBatchAnswer(AuditHead):
    """``POST /v1/audit/batch`` answer: every entry of the batch is held now."""

    stored: int = Field(description="entries stored by this request")
    duplicates: int = Field(description="entries the central system held already with the same hash")


class ReviewSignatureOut(BaseModel):
    """A signed step of a case awaiting review, as the central system holds it."""

    step: str
    clerk_id: str
    terminal_id: str = Field(description="where the signer's password was checked; 'central' for the central system")
    signed_at: IsoTime


class ReviewSummaryOut(BaseModel):
    """One case awaiting review (待复核) at the central system, for another terminal of the office."""

    submission_id: str
    case_id: str
    case_version: int
    item_code: str
    form_version: int
    terminal_id: str = Field(description="the terminal that took the case")
    clerk_id: str = Field(description="the clerk who took it (may not sign it)")
    receipt_number: str
    counter_receipt_no: str | None
    received_at: IsoTime
    status: Status
    tier: str = Field(description="the tier the central system computed from its form definitions")
    reasons: list[str]
    signatures: list[ReviewSignatureOut]
    next_step: str | None = Field(description="review, approval, or null when all are signed")
    applicant_name: str | None
    applicant_id_masked: str | None = Field(description="the applicant's ID number, masked")


class ReviewList(BaseModel):
    """``GET /v1/reviews`` answer: the office's cases awaiting review, oldest first."""

    cases: list[ReviewSummaryOut]


class ReviewAttachmentOut(BaseModel):
    material_key: str
    sha256: str
    size: int
    media_type: str
    pages: int


class ReviewCaseOut(ReviewSummaryOut):
    """``GET /v1/reviews/{submission_id}`` answer: the whole case, for the reviewer to check."""

    payload: dict[str, Any] = Field(description="every field, with _provenance (where each value came from) "
                                                "and _waivers")
    attachments: list[ReviewAttachmentOut] = Field(description="the materials; bytes from "
                                                               "GET /v1/reviews/{submission_id}/blobs/{sha256}")


class ReviewSignIn(WireIn):
    """``POST /v1/reviews/{submission_id}/signatures`` body: a clerk of the asking terminal signs a step
    (their password and role were checked on that terminal)."""

    step: ReviewStepName
    clerk_id: str = Identifier
    signed_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 with UTC offset")

    @field_validator("signed_at")
    @classmethod
    def _iso8601(cls, value: str) -> str:
        return _iso_time(value)


class ReviewReturnIn(WireIn):
    """``POST /v1/reviews/{submission_id}/return`` body: a reviewer returns the case (退回) with a reason."""

    clerk_id: str = Identifier
    reason: str = Field(min_length=1, max_length=500)


class ReminderIn(StampedIn):
    """``POST /v1/submissions/{submission_id}/reminders`` body: a clerk presses the central system (催办) about
    a case of this terminal it has not answered yet."""

    id: str = Field(description="terminal-made UUID version 4, lower-case canonical form; the idempotency key")
    clerk_id: str = Identifier
    created_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 time the clerk recorded it, "
                                                                     "with UTC offset")
    note: str | None = Field(default=None, min_length=1, max_length=REMINDER_NOTE_MAX,
                             description="the clerk's words to the reviewer")



class RatingIn(StampedIn):
    """``POST /v1/submissions/{submission_id}/rating`` body: the applicant's 好差评 of one of this terminal's
    cases (国办发〔2019〕51号), one per case. Of the case, never of the person: no name, no ID number."""

    id: str = Field(description="terminal-made UUID version 4, lower-case canonical form; the idempotency key")
    clerk_id: str = Identifier
    level: int = Field(ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    reasons: list[Annotated[str, Field(max_length=32)]] = Field(
        default_factory=list, max_length=len(LOW_REASONS),
        description="reason codes of a poor rating (protocol/ratings.py LOW_REASONS): at least one for levels "
                    "1 and 2, none otherwise")
    created_at: str = Field(max_length=MAX_TIME_LENGTH, description="ISO 8601 time the applicant rated, "
                                                                     "with UTC offset")


    @model_validator(mode="after")
    def _rating(self) -> RatingIn:
        problem = check_rating(self.level, self.reasons)
        if problem is not None:
            raise ValueError(problem)
        return self


class RatingOut(BaseModel):
    """The answer to a rating: stored (201), or already stored with this body (200)."""

    id: str
    submission_id: str
    receipt_number: str
    level: int
    received_at: str


class ReminderOut(BaseModel):
    """The answer to a reminder: stored (201), or already stored with this body (200)."""

    id: str
    submission_id: str
    receipt_number: str
    case_status: str = Field(description="the case's status at the central system now (accepted, returned, "
                                         "approved, awaiting_review)")
    received_at: str
