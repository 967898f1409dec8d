"""A case's review on this terminal: signing its steps, or sending it to be reviewed elsewhere.

A case of a tier above none waits (``AWAITING_APPROVAL``) until each step of its tier is signed by a clerk
other than the one who took it and other than the one who signed the step before (``forms.review``); the
last signature queues it, in the same transaction. A terminal without a second clerk sends it instead to
the central system as 待复核 (``REVIEW_ELSEWHERE``): it is queued with the signatures it has, marked
awaiting review, and signed there or on another terminal of the office.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from core.errors import StateError, StorageError
from forms.review import Signer, next_step, sign_refusal
from local_db.database import Database
from local_db.models import OutboxEntry, OutboxState, ReviewSignature, Submission, SubmissionState, utcnow
from local_db.submissions import AuditHook, SubmissionView, _audited, _queue

__all__ = [
    "REVIEW_REFUSED",
    "case_tier",
    "refused_for_review",
    "reopen_review",
    "send_for_review",
    "sign_submission",
]

#: how the error of a case the central system refused for its review begins (``sync.submitter`` writes it)
REVIEW_REFUSED = "中心系统拒收："


def refused_for_review(view: SubmissionView) -> bool:
    """Whether the central system refused this case for missing or wrong signatures (it can be reopened)."""
    return view.send_failed and (view.last_error or "").startswith(REVIEW_REFUSED)


def case_tier(sub: Submission | SubmissionView) -> str:
    """The tier a case waits under; one stored before tiers were (None) needed one signature."""
    return sub.review_tier or "review"


def _waiting(s: Session, submission_id: str) -> Submission:
    sub = s.get(Submission, submission_id)
    if sub is None:
        raise StorageError(f"no submission {submission_id}", user_message="找不到该笔业务。")
    if sub.state != SubmissionState.AWAITING_APPROVAL.value:
        raise StateError(f"submission {submission_id} is {sub.state}",
                         user_message="该笔业务不在待复核状态（可能已签字、已送中心复核或已报送），无需在本机签字。")
    return sub


def sign_submission(db: Database, submission_id: str, step: str, clerk_id: str, terminal_id: str, *,
                    now: datetime | None = None, audit: AuditHook | None = None) -> SubmissionView:
    """``clerk_id`` signs ``step`` of the case (their password and role were checked by the caller).

    Refused (``StateError``, in Chinese) unless ``step`` is the next one of the case's tier and the clerk
    neither took the case nor signed a step of it. The last step queues the case for sending in the same
    transaction; ``audit`` writes the trail's entries in it too.
    """
    with db.sessions.begin() as s:
        sub = _waiting(s, submission_id)
        tier = case_tier(sub)
        signed = [Signer(g.step, g.clerk_id) for g in sub.signatures]
        refusal = sign_refusal(tier, sub.clerk_id, signed, step, clerk_id)
        if refusal is not None:
            why = "a clerk cannot approve their own submission" if clerk_id == sub.clerk_id else "refused"
            raise StateError(f"{clerk_id} may not sign {step} of {submission_id}: {why}", user_message=refusal,
                             hint="请由其他具备相应岗位的柜员签字；本机无其他柜员时，可送中心/他机复核。")
        sub.signatures.append(ReviewSignature(step=step, clerk_id=clerk_id, signed_at=now or utcnow(),
                                              terminal_id=terminal_id))
        if step == "review":
            sub.approved_by = clerk_id
        if next_step(tier, [*signed, Signer(step, clerk_id)]) is None:
            sub.approved_at = now or utcnow()
            sub.state = SubmissionState.QUEUED.value
            _queue(s, sub)
        return _audited(s, sub, audit)


def send_for_review(db: Database, submission_id: str, *, audit: AuditHook | None = None) -> SubmissionView:
    """Send a waiting case to the central system as 待复核, with the signatures it has so far.

    It leaves this terminal's signing (nobody can sign it here any more) and goes out with the next sync;
    the central system keeps it awaiting review, and its status comes back through the feed.
    """
    with db.sessions.begin() as s:
        sub = _waiting(s, submission_id)
        sub.state = SubmissionState.REVIEW_ELSEWHERE.value
        _queue(s, sub, awaiting_review=True)
        return _audited(s, sub, audit)


def reopen_review(db: Database, submission_id: str, tier: str, reasons: Sequence[str] = (), *,
                  audit: AuditHook | None = None) -> SubmissionView:
    """A case the central system refused for its review (``review_incomplete``) waits for signatures again.

    Only a case whose send failed for good (its outbox row ``failed``: the central system never stored
    it, so a new body for the same id is no conflict). Its tier becomes the highest of its own, ``tier``
    (this release's definition may ask more than it was submitted under) and, when every step of its own
    was signed and it was refused all the same, the next one up (the central system's definition asks
    more). It keeps its signatures (an approver recorded before tiers becomes its 复核 signature) and goes
    back to ``AWAITING_APPROVAL``: signed here, or sent for review elsewhere, where the central system's
    own tier applies.
    """
    order = ("none", "review", "review_approval")
    with db.sessions.begin() as s:
        sub = s.get(Submission, submission_id)
        entry = s.query(OutboxEntry).filter_by(submission_id=submission_id).one_or_none()
        if sub is None or entry is None or entry.state != OutboxState.FAILED.value \
                or sub.state != SubmissionState.QUEUED.value or not (sub.last_error or "").startswith(REVIEW_REFUSED):
            raise StateError(f"submission {submission_id} was not refused",
                             user_message="只有被中心系统拒收的业务才能重新送复核。")
        current = sub.review_tier or ("review" if sub.approved_by else "none")
        if sub.approved_by and not sub.signatures:
            sub.signatures.append(ReviewSignature(step="review", clerk_id=sub.approved_by,
                                                  signed_at=sub.approved_at or sub.created_at,
                                                  terminal_id=sub.terminal_id))
        rank = order.index(current) if current in order else 0
        signed = [Signer(g.step, g.clerk_id) for g in sub.signatures]
        # refused although every step of its tier was signed: the central system asks at least one more
        floor = order[min(rank + 1, len(order) - 1)] if next_step(current, signed) is None else current
        sub.review_tier = max(current, tier, floor, key=lambda t: order.index(t) if t in order else 0)
        sub.review_reasons = list(dict.fromkeys([*(sub.review_reasons or []), *reasons])) or None
        s.delete(entry)
        sub.state = SubmissionState.AWAITING_APPROVAL.value
        sub.last_error = None
        return _audited(s, sub, audit)
