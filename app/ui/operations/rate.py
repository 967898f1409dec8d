"""Named operation of 好差评: recording the applicant's rating of the case just accepted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo
from app.usecases import rate as usecase
from app.usecases.rate import RatingView


def rate_case(*, parent: QWidget | None, clerk: ClerkInfo, submission_id: str, level: int,
              reasons: Sequence[str]) -> CollectionOp[RatingView]:
    """Record the applicant's rating (the panel's ``rated(level, reasons)``), sent with the next sync."""
    chosen = tuple(reasons)
    return CollectionOp(parent, lambda t: usecase.rate_case(t, clerk, submission_id, level, chosen),
                        lambda view: OpChanges.submission(view.submission_id))
