"""Reassigning a case (改派, issue 16): a supervisor gives a draft or a returned case to another clerk.

A clerk on leave leaves drafts and returned cases behind; the 业务主管 (``Permission.REASSIGN``) moves
them to an active clerk of the 受理 post, with a reason, so the records list and the supervisor hold
that clerk to them. The change and its audit entry (from, to, reason; the applicant's person key,
never a number) are saved together or not at all. Which cases can move and why a case awaiting review
cannot is ``local_db.reassign``'s to say.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.permissions import Permission, allowed, require
from app.terminal import Terminal
from core.errors import ValidationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo, list_clerks
from local_db.reassign import REASSIGNABLE, reassign_submission
from local_db.submissions import SubmissionView

__all__ = ["MAX_REASON", "REASSIGNABLE", "reassign_case", "reassign_targets"]

#: the longest reason kept (it is on the audit trail)
MAX_REASON = 200
_ID_LIKE = re.compile(r"\d{15}")


def _may_take(clerk: ClerkInfo) -> bool:
    """Whether a clerk's post lets them act on a draft or a returned case (受理: continue, correct)."""
    return allowed(clerk, Permission.SUBMIT) and allowed(clerk, Permission.SAVE_DRAFT)


def _person(view: SubmissionView) -> str | None:
    """The applicant's ID number for the person key: a draft of a new applicant has only the typed one."""
    if view.applicant_id_number:
        return view.applicant_id_number
    typed = view.payload.get("id_number")
    return typed if isinstance(typed, str) and typed.strip() else None


def reassign_targets(terminal: Terminal, supervisor: ClerkInfo) -> list[ClerkInfo]:
    """The clerks a case can be given to: active, of the 受理 post (for the supervisor's choice)."""
    require(supervisor, Permission.REASSIGN)
    return [ClerkInfo(c.id, c.name, c.roles) for c in list_clerks(terminal.db)
            if c.active and _may_take(ClerkInfo(c.id, c.name, c.roles))]


def reassign_case(terminal: Terminal, supervisor: ClerkInfo, submission_id: str, to_clerk_id: str,
                  reason: str) -> SubmissionView:
    """Give the case to ``to_clerk_id`` for ``reason``; recorded in the same transaction.

    ``PermissionDenied`` for anyone but a supervisor; ``ValidationError`` without a reason (or with one
    holding an ID number: the trail never does); ``StateError`` for a case that cannot change hands or
    a clerk who cannot take it (``local_db.reassign``).
    """
    require(supervisor, Permission.REASSIGN)
    why = " ".join(reason.split())
    if not why:
        raise ValidationError("reason", "请填写改派原因。")
    if len(why) > MAX_REASON:
        raise ValidationError("reason", f"改派原因不能超过 {MAX_REASON} 个字。")
    if _ID_LIKE.search(why):
        raise ValidationError("reason", "改派原因中不能填写证件号码。")
    def record(s: Session, saved: SubmissionView, previous: str) -> object:
        return terminal.audit.record_in(s, AuditEvent(
            AuditAction.REASSIGN, supervisor.id, saved.id, _person(saved),
            {"item_code": saved.item_code, "state": saved.state.value, "from_clerk": previous,
             "to_clerk": saved.clerk_id, "reason": why}))

    return reassign_submission(terminal.db, submission_id, to_clerk_id.strip(), may_take=_may_take,
                               audit=record)
