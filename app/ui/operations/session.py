"""Named operations of the clerk's session."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo


def sign_in(*, parent: QWidget | None, clerk_id: str, password: str) -> CollectionOp[ClerkInfo]:
    """Check a clerk's staff number and password; changes nothing stored."""
    return CollectionOp(parent, lambda t: usecases.sign_in(t, clerk_id, password), lambda _clerk: OpChanges())
