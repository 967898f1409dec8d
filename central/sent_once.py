"""Rows terminals send about their own cases (催办, 好差评), stored once by the terminal-made id.

The same id with the same body again (the answer was lost and the terminal sent it again) is answered
as the first time and stored once; the same id with another body is an idempotency conflict. A terminal
may send only about a case it sent (another terminal's case is "not found", so ids cannot be probed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.errors import IdempotencyConflict, NotFound
from central.models import RatingRow, ReminderRow, SubmissionRow
from central.store import CentralStore

__all__ = ["iso", "store_once"]

Row = TypeVar("Row", RatingRow, ReminderRow)


def store_once(store: CentralStore, model: type[Row], *, terminal_id: str, submission_id: str, row_id: str,
               digest: str, make: Callable[[str], Row], conflict: str,
               refuse: Callable[[Session, SubmissionRow], None] | None = None) -> tuple[Row, SubmissionRow, bool]:
    """Store ``make(received_at)`` once; the row, its case and whether it is new (False: a replay of the same
    body, ``digest`` being the canonical body's hash). ``conflict`` is the Chinese message of a reused id;
    ``refuse`` may refuse a new row for its case (raising) before it is written."""
    for _attempt in range(2):  # a racing insert of the same id loses on a unique key: read it then
        try:
            with store.writing() as session:
                case = session.get(SubmissionRow, submission_id)
                if case is None or case.terminal_id != terminal_id:
                    raise NotFound(f"no submission {submission_id} of terminal {terminal_id}")
                existing = session.get(model, row_id)
                if existing is not None:
                    if existing.body_sha256 != digest or existing.terminal_id != terminal_id:
                        raise IdempotencyConflict(f"{model.__tablename__} {row_id} was sent with another body",
                                                  user_message=conflict)
                    return existing, case, False
                if refuse is not None:
                    refuse(session, case)
                row = make(iso(store.now()))
                session.add(row)
                session.flush()
                return row, case, True
        except IntegrityError:
            continue
    raise IdempotencyConflict(f"{model.__tablename__} {row_id} could not be stored")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")
