"""Sending the applicants' 好差评 to the central system: each rating once, by its id (``sync.sent_once``).

A refusal that is not worth repeating (the central system does not know the case, refused the body, or
holds another rating of it) is kept in the rating's ``last_error`` and it is not sent again.
"""

from __future__ import annotations

from local_db.database import Database
from local_db.ratings import RatingView, mark_rating_failed, mark_rating_sent, unsent_ratings
from protocol.models import RatingIn
from sync.client import CentralClient
from sync.sent_once import BATCH, OnceSender

#: how a refused rating's ``last_error`` starts (such a rating is not sent again)
REFUSED = "中心系统拒收此评价"


class RatingSender(OnceSender[RatingView]):
    def __init__(self, db: Database, client: CentralClient, *, batch: int = BATCH) -> None:
        def post(rating: RatingView) -> object:
            return client.post_rating(rating.submission_id, RatingIn(
                id=rating.id, clerk_id=rating.clerk_id, level=rating.level, reasons=list(rating.reasons),
                created_at=rating.created_at.isoformat()))

        super().__init__(
            "rating", REFUSED, post=post,
            unsent=lambda limit, refused: unsent_ratings(db, limit=limit, refused_prefix=refused),
            mark_sent=lambda rid: mark_rating_sent(db, rid),
            mark_failed=lambda rid, error: mark_rating_failed(db, rid, error=error), batch=batch)
