"""Keeping stored due dates right as the holiday calendar changes: one function for start-up and for new data.

A due date counted at the counter before the year's holiday schedule was published is provisional (预计,
``forms.rules.deadlines.count_due_date``). When the central system sends the schedule
(``sync.reference`` calls ``ReferenceTarget.after_update`` before anyone hears ``ReferenceUpdated``) and
at every start (the schedule may have come while the terminal was closing, or with a software update),
``refresh_due_dates`` counts those dates again with the calendar in force, clears the flag where the
count is now final, fills dates that could not be counted, and once fills the time limits of
submissions saved before due dates were stored. What changed is counted in the log and the audit trail;
no personal data goes in either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from app.reference import ReferenceData
from core.errors import ConfigError, CounterError
from forms.rules.deadlines import HolidayCalendar, MissingHolidaySchedule, count_due_date
from local_db.audit import AuditAction, AuditEvent, AuditTrail
from local_db.database import Database
from local_db.due_dates import Recount, recount_due_dates
from local_db.submissions import DueData

log = logging.getLogger(__name__)


def due_counter(calendar: HolidayCalendar) -> Callable[[date, int], DueData | None]:
    """Counting one stored due date with ``calendar``: None for a year that cannot be counted yet."""

    def count(received: date, days: int) -> DueData | None:
        try:
            due = count_due_date(received, days, calendar)
        except MissingHolidaySchedule:
            return None
        return DueData(due.day, due.provisional, days)

    return count


def _limit_of(reference: ReferenceData) -> Callable[[str], int | None]:
    def limit(code: str) -> int | None:
        try:
            return reference.form(code).time_limit_working_days
        except ConfigError:  # a form this terminal does not know: its cases keep no limit
            return None

    return limit


def refresh_due_dates(db: Database, reference: ReferenceData, audit: AuditTrail, *, why: str) -> Recount:
    """Count provisional and missing due dates again with the calendar in force (and backfill once).

    ``why`` ("startup", "holidays") goes on the audit entry, written only when something changed.
    ``StorageError`` when the database refuses; nothing is changed then.
    """

    def record(s: Session, result: Recount) -> None:
        audit.record_in(s, AuditEvent(AuditAction.DUE_RECOUNT, None, subject="due_dates", detail={
            "why": why, "settled": result.settled, "moved": result.moved, "dated": result.dated,
            "backfilled": result.backfilled}))

    result = recount_due_dates(db, due_counter(reference.calendar()), limit_of=_limit_of(reference), audit=record)
    if result.changed:
        log.info("due dates counted again (%s): %d final now, %d moved, %d dated, %d from before due dates",
                 why, result.settled, result.moved, result.dated, result.backfilled)
    return result


def refresh_quietly(db: Database, reference: ReferenceData, audit: AuditTrail, why: str) -> Recount | None:
    """``refresh_due_dates`` where a failure must not stop anything else (start-up, a reference pull): logged,
    and tried again at the next start or the next schedule."""
    try:
        return refresh_due_dates(db, reference, audit, why=why)
    except CounterError as exc:
        log.error("due dates not counted again (%s): %s", why, exc.detail)
        return None
