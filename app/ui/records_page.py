"""办件查询: the records of this terminal, searched and paged, with what can be done to the chosen one.

The page holds the search form (applicant name or part of it, ID number whole or at least
``MIN_ID_PART`` characters of it, receipt number, item, state, received dates, clerk), the list
(``RecordsView``, a page of ``PAGE_SIZE`` at a time) and the buttons for the chosen record. The window
wires the buttons that open its forms and dialogs (继续办理, 更正重报, 复核/审批, 改派, 他机送审); the page's
own acts (补打回执, 催办) run as operations from here. Every search is one ``queries.records`` call,
audited there (an ID number never in the entry, see ``queries._records_viewed``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.permissions import Permission, allowed
from app.queries import MIN_ID_PART, RecordFilter, SubmissionState, SubmissionView
from app.ui import operations
from app.ui.header import page_heading
from app.ui.operations import OpContext
from app.ui.records_view import STATE_LABELS, RecordsView
from app.usecases import ClerkInfo
from app.usecases.remind import may_remind
from forms.catalogue import ServiceItem

__all__ = ["RecordsPage", "remind_case", "reprint_case"]

#: the earliest date the date fields offer; shown as "不限" (no bound)
_NO_DATE = QDate(2000, 1, 1)
#: the states the state filter offers ("待发送" also lists those on their way)
_STATES = (SubmissionState.DRAFT, SubmissionState.AWAITING_APPROVAL, SubmissionState.REVIEW_ELSEWHERE,
           SubmissionState.QUEUED, SubmissionState.ACCEPTED, SubmissionState.RETURNED, SubmissionState.CLOSED)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(QCoreApplication.translate("RecordsPage", "不限"))
    edit.setDate(_NO_DATE)
    return edit


def _day(chosen: QDate) -> date:
    return date(chosen.year(), chosen.month(), chosen.day())


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` on this terminal's clock (the clerk's dates are the office's days)."""
    return datetime.combine(day, time()).astimezone()


def reprint_case(parent: QWidget, ctx: OpContext, clerk: ClerkInfo, record: SubmissionView,
                 printer: QPrinter | Path | None = None) -> None:
    """补打回执: Qt's print dialog, then the reprint on the chosen printer; a path (tests) prints at once."""
    if isinstance(printer, Path):
        operations.reprint_receipt(parent=parent, clerk=clerk, submission_id=record.id, printer=printer) \
            .run_in_background(ctx)
        return
    chosen = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    chosen.setDocName(record.counter_receipt_no or record.id)
    dialog = QPrintDialog(chosen, parent)
    dialog.setWindowTitle(QCoreApplication.translate("RecordsPage", "补打受理回执"))
    dialog.accepted.connect(lambda: operations.reprint_receipt(
        parent=parent, clerk=clerk, submission_id=record.id, printer=chosen).run_in_background(ctx))
    dialog.finished.connect(dialog.deleteLater)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()


def remind_case(parent: QWidget, ctx: OpContext, clerk: ClerkInfo, record: SubmissionView,
                note: str | None = None, *, ask: bool = True) -> None:
    """催办: ask for an optional note, then record the reminder (sent with the next sync)."""
    if ask:
        text, ok = QInputDialog.getText(parent, QCoreApplication.translate("RecordsPage", "催办"),
                                        QCoreApplication.translate(
                                            "RecordsPage", "向中心系统催办此业务。可填写说明（可不填）："))
        if not ok:
            return
        note = text
    operations.remind_case(parent=parent, clerk=clerk, submission_id=record.id, note=note or None) \
        .run_in_background(ctx)


class RecordsPage(QWidget):
    """The search form, the list with its pages, and the buttons for the chosen record."""

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_names: dict[str, str],
                 catalogue: tuple[ServiceItem, ...] | list[ServiceItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordsPage")
        self._ctx, self._clerk = ctx, clerk
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 10)
        layout.setSpacing(8)
        top, self.back_button = page_heading(self.tr("办件查询"), "recordsBackButton")
        layout.addLayout(top)
        layout.addLayout(self._build_form(catalogue))
        layout.addLayout(self._build_actions())
        self.records = RecordsView(ctx, item_names, clerk=clerk)
        self.records.itemSelectionChanged.connect(self.selection_changed)
        self.records.loaded.connect(self._loaded)
        layout.addWidget(self.records, 1)
        layout.addLayout(self._build_pager())
        self.selection_changed()

    # -- the search form ---------------------------------------------------------------------------
    def _build_form(self, catalogue: tuple[ServiceItem, ...] | list[ServiceItem]) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("searchName")
        self.name_edit.setPlaceholderText(self.tr("姓名（可部分）"))
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("searchIdNumber")
        self.id_edit.setMaxLength(18)
        self.id_edit.setToolTip(
            self.tr("输入完整证件号码，或其前 {n} 位以上、后 {n} 位以上（如末四位）").format(n=MIN_ID_PART))
        self.id_edit.setPlaceholderText(self.tr("全部，或前/后 {n} 位以上").format(n=MIN_ID_PART))
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setObjectName("searchReceipt")
        self.receipt_edit.setPlaceholderText(self.tr("回执或中心编号（可部分）"))
        self.item_combo = QComboBox()
        self.item_combo.setObjectName("searchItem")
        self.item_combo.setMinimumContentsLength(8)
        self.item_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.item_combo.addItem(self.tr("全部事项"), "")
        for item in catalogue:
            if item.form_code is not None:
                self.item_combo.addItem(item.name, item.form_code)
        self.state_combo = QComboBox()
        self.state_combo.setObjectName("recordsFilter")
        self.state_combo.addItem(self.tr("全部状态"), "")
        for state in _STATES:
            self.state_combo.addItem(QCoreApplication.translate("RecordsView", STATE_LABELS[state]), state.value)
        self.since_edit = _date_edit("searchSince")
        self.until_edit = _date_edit("searchUntil")
        self.clerk_edit = QLineEdit()
        self.clerk_edit.setObjectName("searchClerk")
        self.clerk_edit.setMaxLength(32)
        self.clerk_edit.setPlaceholderText(self.tr("工号"))
        self.search_button = QPushButton(self.tr("查询"))
        self.search_button.setObjectName("searchButton")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        self.reset_button = QPushButton(self.tr("重置"))
        self.reset_button.setObjectName("searchResetButton")
        self.reset_button.clicked.connect(self.reset)
        for edit in (self.name_edit, self.id_edit, self.receipt_edit, self.clerk_edit):
            edit.returnPressed.connect(self.search)
        self.state_combo.currentIndexChanged.connect(lambda _i: self.search())
        self.item_combo.currentIndexChanged.connect(lambda _i: self.search())
        fields: list[tuple[str, QWidget]] = [
            (self.tr("申请人"), self.name_edit), (self.tr("证件号码"), self.id_edit),
            (self.tr("受理编号"), self.receipt_edit), (self.tr("受理柜员"), self.clerk_edit),
            (self.tr("事项"), self.item_combo), (self.tr("状态"), self.state_combo),
            (self.tr("受理日期自"), self.since_edit), (self.tr("至"), self.until_edit),
        ]
        for index, (label, widget) in enumerate(fields):
            row, col = divmod(index, 4)
            grid.addWidget(QLabel(label), row, col * 2)
            grid.addWidget(widget, row, col * 2 + 1)
            grid.setColumnStretch(col * 2 + 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.reset_button)
        grid.addLayout(buttons, 0, 8)
        self.search_problem = QLabel()
        self.search_problem.setObjectName("searchProblem")
        self.search_problem.setProperty("tone", "error")
        self.search_problem.hide()
        grid.addWidget(self.search_problem, 2, 0, 1, 9)
        return grid

    def filter(self) -> RecordFilter | None:
        """What the form asks for; None (and the reason shown) when the ID part is too short to search by."""
        number = self.id_edit.text().strip().upper()
        if number and len(number) < MIN_ID_PART:
            self.search_problem.setText(
                self.tr("证件号码至少输入 {n} 位（可输入前几位或后几位）。").format(n=MIN_ID_PART))
            self.search_problem.show()
            return None
        self.search_problem.hide()
        chosen = self.state_combo.currentData()
        states: frozenset[SubmissionState] | None = None
        if chosen == SubmissionState.QUEUED.value:  # "待发送" includes what is on its way
            states = frozenset({SubmissionState.QUEUED, SubmissionState.SENDING})
        elif chosen:
            states = frozenset({SubmissionState(chosen)})
        since = self.since_edit.date()
        until = self.until_edit.date()
        return RecordFilter(
            states=states, name=self.name_edit.text().strip() or None, id_number=number or None,
            receipt_no=self.receipt_edit.text().strip() or None, item_code=self.item_combo.currentData() or None,
            clerk_id=self.clerk_edit.text().strip() or None,
            since=_local_midnight(_day(since)) if since != _NO_DATE else None,
            until=_local_midnight(_day(until) + timedelta(days=1)) if until != _NO_DATE else None)

    def search(self) -> None:
        """List what the form asks for, from its first page."""
        where = self.filter()
        if where is not None:
            self.records.set_filter(where)

    def reset(self) -> None:
        for edit in (self.name_edit, self.id_edit, self.receipt_edit, self.clerk_edit):
            edit.clear()
        for date_edit in (self.since_edit, self.until_edit):
            date_edit.setDate(_NO_DATE)
        for combo in (self.item_combo, self.state_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search()

    # -- the buttons for the chosen record ----------------------------------------------------------
    def _build_actions(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("选中办件：")))

        def button(text: str, name: str, tip: str | None = None) -> QPushButton:
            made = QPushButton(text)
            made.setObjectName(name)
            if tip:
                made.setToolTip(tip)
            bar.addWidget(made)
            return made

        self.view_button = button(self.tr("查看办件…"), "viewRecordButton")
        self.resume_button = button(self.tr("继续办理…"), "resumeDraftButton")
        self.approve_button = button(self.tr("复核/审批…"), "approveRecordButton")
        self.correct_button = button(self.tr("更正重报…"), "correctRecordButton")
        self.reassign_button = button(self.tr("改派…"), "reassignRecordButton",
                                      self.tr("把草稿或被退回的业务改派给其他受理柜员"))
        self.reprint_button = button(self.tr("补打回执…"), "reprintReceiptButton",
                                     self.tr("重新打印受理回执，回执上注明第几次打印由审计记录"))
        self.remind_button = button(self.tr("催办…"), "remindButton",
                                    self.tr("中心系统尚未答复的业务，向中心系统催办"))
        bar.addStretch(1)
        self.remote_button = button(self.tr("他机送审…"), "remoteReviewsButton",
                                    self.tr("本大厅其他终端送中心待复核的业务，在本机签字"))
        reviews = allowed(self._clerk, Permission.APPROVE) or allowed(self._clerk, Permission.FINAL_APPROVE)
        self.remote_button.setVisible(reviews)
        self.reassign_button.setVisible(allowed(self._clerk, Permission.REASSIGN))
        self.reprint_button.clicked.connect(lambda: self._reprint(self.records.selected()))
        self.remind_button.clicked.connect(lambda: self._remind(self.records.selected()))
        return bar

    def _reprint(self, record: SubmissionView | None) -> None:
        if record is not None:
            reprint_case(self, self._ctx, self._clerk, record)

    def _remind(self, record: SubmissionView | None) -> None:
        if record is not None:
            remind_case(self, self._ctx, self._clerk, record)

    def selection_changed(self) -> None:
        """The page's own buttons follow the chosen record (the window sets the ones it wires)."""
        record = self.records.selected()
        live = record is not None and not record.purged
        self.reprint_button.setEnabled(live and record is not None and record.counter_receipt_no is not None)
        self.remind_button.setEnabled(live and record is not None and may_remind(record.state, record.answered_at))

    # -- pages ----------------------------------------------------------------------------------------
    def _build_pager(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.previous_page_button = QPushButton(self.tr("上一页"))
        self.previous_page_button.setObjectName("previousPageButton")
        self.previous_page_button.clicked.connect(lambda: self.records.set_page(self.records.page - 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("recordsPage")
        self.next_page_button = QPushButton(self.tr("下一页"))
        self.next_page_button.setObjectName("nextPageButton")
        self.next_page_button.clicked.connect(lambda: self.records.set_page(self.records.page + 1))
        for widget in (self.previous_page_button, self.page_label, self.next_page_button):
            row.addWidget(widget)
        return row

    def _loaded(self) -> None:
        self.selection_changed()
        pages = max(1, -(-self.records.total // self.records.page_size))
        self.page_label.setText(self.tr("第 {page} / {pages} 页，共 {total} 条").format(
            page=self.records.page + 1, pages=pages, total=self.records.total))
        self.previous_page_button.setVisible(pages > 1)
        self.next_page_button.setVisible(pages > 1)
        self.previous_page_button.setEnabled(self.records.page > 0)
        self.next_page_button.setEnabled(self.records.page + 1 < pages)
