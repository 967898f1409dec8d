"""The acknowledged outbox the sender works through, and what the central system says afterwards.

A row is claimed (in flight) before it is sent and settled after the answer.
A row found in flight on start-up belongs to a sender that died mid-send; it
goes back to pending, and the server's idempotency on the submission id makes
resending it harmless. The request body is fixed when the row is made (the canonical
JSON text ``protocol.body`` builds, stored as given), so a resend after an upgrade or a
crash is byte-identical and never trips the server's "same id, other body" conflict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session

from local_db.database import Database
from local_db.models import (
    Attachment,
    OutboxEntry,
    OutboxState,
    Submission,
    SubmissionState,
    UtcDateTime,
    utcnow,
)
from protocol.body import legacy_submission_body

#: central statuses and the local state each one leads to
_FROM_CENTRAL = {
    "awaiting_review": SubmissionState.REVIEW_ELSEWHERE,
    "accepted": SubmissionState.ACCEPTED,
    "returned": SubmissionState.RETURNED,
    "approved": SubmissionState.CLOSED,
}
#: the receipt is a counter document; it is kept locally and not sent as evidence
LOCAL_ONLY_MATERIALS = frozenset({"_receipt"})


@dataclass(frozen=True)
class BlobToSend:
    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True)
class OutboxItem:
    submission_id: str
    attempts: int
    #: the request body's canonical JSON text, sent exactly as stored
    body_text: str
    #: attachments the central system has not yet confirmed holding, to upload before the body
    uploads: tuple[BlobToSend, ...] = ()

    @property
    def body(self) -> dict[str, Any]:
        """The body parsed (for reading; what is sent is ``body_text``)."""
        parsed: dict[str, Any] = json.loads(self.body_text)
        return parsed


def enqueue(s: Session, submission_id: str, body: str) -> None:
    """Give a queued submission its outbox row (inside the caller's transaction).

    ``body`` is the request's canonical JSON text (``protocol.body.submission_body``), stored as given
    and sent as stored: every resend is byte-identical.
    """
    s.add(OutboxEntry(submission_id=submission_id, state=OutboxState.PENDING.value, body=body))


def _legacy_body(sub: Submission) -> str:
    """The body as releases before the stored body built it, for rows queued by them."""
    return legacy_submission_body(submission_id=sub.id, version=sub.version, item_code=sub.item_code,
                                  terminal_id=sub.terminal_id, clerk_id=sub.clerk_id, created_at=sub.created_at,
                                  payload=sub.payload)


def requeue_in_flight(db: Database) -> int:
    """Put rows a crashed sender left in flight back in the queue; returns how many."""
    with db.sessions.begin() as s:
        ids = list(s.scalars(select(OutboxEntry.submission_id).where(
            OutboxEntry.state == OutboxState.IN_FLIGHT.value)))
        if not ids:
            return 0
        s.execute(update(OutboxEntry).where(OutboxEntry.submission_id.in_(ids))
                  .values(state=OutboxState.PENDING.value))
        s.execute(update(Submission).where(Submission.id.in_(ids), Submission.state ==
                                           SubmissionState.SENDING.value)
                  .values(state=SubmissionState.QUEUED.value))
        return len(ids)


def claim_next(db: Database, now: datetime | None = None) -> OutboxItem | None:
    """Mark the oldest due row in flight and return what to send, or None."""
    claimed = claim_batch(db, limit=1, now=now)
    return claimed[0] if claimed else None


def claim_batch(db: Database, *, limit: int, max_upload_bytes: int | None = None,
                now: datetime | None = None, uploaded: Iterable[str] = ()) -> list[OutboxItem]:
    """Mark up to ``limit`` of the oldest due rows in flight, in one transaction.

    ``max_upload_bytes`` bounds what the claimed rows still have to upload (the first row is always
    taken), so a batch never asks for more than that much to be streamed. ``uploaded`` are blobs the
    central system has confirmed since the last commit; they are recorded in the same transaction
    (one commit, so one fsync, fewer per batch).
    """
    with db.sessions.begin() as s:
        _mark_uploaded(s, uploaded)
        due = _due(s, limit=limit, max_upload_bytes=max_upload_bytes, now=now or utcnow())
        if not due:
            return []
        s.execute(update(_OUTBOX).where(_OUTBOX.c.id.in_([d.entry_id for d in due]))
                  .values(state=OutboxState.IN_FLIGHT.value, attempts=_OUTBOX.c.attempts + 1))
        # the last attempt's error (say "not connected") is stale once it is being sent again
        s.execute(update(_SUBMISSION).where(_SUBMISSION.c.id.in_([d.submission_id for d in due]))
                  .values(state=SubmissionState.SENDING.value, last_error=None))
        legacy = {d.submission_id for d in due if not d.body}
        old = {sub.id: _legacy_body(sub) for sub in s.scalars(
            select(Submission).where(Submission.id.in_(legacy)))} if legacy else {}
        return [OutboxItem(submission_id=d.submission_id, attempts=d.attempts + 1,
                           body_text=d.body or old[d.submission_id], uploads=d.uploads)
                for d in due]


def upcoming_uploads(db: Database, *, limit: int, max_upload_bytes: int | None = None,
                     now: datetime | None = None) -> list[BlobToSend]:
    """The scans the next ``claim_batch`` would have to upload, without claiming anything.

    The sender uploads them while the batch before is still being posted; blobs are named by their
    hash and the server keeps each once, so uploading one early (or twice) is harmless.
    """
    with db.sessions() as s:
        found = _due(s, limit=limit, max_upload_bytes=max_upload_bytes, now=now or utcnow())
        return list({u.sha256: u for d in found for u in d.uploads}.values())


#: the tables themselves: the outbox's bookkeeping is plain SQL over many rows at once, no ORM objects
_OUTBOX = cast(Table, OutboxEntry.__table__)
_SUBMISSION = cast(Table, Submission.__table__)
_ATTACHMENT = cast(Table, Attachment.__table__)


@dataclass(frozen=True)
class _Due:
    entry_id: int
    submission_id: str
    attempts: int
    body: str | None
    uploads: tuple[BlobToSend, ...]


def _due(s: Session, *, limit: int, max_upload_bytes: int | None, now: datetime) -> list[_Due]:
    """The oldest due rows and what they still have to upload.

    ``max_upload_bytes`` bounds the sum of the uploads (the first row is always taken). Two queries
    and no ORM objects whatever the batch size: a backlog of thousands drains in batches, and per-row
    work in SQLCipher and the ORM was most of the client's share of a sync.
    """
    rows = s.execute(
        select(_OUTBOX.c.id, _OUTBOX.c.submission_id, _OUTBOX.c.attempts, _OUTBOX.c.body)
        .where(_OUTBOX.c.state == OutboxState.PENDING.value, _OUTBOX.c.next_attempt_at <= now)
        .order_by(_OUTBOX.c.id)  # first queued, first sent: receipts follow the order clerks took them
        .limit(limit)
    ).all()
    if not rows:
        return []
    pending: dict[str, list[BlobToSend]] = {row.submission_id: [] for row in rows}
    for a in s.execute(
        select(_ATTACHMENT.c.submission_id, _ATTACHMENT.c.sha256, _ATTACHMENT.c.size, _ATTACHMENT.c.media_type)
        .where(_ATTACHMENT.c.submission_id.in_(list(pending)), _ATTACHMENT.c.uploaded_at.is_(None),
               _ATTACHMENT.c.material_key.not_in(LOCAL_ONLY_MATERIALS))
        .order_by(_ATTACHMENT.c.id)
    ):
        pending[a.submission_id].append(BlobToSend(a.sha256, a.size, a.media_type))
    budget = max_upload_bytes
    found: list[_Due] = []
    for row in rows:
        uploads = tuple(pending[row.submission_id])
        size = sum(u.size for u in uploads)
        if found and budget is not None and size > budget:
            break
        if budget is not None:
            budget -= size
        found.append(_Due(row.id, row.submission_id, row.attempts, row.body, uploads))
    return found


def due_now(db: Database, now: datetime | None = None, *, forget_errors: bool = True) -> int:
    """Make every waiting row due now; how many were waiting.

    Rows wait out a backoff after a failed attempt. When the failure was the network's, that wait
    is over once the central system answers again, whatever each row's own time says
    (``forget_errors``: "not connected" is then no longer true of them either). A clerk's
    "立即同步" also ends the wait, but says nothing yet about the network, so the errors stay.
    """
    now = now or utcnow()
    with db.sessions.begin() as s:
        if forget_errors:  # the rows are simply waiting their turn
            pending = select(_OUTBOX.c.submission_id).where(_OUTBOX.c.state == OutboxState.PENDING.value)
            s.execute(update(_SUBMISSION)
                      .where(_SUBMISSION.c.id.in_(pending), _SUBMISSION.c.last_error.is_not(None))
                      .values(last_error=None))
        result = s.execute(update(_OUTBOX).where(_OUTBOX.c.state == OutboxState.PENDING.value,
                                                 _OUTBOX.c.next_attempt_at > now)
                           .values(next_attempt_at=now))
        return int(result.rowcount)  # type: ignore[attr-defined]


def waiting(db: Database, now: datetime | None = None) -> tuple[int, datetime | None]:
    """Rows waiting out a retry delay: how many, and when the first of them may go.

    The command line says so after a sync, so that an operator who sees rows left over knows
    they were held back on purpose, not forgotten.
    """
    now = now or utcnow()
    with db.sessions() as s:
        count, first = s.execute(
            select(func.count(), func.min(OutboxEntry.next_attempt_at))
            .where(OutboxEntry.state == OutboxState.PENDING.value, OutboxEntry.next_attempt_at > now)
        ).one()
    return int(count or 0), first


def next_due(db: Database) -> datetime | None:
    """When the earliest pending row may be tried, so the sender knows how long to sleep."""
    with db.sessions() as s:
        return s.scalar(
            select(OutboxEntry.next_attempt_at)
            .where(OutboxEntry.state == OutboxState.PENDING.value)
            .order_by(OutboxEntry.next_attempt_at)
            .limit(1)
        )


def mark_uploaded(db: Database, *sha256: str) -> None:
    """The central system holds these blobs completely: no submission needs to upload them again."""
    with db.sessions.begin() as s:
        _mark_uploaded(s, sha256)


def _mark_uploaded(s: Session, sha256: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(sha256))
    if wanted:
        # the table, not the ORM entity: no per-row evaluation against objects the session holds (none)
        s.execute(update(_ATTACHMENT).where(_ATTACHMENT.c.sha256.in_(wanted), _ATTACHMENT.c.uploaded_at.is_(None))
                  .values(uploaded_at=utcnow()))


def forget_uploads(db: Database, submission_id: str) -> None:
    """The central system says it lacks this submission's blobs after all: upload them again."""
    with db.sessions.begin() as s:
        s.execute(update(Attachment).where(Attachment.submission_id == submission_id).values(uploaded_at=None))


def mark_accepted(db: Database, submission_id: str, *, receipt_number: str, accepted_at: datetime) -> None:
    settle(db, Settlement(accepted=[(submission_id, receipt_number, accepted_at)]))


def mark_retry(db: Database, submission_id: str, *, error: str, delay: timedelta) -> None:
    """The attempt failed for a reason that may pass (network, server busy): try again later."""
    settle(db, Settlement(retry=[(submission_id, error, delay)]))


def mark_failed(db: Database, submission_id: str, *, error: str) -> None:
    """The central system refused the request itself; keep it queued for a person to look at."""
    settle(db, Settlement(failed=[(submission_id, error)]))


@dataclass
class Settlement:
    """How a batch of claimed rows ended, written in one transaction."""

    accepted: list[tuple[str, str, datetime]] = field(default_factory=list)  # id, receipt number, at
    retry: list[tuple[str, str, timedelta]] = field(default_factory=list)  # id, error, delay
    failed: list[tuple[str, str]] = field(default_factory=list)  # id, error
    #: blobs the central system confirmed holding during the attempt
    uploaded: list[str] = field(default_factory=list)
    #: submissions whose blobs the central system says it lacks after all: upload them again
    reupload: list[str] = field(default_factory=list)
    #: of the accepted, those the central system keeps awaiting review (待复核, signed elsewhere)
    review_elsewhere: list[str] = field(default_factory=list)


#: the row of an outbox entry or a submission, by submission id (``executemany`` parameters)
_BY_SUBMISSION: BindParameter[str] = bindparam("b_submission")
_OUTBOX_ROW = _OUTBOX.c.submission_id == _BY_SUBMISSION
_SUBMISSION_ROW = _SUBMISSION.c.id == _BY_SUBMISSION
#: accepted: the feed may already have moved it further (returned, closed), which stays
#: (``or_`` of equalities, not ``in_``: an expanding IN cannot run as ``executemany``)
_ACCEPTED_STATE = case((or_(_SUBMISSION.c.state == SubmissionState.SENDING.value,
                            _SUBMISSION.c.state == SubmissionState.QUEUED.value), SubmissionState.ACCEPTED.value),
                       else_=_SUBMISSION.c.state)


def settle(db: Database, outcome: Settlement) -> None:
    """Write how the rows ended: one transaction, one statement per kind of ending (run for many rows)."""
    now = utcnow()
    with db.sessions.begin() as s:
        _mark_uploaded(s, outcome.uploaded)
        if outcome.reupload:  # after the marks: the central system's word on what it lacks wins
            s.execute(update(_ATTACHMENT).where(_ATTACHMENT.c.submission_id.in_(outcome.reupload))
                      .values(uploaded_at=None))
        if outcome.accepted:  # the same values for every accepted row: one statement, not one per row
            s.execute(update(_OUTBOX).where(_OUTBOX.c.submission_id.in_([i for i, _, _ in outcome.accepted]))
                      .values(state=OutboxState.DONE.value, sent_at=now, last_error=None))
            s.execute(update(_SUBMISSION).where(_SUBMISSION_ROW).values(
                state=_ACCEPTED_STATE, receipt_number=bindparam("b_receipt"),
                accepted_at=func.coalesce(_SUBMISSION.c.accepted_at, bindparam("b_at", type_=UtcDateTime())),
                last_error=None),
                [{"b_submission": i, "b_receipt": r, "b_at": at} for i, r, at in outcome.accepted])
        if outcome.review_elsewhere:  # received, but not accepted for processing until signed elsewhere
            s.execute(update(_SUBMISSION).where(
                _SUBMISSION.c.id.in_(outcome.review_elsewhere),
                _SUBMISSION.c.state == SubmissionState.ACCEPTED.value,
                _SUBMISSION.c.closed_at.is_(None)).values(state=SubmissionState.REVIEW_ELSEWHERE.value))
        if outcome.retry:
            s.execute(update(_OUTBOX).where(_OUTBOX_ROW).values(
                state=OutboxState.PENDING.value, next_attempt_at=bindparam("b_next", type_=UtcDateTime()),
                last_error=bindparam("b_error")),
                [{"b_submission": i, "b_next": now + delay, "b_error": e} for i, e, delay in outcome.retry])
        if outcome.failed:
            s.execute(update(_OUTBOX).where(_OUTBOX_ROW).values(
                state=OutboxState.FAILED.value, last_error=bindparam("b_error")),
                [{"b_submission": i, "b_error": e} for i, e in outcome.failed])
        back = [(i, e) for i, e, _ in outcome.retry] + outcome.failed
        if back:  # retried or failed: queued again, with the reason shown to the clerk
            s.execute(update(_SUBMISSION).where(_SUBMISSION_ROW).values(
                state=SubmissionState.QUEUED.value, last_error=bindparam("b_error")),
                [{"b_submission": i, "b_error": e} for i, e in back])


@dataclass(frozen=True)
class StatusChange:
    """One status the central system reports for a submission (a feed event or a batch answer)."""

    submission_id: str
    status: str
    reason: str | None
    receipt_number: str | None
    at: datetime


def apply_status(db: Database, submission_id: str, *, status: str, reason: str | None,
                 receipt_number: str | None, at: datetime) -> bool:
    """Record a status the central system reports; False when the submission is not ours or not known."""
    return apply_statuses(db, [StatusChange(submission_id, status, reason, receipt_number, at)])[0]


_FORWARD = [SubmissionState.QUEUED, SubmissionState.SENDING, SubmissionState.REVIEW_ELSEWHERE,
            SubmissionState.ACCEPTED,
            SubmissionState.RETURNED, SubmissionState.CLOSED]
#: what a status change may write on a submission
_STATUS_COLUMNS = ("state", "receipt_number", "accepted_at", "last_error", "status_reason", "closed_at",
                   "answered_at")


def apply_statuses(db: Database, changes: Sequence[StatusChange]) -> list[bool]:
    """Record statuses the central system reports, in one transaction; per change whether it applied
    (False when the submission is not ours or the status not known).

    Statuses only move forward (accepted → returned | approved); a repeat of an event already applied
    changes nothing (and writes nothing), so replaying the feed after a crash is harmless. Changes
    apply in order, so a page that holds "accepted" and then "returned" for one submission ends
    "returned". A feed page is mostly "accepted" for submissions this terminal just sent; those are
    compared and skipped rather than rewritten.
    """
    ids = list(dict.fromkeys(c.submission_id for c in changes))
    if not ids:
        return []
    with db.sessions.begin() as s:
        found = {row.id: dict(row._mapping) for row in s.execute(
            select(_SUBMISSION.c.id, *(_SUBMISSION.c[name] for name in _STATUS_COLUMNS))
            .where(_SUBMISSION.c.id.in_(ids)))}
        before = {i: dict(values) for i, values in found.items()}
        applied = [_apply(found.get(c.submission_id), c) for c in changes]
        settled = [i for i, ok in zip((c.submission_id for c in changes), applied, strict=True) if ok]
        if settled:
            # the answer to our POST may have been lost, but the feed proves the server has it
            s.execute(update(_OUTBOX).where(_OUTBOX.c.submission_id.in_(settled),
                                            _OUTBOX.c.state != OutboxState.DONE.value)
                      .values(state=OutboxState.DONE.value, sent_at=utcnow(), last_error=None))
        changed = [values for i, values in found.items() if values != before[i]]
        if changed:
            # a row purged meanwhile (retention, ``local_db.retention``) keeps its emptied columns: what was
            # read above may predate the purge (the read runs before this transaction takes the lock)
            s.execute(update(_SUBMISSION).where(_SUBMISSION.c.id == bindparam("b_id"),
                                                _SUBMISSION.c.purged_at.is_(None)).values(
                {name: bindparam(f"b_{name}", type_=_SUBMISSION.c[name].type) for name in _STATUS_COLUMNS}),
                [{"b_id": v["id"], **{f"b_{name}": v[name] for name in _STATUS_COLUMNS}} for v in changed])
        return applied


def _apply(sub: dict[str, Any] | None, change: StatusChange) -> bool:
    """Apply one change to a submission's status columns (in memory); False if it does not apply."""
    target = _FROM_CENTRAL.get(change.status)
    if sub is None or target is None:
        return False
    if change.receipt_number:
        sub["receipt_number"] = change.receipt_number
    sub["accepted_at"] = sub["accepted_at"] or change.at
    sub["last_error"] = None
    current = SubmissionState(sub["state"])
    if current in _FORWARD and _FORWARD.index(target) > _FORWARD.index(current):
        sub["state"] = target.value
        if target in (SubmissionState.RETURNED, SubmissionState.CLOSED):
            sub["answered_at"] = sub["answered_at"] or change.at  # the first answer (statistics, 反馈通知)
        if target is SubmissionState.RETURNED:
            sub["status_reason"] = change.reason
        elif target is SubmissionState.CLOSED:
            sub["status_reason"] = change.reason or sub["status_reason"]
            sub["closed_at"] = change.at
    return True


def in_state(db: Database, submission_ids: Sequence[str], state: SubmissionState) -> set[str]:
    """Those of ``submission_ids`` now in ``state`` (the feed asks which cases come back from review)."""
    if not submission_ids:
        return set()
    with db.sessions() as s:
        return set(s.scalars(select(_SUBMISSION.c.id).where(_SUBMISSION.c.id.in_(list(submission_ids)),
                                                            _SUBMISSION.c.state == state.value)))


def counts(db: Database) -> dict[str, int]:
    """Submissions per local state, for the status bar and ``queue list``."""
    with db.sessions() as s:
        rows = s.execute(select(Submission.state, func.count()).group_by(Submission.state)).all()
        return {str(state): int(n) for state, n in rows}
