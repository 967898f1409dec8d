"""Named operations on the counter's receipt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.permissions import ClerkInfo
from app.ui.operations.base import CollectionOp
from forms.receipt import Receipt


def print_receipt(*, parent: QWidget | None, clerk: ClerkInfo, receipt: Receipt,
                  printer: QPrinter | Path) -> CollectionOp[None]:
    """``clerk`` prints the receipt on the printer chosen in Qt's print dialog (or writes it as a PDF to a path)."""
    return CollectionOp(parent, lambda t: usecases.print_receipt(t, clerk, receipt, printer),
                        lambda _none: OpChanges())


def reprint_receipt(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str,
                    printer: QPrinter | Path) -> CollectionOp[Receipt]:
    """``clerk`` prints a saved case's receipt again (补打回执), drawn from what was stored with the case."""
    from app.usecases.receipts import reprint_receipt as reprint

    return CollectionOp(parent, lambda t: reprint(t, clerk, submission_id, printer), lambda _r: OpChanges())
