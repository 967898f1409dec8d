"""Named operations of the central lookups (issue 20): a person, an employer, a batch's registered check.

They run in the background (a lookup waits up to a few seconds on the network); the answer comes back as
``app.lookups``' values, OFFLINE and NOT_REGISTERED among them, never as an error. They change nothing the
views show (the audit entry is not a view's), so they report no changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget

from app.changes import OpChanges
from app.lookups import EmployerLookup, LookupReason, PersonLookup, RegisteredCheck
from app.ui.operations.base import CollectionOp
from app.usecases import ClerkInfo
from app.usecases import lookup as usecase


def look_up_person(*, parent: QWidget | None, clerk: ClerkInfo, id_number: str,
                   reason: LookupReason) -> CollectionOp[PersonLookup]:
    """What the central system knows of the person whose card or ID card was read (or the clerk typed)."""
    return CollectionOp(parent, lambda t: usecase.look_up_person(t, clerk, id_number, reason),
                        lambda _found: OpChanges())


def look_up_employer(*, parent: QWidget | None, clerk: ClerkInfo, unit_number: str | None = None,
                     uscc: str | None = None, reason: LookupReason) -> CollectionOp[EmployerLookup]:
    """One employer by unit number or unified social credit code."""
    return CollectionOp(parent, lambda t: usecase.look_up_employer(t, clerk, unit_number=unit_number, uscc=uscc,
                                                                   reason=reason),
                        lambda _found: OpChanges())


def check_registered(*, parent: QWidget | None, clerk: ClerkInfo, unit_number: str | None,
                     id_numbers: Sequence[str], reason: LookupReason) -> CollectionOp[RegisteredCheck]:
    """Which numbers of an employer's batch are already registered, and where insured."""
    numbers = tuple(id_numbers)
    return CollectionOp(parent, lambda t: usecase.check_registered(t, clerk, unit_number, numbers, reason),
                        lambda _found: OpChanges())
