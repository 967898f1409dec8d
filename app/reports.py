"""The supervisor's statistics (业务统计, issue 18 item 6): one read, checked and audited.

``statistics`` is the one entry: ``Permission.VIEW_STATISTICS`` (业务主管) is required, the reading is on the
audit trail (which report and range, how many rows; statistics hold no personal data), and the SQL is in
``local_db.reports`` (what each measure counts and in which period is said there). This module adds the
names a person reads (a clerk's name, the office of a window, an item's title) and the totals per group
and per period, summed from the report's already-aggregated rows.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from operator import attrgetter

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import ValidationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.reports import Grouping, Measures, Period, ReportRow, report_rows

__all__ = ["GROUPING_LABELS", "MAX_DAYS", "PERIOD_LABELS", "Grouping", "Measures", "Period", "Report",
           "ReportLine", "record_export", "statistics"]

PERIOD_LABELS: dict[Period, str] = {Period.DAY: "按日", Period.WEEK: "按周", Period.MONTH: "按月"}
GROUPING_LABELS: dict[Grouping, str] = {Grouping.CLERK: "按柜员", Grouping.WINDOW: "按窗口", Grouping.ITEM: "按事项"}
#: the widest range one report covers (a year and a bit: "this year so far" plus December)
MAX_DAYS = 400


#: one period and group of a report (``local_db.reports.ReportRow``): its key, label and measures
ReportLine = ReportRow


@dataclass(frozen=True)
class Report:
    """A report as asked for, its lines (period, then group) and its totals."""

    period: Period
    grouping: Grouping
    since: date
    until: date
    today: date
    office_name: str
    lines: tuple[ReportLine, ...]
    by_group: tuple[ReportLine, ...] = field(default=())
    by_period: tuple[ReportLine, ...] = field(default=())
    total: Measures = field(default_factory=Measures)

    @property
    def title(self) -> str:
        return f"业务统计（{PERIOD_LABELS[self.period]}、{GROUPING_LABELS[self.grouping]}）{self.since:%Y-%m-%d} 至 " \
               f"{self.until:%Y-%m-%d}"


def statistics(terminal: Terminal, clerk: ClerkInfo, period: Period, grouping: Grouping, since: date, until: date,
               *, today: date) -> Report:
    """The report of ``since``..``until`` (Beijing days, inclusive) by ``period`` and ``grouping``.

    ``today`` judges unanswered cases overdue (the caller's clock). A supervisor's read
    (``Permission.VIEW_STATISTICS``); each call is on the audit trail with the report's shape and range.
    """
    require(clerk, Permission.VIEW_STATISTICS)
    if until < since:
        raise ValidationError("until", "统计的结束日期早于开始日期。",
                              hint="请把结束日期改为开始日期当天或之后。")
    if (until - since).days + 1 > MAX_DAYS:
        raise ValidationError("since", f"统计范围超过 {MAX_DAYS} 天。",
                              hint="请缩小日期范围，或分段统计后再合并。")
    with _collector_paused():
        rows = report_rows(terminal.db, period, grouping, since, until, today, _labels(terminal, grouping))
        report = _arrange(terminal, period, grouping, since, until, today, rows)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_STATISTICS, clerk.id, None, None, {
        "period": period.value, "by": grouping.value, "since": since.isoformat(), "until": until.isoformat(),
        "rows": len(report.lines)}))
    return report


def record_export(terminal: Terminal, clerk: ClerkInfo, report: Report, file_format: str) -> None:
    """Put the export of a report already read on the audit trail (its shape and the file's format)."""
    require(clerk, Permission.VIEW_STATISTICS)
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.EXPORT, clerk.id, None, None, {
        "report": "statistics", "period": report.period.value, "by": report.grouping.value,
        "since": report.since.isoformat(), "until": report.until.isoformat(), "format": file_format}))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a report's lines are made.

    A year by day and item is some 20,000 small tuples (rows, lines, measures), none of them in a cycle;
    made in one go they set off a dozen collections, some of them full ones that walk every object of the
    running window: a fifth of the report's time on the 2-core bench machine (``bench/reports.py``). The
    collector runs as usual once the report is made (and is left off if the caller had turned it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _sum(measures: Sequence[Measures]) -> Measures:
    """The measures added up field by field."""
    if not measures:
        return Measures()
    return Measures._make(map(sum, zip(*measures, strict=True)))


def _labels(terminal: Terminal, grouping: Grouping) -> dict[str, str]:
    """How a group is named: an item by its name, this window with its office; a clerk by name (the database)."""
    if grouping is Grouping.ITEM:
        return {item.code: item.name for item in terminal.catalogue}
    office, own = terminal.settings.office_name, terminal.settings.terminal_id
    return {own: f"{own}（{office}）"} if grouping is Grouping.WINDOW and office and own else {}


def _arrange(terminal: Terminal, period: Period, grouping: Grouping, since: date, until: date, today: date,
             rows: Iterable[ReportRow]) -> Report:
    office = terminal.settings.office_name
    lines = tuple(rows)
    # sums of the aggregated lines (up to a few thousand: a year by day and item), column by column; the lines
    # come ordered by period, then group, so the periods are runs of them and the groups runs once sorted
    by_period = [ReportLine(key, "", "", _sum([line.measures for line in run]))
                 for key, run in groupby(lines, key=attrgetter("period_start"))]
    by_group = []
    for key, run in groupby(sorted(lines, key=attrgetter("group")), key=attrgetter("group")):
        found = list(run)
        by_group.append(ReportLine(since, key, found[0].label, _sum([line.measures for line in found])))
    total = _sum([line.measures for line in lines])
    return Report(period, grouping, since, until, today, office, lines, tuple(by_group), tuple(by_period), total)
