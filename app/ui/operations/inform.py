"""Named operations on the 一次性告知书: record "informed, not accepted", print the notice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.permissions import ClerkInfo
from app.ui.operations.base import CollectionOp
from app.usecases.inform import Informed, InformRequest, inform_applicant
from app.usecases.inform import print_notice as print_notice_case
from forms.notice import Notice


def inform(*, parent: QWidget | None, request: InformRequest) -> CollectionOp[Informed]:
    """The clerk issues a notice for the open form; the statistics' counts may change."""
    return CollectionOp(parent, lambda t: inform_applicant(t, request), lambda _informed: OpChanges(counts=True))


def print_notice(*, parent: QWidget | None, clerk: ClerkInfo, notice: Notice,
                 printer: QPrinter | Path) -> CollectionOp[None]:
    """``clerk`` prints the notice on the chosen printer (or writes it as a PDF to a path)."""
    return CollectionOp(parent, lambda t: print_notice_case(t, clerk, notice, printer), lambda _none: OpChanges())
