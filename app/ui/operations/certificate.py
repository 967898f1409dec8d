"""Named operations of 参保证明 / 缴费证明 (issue 20): issuing one, and printing or saving it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.certificates import IssuedCertificate
from app.changes import OpChanges
from app.permissions import ClerkInfo
from app.ui.operations.base import CollectionOp
from app.usecases import certificate as usecase
from app.usecases.certificate import CertificateRequest


def issue_certificate(*, parent: QWidget | None, clerk: ClerkInfo,
                      request: CertificateRequest) -> CollectionOp[IssuedCertificate]:
    """Issue the certificate at the central system and draw it (online only; refusals are shown)."""
    return CollectionOp(parent, lambda t: usecase.issue_certificate(t, clerk, request), lambda _c: OpChanges())


def deliver_certificate(*, parent: QWidget | None, clerk: ClerkInfo, certificate: IssuedCertificate,
                        target: QPrinter | Path) -> CollectionOp[None]:
    """Print the issued certificate, or save exactly its registered PDF to a file."""
    return CollectionOp(parent, lambda t: usecase.deliver_certificate(t, clerk, certificate, target),
                        lambda _none: OpChanges())
