"""Named operations: what widgets run (in the manner of Anki's ``aqt/operations``).

Each is a small function named after what the clerk does (``submit_application(parent=…, request=…)``)
that returns an op; the widget adds ``.success(…)`` (and, to take over failure handling,
``.failure(…)``) and calls ``.run_in_background(ctx)``. The use case runs on a pool thread, errors are
shown by default, and the op reports what it changed so that views refresh themselves. A new
operation goes in the module of its subject here, wrapping a use case from ``app/usecases/``.
Signing in is the one check that is not an operation here: it runs before the terminal exists
(``app/ui/signin.py`` waits for the terminal loading behind the dialog, then calls the use case).
"""

from app.ui.operations.base import CollectionOp, OpContext, QueryOp, RefreshingQuery
from app.ui.operations.favourites import load_my_items, record_item_use, set_favourite
from app.ui.operations.rate import rate_case
from app.ui.operations.reassign import reassign_case, reassign_targets
from app.ui.operations.receipt import print_receipt, reprint_receipt
from app.ui.operations.reference import confirm_reference
from app.ui.operations.remind import remind_case
from app.ui.operations.review import (
    list_remote_reviews,
    open_remote_review,
    remote_material,
    return_remote_review,
    sign_remote_review,
)
from app.ui.operations.submission import approve, reopen_review, save_draft, send_for_review, submit_application

__all__ = [
    "CollectionOp",
    "OpContext",
    "QueryOp",
    "RefreshingQuery",
    "approve",
    "confirm_reference",
    "list_remote_reviews",
    "load_my_items",
    "open_remote_review",
    "print_receipt",
    "rate_case",
    "reassign_case",
    "reassign_targets",
    "record_item_use",
    "remind_case",
    "remote_material",
    "reopen_review",
    "reprint_receipt",
    "return_remote_review",
    "save_draft",
    "send_for_review",
    "set_favourite",
    "sign_remote_review",
    "submit_application",
]
