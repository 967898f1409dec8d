"""Printing the counter's receipt: on the printer the clerk chose, or as a PDF file.

The window only opens Qt's print dialog; drawing and printing happen here, off the GUI thread (Qt
paints on a QPrinter from any thread), so a slow printer never freezes the counter, and every print
of personal data passes one place where an audit trail can be written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from app.permissions import Permission, require
from app.terminal import Terminal
from app.whole_file import write_bytes_whole, write_whole
from core.errors import CounterError, mask_id_number
from forms.agent import principal_name, relation_of
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
    deliver(target, lambda: receipt_render.receipt_pdf(receipt),
            lambda printer: receipt_render.print_receipt(receipt, printer))


def deliver(target: QPrinter | Path, pdf: Callable[[], bytes], print_on: Callable[[QPrinter], None]) -> None:
    """A printed document to a printer, or whole as a PDF file: to a path (``pdf``), or through a printer set
    to PDF output (``print_on`` drawing into a temporary name, renamed when done). Every document the
    counter prints (receipt, 一次性告知书) goes this one way, so none is ever seen half-written."""
    if isinstance(target, Path):
        write_bytes_whole(target, pdf())
        return
    from PySide6.QtPrintSupport import QPrinter

    printer = target
    name = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""
    if not name:
        print_on(printer)
        return

    def draw(part: Path) -> None:
        printer.setOutputFileName(str(part))
        try:
            print_on(printer)
        finally:
            printer.setOutputFileName(name)

    write_whole(Path(name), draw)


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


def saved_receipt(terminal: Terminal, clerk: ClerkInfo, submission_id: str) -> Receipt:
    """The receipt of a case accepted at this counter, drawn again from what was saved with it (补打回执).

    Its number, time, materials, waivers and due date are the ones stored with the case, so a reprint
    says what the first print said; a provisional (预计) due date that was counted again when the year's
    holiday schedule arrived is printed as it is now, final. A draft has no
    receipt; a purged case has no applicant left to print. ``Permission.VIEW_CASE``, like printing.
    """
    from app.signature import SIGNATURE_KEY, SIGNER_LABELS, signature_png, signer_of
    from app.usecases.submit import RECEIPT_KEY, _due_inputs
    from core.errors import StateError
    from forms.receipt import CHINA_TZ, DEFAULT_OFFICE_NAME, ReceivedMaterial
    from local_db.clerks import list_clerks
    from local_db.submissions import get_submission
    from protocol.body import BATCH_ROWS_KEY

    require(clerk, Permission.VIEW_CASE)
    view = get_submission(terminal.db, submission_id)
    if view is None or view.counter_receipt_no is None:
        raise StateError(f"submission {submission_id!r} has no receipt",
                         user_message="该业务没有受理回执（草稿或未在本机受理的业务不出回执）。",
                         hint="请先完成受理；受理后才能打印回执。")
    if view.purged:
        raise StateError(f"submission {submission_id!r} was purged",
                         user_message="该业务的个人信息已按保存期限从本机清理，无法补打回执。",
                         hint="如需证明请向中心系统调阅。")
    try:
        form = terminal.reference.form(view.item_code)
    except CounterError:
        form = None
    names = {m.key: m.name for m in form.materials} if form is not None else {}
    payload = view.payload
    waived = payload.get("_waivers") or {}
    materials = [ReceivedMaterial(names.get(a.material_key, a.material_key), a.pages)
                 for a in view.attachments if a.material_key not in (RECEIPT_KEY, SIGNATURE_KEY, BATCH_ROWS_KEY)]
    materials += [ReceivedMaterial(names.get(key, key), 0, str(reason)) for key, reason in waived.items()]
    agent_name = agent_id = None
    if form is not None:
        name_field, id_field = form.identity_field("name", "agent"), form.identity_field("id_number", "agent")
        agent_name = str(payload.get(name_field.key) or "") or None if name_field is not None else None
        agent_id = str(payload.get(id_field.key) or "") or None if id_field is not None else None
    received = view.created_at if view.created_at.tzinfo else view.created_at.replace(tzinfo=UTC)
    basis = form.time_limit_basis if form is not None else ""
    calendar = terminal.reference.calendar()
    days, due, provisional = view.time_limit_days, view.due_date, view.due_provisional
    if due is None and form is not None:  # not stored (before this release, or its year still unknown)
        days, basis, kept = _due_inputs(form, received, calendar)
        due, provisional = kept.due_date, kept.provisional
    if due is None:
        days = None
    # a provisional date (预计) names the years whose schedule is still missing; once a schedule arrives the
    # stored date is counted again (``app.due_dates``) and the reprint carries the final one
    received_year = received.astimezone(CHINA_TZ).year
    years = tuple(y for y in range(received_year, due.year + 1) if y not in calendar.years) \
        if due is not None and provisional else ()
    receiver = next((c for c in list_clerks(terminal.db) if c.id == view.clerk_id), None)
    return Receipt(
        receipt_no=view.counter_receipt_no, office_name=terminal.settings.office_name or DEFAULT_OFFICE_NAME,
        item_name=_item_name(payload) or (form.name if form is not None else view.item_code),
        applicant_name=view.applicant_name or "", applicant_id_masked=mask_id_number(view.applicant_id_number or ""),
        agent_name=agent_name, agent_id_masked=mask_id_number(agent_id) if agent_id else None,
        agent_relation=relation_of(payload) if agent_name else None,
        agent_acts_for=principal_name(payload, form) if agent_name and form is not None and form.agent.acts_for
        else None,
        received_at=received, materials=tuple(materials), time_limit_days=days, time_limit_basis=basis or "—",
        due=due, due_provisional_years=years,
        clerk_name=receiver.name if receiver is not None else (view.clerk_id or ""), clerk_id=view.clerk_id or "",
        offline=False, home_visit=view.home_visit, visit_place=_visit_place(payload) if view.home_visit else None,
        signature_png=signature_png(terminal, view), signer_label=SIGNER_LABELS[signer_of(form, payload)],
        signer_note=_witness_line(payload, view.applicant_name or ""))


def _item_name(payload: dict[str, object]) -> str | None:
    """The first print's item name where it was not the form's: a batch names its list's kind."""
    from forms.staff_import import batch_item_name

    batch = payload.get("_batch")
    return batch_item_name(batch.get("kind")) if isinstance(batch, dict) else None


def _witness_line(payload: dict[str, object], applicant_name: str) -> str | None:
    """What the first print said above a witness's signature (``forms.signature.witness_note``), if any."""
    from forms.signature import witness_note, witness_of

    witness = witness_of(payload)
    return witness_note(witness, applicant_name) if witness is not None else None


def _visit_place(payload: dict[str, object]) -> str | None:
    """The community or village a home-visit case was taken in (``app.home_visit.PLACE_KEY``), if named."""
    from app.home_visit import PLACE_KEY

    place = payload.get(PLACE_KEY)
    return place if isinstance(place, str) and place else None


def reprint_receipt(terminal: Terminal, clerk: ClerkInfo, submission_id: str, target: QPrinter | Path) -> Receipt:
    """Print a saved case's receipt again (补打回执); the trail says which copy it is (2, 3 …)."""
    receipt = saved_receipt(terminal, clerk, submission_id)
    print_receipt(terminal, clerk, receipt, target)
    return receipt
