"""The workbench on the home page (工作台, issue 18): six count tiles and the list of the chosen one.

The clerk sees at a glance what waits (drafts, signatures, returns to correct), what is about to run out
(即将到期: due within two working days, amber) and what already has (已逾期, red), and the central system's
answers of the last days. A double-click or Enter on a row asks the window to open the case
(``open_requested``): the window decides what opening means for that state and that clerk.

The numbers follow the data: the read runs again when an operation or the sync engine reports changed
records, once a minute, and so at midnight the day it counts from rolls over (``today`` is injectable
so that tests turn the date forward). The read itself is ``app.queries.workbench`` (checked, audited
when the clerk opens it, not when it refreshes itself).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import queries
from app.changes import OpChanges
from app.permissions import ClerkInfo, Permission, allowed
from app.queries import SubmissionState, Workbench, WorkList, WorkRow
from app.terminal import Terminal
from app.ui.operations import OpContext, RefreshingQuery
from app.ui.records_view import STATE_LABELS
from app.workbench import SOON_WORKING_DAYS
from forms.receipt import CHINA_TZ

#: how often the workbench reads again on its own (and notices that the day changed)
REFRESH_MS = 60_000

TILE_LABELS: dict[WorkList, str] = {
    WorkList.DRAFTS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "暂存")),
    WorkList.AWAITING: str(QT_TRANSLATE_NOOP("WorkbenchPage", "待复核")),
    WorkList.RETURNED: str(QT_TRANSLATE_NOOP("WorkbenchPage", "已退回（需更正）")),
    WorkList.DUE_SOON: str(QT_TRANSLATE_NOOP("WorkbenchPage", "即将到期")),
    WorkList.OVERDUE: str(QT_TRANSLATE_NOOP("WorkbenchPage", "已逾期")),
    WorkList.ANSWERS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "反馈通知")),
}
TILE_HINTS: dict[WorkList, str] = {
    WorkList.DRAFTS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "暂存未提交的业务，双击继续办理")),
    WorkList.AWAITING: str(QT_TRANSLATE_NOOP("WorkbenchPage", "等待复核/审批签字的业务")),
    WorkList.RETURNED: str(QT_TRANSLATE_NOOP("WorkbenchPage", "中心系统退回的业务，双击更正重报")),
    WorkList.DUE_SOON: str(QT_TRANSLATE_NOOP("WorkbenchPage", "今天或 2 个工作日内到期、中心系统尚未答复的业务")),
    WorkList.OVERDUE: str(QT_TRANSLATE_NOOP("WorkbenchPage", "已超过法定办理时限、中心系统尚未答复的业务")),
    WorkList.ANSWERS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "近 3 天中心系统的退回和办结通知")),
}
EMPTY_TEXT: dict[WorkList, str] = {
    WorkList.DRAFTS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "没有暂存的业务。")),
    WorkList.AWAITING: str(QT_TRANSLATE_NOOP("WorkbenchPage", "没有等待复核的业务。")),
    WorkList.RETURNED: str(QT_TRANSLATE_NOOP("WorkbenchPage", "没有被退回的业务。")),
    WorkList.DUE_SOON: str(QT_TRANSLATE_NOOP("WorkbenchPage", "近 2 个工作日内没有到期的业务。")),
    WorkList.OVERDUE: str(QT_TRANSLATE_NOOP("WorkbenchPage", "没有逾期的业务。")),
    WorkList.ANSWERS: str(QT_TRANSLATE_NOOP("WorkbenchPage", "近 3 天没有中心系统的反馈。")),
}
#: the colour of a tile's number when it is not zero (overdue red, due soon amber, returned red)
TILE_TONES: dict[WorkList, str] = {WorkList.OVERDUE: "error", WorkList.DUE_SOON: "warn", WorkList.RETURNED: "error"}
#: the list shown first: the most urgent that holds anything
URGENCY = (WorkList.OVERDUE, WorkList.DUE_SOON, WorkList.RETURNED, WorkList.AWAITING, WorkList.ANSWERS,
           WorkList.DRAFTS)
#: 退回 red, 办结 green (as in the records list)
ANSWER_COLOURS = {True: "#c0392b", False: "#1e8449"}
OVERDUE_COLOUR, OVERDUE_BACKGROUND = "#a93226", "#fdecea"
SOON_COLOUR, SOON_BACKGROUND = "#9a6400", "#fdf3e1"
WEEKDAYS = (str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期一")), str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期二")),
            str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期三")), str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期四")),
            str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期五")), str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期六")),
            str(QT_TRANSLATE_NOOP("WorkbenchPage", "星期日")))


def counter_today() -> date:
    """Today at the counter (Beijing time), whatever zone the machine's clock is set to."""
    return datetime.now(CHINA_TZ).date()


class WorkTile(QPushButton):
    """A count tile: the number large, the list's name under it; checked while its list is shown."""

    def __init__(self, name: WorkList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"workTile_{name.value}")
        self.setProperty("workTile", True)
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(QCoreApplication.translate("WorkbenchPage", TILE_HINTS[name]))
        col = QVBoxLayout(self)
        col.setContentsMargins(12, 6, 12, 6)
        col.setSpacing(0)
        self.count_label = QLabel("—")
        self.count_label.setObjectName("workTileCount")
        self.title_label = QLabel(QCoreApplication.translate("WorkbenchPage", TILE_LABELS[name]))
        self.title_label.setObjectName("workTileLabel")
        for label in (self.count_label, self.title_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            col.addWidget(label)
        self.setMinimumHeight(66)

    def sizeHint(self) -> QSize:
        """Tall enough for its count and label at the clerk's text size (a button's own hint knows no layout)."""
        layout = self.layout()
        own = super().sizeHint()
        return own.expandedTo(layout.sizeHint()) if layout is not None else own

    def set_count(self, count: int) -> None:
        self.count_label.setText(str(count))
        tone = TILE_TONES.get(self.name, "") if count else ""
        self.count_label.setProperty("tone", tone)
        self.count_label.style().unpolish(self.count_label)
        self.count_label.style().polish(self.count_label)


class WorkTable(QTableWidget):
    """The chosen list; Enter opens the current row as a double-click does."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.activated_row.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class WorkbenchPage(QWidget):
    """The tiles and the chosen list; ``open_requested`` carries the row's ``SubmissionView``."""

    open_requested = Signal(object)

    HEADERS = (
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "事项")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "申请人")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "公民身份号码")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "受理编号")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "到期日")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "时限")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "状态")),
        str(QT_TRANSLATE_NOOP("WorkbenchPage", "说明")),
    )

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_names: dict[str, str], parent: QWidget | None = None,
                 *, today: Callable[[], date] = counter_today, refresh_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.setObjectName("workbench")
        self._clerk = clerk
        self._names = item_names
        self._today = today
        #: a business post's read: anyone else gets no workbench at all (the query would refuse it)
        self.readable = allowed(clerk, Permission.VIEW_CASE)
        self.bench: Workbench | None = None
        self.chosen = WorkList.OVERDUE
        self.rows: list[WorkRow] = []
        self._asked = True  # the first read is the clerk opening the workbench: on the trail
        self._shown_once = False

        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(6)
        title = QHBoxLayout()
        heading = QLabel(self.tr("工作台"))
        heading.setObjectName("sectionTitle")
        title.addWidget(heading)
        title.addSpacing(12)
        self.date_label = QLabel()
        self.date_label.setObjectName("workbenchDate")
        title.addWidget(self.date_label)
        title.addStretch(1)
        col.addLayout(title)

        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        self.tiles: dict[WorkList, WorkTile] = {}
        for name in WorkList:
            tile = WorkTile(name)
            tile.clicked.connect(lambda _c=False, n=name: self.choose(n))
            self.tiles[name] = tile
            tiles.addWidget(tile, 1)
        col.addLayout(tiles)

        self.table = WorkTable(0, len(self.HEADERS))
        self.table.setObjectName("workbenchList")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._open(row))
        self.table.activated_row.connect(self._open)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("workbenchEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        holder = QWidget()
        self._list_stack = QStackedLayout(holder)
        self._list_stack.addWidget(self.table)
        self._list_stack.addWidget(self.empty_label)
        col.addWidget(holder, 1)
        self.table.setMinimumHeight(150)

        self._query = RefreshingQuery(self, ctx, self._load, self._show)
        ctx.runner.changed.connect(self._changed)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.reload)
        if not self.readable:
            self.hide()
        self._mark_chosen()
        if self.readable:
            self._timer.start()
            self.reload()

    # -- reading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the counts and lists again (as of ``today`` at the time of the read)."""
        if self.readable:
            self._query.request()

    def stop(self) -> None:
        """The window closes: no more reads, and answers still on their way fill nothing."""
        self._timer.stop()
        self._query.stop()

    @property
    def queries_run(self) -> int:
        return self._query.runs

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.records:
            self.reload()

    def _load(self, terminal: Terminal) -> Workbench:
        audited, self._asked = self._asked, False
        return queries.workbench(terminal, self._clerk, self._today(), audited=audited)

    def _show(self, bench: Workbench) -> None:
        self.bench = bench
        day = bench.today
        self.date_label.setText(self.tr("{date} {weekday}").format(
            date=f"{day:%Y-%m-%d}", weekday=self.tr(WEEKDAYS[day.weekday()])))
        for name, tile in self.tiles.items():
            tile.set_count(bench.counts.get(name, 0))
        if not self._shown_once:  # opened on the most urgent list that holds anything
            self._shown_once = True
            self.chosen = next((n for n in URGENCY if bench.counts.get(n)), WorkList.OVERDUE)
            self._mark_chosen()
        self._fill()

    # -- the list --------------------------------------------------------------------------------
    def choose(self, name: WorkList) -> None:
        """Show the list of ``name`` (a tile was clicked)."""
        self.chosen = name
        self._mark_chosen()
        self._fill()

    def _mark_chosen(self) -> None:
        for name, tile in self.tiles.items():
            tile.setChecked(name is self.chosen)

    def _fill(self) -> None:
        bench = self.bench
        rows = list(bench.rows.get(self.chosen, ())) if bench is not None else []
        selected = self.selected()
        chosen_id = selected.id if selected is not None else None
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = self._cells(row)
            colour, background = self._tone(row)
            for c, cell in enumerate(cells):
                if colour is not None:
                    cell.setForeground(QColor(colour))
                    cell.setBackground(QColor(background))
                cell.setData(Qt.ItemDataRole.UserRole, row.view.id)
                self.table.setItem(r, c, cell)
            if row.view.id == chosen_id:
                self.table.selectRow(r)
        total = bench.counts.get(self.chosen, 0) if bench is not None else 0
        if bench is not None and not rows:
            self.empty_label.setText(self.tr(EMPTY_TEXT[self.chosen]))
            self._list_stack.setCurrentWidget(self.empty_label)
        else:
            self._list_stack.setCurrentWidget(self.table)
        if total > len(rows):
            self.table.setToolTip(self.tr("共 {total} 件，此处列出最紧急的 {n} 件；其余请在办件记录中查询。").format(
                total=total, n=len(rows)))
        else:
            self.table.setToolTip("")

    @staticmethod
    def _tone(row: WorkRow) -> tuple[str | None, str | None]:
        if row.days_overdue is not None:
            return OVERDUE_COLOUR, OVERDUE_BACKGROUND
        if row.working_days_left is not None and row.working_days_left <= SOON_WORKING_DAYS:
            return SOON_COLOUR, SOON_BACKGROUND
        return None, None

    def _cells(self, row: WorkRow) -> list[QTableWidgetItem]:
        v = row.view
        due = "—"
        if v.due_date is not None:
            due = f"{v.due_date:%Y-%m-%d}" + (self.tr("（预计）") if v.due_provisional else "")
        if row.days_overdue is not None:
            limit = self.tr("逾期 {n} 天").format(n=row.days_overdue)
        elif row.working_days_left == 0:
            limit = self.tr("今日到期")
        elif row.working_days_left is not None and row.days_estimated:
            limit = self.tr("约剩 {n} 个工作日").format(n=row.working_days_left)
        elif row.working_days_left is not None:
            limit = self.tr("剩 {n} 个工作日").format(n=row.working_days_left)
        else:
            limit = ""
        label = STATE_LABELS.get(v.state)
        state = QCoreApplication.translate("RecordsView", label) if label else v.state.value
        if self.chosen is WorkList.ANSWERS:
            state = self.tr("退回") if row.answer_was_return else self.tr("办结")
        if v.answered_at is not None and (self.chosen is WorkList.ANSWERS or v.state is SubmissionState.RETURNED):
            state += v.answered_at.astimezone(CHINA_TZ).strftime(" %m-%d %H:%M")  # when the answer came
        reason = queries.mask_id_numbers_in(row.reason) if row.reason else ""
        if v.state is SubmissionState.DRAFT:
            reason = self.tr("暂存于 {time}").format(time=v.created_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M"))
        who = v.applicant_name or (str(v.payload.get("name") or "") if v.state is SubmissionState.DRAFT else "")
        cells = [QTableWidgetItem(self._names.get(v.item_code, v.item_code)),
                 QTableWidgetItem(who or "—"), QTableWidgetItem(row.masked_id_number or "—"),
                 QTableWidgetItem(row.receipt_no or "—"), QTableWidgetItem(due), QTableWidgetItem(limit),
                 QTableWidgetItem(state), QTableWidgetItem(reason)]
        if self.chosen is WorkList.ANSWERS or v.state is SubmissionState.RETURNED:
            cells[6].setForeground(QColor(ANSWER_COLOURS[row.answer_was_return]))
        if row.days_estimated:
            cells[5].setToolTip(self.tr("跨入尚未公布节假日安排的年份，按周末和固定日期法定节假日估算。"))
        if v.due_provisional:
            cells[4].setToolTip(self.tr("该年节假日安排尚未公布，到期日为预计，公布后重新计算。"))
        if reason:
            cells[7].setToolTip(reason)
        return cells

    def selected(self) -> queries.SubmissionView | None:
        row = self.table.currentRow()
        return self.rows[row].view if 0 <= row < len(self.rows) and self.table.selectedIndexes() else None

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.open_requested.emit(self.rows[row].view)
