"""Named operations of the query screens (issue 20): a person or an employer looked up, a full number shown.

The lookups run on the pool like any read (the central system may take a few seconds); the use cases record
them, so the operations report no change to stored data the views show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QWidget

from app.lookups import EmployerLookup, LookupReason, PersonLookup
from app.permissions import ClerkInfo
from app.retirement_due import RetirementDue
from app.ui.operations.base import QueryOp
from app.usecases import lookup as lookups
from app.usecases import person_query, retirement_due


def query_person(*, parent: QWidget | None, clerk: ClerkInfo, id_number: str, reason: LookupReason,
                 answered: Callable[[PersonLookup], None]) -> QueryOp[PersonLookup]:
    """Look a person up at the central system for a query screen (offline is an answer, not an error)."""
    return QueryOp(parent, lambda t: lookups.look_up_person(t, clerk, id_number, reason), answered)


def query_employer(*, parent: QWidget | None, clerk: ClerkInfo, unit_number: str | None, uscc: str | None,
                   reason: LookupReason, answered: Callable[[EmployerLookup], None]) -> QueryOp[EmployerLookup]:
    """Look an employer up by unit number or unified social credit code for 单位一站式查询."""
    return QueryOp(parent, lambda t: lookups.look_up_employer(t, clerk, unit_number=unit_number, uscc=uscc,
                                                              reason=reason), answered)


def reveal_id_number(*, parent: QWidget | None, clerk: ClerkInfo, lookup: PersonLookup, screen: str,
                     shown: Callable[[str], None]) -> QueryOp[str]:
    """The looked-up person's full ID number, on the audit trail."""
    return QueryOp(parent, lambda t: person_query.reveal_id_number(t, clerk, lookup, screen=screen), shown)


def query_retirement_due(*, parent: QWidget | None, clerk: ClerkInfo, unit_number: str | None, uscc: str | None,
                         months_ahead: int, today: date, reason: LookupReason,
                         answered: Callable[[RetirementDue], None]) -> QueryOp[RetirementDue]:
    """到龄确认查询 of a unit: its staff reaching the statutory retirement age within ``months_ahead`` months."""
    return QueryOp(parent, lambda t: retirement_due.find_retirement_due(
        t, clerk, unit_number=unit_number, uscc=uscc, months_ahead=months_ahead, reason=reason, today=today),
        answered)
