"""Printing the counter's receipt: on the printer the clerk chose, or as a PDF file.

The window only opens Qt's print dialog; drawing and printing happen here, off the GUI thread (Qt
paints on a QPrinter from any thread), so a slow printer never freezes the counter, and every print
of personal data passes one place where an audit trail can be written.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.permissions import Permission, require
from app.terminal import Terminal
from forms.receipt import Receipt
from local_db.audit import AuditAction, AuditEvent, AuditQuery, DetailValue
from local_db.clerks import ClerkInfo
from local_db.submissions import SubmissionQuery, find_submissions

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def print_receipt(terminal: Terminal, clerk: ClerkInfo, receipt: Receipt, target: QPrinter | Path) -> None:
    """Print ``receipt`` on a configured printer, or write it as a PDF to a path.

    A file (a path, or a printer set to PDF output) appears whole or not at all: it is drawn under a
    temporary name beside it and renamed, so nobody watching the folder reads half a receipt.
    The print is on the audit trail (Art. 38) before anything reaches the printer: a print that
    cannot be recorded does not happen; a reprint carries which copy it is (``copy``: 2, 3 …).
    ``clerk``: who prints. The receipt carries the applicant's name and ID number, so printing (and
    reprinting) is a business post's read (``Permission.VIEW_CASE``); the auditor and the administrator
    print none.
    """
    from app import receipt_render  # Qt loads only when something is printed

    require(clerk, Permission.VIEW_CASE)
    _record_print(terminal, receipt, target, clerk.id)
    if isinstance(target, Path):
        def write(part: Path) -> None:
            part.write_bytes(receipt_render.receipt_pdf(receipt))

        _write_whole(target, write)
        return
    from PySide6.QtPrintSupport import QPrinter

    printer = target
    name = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    if not name:
        receipt_render.print_receipt(receipt, printer)
        return

    def draw(part: Path) -> None:
        printer.setOutputFileName(str(part))
        try:
            receipt_render.print_receipt(receipt, printer)
        finally:
            printer.setOutputFileName(name)

    _write_whole(Path(name), draw)


def _record_print(terminal: Terminal, receipt: Receipt, target: QPrinter | Path, clerk_id: str) -> None:
    """One entry for the print, about the submission the receipt belongs to and its applicant."""
    rows, _total = find_submissions(terminal.db, SubmissionQuery(text=receipt.receipt_no), limit=5)
    saved = next((row for row in rows if row.counter_receipt_no == receipt.receipt_no), None)
    facts: dict[str, DetailValue] = {"receipt_no": receipt.receipt_no,
                                     "to": "file" if isinstance(target, Path) else "printer"}
    if saved is not None:  # a reprint says which copy it is
        _earlier, printed = terminal.audit.search(terminal.db, AuditQuery(
            actions=frozenset({AuditAction.PRINT_RECEIPT.value}), subject=saved.id), limit=0)
        if printed:
            facts["copy"] = printed + 1
    terminal.audit.record(terminal.db, AuditEvent(
        AuditAction.PRINT_RECEIPT, clerk_id, saved.id if saved is not None else None,
        saved.applicant_id_number if saved is not None else None, facts))


def _write_whole(path: Path, write: Callable[[Path], None]) -> None:
    part = path.with_name(f".{path.name}.part")
    try:
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)

