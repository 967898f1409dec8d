"""好差评: the applicant rates the service of a case just accepted at the window.

The rating is the case's, not the person's (国办发〔2019〕51号 rates each handled case): it is kept here
(``case_rating``) with the level, the reason codes of a poor rating and the staff number of the clerk whose
session recorded it, never a name or an ID number; it goes on the audit trail and to the central system with
the next sync (``sync.ratings``); offline it waits. The statistics count it in the period the case was
accepted (``local_db.reports``). The applicant chooses on the customer screen's panel; the window calls
``rate_case`` with what was chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import StateError, ValidationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.models import Submission, SubmissionState
from local_db.ratings import AlreadyRated, RatingView, add_rating, rating_of
from protocol.ratings import RatingLevel, check_rating

__all__ = ["AlreadyRated", "RatingView", "case_rating", "may_rate", "rate_case"]


def may_rate(state: SubmissionState) -> bool:
    """Whether a case in ``state`` was accepted at the counter and so can be rated (not a draft)."""
    return state is not SubmissionState.DRAFT


def rate_case(terminal: Terminal, clerk: ClerkInfo, submission_id: str, level: int,
              reasons: Sequence[str] = (), *, now: datetime | None = None) -> RatingView:
    """Record the applicant's rating of an accepted case, audited, to be sent with the next sync.

    Recorded by the clerk who accepts cases (``Permission.SUBMIT``), whose staff number is kept with it.
    Refused, with the reason in Chinese, for a level or reasons ``protocol.ratings.check_rating`` refuses
    (a poor rating needs a reason), for a draft or an unknown case (a one-time notice is not a case), and
    for a case rated before (``AlreadyRated``).
    """
    require(clerk, Permission.SUBMIT)
    chosen = tuple(reasons)
    problem = check_rating(level, chosen)
    if problem is not None:
        field = "level" if level not in {int(known) for known in RatingLevel} else "reasons"
        raise ValidationError(field, problem, hint="请让申请人重新选择评价。")

    def check(sub: Submission) -> None:
        if not may_rate(SubmissionState(sub.state)):
            raise StateError(f"submission {submission_id} is a draft", user_message="草稿尚未受理，不能评价。",
                             hint="请先完成受理，再请申请人评价。")

    def audit(s: Session, view: RatingView) -> None:
        terminal.audit.record_in(s, AuditEvent(AuditAction.RATE, clerk.id, submission_id, None,
                                               {"rating": view.id, "level": view.level,
                                                "reasons": list(view.reasons)}))

    try:
        view = add_rating(terminal.db, submission_id=submission_id, clerk_id=clerk.id, level=level,
                          reasons=chosen, check=check, audit=audit, now=now)
    except LookupError:
        raise StateError(f"no submission {submission_id!r}", user_message="未找到该业务记录，不能评价。",
                         hint="只能评价已受理的业务；一次性告知未受理的不参加评价。") from None
    terminal.send_now()
    return view


def case_rating(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> RatingView | None:
    """A case's rating, or None (a business post's read)."""
    require(clerk, Permission.VIEW_CASE)
    return rating_of(terminal.db, submission_id)
