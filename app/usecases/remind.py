"""催办: a clerk presses the central system about a case it has not yet answered.

The reminder is kept here (``case_reminder``), on the audit trail, and sent with the next sync
(``sync.reminders``); offline it waits. Only a case the central system holds and has not answered
can be pressed: accepted there, or waiting there for review signatures. A returned case needs a
correction, a closed one is done, one not yet sent has nothing to press.
"""

from __future__ import annotations

from datetime import datetime

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import StateError, ValidationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.models import Submission, SubmissionState
from local_db.reminders import ReminderView, add_reminder, reminders_of
from protocol.values import REMINDER_NOTE_MAX

__all__ = ["REMINDABLE", "ReminderView", "case_reminders", "may_remind", "remind"]

#: the local states of a case the central system holds without an answer yet
REMINDABLE = frozenset({SubmissionState.ACCEPTED, SubmissionState.REVIEW_ELSEWHERE})


def may_remind(state: SubmissionState, answered_at: datetime | None) -> bool:
    """Whether a case in ``state`` can be pressed (the window shows 催办 only then; ``remind`` checks again)."""
    return state in REMINDABLE and answered_at is None


def _refusal(state: SubmissionState) -> StateError:
    reasons = {
        SubmissionState.CLOSED: ("该业务已办结，无需催办。", "如对结果有疑问，请向中心系统咨询。"),
        SubmissionState.RETURNED: ("该业务已被中心系统退回，无需催办。", "请按退回原因更正后重新报送。"),
        SubmissionState.DRAFT: ("草稿尚未受理，不能催办。", "请先完成受理。"),
        SubmissionState.AWAITING_APPROVAL: ("该业务尚在本机待复核，未报送中心系统，不能催办。", "请先完成复核签字。"),
        SubmissionState.QUEUED: ("该业务尚未送达中心系统，不能催办。", "请等待同步完成后再催办。"),
        SubmissionState.SENDING: ("该业务正在发送，尚未送达中心系统，不能催办。", "请等待同步完成后再催办。"),
    }
    what, todo = reasons.get(state, ("该业务当前状态不能催办。", "请刷新办件记录后重试。"))
    return StateError(f"a case in state {state.value} cannot be reminded", user_message=what, hint=todo)


def remind(terminal: Terminal, clerk: ClerkInfo, submission_id: str, note: str | None = None, *,
           now: datetime | None = None) -> ReminderView:
    """Record a 催办 on a case pending at the central system, audited, to be sent with the next sync.

    A business post's act (``Permission.VIEW_CASE``: whoever may read the case may press it). The note
    is the clerk's own words to the central system (at most ``REMINDER_NOTE_MAX`` characters); the trail
    keeps only whether there was one. Refused, with the reason in Chinese, for a case already answered
    (closed or returned) or not yet at the central system.
    """
    require(clerk, Permission.VIEW_CASE)
    text = (note or "").strip() or None
    if text is not None and len(text) > REMINDER_NOTE_MAX:
        raise ValidationError("note", f"催办说明不能超过 {REMINDER_NOTE_MAX} 个字。")

    def check(sub: Submission) -> None:
        state = SubmissionState(sub.state)
        if sub.purged_at is not None or not may_remind(state, sub.answered_at):
            raise _refusal(state if sub.answered_at is None else SubmissionState.CLOSED)

    def audit(s: object, view: ReminderView) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(s, Session)
        terminal.audit.record_in(s, AuditEvent(AuditAction.REMIND, clerk.id, submission_id, None,
                                               {"reminder": view.id, "note": text is not None}))

    try:
        view = add_reminder(terminal.db, submission_id=submission_id, clerk_id=clerk.id, note=text,
                            check=check, audit=audit, now=now)
    except LookupError:
        raise StateError(f"no submission {submission_id!r}", user_message="未找到该业务记录。",
                         hint="请刷新办件记录后重试。") from None
    terminal.send_now()
    return view


def case_reminders(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> list[ReminderView]:
    """The reminders recorded on a case, oldest first (a business post's read)."""
    require(clerk, Permission.VIEW_CASE)
    return reminders_of(terminal.db, submission_id)
