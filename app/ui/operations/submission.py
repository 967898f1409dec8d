"""Named operations on submissions: submit, keep a draft, approve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app import usecases
from app.changes import OpChanges
from app.queries import AttachmentData, SubmissionView
from app.ui.operations.base import CollectionOp
from app.usecases import Accepted, ClerkInfo, SubmitRequest
from forms.definitions import FormDef
from forms.receipt import Receipt

if TYPE_CHECKING:
    from app.scans import ScannedPage


def submit_application(*, parent: QWidget | None, request: SubmitRequest) -> CollectionOp[Accepted]:
    """Submit the application; its receipt is drawn by Qt and sealed with it."""
    return CollectionOp(parent, lambda t: usecases.submit_application(t, request, render_receipt=_receipt_pdf),
                        lambda accepted: OpChanges.submission(accepted.view.id))


def _receipt_pdf(receipt: Receipt) -> bytes:
    from app.receipt_render import receipt_pdf  # the PDF machinery loads with the first receipt

    return receipt_pdf(receipt)


def save_draft(*, parent: QWidget | None, clerk: ClerkInfo, form: FormDef, values: Mapping[str, str],
               draft_id: str | None = None, materials: Mapping[str, Sequence[ScannedPage]] | None = None,
               carried: Sequence[AttachmentData] = (), waivers: Mapping[str, str] | None = None,
               reason: str | None = None) -> CollectionOp[SubmissionView]:
    """Keep the form, its scans and waivers as a draft (replacing ``draft_id``); nothing is sent."""
    return CollectionOp(parent, lambda t: usecases.save_draft(t, clerk, form, values, draft_id, materials=materials,
                                                              carried=carried, waivers=waivers, reason=reason),
                        lambda view: OpChanges.submission(view.id))


def approve(*, parent: QWidget | None, approver_id: str, password: str, submission_id: str,
            step: str | None = None) -> CollectionOp[SubmissionView]:
    """A clerk signs the step shown (复核 or 审批); after the last one the case is queued and sent."""
    return CollectionOp(parent, lambda t: usecases.approve(t, approver_id, password, submission_id, step=step),
                        lambda view: OpChanges.submission(view.id))


def send_for_review(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str) -> CollectionOp[SubmissionView]:
    """Send a case awaiting review to the central system as 待复核, to be signed there or on another terminal."""
    return CollectionOp(parent, lambda t: usecases.send_for_review(t, clerk, submission_id),
                        lambda view: OpChanges.submission(view.id))


def reopen_review(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str) -> CollectionOp[SubmissionView]:
    """A case the central system refused for missing signatures waits for them again."""
    return CollectionOp(parent, lambda t: usecases.reopen_review(t, clerk, submission_id),
                        lambda view: OpChanges.submission(view.id))
