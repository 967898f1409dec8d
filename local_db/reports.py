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
- ``home_visits``: versions taken at the applicant's home (上门服务, issue 19; corrections included), counted
  by a second small read from their own partial index (migration 0014);
- ``answered`` / ``answer_days``: versions the central system answered and the sum of their calendar days
  from acceptance to answer (elapsed time, not working days: the holiday schedule is reference data the
  database does not hold), so an average over several rows stays exact;
- ``rated_5`` … ``rated_1``: versions the applicant rated (好差评, ``case_rating``) at each level, 5 = 非常满意 …
  1 = 非常不满意, counted like the rest in the period the rated version was accepted; ``rated`` their sum and
  ``satisfaction`` the share rated 满意 or 非常满意 (levels 4 and 5).

Dates are Beijing dates (UTC+8, no daylight saving). A submission's Beijing day (``received_day``) and its
answer time in days (``answer_days``) are kept by SQLite triggers (migration 0012) and held, with every other
column a report reads, in a covering index per grouping led by the day: a year of a busy terminal is read
from an index alone, summed per day and group, and only those sums are folded into weeks or months
(``_PeriodOfDay``). Four of the counts are flags of a version (a correction, returned, answered late,
answered), packed by a trigger into ``submission.stat_bits`` (migration 0016): one sum counts all four. The
ratings are in the same index: ``submission.rating_bits`` (kept by a trigger on
``case_rating``, migration 0015) packs a level into one of five 12-bit fields, so one sum per day and group
counts every level (five conditional sums would cost as much as the rest of the report), unpacked before
the days are folded (a day and group never holds 4096 ratings of one level; a month might). The one-time
notices are few; their Beijing day is computed from their UTC time (``_BeijingDay``) and folded the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    String,
    TextClause,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    text,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from local_db.database import Database
from local_db.models import Clerk, InformedNotice, Submission, SubmissionState

__all__ = ["BEIJING", "Grouping", "Measures", "Period", "ReportRow", "report_rows"]

BEIJING = timezone(timedelta(hours=8), "CST")


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Grouping(enum.StrEnum):
    CLERK = "clerk"
    WINDOW = "window"
    ITEM = "item"


class Measures(NamedTuple):
    """The counts of a report line or total; ``avg_answer_days`` is None when nothing was answered.

    Named tuples, not dataclasses: a year by day and item is thousands of lines, built on every read.
    """

    accepted: int = 0
    corrections: int = 0
    returned: int = 0
    overdue: int = 0
    informed: int = 0
    waivers: int = 0
    answered: int = 0
    answer_days: float = 0.0
    rated_5: int = 0
    rated_4: int = 0
    rated_3: int = 0
    rated_2: int = 0
    rated_1: int = 0
    #: versions taken at the applicant's home (上门服务)
    home_visits: int = 0

    @property
    def avg_answer_days(self) -> float | None:
        """Average calendar days from acceptance to the central system's answer."""
        return self.answer_days / self.answered if self.answered else None

    @property
    def rated(self) -> int:
        """Versions the applicant rated (好差评)."""
        return self.rated_5 + self.rated_4 + self.rated_3 + self.rated_2 + self.rated_1

    @property
    def satisfaction(self) -> float | None:
        """The share of the rated versions rated 满意 or 非常满意 (0..1); None when none was rated."""
        rated = self.rated
        return (self.rated_5 + self.rated_4) / rated if rated else None


class ReportRow(NamedTuple):
    """One period and group: ``group`` the key (staff number, terminal id, item code), ``label`` its name."""

    period_start: date
    group: str
    label: str
    measures: Measures


class _BeijingDay(FunctionElement[str]):
    """The Beijing date (UTC+8, no daylight saving) of a stored UTC time, as text like ``_PeriodOfDay``'s."""

    type = String()
    inherit_cache = True
    name = "beijing_day"


@compiles(_BeijingDay, "sqlite")
def _beijing_day_sqlite(element: _BeijingDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(next(iter(element.clauses)), **kw)}, '+8 hours')"


@compiles(_BeijingDay)
def _beijing_day_default(element: _BeijingDay, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(next(iter(element.clauses)), **kw)} + INTERVAL '8 hours' AS DATE)"


class _PeriodOfDay(FunctionElement[str]):
    """The first day of the period holding a stored (Beijing) date, as the database writes it (ISO text on
    SQLite; each distinct one parsed once, ``_DayCache``, not once per line by a result processor)."""

    type = String()
    inherit_cache = True
    name = "period_of_day"
    period = Period.DAY


class _DayOfDay(_PeriodOfDay):
    inherit_cache = True
    period = Period.DAY


class _WeekOfDay(_PeriodOfDay):
    inherit_cache = True
    period = Period.WEEK


class _MonthOfDay(_PeriodOfDay):
    inherit_cache = True
    period = Period.MONTH


_PERIOD_OF_DAY: dict[Period, type[_PeriodOfDay]] = {Period.DAY: _DayOfDay, Period.WEEK: _WeekOfDay,
                                                    Period.MONTH: _MonthOfDay}


@compiles(_PeriodOfDay, "sqlite")
def _period_of_day_sqlite(element: _PeriodOfDay, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    if element.period is Period.DAY:
        return column
    if element.period is Period.WEEK:  # the Sunday on or after the day, then back to its Monday (ISO weeks)
        return f"date({column}, 'weekday 0', '-6 days')"
    return f"date({column}, 'start of month')"


@compiles(_PeriodOfDay)
def _period_of_day_default(element: _PeriodOfDay, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return column if element.period is Period.DAY else f"CAST(date_trunc('{element.period.value}', {column}) AS DATE)"


def utc_bounds(since: date, until: date) -> tuple[datetime, datetime]:
    """The UTC instants that bound Beijing days ``since`` to ``until`` inclusive (end exclusive)."""
    start = datetime.combine(since, time(), BEIJING).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time(), BEIJING).astimezone(UTC)
    return start, end


def report_rows(db: Database, period: Period, grouping: Grouping, since: date, until: date,
                today: date, labels: Mapping[str, str] | None = None) -> list[ReportRow]:
    """The report's rows, ordered by period then group: the submissions and the notices each summed by SQL.

    ``since``/``until`` are Beijing days (inclusive); ``today`` is the Beijing date an unanswered version
    is judged overdue against (given, so the report of a fixed day reads the same tomorrow and in tests).
    A group is labelled from ``labels`` (an item's name), else a clerk's name, else its key.
    """
    start, end = utc_bounds(since, until)
    sub = Submission.__table__.alias("s")
    notice = InformedNotice.__table__.alias("n")
    group_column = {Grouping.CLERK: "clerk_id", Grouping.WINDOW: "terminal_id", Grouping.ITEM: "item_code"}[grouping]
    # ``was_returned`` (still returned, or closed by its correction after the return) and ``answered_late``
    # (answered after the Beijing due day) are kept by triggers (migration 0012); what is late without an
    # answer depends on ``today``, so it is judged here
    unanswered_late = sub.c.open_due < literal(today, Date)  # ``open_due``: the due date until answered

    def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return case((condition, 1), else_=0)

    # each table is aggregated on its own (few rows out), then the two are added up per period and group.
    # Submissions are first summed per Beijing day (``received_day``, kept by a trigger, migration 0012) in the
    # index's own order, then the days are folded into weeks or months: the date function runs per day and
    # group, not per row
    daily = (
        select(sub.c.received_day.label("day"), sub.c[group_column].label("g"),
               func.count().label("accepted"),  # all versions here; the corrections are taken off below
               # corrections, returned, answered late and answered, packed (migration 0016): one sum, not four
               func.sum(sub.c.stat_bits).label("stat_bits"),
               func.sum(flag(unanswered_late)).label("open_late"),
               func.sum(sub.c.waiver_count).label("waivers"),
               func.coalesce(func.sum(sub.c.answer_days), literal(0.0, Float)).label("days"),
               # the ratings' counts per level, packed (migration 0015): one sum, not five
               func.sum(sub.c.rating_bits).label("rating_bits"))
        .where(sub.c.received_day >= literal(since, Date), sub.c.received_day <= literal(until, Date),
               sub.c.state != SubmissionState.DRAFT.value)
        .group_by(sub.c.received_day, sub.c[group_column])).subquery("d")
    if period is Period.DAY:  # the days are the periods: no second fold. The packed sums are unpacked in Python:
        # SQLite flattens this select into the daily one, and each unpacked field would be a sum of its own
        submissions: Select[Any] = select(
            type_coerce(daily.c.day, String()).label("p"), daily.c.g,
            *(daily.c[name] for name in ("accepted", "stat_bits", "open_late", "waivers", "days", "rating_bits")))
    else:
        # a day's packed sums unpacked into their counts before the fold (a month may pass a field's limit)
        def field(column: ColumnElement[Any], shift: int, mask: int) -> ColumnElement[Any]:
            return column.op(">>")(literal(shift, Integer)).op("&")(literal(mask, Integer))

        flags = [field(daily.c.stat_bits, STAT_FIELD_BITS * k, STAT_FIELD) for k in range(4)]
        levels = [field(daily.c.rating_bits, RATING_BITS * (level - 1), RATING_FIELD) for level in _LEVELS]
        sub_period = _PERIOD_OF_DAY[period](daily.c.day)
        submissions = (
            select(sub_period.label("p"), daily.c.g, func.sum(daily.c.accepted),
                   *(func.sum(count) for count in flags),
                   *(func.sum(daily.c[name]) for name in ("open_late", "waivers", "days")),
                   *(func.sum(count) for count in levels))
            .group_by(sub_period, daily.c.g))
    notice_period = _PERIOD_OF_DAY[period](_BeijingDay(notice.c.created_at))
    notices = (
        select(notice_period.label("p"), notice.c[group_column].label("g"), func.count().label("informed"))
        .where(notice.c.created_at >= start, notice.c.created_at < end)
        .group_by(notice_period, notice.c[group_column]))
    visits = _home_visits_query(db, period, group_column, since, until)
    clerk = Clerk.__table__
    with db.sessions() as s:  # one read transaction: they agree
        found = s.execute(submissions).all()
        informed = {(p, g): n for p, g, n in s.execute(notices).all()}
        at_home = {(p, g): n for p, g, n in s.execute(visits).all()}
        names = dict(s.execute(select(clerk.c.id, clerk.c.name)).all()) if grouping is Grouping.CLERK else {}
    # the sums meet here, by period and group: a few thousand lines at most (a year by day and item), where a
    # UNION and a GROUP BY in SQL would sort them all again; each line's measures are made once
    given, days, label = labels or {}, _DayCache(), _Labels()
    label.update({g: given.get(g) or str(names.get(g) or g) for g in {*given, *names}})
    rows: list[ReportRow] = []
    if period is Period.DAY:
        for p, g, a, bits, open_late, w, d, rating in found:
            c, r, late, n = _flags(bits)
            rows.append(_row(days[p], g, label[g], a, c, r, late + open_late, w, n, d, _unpacked(rating),
                             informed.pop((p, g), 0), at_home.get((p, g), 0)))
    else:
        for p, g, a, c, r, late, n, open_late, w, d, *rated in found:
            rows.append(_row(days[p], g, label[g], a, c, r, late + open_late, w, n, d, rated,
                             informed.pop((p, g), 0), at_home.get((p, g), 0)))
    rows.extend(ReportRow(days[p], str(g), label[g], Measures(informed=n)) for (p, g), n in informed.items())
    rows.sort(key=attrgetter("period_start", "group"))
    return rows


def _home_visits_query(db: Database, period: Period, group_column: str, since: date, until: date) -> TextClause:
    """The home visits (上门服务) per period and group, read from their partial index (migration 0014).

    Text, because the index must be named: without ANALYZE statistics SQLite's planner prefers the wide index
    of the day range whose order fits the GROUP BY, and then reads every row of the table for ``home_visit``
    (a year's payloads decrypted, seconds). SQLAlchemy renders no ``INDEXED BY`` for SQLite.
    """
    dialect = db.engine.dialect
    day: ColumnElement[Any] = literal_column("received_day")
    period_sql = str(_PERIOD_OF_DAY[period](day).compile(dialect=dialect))
    table = "submission INDEXED BY ix_submission_home_visits" if dialect.name == "sqlite" else "submission"
    assert group_column in ("clerk_id", "terminal_id", "item_code")
    return text(f"SELECT {period_sql} AS p, {group_column} AS g, count(*) AS n FROM {table} "
                "WHERE home_visit = 1 AND received_day >= :since AND received_day <= :until AND state != :draft "
                f"GROUP BY {period_sql}, {group_column}").bindparams(
        bindparam("since", since, type_=Date), bindparam("until", until, type_=Date),
        bindparam("draft", SubmissionState.DRAFT.value))


#: the rating levels in the order ``Measures`` holds them (``rated_5`` first)
_LEVELS = (5, 4, 3, 2, 1)
#: ``submission.rating_bits`` (migration 0015) is ``1 << RATING_BITS * (level - 1)``: a sum of them holds the
#: count of each level in a field of ``RATING_BITS`` bits, five fields in 60 bits of SQLite's 64-bit integer
RATING_BITS = 12
RATING_FIELD = (1 << RATING_BITS) - 1


def _row(day: date, group: Any, label: str, versions: int, corrections: int, returned: int, overdue: int,
         waivers: int | None, answered: int, days: float | None, rated: tuple[int, int, int, int, int] | list[int],
         informed: int, home_visits: int) -> ReportRow:
    """A report line from a period and group's sums (every home visit is a counted version: its line exists)."""
    r5, r4, r3, r2, r1 = rated
    return ReportRow(day, str(group), label, Measures(versions - corrections, corrections, returned, overdue,
                                                      informed, waivers or 0, answered, days or 0.0, r5, r4, r3,
                                                      r2, r1, home_visits))


#: ``submission.stat_bits`` (migration 0016): a correction, returned, answered late and answered, each a
#: field of ``STAT_FIELD_BITS`` bits (a day and group never holds 32,768 versions), in that order
STAT_FIELD_BITS = 15
STAT_FIELD = (1 << STAT_FIELD_BITS) - 1


def _flags(bits: int | None) -> tuple[int, int, int, int]:
    """A day's sum of ``stat_bits`` as (corrections, returned, answered late, answered)."""
    b = bits or 0
    return (b & STAT_FIELD, b >> STAT_FIELD_BITS & STAT_FIELD, b >> 2 * STAT_FIELD_BITS & STAT_FIELD,
            b >> 3 * STAT_FIELD_BITS & STAT_FIELD)


def _unpacked(bits: int | None) -> tuple[int, int, int, int, int]:
    """A day's sum of ``rating_bits`` as the count of each level, ``rated_5`` first."""
    b = bits or 0
    return (b >> 4 * RATING_BITS & RATING_FIELD, b >> 3 * RATING_BITS & RATING_FIELD,
            b >> 2 * RATING_BITS & RATING_FIELD, b >> RATING_BITS & RATING_FIELD, b & RATING_FIELD)


class _Labels(dict[Any, str]):
    """Groups without a given label or a clerk's name are named by their key."""

    def __missing__(self, key: Any) -> str:
        self[key] = value = str(key)
        return value


class _DayCache(dict[Any, date]):
    """Periods as dates, each parsed once (a year by day and item names each day twenty times)."""

    def __missing__(self, key: Any) -> date:
        self[key] = value = _as_date(key)
        return value


def _as_date(value: object) -> date:
    """SQLite hands the period back as text, PostgreSQL as a date."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
