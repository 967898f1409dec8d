"""好差评 at the central system: the ratings terminals send of their own cases, one per case, stored once.

A rating is the terminal's UUID; the same id with the same body again (the answer was lost and the
terminal sent it again) is answered as the first time and stored once; the same id with another body,
or another rating of a case already rated, is a conflict (409): an applicant rates a case once. A
terminal may rate only a case it sent (``central.sent_once``). The body is checked with
``protocol.ratings.check_rating`` (``protocol.models.RatingIn``). The office reads them with
``central ratings``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.errors import IdempotencyConflict
from central.models import RatingRow, SubmissionRow
from central.sent_once import store_once
from central.store import CentralStore
from protocol.canonical import canonical_sha256

__all__ = ["RatingRecord", "list_ratings", "record_rating"]


@dataclass(frozen=True)
class RatingRecord:
    """A stored rating with its case's receipt number and item (what the office's statistics group by)."""

    id: str
    terminal_id: str
    submission_id: str
    receipt_number: str
    item_code: str
    clerk_id: str
    level: int
    reasons: list[str]
    created_at: str
    received_at: str


def _record(row: RatingRow, case: SubmissionRow) -> RatingRecord:
    return RatingRecord(row.id, row.terminal_id, row.submission_id, case.receipt_number, case.item_code,
                        row.clerk_id, row.level, list(row.reasons), row.created_at, row.received_at)


def record_rating(store: CentralStore, *, terminal_id: str, submission_id: str, rating_id: str, clerk_id: str,
                  level: int, reasons: list[str], created_at: str) -> tuple[RatingRecord, bool]:
    """Store the rating (once); the record and whether it is new (False: a replay of the same body)."""
    digest = canonical_sha256({"submission_id": submission_id, "id": rating_id, "clerk_id": clerk_id,
                               "level": level, "reasons": reasons, "created_at": created_at})

    def one_per_case(session: Session, case: SubmissionRow) -> None:
        if session.scalar(select(RatingRow.id).where(RatingRow.submission_id == case.id)) is not None:
            raise IdempotencyConflict(f"submission {case.id} is already rated",
                                      user_message="该业务已有评价，不能再次评价。")

    row, case, created = store_once(
        store, RatingRow, terminal_id=terminal_id, submission_id=submission_id, row_id=rating_id, digest=digest,
        make=lambda received_at: RatingRow(id=rating_id, terminal_id=terminal_id, submission_id=submission_id,
                                           clerk_id=clerk_id, level=level, reasons=list(reasons),
                                           created_at=created_at, body_sha256=digest, received_at=received_at),
        conflict="该评价编号已被另一条评价使用。", refuse=one_per_case)
    return _record(row, case), created


def list_ratings(store: CentralStore, *, terminal_id: str | None = None) -> list[RatingRecord]:
    """Every rating (or one terminal's), in the order they arrived."""
    with store.reading() as session:
        query = (select(RatingRow, SubmissionRow).join(SubmissionRow, SubmissionRow.id == RatingRow.submission_id)
                 .order_by(RatingRow.received_at, RatingRow.id))
        if terminal_id is not None:
            query = query.where(RatingRow.terminal_id == terminal_id)
        return [_record(row, case) for row, case in session.execute(query)]
