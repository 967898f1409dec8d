"""The acknowledged outbox the sender works through, and what the central system says afterwards.

A row is claimed (in flight) before it is sent and settled after the answer.
A row found in flight on start-up belongs to a sender that died mid-send; it
goes back to pending, and the server's idempotency on the submission id makes
resending it harmless. The request body is fixed when the row is made (canonical
JSON in the row), so a resend after an upgrade or a crash is byte-identical and
never trips the server's "same id, other body" conflict.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from local_db.database import Database
from local_db.models import Attachment, OutboxEntry, OutboxState, Submission, SubmissionState, utcnow

#: central statuses and the local state each one leads to
_FROM_CENTRAL = {
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
    body: dict[str, Any]
    #: attachments the central system has not yet confirmed holding, to upload before the body
    uploads: tuple[BlobToSend, ...] = ()


def canonical(body: dict[str, Any]) -> str:
    """The one JSON text of a body: what the server hashes to recognise a repeat."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def build_body(sub: Submission) -> dict[str, Any]:
    """The request body of a submission, from its stored columns (docs/sync-protocol.md)."""
    body: dict[str, Any] = {
        "id": sub.id,
        "item_code": sub.item_code,
        "version": sub.form_version,
        "terminal_id": sub.terminal_id,
        "clerk_id": sub.clerk_id,
        "created_at": sub.created_at.isoformat(),
        "payload": sub.payload,
        "case_id": sub.case_id or sub.id,
        "case_version": sub.case_version,
        "attachments": [
            {"material_key": a.material_key, "sha256": a.sha256, "size": a.size, "media_type": a.media_type,
             "pages": a.pages}
            for a in sorted(sub.attachments, key=lambda a: a.id or 0) if a.material_key not in LOCAL_ONLY_MATERIALS
        ],
    }
    if sub.counter_receipt_no:
        body["counter_receipt_no"] = sub.counter_receipt_no
    if sub.approved_by:
        body["payload"] = {**sub.payload, "_approved_by": sub.approved_by}
    return body


def _legacy_body(sub: Submission) -> dict[str, Any]:
    """The body as releases before the stored body built it, for rows queued by them."""
    return {
        "id": sub.id,
        "item_code": sub.item_code,
        "version": sub.version,
        "terminal_id": sub.terminal_id,
        "clerk_id": sub.clerk_id,
        "created_at": sub.created_at.isoformat(),
        "payload": sub.payload,
    }


def enqueue(s: Session, sub: Submission) -> None:
    """Give a queued submission its outbox row with the body fixed now (inside the caller's transaction)."""
    s.flush()  # attachments get their ids, so their order in the body is the order they were added
    s.add(OutboxEntry(submission_id=sub.id, state=OutboxState.PENDING.value, body=canonical(build_body(sub))))


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
    now = now or utcnow()
    items: list[OutboxItem] = []
    with db.sessions.begin() as s:
        _mark_uploaded(s, uploaded)
        for entry, sub, uploads in _due(s, limit=limit, max_upload_bytes=max_upload_bytes, now=now):
            entry.state = OutboxState.IN_FLIGHT.value
            entry.attempts += 1
            sub.state = SubmissionState.SENDING.value
            body = json.loads(entry.body) if entry.body else _legacy_body(sub)
            items.append(OutboxItem(submission_id=sub.id, attempts=entry.attempts, body=body, uploads=uploads))
    return items


def upcoming_uploads(db: Database, *, limit: int, max_upload_bytes: int | None = None,
                     now: datetime | None = None) -> list[BlobToSend]:
    """The scans the next ``claim_batch`` would have to upload, without claiming anything.

    The sender uploads them while the batch before is still being posted; blobs are named by their
    hash and the server keeps each once, so uploading one early (or twice) is harmless.
    """
    with db.sessions() as s:
        found = _due(s, limit=limit, max_upload_bytes=max_upload_bytes, now=now or utcnow())
        return list({u.sha256: u for _e, _s, uploads in found for u in uploads}.values())


def _due(s: Session, *, limit: int, max_upload_bytes: int | None,
         now: datetime) -> list[tuple[OutboxEntry, Submission, tuple[BlobToSend, ...]]]:
    """The oldest due rows with their submissions and what they still have to upload.

    ``max_upload_bytes`` bounds the sum of the uploads (the first row is always taken). Three queries
    whatever the batch size: a backlog of thousands drains in batches, and per-row round trips into
    SQLCipher were most of its cost.
    """
    entries = s.scalars(
        select(OutboxEntry)
        .where(OutboxEntry.state == OutboxState.PENDING.value, OutboxEntry.next_attempt_at <= now)
        .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
        .limit(limit)
    ).all()
    subs = _submissions(s, [e.submission_id for e in entries], with_attachments=True)
    budget = max_upload_bytes
    found: list[tuple[OutboxEntry, Submission, tuple[BlobToSend, ...]]] = []
    for entry in entries:
        sub = subs[entry.submission_id]
        uploads = tuple(BlobToSend(a.sha256, a.size, a.media_type)
                        for a in sorted(sub.attachments, key=lambda a: a.id or 0)
                        if a.uploaded_at is None and a.material_key not in LOCAL_ONLY_MATERIALS)
        size = sum(u.size for u in uploads)
        if found and budget is not None and size > budget:
            break
        if budget is not None:
            budget -= size
        found.append((entry, sub, uploads))
    return found


def _submissions(s: Session, ids: Iterable[str], *, with_attachments: bool = False) -> dict[str, Submission]:
    """The submissions with these ids, by id, in one query (ids that are not ours are left out)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    query = select(Submission).where(Submission.id.in_(wanted))
    if with_attachments:
        query = query.options(selectinload(Submission.attachments))
    return {sub.id: sub for sub in s.scalars(query)}


def _entries(s: Session, ids: Iterable[str]) -> dict[str, OutboxEntry]:
    """The outbox rows of these submissions, by submission id, in one query."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {e.submission_id: e for e in s.scalars(select(OutboxEntry).where(OutboxEntry.submission_id.in_(wanted)))}


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
        s.execute(update(Attachment).where(Attachment.sha256.in_(wanted), Attachment.uploaded_at.is_(None))
                  .values(uploaded_at=utcnow()))


def forget_uploads(db: Database, submission_id: str) -> None:
    """The central system says it lacks this submission's blobs after all: upload them again."""
    with db.sessions.begin() as s:
        s.execute(update(Attachment).where(Attachment.submission_id == submission_id).values(uploaded_at=None))


def _accept(entry: OutboxEntry | None, sub: Submission, receipt_number: str, accepted_at: datetime) -> None:
    if entry is not None:
        entry.state = OutboxState.DONE.value
        entry.sent_at = utcnow()
        entry.last_error = None
    if sub.state in (SubmissionState.SENDING.value, SubmissionState.QUEUED.value):
        sub.state = SubmissionState.ACCEPTED.value  # the feed may already have moved it further
    sub.receipt_number = receipt_number
    sub.accepted_at = sub.accepted_at or accepted_at
    sub.last_error = None


def _retry(entry: OutboxEntry | None, sub: Submission, error: str, delay: timedelta) -> None:
    if entry is not None:
        entry.state = OutboxState.PENDING.value
        entry.next_attempt_at = utcnow() + delay
        entry.last_error = error
    sub.state = SubmissionState.QUEUED.value
    sub.last_error = error


def _fail(entry: OutboxEntry | None, sub: Submission, error: str) -> None:
    if entry is not None:
        entry.state = OutboxState.FAILED.value
        entry.last_error = error
    sub.state = SubmissionState.QUEUED.value
    sub.last_error = error


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


def settle(db: Database, outcome: Settlement) -> None:
    """Write how the rows ended in one transaction, reading them with two queries."""
    ids = ([i for i, _, _ in outcome.accepted] + [i for i, _, _ in outcome.retry]
           + [i for i, _ in outcome.failed])
    with db.sessions.begin() as s:
        _mark_uploaded(s, outcome.uploaded)
        if outcome.reupload:  # after the marks: the central system's word on what it lacks wins
            s.execute(update(Attachment).where(Attachment.submission_id.in_(outcome.reupload))
                      .values(uploaded_at=None))
        subs = _submissions(s, ids)
        entries = _entries(s, ids)
        for submission_id, receipt, at in outcome.accepted:
            _accept(entries.get(submission_id), _ours(subs, submission_id), receipt, at)
        for submission_id, error, delay in outcome.retry:
            _retry(entries.get(submission_id), _ours(subs, submission_id), error, delay)
        for submission_id, error in outcome.failed:
            _fail(entries.get(submission_id), _ours(subs, submission_id), error)


def _ours(subs: dict[str, Submission], submission_id: str) -> Submission:
    try:
        return subs[submission_id]
    except KeyError:
        raise LookupError(f"no local submission {submission_id}") from None


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


def apply_statuses(db: Database, changes: Sequence[StatusChange]) -> list[bool]:
    """Record statuses the central system reports, in one transaction; per change whether it applied
    (False when the submission is not ours or the status not known).

    Statuses only move forward (accepted → returned | approved); a repeat of an event already applied
    changes nothing, so replaying the feed after a crash is harmless. Changes apply in order, so a
    page of the feed that holds "accepted" and then "returned" for one submission ends "returned".
    """
    with db.sessions.begin() as s:
        subs = _submissions(s, [c.submission_id for c in changes])
        entries = _entries(s, subs)
        return [_apply(subs.get(c.submission_id), entries.get(c.submission_id), c) for c in changes]


_FORWARD = [SubmissionState.QUEUED, SubmissionState.SENDING, SubmissionState.ACCEPTED,
            SubmissionState.RETURNED, SubmissionState.CLOSED]


def _apply(sub: Submission | None, entry: OutboxEntry | None, change: StatusChange) -> bool:
    target = _FROM_CENTRAL.get(change.status)
    if sub is None or target is None:
        return False
    if entry is not None and entry.state != OutboxState.DONE.value:
        # the answer to our POST was lost but the feed proves the server has it: settle the row
        entry.state = OutboxState.DONE.value
        entry.sent_at = utcnow()
        entry.last_error = None
    if change.receipt_number:
        sub.receipt_number = change.receipt_number
    sub.accepted_at = sub.accepted_at or change.at
    sub.last_error = None
    current = SubmissionState(sub.state)
    if current in _FORWARD and _FORWARD.index(target) > _FORWARD.index(current):
        sub.state = target.value
        if target is SubmissionState.RETURNED:
            sub.status_reason = change.reason
        elif target is SubmissionState.CLOSED:
            sub.status_reason = change.reason or sub.status_reason
            sub.closed_at = change.at
    return True


def counts(db: Database) -> dict[str, int]:
    """Submissions per local state, for the status bar and ``queue list``."""
    with db.sessions() as s:
        rows = s.execute(select(Submission.state, func.count()).group_by(Submission.state)).all()
        return {str(state): int(n) for state, n in rows}
