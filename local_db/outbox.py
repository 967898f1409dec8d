"""The acknowledged outbox the sender works through.

A row is claimed (in flight) before it is sent and settled after the answer.
A row found in flight on start-up belongs to a sender that died mid-send; it
goes back to pending, and the server's idempotency on the submission id makes
resending it harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from local_db.database import Database
from local_db.models import OutboxEntry, OutboxState, Submission, SubmissionState, utcnow


@dataclass(frozen=True)
class OutboxItem:
    submission_id: str
    attempts: int
    body: dict[str, Any]


def _body(sub: Submission) -> dict[str, Any]:
    """The request body, built only from stored columns so every resend is byte-identical."""
    return {
        "id": sub.id,
        "item_code": sub.item_code,
        "version": sub.version,
        "terminal_id": sub.terminal_id,
        "clerk_id": sub.clerk_id,
        "created_at": sub.created_at.isoformat(),
        "payload": sub.payload,
    }


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
    now = now or utcnow()
    with db.sessions.begin() as s:
        entry = s.scalar(
            select(OutboxEntry)
            .where(OutboxEntry.state == OutboxState.PENDING.value, OutboxEntry.next_attempt_at <= now)
            .order_by(OutboxEntry.next_attempt_at, OutboxEntry.id)
            .limit(1)
        )
        if entry is None:
            return None
        sub = s.get_one(Submission, entry.submission_id)
        entry.state = OutboxState.IN_FLIGHT.value
        entry.attempts += 1
        sub.state = SubmissionState.SENDING.value
        return OutboxItem(submission_id=sub.id, attempts=entry.attempts, body=_body(sub))


def next_due(db: Database) -> datetime | None:
    """When the earliest pending row may be tried, so the sender knows how long to sleep."""
    with db.sessions() as s:
        return s.scalar(
            select(OutboxEntry.next_attempt_at)
            .where(OutboxEntry.state == OutboxState.PENDING.value)
            .order_by(OutboxEntry.next_attempt_at)
            .limit(1)
        )


def mark_accepted(db: Database, submission_id: str, *, receipt_number: str, accepted_at: datetime) -> None:
    with db.sessions.begin() as s:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.submission_id == submission_id))
        sub = s.get_one(Submission, submission_id)
        if entry is not None:
            entry.state = OutboxState.DONE.value
            entry.sent_at = utcnow()
            entry.last_error = None
        sub.state = SubmissionState.ACCEPTED.value
        sub.receipt_number = receipt_number
        sub.accepted_at = accepted_at
        sub.last_error = None


def mark_retry(db: Database, submission_id: str, *, error: str, delay: timedelta) -> None:
    """The attempt failed for a reason that may pass (network, server busy): try again later."""
    with db.sessions.begin() as s:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.submission_id == submission_id))
        sub = s.get_one(Submission, submission_id)
        if entry is not None:
            entry.state = OutboxState.PENDING.value
            entry.next_attempt_at = utcnow() + delay
            entry.last_error = error
        sub.state = SubmissionState.QUEUED.value
        sub.last_error = error


def mark_failed(db: Database, submission_id: str, *, error: str) -> None:
    """The central system refused the request itself; keep it queued for a person to look at."""
    with db.sessions.begin() as s:
        entry = s.scalar(select(OutboxEntry).where(OutboxEntry.submission_id == submission_id))
        sub = s.get_one(Submission, submission_id)
        if entry is not None:
            entry.state = OutboxState.FAILED.value
            entry.last_error = error
        sub.state = SubmissionState.QUEUED.value
        sub.last_error = error
