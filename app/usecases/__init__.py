"""What a clerk can do, as plain functions the window, the CLI and tests call the same way.

Commands live here (submit, drafts, approval, sign-in, printing, clerk accounts, the auditor's reading of
the trail); reads for lists, counts and one case live in ``app/queries.py``. Neither imports Qt at import
time. A new use case is a module here with a plain function taking the ``Terminal`` first; the window
reaches it through a named operation in ``app/ui/operations/``.
"""

from app.usecases.approval import approve, pending_step, refused_for_review, reopen_review, send_for_review
from app.usecases.audit import TrailFilter, TrailPage, read_trail, verify_trail
from app.usecases.clerks import create_clerk, disable_clerk, init_admin, list_clerks, reset_password, set_clerk_roles
from app.usecases.drafts import delete_draft, save_draft
from app.usecases.favourites import record_item_use, set_favourite
from app.usecases.receipts import print_receipt
from app.usecases.reference import (
    PendingReference,
    ReferenceAlerts,
    change_trust_setting,
    confirm_reference,
    pending_reference,
    reference_alerts,
)
from app.usecases.session import ClerkInfo, lock_session, sign_in, sign_out, switch_clerk, unlock_session
from app.usecases.submit import RECEIPT_KEY, Accepted, FormInvalid, SubmitRequest, missing_materials, submit_application

__all__ = [
    "RECEIPT_KEY",
    "Accepted",
    "ClerkInfo",
    "FormInvalid",
    "PendingReference",
    "ReferenceAlerts",
    "SubmitRequest",
    "TrailFilter",
    "TrailPage",
    "approve",
    "change_trust_setting",
    "confirm_reference",
    "create_clerk",
    "delete_draft",
    "disable_clerk",
    "init_admin",
    "list_clerks",
    "lock_session",
    "missing_materials",
    "pending_reference",
    "pending_step",
    "print_receipt",
    "read_trail",
    "record_item_use",
    "reference_alerts",
    "refused_for_review",
    "reopen_review",
    "reset_password",
    "save_draft",
    "send_for_review",
    "set_clerk_roles",
    "set_favourite",
    "sign_in",
    "sign_out",
    "submit_application",
    "switch_clerk",
    "unlock_session",
    "verify_trail",
]
