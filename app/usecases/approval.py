"""Second-person approval (分级审核, Art. 37): key business is queued only after another clerk signs."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import AuthenticationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import verify_clerk
from local_db.submissions import SubmissionView, approve_submission


def approve(terminal: Terminal, approver_id: str, password: str, submission_id: str, *,
            now: datetime | None = None) -> SubmissionView:
    """A second clerk signs the approval with their own password (Art. 37); then it is queued and sent.

    The signer must hold the 复核 role (``PermissionDenied``) and must not be the submitter. A wrong
    password counts towards the signer's lockout like a failed sign-in and is a failed sign-in on the
    trail; the approval is recorded with the change itself.
    """
    settings = terminal.settings
    try:
        approver = verify_clerk(terminal.db, approver_id, password, now=now,
                                max_failures=settings.signin_max_failures,
                                lockout=timedelta(minutes=settings.signin_lockout_minutes),
                                unknown=terminal.unknown_signins)
    except AuthenticationError:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, approver_id.strip(),
                                                      submission_id, detail={"for": "approve"}))
        raise
    require(approver, Permission.APPROVE)
    view = approve_submission(terminal.db, submission_id, approver.id, audit=lambda s, saved: terminal.audit.record_in(
        s, AuditEvent(AuditAction.APPROVE, approver.id, saved.id, saved.applicant_id_number,
                      {"item_code": saved.item_code, "submitted_by": saved.clerk_id})))
    terminal.send_now()
    return view
