"""Named operations of reassigning a case (改派): the clerks it can go to, and giving it to one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.queries import SubmissionView
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo
from app.usecases import reassign as usecase


def reassign_targets(*, parent: QWidget | None, supervisor: ClerkInfo) -> CollectionOp[list[ClerkInfo]]:
    """The active clerks of the 受理 post a case can be given to."""
    return CollectionOp(parent, lambda t: usecase.reassign_targets(t, supervisor), lambda _c: OpChanges())


def reassign_case(*, parent: QWidget | None, supervisor: ClerkInfo, submission_id: str, to_clerk_id: str,
                  reason: str) -> CollectionOp[SubmissionView]:
    """Give a draft or a returned case to another clerk, with the reason (on the audit trail)."""
    return CollectionOp(parent, lambda t: usecase.reassign_case(t, supervisor, submission_id, to_clerk_id, reason),
                        lambda view: OpChanges.submission(view.id))
