"""Second-person approval (分级审核, Art. 37): key business is queued only after another clerk signs."""

from __future__ import annotations

from app.terminal import Terminal
from core.errors import AuthenticationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import verify_clerk
from local_db.submissions import SubmissionView, approve_submission


def approve(terminal: Terminal, approver_id: str, password: str, submission_id: str) -> SubmissionView:
    """A second clerk signs the approval with their own password (Art. 37); then it is queued and sent.

    A wrong password is a failed sign-in on the trail; the approval is recorded with the change itself.
    """
    try:
        approver = verify_clerk(terminal.db, approver_id, password)
    except AuthenticationError:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, approver_id.strip(),
                                                      submission_id, detail={"for": "approve"}))
        raise
    view = approve_submission(terminal.db, submission_id, approver.id, audit=lambda s, saved: terminal.audit.record_in(
        s, AuditEvent(AuditAction.APPROVE, approver.id, saved.id, saved.applicant_id_number,
                      {"item_code": saved.item_code, "submitted_by": saved.clerk_id})))
    terminal.send_now()
    return view
