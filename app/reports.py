"""The supervisor's statistics (业务统计, issue 18 item 6): one read, checked and audited.

``statistics`` is the one entry: ``Permission.VIEW_STATISTICS`` (业务主管) is required, the reading is on the
audit trail (which report and range, how many rows; statistics hold no personal data), and the SQL is in
``local_db.reports`` (what each measure counts and in which period is said there). This module adds the
names a person reads (a clerk's name, the office of a window, an item's title) and the totals per group
and per period, summed from the report's already-aggregated rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import ValidationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo
from local_db.reports import Grouping, Period, ReportRow, report_rows

__all__ = ["GROUPING_LABELS", "MAX_DAYS", "PERIOD_LABELS", "Grouping", "Measures", "Period", "Report",
           "ReportLine", "record_export", "statistics"]

PERIOD_LABELS: dict[Period, str] = {Period.DAY: "按日", Period.WEEK: "按周", Period.MONTH: "按月"}
GROUPING_LABELS: dict[Grouping, str] = {Grouping.CLERK: "按柜员", Grouping.WINDOW: "按窗口", Grouping.ITEM: "按事项"}
#: the widest range one report covers (a year and a bit: "this year so far" plus December)
MAX_DAYS = 400


@dataclass(frozen=True)
class Measures:
    """The counts of a report line or total; ``avg_answer_days`` is None when nothing was answered."""

    accepted: int = 0
    corrections: int = 0
    returned: int = 0
    overdue: int = 0
    informed: int = 0
    waivers: int = 0
    answered: int = 0
    answer_days: float = 0.0

    @property
    def avg_answer_days(self) -> float | None:
        """Average calendar days from acceptance to the central system's answer."""
        return self.answer_days / self.answered if self.answered else None

    def __add__(self, other: Measures) -> Measures:
        return Measures(self.accepted + other.accepted, self.corrections + other.corrections,
                        self.returned + other.returned, self.overdue + other.overdue,
                        self.informed + other.informed, self.waivers + other.waivers,
                        self.answered + other.answered, self.answer_days + other.answer_days)


@dataclass(frozen=True)
class ReportLine:
    """One period and group: ``group`` the key (staff number, terminal id, item code), ``label`` its name."""

    period_start: date
    group: str
    label: str
    measures: Measures


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
    total: Measures = Measures()

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
    rows = report_rows(terminal.db, period, grouping, since, until, today)
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


def _measures(row: ReportRow) -> Measures:
    return Measures(row.accepted, row.corrections, row.returned, row.overdue, row.informed, row.waivers,
                    row.answered, row.answer_days)


def _arrange(terminal: Terminal, period: Period, grouping: Grouping, since: date, until: date, today: date,
             rows: Iterable[ReportRow]) -> Report:
    office = terminal.settings.office_name
    items = {item.code: item.name for item in terminal.catalogue}

    def label(row: ReportRow) -> str:
        if grouping is Grouping.CLERK:
            return row.label or row.group
        if grouping is Grouping.ITEM:
            return items.get(row.group, row.group)
        return f"{row.group}（{office}）" if office and row.group == terminal.settings.terminal_id else row.group

    lines = tuple(ReportLine(r.period_start, r.group, label(r), _measures(r)) for r in rows)
    groups: dict[str, ReportLine] = {}
    periods: dict[date, ReportLine] = {}
    total = Measures()
    for line in lines:  # sums of the aggregated lines (a few hundred at most), not of submissions
        g = groups.get(line.group)
        groups[line.group] = ReportLine(since, line.group, line.label,
                                        line.measures + (g.measures if g else Measures()))
        p = periods.get(line.period_start)
        periods[line.period_start] = ReportLine(line.period_start, "", "",
                                                line.measures + (p.measures if p else Measures()))
        total = total + line.measures
    return Report(period, grouping, since, until, today, office, lines,
                  tuple(sorted(groups.values(), key=lambda x: x.group)),
                  tuple(sorted(periods.values(), key=lambda x: x.period_start)), total)
