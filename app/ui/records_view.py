"""Recent submissions with their state and receipt number; ID numbers masked.

The list refreshes itself: it reloads its page whenever an operation or the sync engine reports
changed records (``OpRunner.changed``), through one coalesced query. What the clerk asks for (the
list opened, another filter or page) is on the audit trail; its refreshes are the same view again.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from app import queries
from app.changes import OpChanges
from app.permissions import ClerkInfo, Permission, allowed
from app.queries import RecordFilter, RecordPage, SubmissionState, SubmissionView
from app.terminal import Terminal
from app.ui.operations import OpContext, RefreshingQuery
from core.errors import mask_id_number

# marked for lupdate here, translated where shown
STATE_LABELS: dict[SubmissionState, str] = {
    SubmissionState.DRAFT: str(QT_TRANSLATE_NOOP("RecordsView", "草稿")),
    SubmissionState.AWAITING_APPROVAL: str(QT_TRANSLATE_NOOP("RecordsView", "待复核")),
    SubmissionState.REVIEW_ELSEWHERE: str(QT_TRANSLATE_NOOP("RecordsView", "已送中心复核")),
    SubmissionState.QUEUED: str(QT_TRANSLATE_NOOP("RecordsView", "待发送")),
    SubmissionState.SENDING: str(QT_TRANSLATE_NOOP("RecordsView", "发送中")),
    SubmissionState.ACCEPTED: str(QT_TRANSLATE_NOOP("RecordsView", "已受理")),
    SubmissionState.RETURNED: str(QT_TRANSLATE_NOOP("RecordsView", "已退回")),
    SubmissionState.CLOSED: str(QT_TRANSLATE_NOOP("RecordsView", "已办结")),
}
STATE_COLOURS: dict[SubmissionState, str] = {
    SubmissionState.AWAITING_APPROVAL: "#7d3c98",
    SubmissionState.REVIEW_ELSEWHERE: "#7d3c98",
    SubmissionState.QUEUED: "#b9770e",
    SubmissionState.SENDING: "#2471a3",
    SubmissionState.ACCEPTED: "#1e8449",
    SubmissionState.RETURNED: "#c0392b",
}

#: what a purged record shows instead of the applicant (issue 16 retention)
PURGED_LABEL = str(QT_TRANSLATE_NOOP("RecordsView", "已清理"))
PURGED_COLOUR = "#7f8c8d"


class RecordsView(QTableWidget):
    #: a page of records was shown (the window updates its buttons and the page controls)
    loaded = Signal()

    HEADERS = (
        str(QT_TRANSLATE_NOOP("RecordsView", "办理时间")),
        str(QT_TRANSLATE_NOOP("RecordsView", "事项")),
        str(QT_TRANSLATE_NOOP("RecordsView", "申请人")),
        str(QT_TRANSLATE_NOOP("RecordsView", "公民身份号码")),
        str(QT_TRANSLATE_NOOP("RecordsView", "状态")),
        str(QT_TRANSLATE_NOOP("RecordsView", "受理编号")),
        str(QT_TRANSLATE_NOOP("RecordsView", "说明")),
        str(QT_TRANSLATE_NOOP("RecordsView", "办结期限")),
    )

    def __init__(self, ctx: OpContext, item_names: dict[str, str], parent: QWidget | None = None, *,
                 clerk: ClerkInfo) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        #: the signed-in clerk, whose post the query checks and on whose behalf each view asked for is recorded
        self._clerk = clerk
        #: whether the clerk may read the list at all (a business post); for anyone else it stays empty and
        #: never asks, as the query would refuse it (the window does not show it to them either)
        self.readable = allowed(clerk, Permission.VIEW_CASE)
        #: the (filter, page) last recorded: a refresh of the same view is not a new view
        self._recorded: tuple[RecordFilter, int] | None = None
        self.setObjectName("recordsView")
        self._names = item_names
        self.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.records: list[SubmissionView] = []
        #: what is listed: the filter, the page shown (from 0) and how many match in all
        self.where = RecordFilter()
        self.page = 0
        self.page_size = queries.PAGE_SIZE
        self.total = 0
        self._query = RefreshingQuery(self, ctx, self._load, self._show_page)
        ctx.runner.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        """Read the shown page again (asks while a read runs are served by one more read after it)."""
        if self.readable:
            self._query.request()

    def set_filter(self, where: RecordFilter) -> None:
        """List what ``where`` selects, from its first page."""
        self.where, self.page = where, 0
        self.reload()

    def set_page(self, page: int) -> None:
        self.page = max(0, page)
        self.reload()

    def stop(self) -> None:
        """The window closes: answers still on their way fill nothing."""
        self._query.stop()

    @property
    def queries_run(self) -> int:
        return self._query.runs

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.records:
            self.reload()

    def _load(self, terminal: Terminal) -> RecordPage:
        where, page = self.where, self.page
        asked = (where, page) != self._recorded
        self._recorded = (where, page)
        return queries.records(terminal, self._clerk, where, page=page, page_size=self.page_size, audited=asked)

    def _show_page(self, page: RecordPage) -> None:
        if page.page > 0 and not page.records and page.total:  # the page emptied (records moved on): go back
            self.set_page(page.pages - 1)
            return
        self.total = page.total
        self.show_records(page.records)
        self.loaded.emit()

    def _due(self, rec: SubmissionView) -> str:
        """The legal due date held at acceptance, 预计 when counted without the year's holiday schedule."""
        if rec.due_date is None:
            return ""
        shown = rec.due_date.isoformat()
        return self.tr("{date}（预计）").format(date=shown) if rec.due_provisional else shown

    def selected(self) -> SubmissionView | None:
        rows = {index.row() for index in self.selectedIndexes()}
        return self.records[min(rows)] if rows and min(rows) < len(self.records) else None

    def show_records(self, records: Sequence[SubmissionView]) -> None:
        chosen = self.selected()
        self.records = list(records)
        self.setRowCount(len(records))
        for row, rec in enumerate(records):
            label = STATE_LABELS.get(rec.state)
            shown = QCoreApplication.translate("RecordsView", label) if label else rec.state.value
            state_item = QTableWidgetItem(shown)
            state_item.setForeground(QColor(STATE_COLOURS.get(rec.state, "#333333")))
            # why it came back, the central system's note, or why it is not sent yet
            note = rec.status_reason or (rec.last_error if rec.state in (SubmissionState.QUEUED,
                                                                          SubmissionState.SENDING) else None)
            note = queries.mask_id_numbers_in(note) if note else note  # a note may quote a number: never in full
            if rec.case_version > 1:
                note = self.tr("第{n}版（更正）").format(n=rec.case_version) + (f"；{note}" if note else "")
            who, number = rec.applicant_name or "", mask_id_number(rec.applicant_id_number or "")
            if rec.purged:  # retention: the row stays, the person is gone
                who, number = self.tr(PURGED_LABEL), "—"
                state_item.setText(self.tr("{state}（已清理）").format(state=shown))
                state_item.setForeground(QColor(PURGED_COLOUR))
                note = self.tr("个人信息和扫描件已按保存期限清理") + (f"；{note}" if note else "")
            cells = [
                QTableWidgetItem(rec.created_at.astimezone().strftime("%m-%d %H:%M")),
                QTableWidgetItem(self._names.get(rec.item_code, rec.item_code)),
                QTableWidgetItem(who),
                QTableWidgetItem(number),
                state_item,
                QTableWidgetItem(rec.receipt_number or rec.counter_receipt_no or "—"),
                QTableWidgetItem(note or ""),
                QTableWidgetItem(self._due(rec)),
            ]
            if rec.home_visit:  # taken at the applicant's home (上门服务, issue 19)
                cells[1].setText(self.tr("［上门］{item}").format(item=cells[1].text()))
                cells[1].setToolTip(self.tr("上门服务：在申请人家中受理"))
            if note:
                cells[6].setToolTip(note)
            if rec.state is SubmissionState.RETURNED:
                cells[6].setForeground(QColor(STATE_COLOURS[SubmissionState.RETURNED]))
            for col, cell in enumerate(cells):
                cell.setData(Qt.ItemDataRole.UserRole, rec.id)
                self.setItem(row, col, cell)
            if chosen is not None and rec.id == chosen.id:
                self.selectRow(row)
