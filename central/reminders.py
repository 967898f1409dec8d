"""催办 at the central system: reminders terminals send about their own cases, stored once by their id.

A reminder is the terminal's UUID; the same id with the same body again (the answer was lost and the
terminal sent it again) is answered as the first time and stored once; the same id with another body
is an idempotency conflict. A terminal may press only a case it sent (``central.sent_once``). The
central reviewers read them with ``central reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from central.models import ReminderRow, SubmissionRow
from central.sent_once import store_once
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
    row, case, created = store_once(
        store, ReminderRow, terminal_id=terminal_id, submission_id=submission_id, row_id=reminder_id, digest=digest,
        make=lambda received_at: ReminderRow(id=reminder_id, terminal_id=terminal_id, submission_id=submission_id,
                                             clerk_id=clerk_id, created_at=created_at, note=note,
                                             body_sha256=digest, received_at=received_at),
        conflict="该催办编号已被另一条催办使用。")
    return _record(row, case), created


def list_reminders(store: CentralStore, *, terminal_id: str | None = None) -> list[ReminderRecord]:
    """Every reminder (or one terminal's), in the order they arrived."""
    with store.reading() as session:
        query = (select(ReminderRow, SubmissionRow).join(SubmissionRow, SubmissionRow.id == ReminderRow.submission_id)
                 .order_by(ReminderRow.received_at, ReminderRow.id))
        if terminal_id is not None:
            query = query.where(ReminderRow.terminal_id == terminal_id)
        return [_record(row, case) for row, case in session.execute(query)]
