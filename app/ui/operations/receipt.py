"""Named operations on the counter's receipt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from forms.receipt import Receipt


def print_receipt(*, parent: QWidget | None, receipt: Receipt, printer: QPrinter | Path) -> CollectionOp[None]:
    """Print the receipt on the printer chosen in Qt's print dialog (or write it as a PDF to a path)."""
    return CollectionOp(parent, lambda t: usecases.print_receipt(t, receipt, printer), lambda _none: OpChanges())
