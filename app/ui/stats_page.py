"""The supervisor's statistics screen (业务统计, issue 18): a report's table, two charts, and its export.

Only a clerk with ``Permission.VIEW_STATISTICS`` (业务主管) is offered it (the main window adds the header
button for them); the read (``app.reports.statistics``) checks again and records each report on the audit
trail, and an export is recorded as such. The report runs in the background (``QueryOp``): a year of a
busy window is one SQL statement, but the window never waits on the database.

Charts are drawn with pyqtgraph (QGraphicsView items, so they take the window's fonts, print and scale
with it): a bar per group for 受理 / 退回 / 逾期 / 告知未受理 over the whole range, and a line over time
for 受理 and 退回. They are plain widgets here, with colours fixed for a light background as the rest of
the window has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.report_export import COLUMNS, RATING_COLUMNS, export_report, period_label, satisfaction_text
from app.reports import GROUPING_LABELS, PERIOD_LABELS, Grouping, Measures, Period, Report, ReportLine, statistics
from app.ui.header import page_heading
from app.ui.operations import OpContext, QueryOp
from app.usecases.session import ClerkInfo
from forms.receipt import CHINA_TZ

#: the measures drawn as bars per group: (attribute, colour)
BAR_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("accepted", str(QT_TRANSLATE_NOOP("StatsPage", "受理")), "#2e86c1"),
    ("returned", str(QT_TRANSLATE_NOOP("StatsPage", "退回")), "#e67e22"),
    ("overdue", str(QT_TRANSLATE_NOOP("StatsPage", "逾期")), "#c0392b"),
    ("informed", str(QT_TRANSLATE_NOOP("StatsPage", "告知未受理")), "#7f8c8d"),
)
#: the period and grouping names (``app.reports``), marked here so that they are translated
CHOICE_LABELS = (
    QT_TRANSLATE_NOOP("StatsPage", "按日"), QT_TRANSLATE_NOOP("StatsPage", "按周"),
    QT_TRANSLATE_NOOP("StatsPage", "按月"), QT_TRANSLATE_NOOP("StatsPage", "按柜员"),
    QT_TRANSLATE_NOOP("StatsPage", "按窗口"), QT_TRANSLATE_NOOP("StatsPage", "按事项"),
)
#: the measures drawn as lines over time
LINE_MEASURES = BAR_MEASURES[:3]
#: the most tick labels an axis shows (the others are left out, not overlapped)
MAX_TICKS = 12
#: characters of a group's name under its bars
BAR_LABEL_CHARS = 9


def _chart(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setMinimumHeight(170)
    item = plot.getPlotItem()
    item.setTitle(title, color="#1b2631", size="11pt")
    item.showGrid(x=False, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    item.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    font = QFont(plot.font())
    font.setPointSize(9)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen("#566573"))
        axis.setTextPen(pg.mkPen("#1b2631"))
        axis.setTickFont(font)
    return plot


def _ticks(labels: Sequence[str]) -> list[list[tuple[float, str]]]:
    step = max(1, -(-len(labels) // MAX_TICKS))
    return [[(float(i), text) for i, text in enumerate(labels) if i % step == 0]]


class StatsPage(QWidget):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("StatsPage", "期间")),
        str(QT_TRANSLATE_NOOP("StatsPage", "分组")),
        str(QT_TRANSLATE_NOOP("StatsPage", "名称")),
        str(QT_TRANSLATE_NOOP("StatsPage", "受理")),
        str(QT_TRANSLATE_NOOP("StatsPage", "更正重报")),
        str(QT_TRANSLATE_NOOP("StatsPage", "退回")),
        str(QT_TRANSLATE_NOOP("StatsPage", "逾期")),
        str(QT_TRANSLATE_NOOP("StatsPage", "告知未受理")),
        str(QT_TRANSLATE_NOOP("StatsPage", "免交材料")),
        str(QT_TRANSLATE_NOOP("StatsPage", "已答复")),
        str(QT_TRANSLATE_NOOP("StatsPage", "上门")),
        str(QT_TRANSLATE_NOOP("StatsPage", "平均答复（天）")),
        str(QT_TRANSLATE_NOOP("StatsPage", "评价")),
        str(QT_TRANSLATE_NOOP("StatsPage", "评价分布")),
        str(QT_TRANSLATE_NOOP("StatsPage", "满意率")),
    )

    def __init__(self, ctx: OpContext, supervisor: ClerkInfo, *, today: Callable[[], date] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPage")
        self._ctx = ctx
        self._supervisor = supervisor
        #: the Beijing date the page counts "this month" and overdue cases from (tests set a fixed one)
        self.today: Callable[[], date] = today or (lambda: datetime.now(CHINA_TZ).date())
        #: how many reports were asked for: an answer is shown only if no newer request followed it
        self._asked = 0
        #: the report shown (None before the first)
        self.report: Report | None = None

        heading, self.back_button = page_heading(self.tr("业务统计"), "statsBack")
        subtitle = QLabel(self.tr("按受理日期（北京时间）统计；退回、逾期与答复用时计入受理所在期间。"
                                  "答复用时为自然日。每次查询与导出都会记入审计日志。"))
        subtitle.setObjectName("pageSubtitle")
        subtitle.setWordWrap(True)

        self.period_box = QComboBox()
        self.period_box.setObjectName("statsPeriod")
        for period in Period:
            self.period_box.addItem(self.tr(PERIOD_LABELS[period]), period.value)
        self.grouping_box = QComboBox()
        self.grouping_box.setObjectName("statsGrouping")
        for grouping in Grouping:
            self.grouping_box.addItem(self.tr(GROUPING_LABELS[grouping]), grouping.value)
        day = self.today()
        self.since_edit = self._date_edit("statsSince", day.replace(day=1))
        self.until_edit = self._date_edit("statsUntil", day)
        self.month_button = QPushButton(self.tr("本月"))
        self.month_button.setObjectName("statsThisMonth")
        self.month_button.clicked.connect(self.this_month)
        self.year_button = QPushButton(self.tr("本年"))
        self.year_button.setObjectName("statsThisYear")
        self.year_button.clicked.connect(self.this_year)
        self.run_button = QPushButton(self.tr("统计"))
        self.run_button.setObjectName("statsRun")
        self.run_button.setProperty("primary", True)
        self.run_button.clicked.connect(self.run_report)
        self.xlsx_button = QPushButton(self.tr("导出 Excel"))
        self.xlsx_button.setObjectName("statsXlsx")
        self.xlsx_button.clicked.connect(lambda: self._ask_export("xlsx"))
        self.csv_button = QPushButton(self.tr("导出 CSV"))
        self.csv_button.setObjectName("statsCsv")
        self.csv_button.clicked.connect(lambda: self._ask_export("csv"))

        controls = QHBoxLayout()
        for label, widget in ((self.tr("周期"), self.period_box), (self.tr("分组"), self.grouping_box),
                              (self.tr("起"), self.since_edit), (self.tr("止"), self.until_edit)):
            controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addWidget(self.month_button)
        controls.addWidget(self.year_button)
        controls.addWidget(self.run_button)
        controls.addStretch(1)
        controls.addWidget(self.xlsx_button)
        controls.addWidget(self.csv_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("statsSummary")
        self.summary_label.setWordWrap(True)

        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("statsTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        spread = self.table.horizontalHeaderItem(len(self.HEADERS) - 2)
        if spread is not None:  # the compact form of the five levels' counts says its order
            spread.setToolTip(self.tr("非常满意 · 满意 · 基本满意 · 不满意 · 非常不满意 的件数"))

        self.bar_chart = _chart(self.tr("各分组合计"))
        self.bar_chart.setObjectName("statsBarChart")
        self.bar_chart.getPlotItem().getAxis("left").setWidth(130)  # the groups' names
        self.bar_chart.getPlotItem().showGrid(x=True, y=False, alpha=0.25)
        self.line_chart = _chart(self.tr("随时间变化"))
        self.line_chart.setObjectName("statsLineChart")
        charts = QWidget()
        chart_row = QHBoxLayout(charts)
        chart_row.setContentsMargins(0, 0, 0, 0)
        chart_row.addWidget(self.bar_chart, 1)
        chart_row.addWidget(self.line_chart, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(charts)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.status_label = QLabel()
        self.status_label.setObjectName("statsStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(heading)
        layout.addWidget(subtitle)
        layout.addLayout(controls)
        layout.addWidget(self.summary_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.status_label)
        self._set_exportable(False)

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setDate(QDate(day.year, day.month, day.day))
        return edit

    # -- what the supervisor asks --------------------------------------------------------------------
    @staticmethod
    def _day(edit: QDateEdit) -> date:
        chosen = edit.date()
        return date(chosen.year(), chosen.month(), chosen.day())

    def choose(self, period: Period, grouping: Grouping, since: date, until: date) -> None:
        """Set the fields (tests, and the quick ranges)."""
        self.period_box.setCurrentIndex(self.period_box.findData(period.value))
        self.grouping_box.setCurrentIndex(self.grouping_box.findData(grouping.value))
        self.since_edit.setDate(QDate(since.year, since.month, since.day))
        self.until_edit.setDate(QDate(until.year, until.month, until.day))

    def this_month(self) -> None:
        today = self.today()
        self.since_edit.setDate(QDate(today.year, today.month, 1))
        self.until_edit.setDate(QDate(today.year, today.month, today.day))
        self.run_report()

    def this_year(self) -> None:
        today = self.today()
        self.since_edit.setDate(QDate(today.year, 1, 1))
        self.until_edit.setDate(QDate(today.year, today.month, today.day))
        self.run_report()

    def run_report(self) -> None:
        """Read the chosen report in the background; only the newest request's answer is shown."""
        period = Period(str(self.period_box.currentData()))
        grouping = Grouping(str(self.grouping_box.currentData()))
        since, until, today, supervisor = self._day(self.since_edit), self._day(self.until_edit), self.today(), \
            self._supervisor
        self._asked += 1
        asked = self._asked
        self.status_label.setText(self.tr("正在统计…"))

        def shown(report: Report) -> None:
            if asked == self._asked:
                self.show_report(report)

        QueryOp(self, lambda t: statistics(t, supervisor, period, grouping, since, until, today=today),
                shown).run_in_background(self._ctx)

    def _ask_export(self, file_format: str) -> None:
        if self.report is None:
            return
        suggested = f"业务统计_{self.report.period.value}_{self.report.grouping.value}_" \
                    f"{self.report.since:%Y%m%d}-{self.report.until:%Y%m%d}.{file_format}"
        filters = self.tr("Excel 工作簿 (*.xlsx)") if file_format == "xlsx" else self.tr("CSV 文件 (*.csv)")
        name, _ = QFileDialog.getSaveFileName(self, self.tr("导出统计"), suggested, filters)
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> None:
        """Write the report shown to ``path`` (xlsx or CSV by its suffix) in the background, audited."""
        report, supervisor = self.report, self._supervisor
        if report is None:
            return

        def done(_format: str) -> None:
            self.status_label.setText(self.tr("已导出：{path}").format(path=str(path)))

        QueryOp(self, lambda t: export_report(t, supervisor, report, path), done).run_in_background(self._ctx)

    # -- what comes back -----------------------------------------------------------------------------
    def _set_exportable(self, on: bool) -> None:
        self.xlsx_button.setEnabled(on)
        self.csv_button.setEnabled(on)

    def show_report(self, report: Report) -> None:
        self.report = report
        self._fill_table(report)
        self._draw_bars(report.by_group, by_window=report.grouping is Grouping.WINDOW)
        self._draw_lines(report)
        t = report.total
        avg = "—" if t.avg_answer_days is None else f"{t.avg_answer_days:.1f}"
        office = f"{report.office_name}，" if report.office_name else ""
        self.summary_label.setText(self.tr(
            "{office}{since} 至 {until}：受理 {accepted} 件，更正重报 {corrections} 件，退回 {returned} 件，"
            "逾期 {overdue} 件，告知未受理 {informed} 次，免交材料 {waivers} 份，平均答复用时 {avg} 天；"
            "评价 {rated} 件，满意率 {satisfaction}。").format(
            office=office, since=f"{report.since:%Y-%m-%d}", until=f"{report.until:%Y-%m-%d}",
            accepted=t.accepted, corrections=t.corrections, returned=t.returned, overdue=t.overdue,
            informed=t.informed, waivers=t.waivers, avg=avg, rated=t.rated, satisfaction=satisfaction_text(t)))
        self.status_label.setText(self.tr("共 {n} 行。").format(n=len(report.lines)) if report.lines
                                  else self.tr("所选期间没有业务。"))
        self._set_exportable(True)

    def _fill_table(self, report: Report) -> None:
        lines: list[tuple[str, str, str, Measures]] = [
            (period_label(report.period, line.period_start), line.group, line.label, line.measures)
            for line in report.lines]
        lines.append((self.tr("合计"), "", "", report.total))
        self.table.setRowCount(len(lines))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, (period, group, label, m) in enumerate(lines):
            avg = "—" if m.avg_answer_days is None else f"{m.avg_answer_days:.1f}"
            spread = "·".join(str(getattr(m, attr)) for _, attr in RATING_COLUMNS[1:]) if m.rated else "—"
            values = [period, group, label, *(str(getattr(m, attr)) for _, attr in COLUMNS), avg, str(m.rated),
                      spread, satisfaction_text(m)]
            for col, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if col >= 3:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row == len(lines) - 1:
                    cell.setFont(bold)
                self.table.setItem(row, col, cell)

    def _draw_bars(self, groups: Sequence[ReportLine], *, by_window: bool = False) -> None:
        """Horizontal bars, a band per group (its name on the left, readable however long), first at the top."""
        item = self.bar_chart.getPlotItem()
        legend = self._reset(item)
        n = len(groups)
        band = 0.8 / len(BAR_MEASURES)
        top = 0
        for k, (attr, name, colour) in enumerate(BAR_MEASURES):
            ys = [(n - 1 - i) + 0.4 - band * (k + 0.5) for i in range(n)]
            widths = [getattr(g.measures, attr) for g in groups]
            top = max([top, *widths])
            bars = pg.BarGraphItem(x0=[0] * n, y=ys, width=widths, height=band * 0.9, brush=QColor(colour),
                                   pen=pg.mkPen(None))
            item.addItem(bars)
            legend.addItem(bars, self.tr(name))
        labels = [(g.group if by_window else g.label or g.group)[:BAR_LABEL_CHARS] for g in groups]
        item.getAxis("left").setTicks([[(float(n - 1 - i), text) for i, text in enumerate(labels)]])
        item.getAxis("bottom").setTicks(None)
        item.setYRange(-0.6, max(0.6, n - 0.4) + 1.0, padding=0)  # room above the first band for the legend
        item.setXRange(0, max(1, top) * 1.05, padding=0)

    @staticmethod
    def _reset(item: pg.PlotItem) -> pg.LegendItem:
        """Clear a chart and give it a new legend in one row along its top."""
        item.clear()
        if item.legend is not None:
            item.legend.scene().removeItem(item.legend)
            item.legend = None
        return item.addLegend(offset=(8, 2), colCount=len(BAR_MEASURES), labelTextColor="#1b2631")

    def _draw_lines(self, report: Report) -> None:
        item = self.line_chart.getPlotItem()
        legend = self._reset(item)
        periods = report.by_period
        top = max((getattr(p.measures, attr) for p in periods for attr, _n, _c in LINE_MEASURES), default=0)
        xs = list(range(len(periods)))
        for attr, name, colour in LINE_MEASURES:
            line = item.plot(xs, [getattr(p.measures, attr) for p in periods],
                             pen=pg.mkPen(QColor(colour), width=2), symbol="o", symbolSize=5,
                             symbolBrush=QColor(colour), symbolPen=pg.mkPen(None))
            legend.addItem(line, self.tr(name))
        short = {Period.DAY: "%m-%d", Period.WEEK: "%m-%d", Period.MONTH: "%Y-%m"}[report.period]
        item.getAxis("bottom").setTicks(_ticks([f"{p.period_start:{short}}" for p in periods]))
        item.setXRange(-0.5, max(0.5, len(periods) - 0.5), padding=0)
        item.setYRange(0, max(1, top) * 1.2, padding=0)  # room above the lines for the legend

