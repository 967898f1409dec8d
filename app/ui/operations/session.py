"""Named operations of a clerk's session: sign out, lock, unlock, hand the window to another clerk."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo


def sign_out(*, parent: QWidget | None, clerk: ClerkInfo, reason: str = "sign_out") -> CollectionOp[None]:
    """End the clerk's session (on the audit trail)."""
    return CollectionOp(parent, lambda t: usecases.sign_out(t, clerk, reason), lambda _r: OpChanges())


def lock(*, parent: QWidget | None, clerk: ClerkInfo, reason: str) -> CollectionOp[None]:
    """The window was locked (``idle`` or ``manual``), on the audit trail."""
    return CollectionOp(parent, lambda t: usecases.lock_session(t, clerk, reason), lambda _r: OpChanges())


def unlock(*, parent: QWidget | None, clerk: ClerkInfo, password: str) -> CollectionOp[ClerkInfo]:
    """The same clerk's password opens the locked window; a wrong one counts toward the lockout."""
    return CollectionOp(parent, lambda t: usecases.unlock_session(t, clerk, password), lambda _r: OpChanges())


def switch_clerk(*, parent: QWidget | None, previous: ClerkInfo, new: ClerkInfo,
                 parked_draft: str | None) -> CollectionOp[None]:
    """Another clerk took the locked window over (the previous one's form already parked as a draft)."""
    return CollectionOp(parent, lambda t: usecases.switch_clerk(t, previous, new, parked_draft),
                        lambda _r: OpChanges())
