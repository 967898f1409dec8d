"""好差评: the applicant's rating of a handled case, stored with the case and sent once.

One rating per submission (``case_rating.submission_id`` is unique): the applicant rates the service of
the case they were just given, once. The row holds the level, the reason codes of a poor rating and the
staff number of the clerk whose session recorded it, never a name or an ID number: it is the case's, not
the person's. Written with its own UUID, the idempotency key at the central system, and sent by the sync
like a 催办 (``local_db.sent_once``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import StateError
from local_db.database import Database
from local_db.models import CaseRating, Submission, utcnow
from local_db.sent_once import add_once, mark_failed, mark_sent, unsent

__all__ = ["AlreadyRated", "RatingView", "add_rating", "mark_rating_failed", "mark_rating_sent", "rating_of",
           "unsent_ratings"]


@dataclass(frozen=True)
class RatingView:
    """One rating as stored; ``receipt_number`` is the central system's number of its case (when known)."""

    id: str
    submission_id: str
    clerk_id: str
    level: int
    reasons: tuple[str, ...]
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None
    receipt_number: str | None = None


class AlreadyRated(StateError):
    """The case has its rating already: an applicant rates a handled case once."""

    def __init__(self, submission_id: str) -> None:
        super().__init__(f"submission {submission_id} is already rated",
                         user_message="该业务已经评价过，不能重复评价。",
                         hint="每笔业务只能评价一次；如申请人另有意见，请按投诉渠道登记。")


def _view(row: CaseRating, receipt_number: str | None = None) -> RatingView:
    return RatingView(row.id, row.submission_id, row.clerk_id, row.level, tuple(row.reasons), row.created_at,
                      row.sent_at, row.last_error, receipt_number)


def add_rating(db: Database, *, submission_id: str, clerk_id: str, level: int, reasons: tuple[str, ...],
               check: Callable[[Submission], None], audit: Callable[[Session, RatingView], object],
               now: datetime | None = None) -> RatingView:
    """Record the case's rating; ``check`` refuses it (raises) for a case in the wrong state, read in the same
    transaction as the write, and ``audit`` writes its trail entry there too. ``AlreadyRated`` for a case
    rated before (also when two windows race: the unique index decides)."""

    def refuse_rated(s: Session, sub: Submission) -> None:
        check(sub)
        if s.scalar(select(CaseRating.id).where(CaseRating.submission_id == sub.id)) is not None:
            raise AlreadyRated(sub.id)

    try:
        return add_once(db, submission_id,
                        lambda new_id: CaseRating(id=new_id, submission_id=submission_id, clerk_id=clerk_id,
                                                  level=level, reasons=list(reasons), created_at=now or utcnow()),
                        check=refuse_rated, view=lambda row, sub: _view(row, sub.receipt_number), audit=audit)
    except IntegrityError:
        raise AlreadyRated(submission_id) from None


def rating_of(db: Database, submission_id: str) -> RatingView | None:
    """A case's rating, or None while it has none."""
    with db.sessions() as s:
        row = s.scalar(select(CaseRating).where(CaseRating.submission_id == submission_id))
        return None if row is None else _view(row)


def unsent_ratings(db: Database, *, limit: int = 50, refused_prefix: str | None = None) -> list[RatingView]:
    """Ratings to send, oldest first, with their case's central number: not yet answered by the central
    system, not refused for good (``last_error`` starting with ``refused_prefix``), and of a case the
    central system has taken. The applicant rates right after acceptance, usually before the case has
    gone: sent earlier the rating would be refused (404) for good; it waits for its case instead."""
    return [_view(row, number) for row, number in unsent(db, CaseRating, limit=limit, refused_prefix=refused_prefix,
                                                         received_only=True)]


def mark_rating_sent(db: Database, rating_id: str, *, at: datetime | None = None) -> None:
    mark_sent(db, CaseRating, rating_id, at=at)


def mark_rating_failed(db: Database, rating_id: str, *, error: str) -> None:
    """The central system refused it or could not be reached: it stays unsent, with why."""
    mark_failed(db, CaseRating, rating_id, error=error)
