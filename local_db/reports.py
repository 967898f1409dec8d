"""The supervisor's statistics, computed by the database in one query per report (issue 18).

A report counts, per period (Beijing day, ISO week from Monday, or month) and per group (clerk, window =
terminal id, or item), what the counter did. Every submission measure is counted in the period the case
version was **accepted at the counter** (``created_at``, a cohort): "of what we accepted in November, how
much was returned, how much ran late, how long the central system took". A one-time notice
(``informed_notice``) counts in the period it was printed. The measures:

- ``accepted``: new cases taken at the counter (first versions; drafts are not taken);
- ``corrections``: later versions of a case (a correction after a return is a new version, counted apart,
  so a case returned twice is one case accepted and two corrections);
- ``returned``: versions the central system returned: still returned, or closed by their correction (only
  a returned version can be corrected, ``local_db.submissions.create_submission``; the correction closes it
  after its answer, an approval closes a case at its answer: ``closed_at > answered_at``). A version
  corrected before release 0010 has its correction time as its answer (migration 0010) and is not counted;
- ``overdue``: versions answered after their due date (Beijing date of ``answered_at``), or unanswered and
  due before ``today``; a version without a due date is never overdue;
- ``informed``: one-time notices (一次性告知书, "informed, not accepted");
- ``waivers``: required materials waived with a reason (``submission.waiver_count``);
- ``answered`` / ``answer_days``: versions the central system answered and the sum of their calendar days
  from acceptance to answer (elapsed time, not working days: the holiday schedule is reference data the
  database does not hold), so an average over several rows stays exact.

Dates are Beijing dates (UTC+8, no daylight saving). The columns hold UTC, so the period of a row is
computed from its time shifted by 8 hours (``_PeriodStart``, one SQL expression per dialect: SQLite's
``date()``/``strftime()``, PostgreSQL's ``date_trunc``); the range itself is compared in UTC, so the
``created_at`` index serves it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Float,
    Integer,
    String,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from local_db.database import Database
from local_db.models import Clerk, InformedNotice, Submission, SubmissionState

__all__ = ["BEIJING", "Grouping", "Period", "ReportRow", "report_rows"]

BEIJING = timezone(timedelta(hours=8), "CST")


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Grouping(enum.StrEnum):
    CLERK = "clerk"
    WINDOW = "window"
    ITEM = "item"


@dataclass(frozen=True)
class ReportRow:
    """One period and group of a report; ``label`` is the clerk's name for a clerk (else empty)."""

    period_start: date
    group: str
    label: str
    accepted: int
    corrections: int
    returned: int
    overdue: int
    informed: int
    waivers: int
    answered: int
    answer_days: float


class _PeriodStart(FunctionElement[date]):
    """The first Beijing day of the period holding a stored UTC time (one subclass per period, so that
    each has its own cached SQL)."""

    type = Date()
    inherit_cache = True
    name = "period_start"
    period = Period.DAY


class _DayStart(_PeriodStart):
    inherit_cache = True
    period = Period.DAY


class _WeekStart(_PeriodStart):
    inherit_cache = True
    period = Period.WEEK


class _MonthStart(_PeriodStart):
    inherit_cache = True
    period = Period.MONTH


_PERIOD_START: dict[Period, type[_PeriodStart]] = {Period.DAY: _DayStart, Period.WEEK: _WeekStart,
                                                   Period.MONTH: _MonthStart}


@compiles(_PeriodStart, "sqlite")
def _period_sqlite(element: _PeriodStart, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    if element.period is Period.DAY:
        return f"date({column}, '+8 hours')"
    if element.period is Period.WEEK:  # the Sunday on or after the day, then back to its Monday (ISO weeks)
        return f"date({column}, '+8 hours', 'weekday 0', '-6 days')"
    return f"date({column}, '+8 hours', 'start of month')"


@compiles(_PeriodStart)
def _period_default(element: _PeriodStart, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(date_trunc('{element.period.value}', {column} + INTERVAL '8 hours') AS DATE)"


class _AnsweredAfterDueDay(FunctionElement[bool]):
    """``_AnsweredAfterDueDay(answered_at, due_date)``: the answer came after the Beijing due day ended, i.e. at
    or after 16:00 UTC of the due date. On SQLite a comparison of the stored text with the due date's text and
    a fixed time, so no date is parsed per row (the statistics read every row of a year)."""

    type = Boolean()
    inherit_cache = True
    name = "answered_after_due_day"


@compiles(_AnsweredAfterDueDay, "sqlite")
def _after_due_sqlite(element: _AnsweredAfterDueDay, compiler: SQLCompiler, **kw: Any) -> str:
    answered, due = (compiler.process(c, **kw) for c in element.clauses)
    return f"({answered} >= ({due} || ' 16:00:00'))"


@compiles(_AnsweredAfterDueDay)
def _after_due_default(element: _AnsweredAfterDueDay, compiler: SQLCompiler, **kw: Any) -> str:
    answered, due = (compiler.process(c, **kw) for c in element.clauses)
    return f"({answered} >= CAST({due} AS TIMESTAMP) + INTERVAL '16 hours')"


class _DaysBetween(FunctionElement[float]):
    """Calendar days (fractional) from the first stored time to the second."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(_DaysBetween, "sqlite")
def _days_sqlite(element: _DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


@compiles(_DaysBetween)
def _days_default(element: _DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


def utc_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants that bound Beijing days ``since`` to ``until`` inclusive (end exclusive)."""
    start = datetime.combine(since, time(), BEIJING).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(), BEIJING).astimezone(UTC)
    return start, end


def report_rows(db: Database, period: Period, grouping: Grouping, since: date, until: date,
                today: date) -> list[ReportRow]:
    """The report's rows, ordered by period then group, from one SQL statement.

    ``since``/``until`` are Beijing days (inclusive); ``today`` is the Beijing date an unanswered version
    is judged overdue against (given, so the report of a fixed day reads the same tomorrow and in tests).
    """
    start, end = utc_bounds(since, until)
    sub = Submission.__table__.alias("s")
    notice = InformedNotice.__table__.alias("n")
    group_column = {Grouping.CLERK: "clerk_id", Grouping.WINDOW: "terminal_id", Grouping.ITEM: "item_code"}[grouping]
    answered = sub.c.answered_at.is_not(None)
    # a version closed after its first answer was returned and then corrected: an approval closes a case at
    # the moment of its answer, a correction closes the returned version later (``create_submission``)
    was_returned: ColumnElement[bool] = or_(
        sub.c.state == SubmissionState.RETURNED.value,
        and_(sub.c.state == SubmissionState.CLOSED.value, answered, sub.c.closed_at > sub.c.answered_at))
    late: ColumnElement[bool] = and_(sub.c.due_date.is_not(None),
                                     or_(and_(answered, _AnsweredAfterDueDay(sub.c.answered_at, sub.c.due_date)),
                                         and_(~answered, sub.c.due_date < literal(today, Date))))

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return case((condition, 1), else_=0)

    zero = literal(0, Integer)
    # each table is aggregated on its own (few rows out), then the two are added up per period and group
    sub_period = _PERIOD_START[period](sub.c.created_at)
    submissions = (
        select(sub_period.label("p"), sub.c[group_column].label("g"),
               func.sum(flag(sub.c.case_version <= 1)).label("accepted"),
               func.sum(flag(sub.c.case_version > 1)).label("corrections"),
               func.sum(flag(was_returned)).label("returned"),
               func.sum(flag(late)).label("overdue"),
               zero.label("informed"),
               func.sum(sub.c.waiver_count).label("waivers"),
               func.count(sub.c.answered_at).label("answered"),
               func.coalesce(func.sum(_DaysBetween(sub.c.created_at, sub.c.answered_at)), literal(0.0, Float))
               .label("days"))
        .where(sub.c.created_at >= start, sub.c.created_at < end, sub.c.state != SubmissionState.DRAFT.value)
        .group_by(sub_period, sub.c[group_column]))
    notice_period = _PERIOD_START[period](notice.c.created_at)
    notices = (
        select(notice_period.label("p"), notice.c[group_column].label("g"), zero, zero, zero, zero,
               func.count().label("informed"), zero, zero, literal(0.0, Float))
        .where(notice.c.created_at >= start, notice.c.created_at < end)
        .group_by(notice_period, notice.c[group_column]))
    both = union_all(submissions, notices).subquery("r")
    clerk = Clerk.__table__
    label = clerk.c.name if grouping is Grouping.CLERK else literal("", String)
    query = (select(both.c.p, both.c.g, func.max(label),
                    *(func.sum(both.c[name]) for name in ("accepted", "corrections", "returned", "overdue",
                                                          "informed", "waivers", "answered", "days")))
             .select_from(both.outerjoin(clerk, clerk.c.id == both.c.g) if grouping is Grouping.CLERK else both)
             .group_by(both.c.p, both.c.g).order_by(both.c.p, both.c.g))
    with db.sessions() as s:
        rows = s.execute(query).all()
    return [ReportRow(period_start=_as_date(p), group=str(g), label=str(name or ""), accepted=int(a),
                      corrections=int(c), returned=int(r), overdue=int(o), informed=int(i), waivers=int(w or 0),
                      answered=int(n), answer_days=float(d or 0.0))
            for p, g, name, a, c, r, o, i, w, n, d in rows]


def _as_date(value: object) -> date:
    """SQLite hands the period back as text, PostgreSQL as a date."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
