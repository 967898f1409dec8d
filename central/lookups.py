"""The central side's record of lookups (issue 20): who looked up whom, from which terminal, when and why.

Every lookup is stored once under the terminal-made id, in the same transaction that reads the registry for
it. The same id again (the answer was lost and the terminal asked again) is answered afresh and stored
once, keeping the time it first arrived; the same id for another subject, kind or terminal is an
idempotency conflict (409): an id names one lookup. The office reads them with ``central lookups``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.errors import IdempotencyConflict
from central.models import LookupRow
from central.sent_once import iso
from central.store import CentralStore
from protocol.lookup import LookupReasonIn

__all__ = ["LookupRecord", "list_lookups", "record_lookup"]

Answer = TypeVar("Answer")


@dataclass(frozen=True)
class LookupRecord:
    id: str
    terminal_id: str
    clerk_id: str
    subject_kind: str
    subject: str
    reason_kind: str
    reason_note: str | None
    item_code: str | None
    found: bool
    created_at: str
    received_at: str


def _record(row: LookupRow) -> LookupRecord:
    return LookupRecord(row.id, row.terminal_id, row.clerk_id, row.subject_kind, row.subject, row.reason_kind,
                        row.reason_note, row.item_code, row.found, row.created_at, row.received_at)


def record_lookup(store: CentralStore, *, lookup_id: str, terminal_id: str, clerk_id: str, subject_kind: str,
                  subject: str, reason: LookupReasonIn, created_at: str,
                  read: Callable[[Session, str], tuple[Answer, bool]]) -> tuple[Answer, LookupRecord]:
    """Read the registry (``read(session, received_at)`` gives the answer and whether it found anything) and
    record the lookup, once; a replay of the same lookup is read again and answered with its first time."""
    for _attempt in range(2):  # a racing insert of the same id loses on the primary key: read it then
        try:
            with store.writing() as session:
                existing = session.get(LookupRow, lookup_id)
                if existing is not None:
                    if (existing.terminal_id, existing.subject_kind, existing.subject) != \
                            (terminal_id, subject_kind, subject):
                        raise IdempotencyConflict(f"lookup {lookup_id} was made for another subject",
                                                  user_message="该查询编号已被另一次查询使用。",
                                                  hint="请重新查询（将使用新的查询编号）。")
                    answer, _found = read(session, existing.received_at)
                    return answer, _record(existing)
                received_at = iso(store.now())
                answer, found = read(session, received_at)
                row = LookupRow(id=lookup_id, terminal_id=terminal_id, clerk_id=clerk_id, subject_kind=subject_kind,
                                subject=subject, reason_kind=reason.kind, reason_note=reason.note,
                                item_code=reason.item_code, found=found, created_at=created_at,
                                received_at=received_at)
                session.add(row)
                session.flush()
                return answer, _record(row)
        except IntegrityError:
            continue
    raise IdempotencyConflict(f"lookup {lookup_id} could not be stored")


def list_lookups(store: CentralStore, *, terminal_id: str | None = None) -> list[LookupRecord]:
    """Every lookup (or one terminal's), in the order they arrived."""
    with store.reading() as session:
        query = select(LookupRow).order_by(LookupRow.received_at, LookupRow.id)
        if terminal_id is not None:
            query = query.where(LookupRow.terminal_id == terminal_id)
        return [_record(row) for row in session.scalars(query)]
