"""Named operations of home-visit mode (上门服务): switching it, and reading it with the reference data's age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.home_visit import HomeVisit, home_visit
from app.reference_age import ReferenceAge, reference_age
from app.terminal import Terminal
from app.ui.operations.base import CollectionOp
from app.usecases.home_visit import switch_home_visit as switch
from app.usecases.session import ClerkInfo


@dataclass(frozen=True)
class VisitState:
    """What the header's badge and the status bar show: the mode and how old the reference data is."""

    visit: HomeVisit
    age: ReferenceAge


def visit_state(terminal: Terminal, now: datetime) -> VisitState:
    """The read behind the badge and the age label (no personal data)."""
    return VisitState(home_visit(terminal), reference_age(terminal, now=now))


def switch_home_visit(*, parent: QWidget | None, clerk: ClerkInfo, on: bool,
                      place: str | None = None) -> CollectionOp[HomeVisit]:
    """Turn home-visit mode on (leaving for a visit) or off (back at the office); audited."""
    return CollectionOp(parent, lambda t: switch(t, clerk, on, place), lambda _state: OpChanges())
