"""Second-person approval (分级审核, Art. 37): key business is queued only after another clerk signs."""

from __future__ import annotations

from datetime import datetime

from app.permissions import Permission, require
from app.terminal import Terminal
from app.usecases.session import sign_in
from local_db.submissions import SubmissionView, approve_submission


def approve(terminal: Terminal, approver_id: str, password: str, submission_id: str, *,
            now: datetime | None = None) -> SubmissionView:
    """A second clerk signs the approval with their own password (Art. 37); then it is queued and sent.

    The signer must hold the 复核 role (``PermissionDenied``) and must not be the submitter; a wrong
    password counts towards the signer's lockout like a failed sign-in.
    """
    approver = sign_in(terminal, approver_id, password, now=now)
    require(approver, Permission.APPROVE)
    view = approve_submission(terminal.db, submission_id, approver.id)
    terminal.send_now()
    return view
