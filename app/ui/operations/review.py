"""Named operations on cases other terminals sent to the central system as 待复核."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo
from app.usecases import remote_review as usecase
from app.usecases.remote_review import RemoteCase


def list_remote_reviews(*, parent: QWidget | None, clerk: ClerkInfo) -> CollectionOp[list[RemoteCase]]:
    """The office's cases awaiting review at the central system."""
    return CollectionOp(parent, lambda t: usecase.list_remote_reviews(t, clerk), lambda _cases: OpChanges())


def open_remote_review(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str) -> CollectionOp[RemoteCase]:
    """One case whole (fields, provenance, materials), for checking before signing."""
    return CollectionOp(parent, lambda t: usecase.open_remote_review(t, clerk, submission_id),
                        lambda _case: OpChanges())


def remote_material(*, parent: QWidget | None, clerk: ClerkInfo, case: RemoteCase,
                    sha256: str) -> CollectionOp[bytes]:
    """A material's scan of an opened case."""
    return CollectionOp(parent, lambda t: usecase.remote_material(t, clerk, case, sha256), lambda _data: OpChanges())


def sign_remote_review(*, parent: QWidget | None, signer_id: str, password: str, submission_id: str,
                       step: str) -> CollectionOp[RemoteCase]:
    """A clerk of this terminal signs the step due; the central system accepts the case after the last one."""
    return CollectionOp(parent, lambda t: usecase.sign_remote_review(t, signer_id, password, submission_id, step),
                        lambda _case: OpChanges())


def return_remote_review(*, parent: QWidget | None, clerk_id: str, password: str, submission_id: str,
                         reason: str) -> CollectionOp[RemoteCase]:
    """A reviewer returns the case (退回) with a reason."""
    return CollectionOp(parent, lambda t: usecase.return_remote_review(t, clerk_id, password, submission_id, reason),
                        lambda _case: OpChanges())
