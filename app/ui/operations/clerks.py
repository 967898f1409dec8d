"""Named operations of the administrator's clerk management (``app/usecases/clerks.py``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.permissions import Role
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo

CLERKS_CHANGED = OpChanges(clerks=True)


def create_clerk(*, parent: QWidget | None, admin: ClerkInfo, clerk_id: str, name: str, password: str,
                 roles: frozenset[Role]) -> CollectionOp[ClerkInfo]:
    """A new clerk; refused (``ClerkExists``) when the staff number is taken."""
    return CollectionOp(parent, lambda t: usecases.create_clerk(t, admin, clerk_id, name, password, roles),
                        lambda _c: CLERKS_CHANGED)


def disable_clerk(*, parent: QWidget | None, admin: ClerkInfo, clerk_id: str) -> CollectionOp[None]:
    return CollectionOp(parent, lambda t: usecases.disable_clerk(t, admin, clerk_id), lambda _r: CLERKS_CHANGED)


def reset_password(*, parent: QWidget | None, admin: ClerkInfo, clerk_id: str,
                   password: str) -> CollectionOp[None]:
    return CollectionOp(parent, lambda t: usecases.reset_password(t, admin, clerk_id, password),
                        lambda _r: CLERKS_CHANGED)


def set_roles(*, parent: QWidget | None, admin: ClerkInfo, clerk_id: str,
              roles: frozenset[Role]) -> CollectionOp[None]:
    return CollectionOp(parent, lambda t: usecases.set_clerk_roles(t, admin, clerk_id, roles),
                        lambda _r: CLERKS_CHANGED)
