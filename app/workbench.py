"""The clerk's workbench (工作台, issue 18): what waits for them this morning, and what is about to run out.

Six lists: 暂存 (drafts), 待复核 (cases waiting for a signature), 已退回 (to correct), 即将到期 (due today or
within the next ``SOON_WORKING_DAYS`` working days), 已逾期 (past their due date, still not answered) and
反馈通知 (the central system's answers of the last ``ANSWER_DAYS`` days). The counts and rows are selected
in SQL (``local_db.workbench``); this module decides the bounds from the clerk's posts, ``today`` and the
terminal's holiday calendar, and works out each row's days left or overdue.

Whose cases: drafts, returned cases and answers are the clerk's own (a supervisor, who may 改派, sees
everyone's); 待复核 holds every case waiting for a signature for a clerk who may sign, and the clerk's own
waiting cases for anyone; 即将到期 and 已逾期 hold the whole office's cases, since the time limit is the
office's duty, not one clerk's.

A year the calendar lacks (next year's schedule is published late in the autumn) is counted with
weekends and the statutory holidays of 全国年节及纪念日放假办法 (``forms.rules.statutory_holidays``, lunar
dates included), the same days a provisional due date is counted with; the make-up working days are then
unknown, so such a count is marked ``estimated``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from app.permissions import Permission, allowed, require
from app.terminal import Terminal
from core.errors import mask_id_number
from forms.receipt import CHINA_TZ
from forms.rules.deadlines import HolidayCalendar
from forms.rules.statutory_holidays import statutory_holidays
from local_db.audit import AuditAction, AuditEvent, DetailValue
from local_db.clerks import ClerkInfo
from local_db.models import SubmissionState
from local_db.submissions import SubmissionView
from local_db.workbench import OPEN_STATES, WorkbenchBounds, WorkList, workbench_counts, workbench_rows

__all__ = ["ANSWER_DAYS", "ROW_LIMIT", "SOON_WORKING_DAYS", "WorkList", "WorkRow", "Workbench", "is_working_day",
           "soon_until", "workbench", "working_days_left"]

#: "due soon": due today or within this many working days
SOON_WORKING_DAYS = 2
#: the central system's answers stay news for this many days (today and the two before)
ANSWER_DAYS = 3
#: the most rows each list carries (the count says how many there are in all)
ROW_LIMIT = 100
_SATURDAY = 5


def is_working_day(day: date, calendar: HolidayCalendar) -> tuple[bool, bool]:
    """Whether ``day`` is a working day, and whether that is an estimate (its year has no schedule)."""
    if day.year in calendar.years:
        return calendar.is_working_day(day), False
    return day.weekday() < _SATURDAY and day not in _statutory(day.year), True


@lru_cache(maxsize=8)
def _statutory(year: int) -> frozenset[date]:
    """The statutory rest days of a year without a schedule (pure, so kept: the lunar count is not free)."""
    try:
        return statutory_holidays(year)
    except ValueError:  # before the rules the library counts from: weekends only
        return frozenset()


def soon_until(today: date, calendar: HolidayCalendar, working_days: int = SOON_WORKING_DAYS) -> date:
    """The last due date that is "soon": the ``working_days``-th working day after ``today``."""
    day, left = today, working_days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, calendar)[0]:
            left -= 1
    return day


def working_days_left(today: date, due: date, calendar: HolidayCalendar) -> tuple[int, bool]:
    """Working days after ``today`` up to and including ``due`` (0: due today), and whether estimated."""
    count, estimated, day = 0, False, today
    while day < due:
        day += timedelta(days=1)
        working, guessed = is_working_day(day, calendar)
        count += working
        estimated |= guessed
    return count, estimated


@dataclass(frozen=True)
class WorkRow:
    """One case in a list, as the workbench shows it.

    ``days_overdue``: calendar days past the due date (None unless overdue and not answered);
    ``working_days_left``: until the due date (None without one, when overdue or answered);
    ``days_estimated``: counted across a year the holiday calendar lacks.
    """

    view: SubmissionView
    masked_id_number: str
    receipt_no: str | None
    days_overdue: int | None
    working_days_left: int | None
    days_estimated: bool

    @property
    def reason(self) -> str | None:
        """Why it came back (the central system's words), or why it has not gone yet."""
        v = self.view
        if v.status_reason:
            return v.status_reason
        if v.state in (SubmissionState.QUEUED, SubmissionState.SENDING):
            return v.last_error
        return None

    @property
    def answer_was_return(self) -> bool:
        """The central system's first answer was a return (even if the case has since been corrected)."""
        v = self.view
        return v.state is SubmissionState.RETURNED or (
            v.answered_at is not None and v.closed_at is not None and v.answered_at < v.closed_at)


@dataclass(frozen=True)
class Workbench:
    """Counts of every list and its first rows; ``today`` the day it was counted for."""

    today: date
    counts: dict[WorkList, int]
    rows: dict[WorkList, tuple[WorkRow, ...]]


def _row(view: SubmissionView, today: date, calendar: HolidayCalendar) -> WorkRow:
    overdue = left = None
    estimated = False
    if view.due_date is not None and view.state in OPEN_STATES:
        if view.due_date < today:
            overdue = (today - view.due_date).days
        else:
            left, estimated = working_days_left(today, view.due_date, calendar)
    return WorkRow(view, mask_id_number(view.applicant_id_number or ""),
                   view.receipt_number or view.counter_receipt_no, overdue, left, estimated)


def workbench(terminal: Terminal, clerk: ClerkInfo, today: date, *, limit: int = ROW_LIMIT,
              audited: bool = True) -> Workbench:
    """The clerk's lists as of ``today`` (a date at the counter, Beijing time).

    The rows name applicants with masked ID numbers: a business post's read (``Permission.VIEW_CASE``);
    ``audited``: the clerk opened the workbench, which is then on the trail as a view of records (how
    many rows each list showed, never a name). False for the workbench refreshing itself.
    """
    require(clerk, Permission.VIEW_CASE)
    calendar = terminal.reference.calendar()
    bounds = WorkbenchBounds(
        own=None if allowed(clerk, Permission.REASSIGN) else clerk.id, clerk_id=clerk.id,
        approver=allowed(clerk, Permission.APPROVE) or allowed(clerk, Permission.FINAL_APPROVE),
        today=today, soon_until=soon_until(today, calendar),
        answered_since=datetime.combine(today - timedelta(days=ANSWER_DAYS - 1), time(), CHINA_TZ))
    counts = workbench_counts(terminal.db, bounds)
    views = workbench_rows(terminal.db, bounds, tuple(WorkList), limit)
    rows = {name: tuple(_row(v, today, calendar) for v in found) for name, found in views.items()}
    if audited:
        facts: dict[str, DetailValue] = {"list": "workbench", "today": today.isoformat(),
                                         "rows": sum(len(r) for r in rows.values()),
                                         "total": sum(counts.values())}
        facts.update({f"count_{name.value}": n for name, n in counts.items()})
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_RECORDS, clerk.id, None, None, facts))
    return Workbench(today, counts, rows)
