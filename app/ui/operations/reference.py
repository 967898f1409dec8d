"""Named operations on reference data: an administrator confirms an update that weakens a safeguard."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo, PendingReference


def confirm_reference(*, parent: QWidget | None, admin: ClerkInfo, key: str,
                      name: str = "forms") -> CollectionOp[PendingReference]:
    """Put a held-back form definition in force (audited); the forms are read again."""
    return CollectionOp(parent, lambda t: usecases.confirm_reference(t, admin, key, name),
                        lambda _done: OpChanges(sync=True))
