"""Named operations of the batch import page (人员新增 / 基数申报 from an employer's spreadsheet)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.ui.operations.submission import _receipt_pdf
from app.usecases import ClerkInfo
from app.usecases import batch_import as usecase
from forms.staff_import import ImportKind

if TYPE_CHECKING:
    from app.scans import ScannedPage


def save_template(*, parent: QWidget | None, clerk: ClerkInfo, kind: ImportKind, path: Path,
                  today: date | None = None) -> CollectionOp[Path]:
    """Write the empty template for the employer."""
    return CollectionOp(parent, lambda t: usecase.save_template(t, clerk, kind, path, today=today),
                        lambda _p: OpChanges())


def check_file(*, parent: QWidget | None, clerk: ClerkInfo, path: Path,
               unit_number: str, today: date | None = None) -> CollectionOp[usecase.ImportResult]:
    """Read and check the filled list (and ask the central system about the rows that passed, when online)."""
    return CollectionOp(parent, lambda t: usecase.check_file(t, clerk, path, unit_number=unit_number,
                                                             registered=usecase.central_check(t, clerk), today=today),
                        lambda _r: OpChanges())


def save_marked_up(*, parent: QWidget | None, clerk: ClerkInfo, result: usecase.ImportResult,
                   path: Path) -> CollectionOp[Path]:
    """Write the employer's file with its mistakes marked."""
    return CollectionOp(parent, lambda t: usecase.save_marked_up(t, clerk, result, path), lambda _p: OpChanges())


def submit_batch(*, parent: QWidget | None, clerk: ClerkInfo, result: usecase.ImportResult,
                 values: Mapping[str, str], materials: Mapping[str, Sequence[ScannedPage]],
                 waivers: Mapping[str, str], today: date | None = None) -> CollectionOp[usecase.BatchAccepted]:
    """Accept the valid rows as one batch; its receipt is drawn by Qt and sealed with it."""
    request = usecase.BatchRequest(clerk, result, values, materials, waivers)
    return CollectionOp(parent, lambda t: usecase.submit_batch(t, request, render_receipt=_receipt_pdf, today=today),
                        lambda accepted: OpChanges(records=True, counts=True, submissions=frozenset(
                            {accepted.case.view.id})))
