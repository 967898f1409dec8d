"""Rows a clerk records on a case that go to the central system once, by their own UUID.

A 催办 (``case_reminder``) and a 好差评 (``case_rating``) are written once with a client-made UUID, which
is also the idempotency key at the central system. The sync reads the rows without ``sent_at`` (with their
case's central number), and marks a row sent only when the central system answered; a row whose answer
was lost goes again with the same id and is taken once. A refusal not worth repeating is kept in
``last_error`` under a prefix the sender chooses, and such a row is not read for sending again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from local_db.database import Database
from local_db.models import CaseRating, CaseReminder, Submission, utcnow

__all__ = ["add_once", "mark_failed", "mark_sent", "unsent"]

#: the tables of rows sent once (each has ``id``, ``submission_id``, ``created_at``, ``sent_at``, ``last_error``)
Row = TypeVar("Row", CaseReminder, CaseRating)
View = TypeVar("View")


def add_once(db: Database, submission_id: str, make: Callable[[str], Row], *,
             check: Callable[[Session, Submission], None], view: Callable[[Row, Submission], View],
             audit: Callable[[Session, View], object]) -> View:
    """Write the row ``make(new_uuid)`` on a case, in one transaction with ``check`` (raises to refuse, reading
    the case as it is now) and ``audit`` (the trail entry). ``LookupError`` when there is no such case."""
    with db.sessions.begin() as s:
        sub = s.get(Submission, submission_id)
        if sub is None:
            raise LookupError(submission_id)
        check(s, sub)
        row = make(str(uuid.uuid4()))
        s.add(row)
        s.flush()
        made = view(row, sub)
        audit(s, made)
        return made


def unsent(db: Database, model: type[Row], *, limit: int, refused_prefix: str | None = None,
           received_only: bool = False) -> list[tuple[Row, str | None]]:
    """Rows not yet answered by the central system, oldest first, each with its case's central number;
    without those whose ``last_error`` starts with ``refused_prefix`` (refused for good), and with
    ``received_only`` without those whose case the central system has not yet taken (no central number)."""
    with db.sessions() as s:
        query = (select(model, Submission.receipt_number)
                 .join(Submission, Submission.id == model.submission_id)
                 .where(model.sent_at.is_(None))
                 .order_by(model.created_at, model.id).limit(limit))
        if refused_prefix is not None:
            query = query.where(or_(model.last_error.is_(None), model.last_error.not_like(refused_prefix + "%")))
        if received_only:
            query = query.where(Submission.receipt_number.is_not(None))
        return [(row, number) for row, number in s.execute(query)]


def mark_sent(db: Database, model: type[Row], row_id: str, *, at: datetime | None = None) -> None:
    with db.sessions.begin() as s:
        s.execute(update(model).where(model.id == row_id).values(sent_at=at or utcnow(), last_error=None))


def mark_failed(db: Database, model: type[Row], row_id: str, *, error: str) -> None:
    """The central system refused it or could not be reached: it stays unsent, with why."""
    with db.sessions.begin() as s:
        s.execute(update(model).where(model.id == row_id).values(last_error=error[:500]))
