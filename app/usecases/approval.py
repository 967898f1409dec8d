"""Second-person approval (分级审核, Art. 37): key business is queued only after another clerk signs."""

from __future__ import annotations

from app.terminal import Terminal
from local_db.clerks import verify_clerk
from local_db.submissions import SubmissionView, approve_submission


def approve(terminal: Terminal, approver_id: str, password: str, submission_id: str) -> SubmissionView:
    """A second clerk signs the approval with their own password (Art. 37); then it is queued and sent."""
    approver = verify_clerk(terminal.db, approver_id, password)
    view = approve_submission(terminal.db, submission_id, approver.id)
    terminal.send_now()
    return view
