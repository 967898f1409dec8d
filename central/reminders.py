"""催办 at the central system: reminders terminals send about their own cases, stored once by their id.

A reminder is the terminal's UUID; the same id with the same body again (the answer was lost and the
terminal sent it again) is answered as the first time and stored once; the same id with another body
is an idempotency conflict. A terminal may press only a case it sent. The central reviewers read them
with ``central reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from central.errors import IdempotencyConflict, NotFound
from central.models import ReminderRow, SubmissionRow
from central.store import CentralStore
from protocol.canonical import canonical_sha256

__all__ = ["ReminderRecord", "list_reminders", "record_reminder"]


@dataclass(frozen=True)
class ReminderRecord:
    """A stored reminder, with its case's receipt number and current status (what the reviewer needs)."""

    id: str
    terminal_id: str
    submission_id: str
    receipt_number: str
    case_status: str
    clerk_id: str
    created_at: str
    received_at: str
    note: str | None


def _record(row: ReminderRow, case: SubmissionRow) -> ReminderRecord:
    return ReminderRecord(row.id, row.terminal_id, row.submission_id, case.receipt_number, case.status,
                          row.clerk_id, row.created_at, row.received_at, row.note)


def record_reminder(store: CentralStore, *, terminal_id: str, submission_id: str, reminder_id: str, clerk_id: str,
                    created_at: str, note: str | None) -> tuple[ReminderRecord, bool]:
    """Store the reminder (once); the record and whether it is new (False: a replay of the same body)."""
    digest = canonical_sha256({"submission_id": submission_id, "id": reminder_id, "clerk_id": clerk_id,
                               "created_at": created_at, "note": note})
    for _attempt in range(2):  # a racing insert of the same id loses on the primary key: read it then
        try:
            with store.writing() as session:
                case = session.get(SubmissionRow, submission_id)
                if case is None or case.terminal_id != terminal_id:
                    raise NotFound(f"no submission {submission_id} of terminal {terminal_id}")
                existing = session.get(ReminderRow, reminder_id)
                if existing is not None:
                    if existing.body_sha256 != digest or existing.terminal_id != terminal_id:
                        raise IdempotencyConflict(f"reminder {reminder_id} was sent with another body",
                                                  user_message="该催办编号已被另一条催办使用。")
                    return _record(existing, case), False
                row = ReminderRow(id=reminder_id, terminal_id=terminal_id, submission_id=submission_id,
                                  clerk_id=clerk_id, created_at=created_at, note=note, body_sha256=digest,
                                  received_at=_iso(store.now()))
                session.add(row)
                session.flush()
                return _record(row, case), True
        except IntegrityError:
            continue
    raise IdempotencyConflict(f"reminder {reminder_id} could not be stored")


def list_reminders(store: CentralStore, *, terminal_id: str | None = None) -> list[ReminderRecord]:
    """Every reminder (or one terminal's), in the order they arrived."""
    with store.reading() as session:
        query = (select(ReminderRow, SubmissionRow).join(SubmissionRow, SubmissionRow.id == ReminderRow.submission_id)
                 .order_by(ReminderRow.received_at, ReminderRow.id))
        if terminal_id is not None:
            query = query.where(ReminderRow.terminal_id == terminal_id)
        return [_record(row, case) for row, case in session.execute(query)]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
