"""Named operations of 催办: recording a reminder on a case, reading a case's reminders."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo
from app.usecases import remind as usecase
from app.usecases.remind import ReminderView


def remind_case(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str,
                note: str | None) -> CollectionOp[ReminderView]:
    """Record a 催办 on a case pending at the central system (sent with the next sync)."""
    return CollectionOp(parent, lambda t: usecase.remind(t, clerk, submission_id, note),
                        lambda view: OpChanges.submission(view.submission_id))
