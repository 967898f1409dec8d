"""The statistics screen (业务统计, issue 18) in the real window, on the hand-counted office of ``test_reports``.

A supervisor opens it from the header, asks for November by item and sees the table, its total and both
charts drawn from the same numbers; exports write files that read back; a clerk without the post has no
button at all.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyqtgraph as pg
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.reports import Grouping, Period
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.stats_page import StatsPage
from local_db.audit import AuditAction

from .conftest import CLERK
from .test_reports import SUPERVISOR, TODAY, A, B, C, office

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def supervisor_page(qtbot: QtBot, terminal: Terminal) -> tuple[MainWindow, StatsPage]:
    """The window of the supervisor, the statistics opened from the header and set to a fixed today."""
    window = MainWindow(terminal, SUPERVISOR, OpRunner())
    qtbot.addWidget(window)
    window.show()
    button = window.findChild(QPushButton, "statsButton")
    assert button is not None and button.text() == "业务统计"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page = window.stats_page
    assert page is not None and window.stack.currentWidget() is page
    page.today = lambda: TODAY
    return window, page


def run(qtbot: QtBot, page: StatsPage, period: Period, grouping: Grouping) -> None:
    page.choose(period, grouping, *NOVEMBER)
    before = page.report
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.report is not before and page.report is not None
                    and page.report.grouping is grouping and page.report.period is period, timeout=10000)


def test_the_supervisor_sees_the_table_and_both_charts(qtbot: QtBot,
                                                      make_terminal: Callable[..., Terminal]) -> None:
    _window, page = supervisor_page(qtbot, office(make_terminal))
    run(qtbot, page, Period.MONTH, Grouping.ITEM)
    rows = {page.table.item(r, 1).text(): [page.table.item(r, c).text() for c in range(page.table.columnCount())]
            for r in range(page.table.rowCount())}
    # hand counts of test_reports: November, by item
    assert rows[B] == ["2026-11", B, "城镇职工基本养老保险退休核准", "1", "1", "1", "1", "1", "2", "1", "0", "2.2",
                       "2", "1·0·0·1·0", "50.0%"]  # 上门 0; 好差评: rated, 5·4·3·2·1, satisfaction
    assert rows[""][0] == "合计" and rows[""][3:10] == ["6", "1", "2", "3", "2", "4", "4"]
    assert rows[""][12:] == ["6", "2·2·0·1·1", "66.7%"]
    assert "受理 6 件" in page.summary_label.text() and "测试大厅" in page.summary_label.text()
    assert "评价 6 件，满意率 66.7%" in page.summary_label.text()

    bars = [i for i in page.bar_chart.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 4  # 受理, 退回, 逾期, 告知未受理
    accepted = list(bars[0].opts["width"])  # horizontal bars: a band per group, first at the top
    assert accepted == [2, 3, 1]  # groups sorted by code: employer (C), personal (A), retirement (B)
    overdue = list(bars[2].opts["width"])
    assert overdue == [2, 0, 1]
    assert [g.group for g in page.report.by_group] == sorted([A, B, C])  # type: ignore[union-attr]
    lines = page.line_chart.getPlotItem().listDataItems()
    assert len(lines) == 3
    assert list(lines[0].yData) == [6]  # one month, six accepted


def test_week_by_clerk_draws_a_point_per_week(qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    _window, page = supervisor_page(qtbot, office(make_terminal))
    run(qtbot, page, Period.WEEK, Grouping.CLERK)
    lines = page.line_chart.getPlotItem().listDataItems()
    # weeks from 26 Oct (holds 1 Nov), 2 Nov, 9 Nov, 30 Nov: accepted S2 | S3a, S4 | S5, S8 | S6
    assert list(lines[0].yData) == [1, 2, 2, 1]
    assert page.table.item(0, 0).text() == "2026年第44周（10-26起）"


def test_exports_from_the_page_read_back_and_are_audited(qtbot: QtBot, make_terminal: Callable[..., Terminal],
                                                         tmp_path: Path) -> None:
    terminal = office(make_terminal)
    _window, page = supervisor_page(qtbot, terminal)
    run(qtbot, page, Period.MONTH, Grouping.ITEM)
    xlsx, csv_path = tmp_path / "stats.xlsx", tmp_path / "stats.csv"
    page.export_to(xlsx)
    qtbot.waitUntil(lambda: "已导出" in page.status_label.text(), timeout=10000)
    page.export_to(csv_path)
    qtbot.waitUntil(lambda: str(csv_path) in page.status_label.text(), timeout=10000)
    detail = list(load_workbook(xlsx)["明细"].iter_rows(values_only=True))
    assert [row[2] for row in detail[1:]] == sorted([A, B, C])
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f))[-1][:5] == ["合计", "", "", "", "6"]
    exports = [e.detail for e in terminal.audit.find(terminal.db) if e.action == AuditAction.EXPORT.value]
    assert [d["format"] for d in exports] == ["xlsx", "csv"]
    assert all(d["report"] == "statistics" and d["since"] == "2026-11-01" for d in exports)


def test_a_clerk_without_the_post_has_no_statistics_button(qtbot: QtBot,
                                                           make_terminal: Callable[..., Terminal]) -> None:
    window = MainWindow(office(make_terminal), CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    assert window.findChild(QPushButton, "statsButton") is None
    assert window.stats_page is None
