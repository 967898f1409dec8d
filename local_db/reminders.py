"""催办: reminders clerks record on cases pending at the central system, and their sending.

A reminder is written once with its own UUID, which is also the idempotency key at the central
system: the sync sends every reminder without ``sent_at``, and marks it sent only when the central
system answered. A reminder sent whose answer was lost goes again with the same id and is taken once
(``local_db.sent_once``, shared with the 好差评 ratings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.database import Database
from local_db.models import CaseReminder, Submission, utcnow
from local_db.sent_once import add_once, mark_failed, mark_sent, unsent

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
    return add_once(db, submission_id,
                    lambda new_id: CaseReminder(id=new_id, submission_id=submission_id, clerk_id=clerk_id,
                                                created_at=now or utcnow(), note=note or None),
                    check=lambda _s, sub: check(sub), view=lambda row, sub: _view(row, sub.receipt_number),
                    audit=audit)


def reminders_of(db: Database, submission_id: str) -> list[ReminderView]:
    """A case's reminders, oldest first."""
    with db.sessions() as s:
        rows = s.scalars(select(CaseReminder).where(CaseReminder.submission_id == submission_id)
                         .order_by(CaseReminder.created_at, CaseReminder.id))
        return [_view(row) for row in rows]


def unsent_reminders(db: Database, *, limit: int = 50, refused_prefix: str | None = None) -> list[ReminderView]:
    """Reminders not yet answered by the central system, oldest first, with their case's central number;
    without those whose ``last_error`` starts with ``refused_prefix`` (refused for good)."""
    return [_view(row, number) for row, number in unsent(db, CaseReminder, limit=limit, refused_prefix=refused_prefix)]


def mark_reminder_sent(db: Database, reminder_id: str, *, at: datetime | None = None) -> None:
    mark_sent(db, CaseReminder, reminder_id, at=at)


def mark_reminder_failed(db: Database, reminder_id: str, *, error: str) -> None:
    """The central system refused it or could not be reached: it stays unsent, with why."""
    mark_failed(db, CaseReminder, reminder_id, error=error)
