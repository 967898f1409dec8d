"""催办: reminders clerks record on cases pending at the central system, and their sending.

A reminder is written once with its own UUID, which is also the idempotency key at the central
system: the sync sends every reminder without ``sent_at``, and marks it sent only when the central
system answered. A reminder sent whose answer was lost goes again with the same id and is taken once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from local_db.database import Database
from local_db.models import CaseReminder, Submission, utcnow

__all__ = ["ReminderView", "add_reminder", "mark_reminder_failed", "mark_reminder_sent", "reminders_of",
           "unsent_reminders"]


@dataclass(frozen=True)
class ReminderView:
    """One reminder as stored; ``receipt_number`` is the central system's number of its case (when known)."""

    id: str
    submission_id: str
    clerk_id: str
    created_at: datetime
    note: str | None
    sent_at: datetime | None
    last_error: str | None
    receipt_number: str | None = None


def _view(row: CaseReminder, receipt_number: str | None = None) -> ReminderView:
    return ReminderView(row.id, row.submission_id, row.clerk_id, row.created_at, row.note, row.sent_at,
                        row.last_error, receipt_number)


def add_reminder(db: Database, *, submission_id: str, clerk_id: str, note: str | None,
                 check: Callable[[Submission], None], audit: Callable[[Session, ReminderView], object],
                 now: datetime | None = None) -> ReminderView:
    """Record a reminder; ``check`` refuses it (raises) for a case in the wrong state, read in the same
    transaction as the write, and ``audit`` writes its trail entry there too."""
    with db.sessions.begin() as s:
        sub = s.get(Submission, submission_id)
        if sub is None:
            raise LookupError(submission_id)
        check(sub)
        row = CaseReminder(id=str(uuid.uuid4()), submission_id=submission_id, clerk_id=clerk_id,
                           created_at=now or utcnow(), note=note or None)
        s.add(row)
        s.flush()
        view = _view(row, sub.receipt_number)
        audit(s, view)
        return view


def reminders_of(db: Database, submission_id: str) -> list[ReminderView]:
    """A case's reminders, oldest first."""
    with db.sessions() as s:
        rows = s.scalars(select(CaseReminder).where(CaseReminder.submission_id == submission_id)
                         .order_by(CaseReminder.created_at, CaseReminder.id))
        return [_view(row) for row in rows]


def unsent_reminders(db: Database, *, limit: int = 50, refused_prefix: str | None = None) -> list[ReminderView]:
    """Reminders not yet answered by the central system, oldest first, with their case's central number;
    without those whose ``last_error`` starts with ``refused_prefix`` (refused for good)."""
    with db.sessions() as s:
        query = (select(CaseReminder, Submission.receipt_number)
                 .join(Submission, Submission.id == CaseReminder.submission_id)
                 .where(CaseReminder.sent_at.is_(None))
                 .order_by(CaseReminder.created_at, CaseReminder.id).limit(limit))
        if refused_prefix is not None:
            query = query.where(or_(CaseReminder.last_error.is_(None),
                                    CaseReminder.last_error.not_like(refused_prefix + "%")))
        rows = s.execute(query)
        return [_view(row, number) for row, number in rows]


def mark_reminder_sent(db: Database, reminder_id: str, *, at: datetime | None = None) -> None:
    with db.sessions.begin() as s:
        s.execute(update(CaseReminder).where(CaseReminder.id == reminder_id)
                  .values(sent_at=at or utcnow(), last_error=None))


def mark_reminder_failed(db: Database, reminder_id: str, *, error: str) -> None:
    """The central system refused it or could not be reached: it stays unsent, with why."""
    with db.sessions.begin() as s:
        s.execute(update(CaseReminder).where(CaseReminder.id == reminder_id).values(last_error=error[:500]))
