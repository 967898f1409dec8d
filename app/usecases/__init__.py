"""What a clerk can do, as plain functions the window, the CLI and tests call the same way.

Commands live here (submit, drafts, approval, sign-in, printing, clerk accounts); reads for lists, counts and one case
live in ``app/queries.py``. Neither imports Qt at import time. A new use case is a module here with a
plain function taking the ``Terminal`` first; the window reaches it through a named operation in
``app/ui/operations/``.
"""

from app.usecases.approval import approve, pending_step, refused_for_review, reopen_review, send_for_review
from app.usecases.clerks import create_clerk, disable_clerk, init_admin, list_clerks, reset_password
from app.usecases.drafts import save_draft
from app.usecases.receipts import print_receipt
from app.usecases.session import ClerkInfo, sign_in
from app.usecases.submit import RECEIPT_KEY, Accepted, FormInvalid, SubmitRequest, missing_materials, submit_application

__all__ = [
    "RECEIPT_KEY",
    "Accepted",
    "ClerkInfo",
    "FormInvalid",
    "SubmitRequest",
    "approve",
    "create_clerk",
    "disable_clerk",
    "init_admin",
    "list_clerks",
    "missing_materials",
    "pending_step",
    "print_receipt",
    "refused_for_review",
    "reopen_review",
    "reset_password",
    "save_draft",
    "send_for_review",
    "sign_in",
    "submit_application",
]
