"""Cases other terminals of the office sent to the central system as 待复核, signed on this terminal.

First a simple list (item, applicant with a masked number, the terminal and clerk who took it, the tier and
the step due) fetched from the central system. Choosing one opens it whole in the reviewer's case view
(``app/ui/case_view.py``), read from the central system (``RemoteCases``): every field with where its value
came from, the waivers, the tier and why, and the scans page by page; each opening of the case and of a scan
is on this terminal's trail, and so is a full ID number asked for (as for a local case). Below the case, one
compact band: the steps signed so far and the one due, the signer's staff number and password, 退回 and
签字. The case takes the dialog's space; "返回列表" goes back to the list.
"""

from __future__ import annotations

import html

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui import operations
from app.ui.approval_dialog import show_scans_hint, steps_html
from app.ui.case_view import CaseView, fit_to_screen
from app.ui.errors import describe
from app.ui.operations import OpContext
from app.usecases import ClerkInfo
from app.usecases.remote_review import RemoteCase, RemoteCases
from forms.definitions import TIER_LABELS
from forms.review import STEP_LABELS


def _step(step: str | None) -> str:
    return STEP_LABELS.get(step or "", "—")


class RemoteReviewDialog(QDialog):
    """The office's cases awaiting review; open one whole, then sign its step due or return it."""

    #: a case was signed or returned (its new status is in the RemoteCase)
    decided = Signal(object)

    HEADERS = ("业务事项", "申请人", "受理终端", "受理柜员", "审核级别", "待签")

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_names: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._clerk, self._names = ctx, clerk, item_names
        #: where the case view reads cases from: the central system, audited here
        self._source = RemoteCases()
        #: the office's cases awaiting review, as last listed
        self.cases: list[RemoteCase] = []
        self._listed_once = False
        #: the case open in the case view (None while on the list, or until it is read)
        self.case: RemoteCase | None = None
        self.case_view: CaseView | None = None
        self.setWindowTitle(self.tr("他机送审业务（待复核）"))
        self.setObjectName("remoteReviewDialog")
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("remoteReviews")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._chosen)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("refreshRemoteReviews")
        self.refresh_button.clicked.connect(self.refresh)
        self.back_button = QPushButton(self.tr("← 返回列表"))
        self.back_button.setObjectName("remoteBackButton")
        self.back_button.clicked.connect(self.back_to_list)
        self.summary = QLabel(self.tr("正在读取中心系统的待复核业务…"))
        self.summary.setObjectName("remoteSummary")
        #: the list, or the case opened whole (its page is filled with a case view each time one is chosen)
        self.pages = QStackedWidget()
        self.pages.setObjectName("remotePages")
        self.pages.addWidget(self.table)
        self._case_page = QWidget()
        self._case_layout = QVBoxLayout(self._case_page)
        self._case_layout.setContentsMargins(0, 0, 0, 0)
        self.pages.addWidget(self._case_page)
        self.steps_label = QLabel()
        self.steps_label.setObjectName("reviewSteps")
        self.scans_hint = QLabel()
        self.scans_hint.setObjectName("scansHint")
        self.scans_hint.setWordWrap(True)
        self.clerk_edit = QLineEdit(clerk.id)
        self.clerk_edit.setObjectName("remoteSignerId")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("remoteSignerPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.returnPressed.connect(self._sign)
        self.message = QLabel()
        self.message.setObjectName("remoteMessage")
        self.message.setWordWrap(True)
        self.sign_button = QPushButton(self.tr("签字"))
        self.sign_button.setObjectName("remoteSignButton")
        self.sign_button.setProperty("primary", True)
        self.sign_button.clicked.connect(self._sign)
        self.return_button = QPushButton(self.tr("退回…"))
        self.return_button.setObjectName("remoteReturnButton")
        self.return_button.clicked.connect(self._return)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        # the signing band under the case: the steps and the scans not yet seen | who signs, and how
        self.band = QWidget()
        self.band.setObjectName("remoteSigningBand")
        band = QHBoxLayout(self.band)
        band.setContentsMargins(0, 0, 0, 0)
        band.setSpacing(16)
        steps = QVBoxLayout()
        steps.setSpacing(4)
        steps.addWidget(self.steps_label)
        steps.addWidget(self.scans_hint)
        steps.addStretch(1)
        band.addLayout(steps, 3)
        signing = QVBoxLayout()
        signing.setSpacing(6)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("签字柜员工号")))
        row.addWidget(self.clerk_edit, 1)
        row.addWidget(QLabel(self.tr("密码")))
        row.addWidget(self.password_edit, 1)
        signing.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_button)
        signing.addLayout(buttons)
        band.addLayout(signing, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.band)
        layout.addWidget(self.message)
        fit_to_screen(self)
        self.back_to_list()
        self.refresh()

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        operations.list_remote_reviews(parent=self, clerk=self._clerk) \
            .success(self._listed).failure(self._failed).run_in_background(self._ctx)

    def _listed(self, cases: list[RemoteCase]) -> None:
        self.refresh_button.setEnabled(True)
        self.cases, self._listed_once = cases, True
        self.table.blockSignals(True)  # refilling is no choice of the reviewer's
        self.table.clearSelection()
        self.table.setRowCount(len(cases))
        for row, case in enumerate(cases):
            who = f"{case.applicant_name or ''}（{case.applicant_id_masked or ''}）"
            cells = (self._names.get(case.item_code, case.item_code), who, case.terminal_id, case.clerk_id,
                     TIER_LABELS.get(case.tier, case.tier), _step(case.next_step))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, case.submission_id)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        if self.pages.currentIndex() == 0:
            self._say_count()

    def _say_count(self) -> None:
        if not self._listed_once:
            self.summary.setText(self.tr("正在读取中心系统的待复核业务…"))
            return
        self.summary.setText(self.tr("中心系统待复核业务：{n} 笔。请选择一笔业务查看并签字。").format(n=len(self.cases))
                             if self.cases else self.tr("本大厅暂无他机送审的待复核业务。"))

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.cases):
            self.open_case(self.cases[rows[0].row()])

    def back_to_list(self) -> None:
        """Close the case (its full numbers and pages go with its view) and show the list again."""
        self._drop_view()
        self.case = None
        self.password_edit.clear()
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.pages.setCurrentIndex(0)
        self.back_button.hide()
        self.refresh_button.show()
        self.band.hide()
        self._say_count()
        self._enable()

    # -- one case ----------------------------------------------------------------------------------
    def open_case(self, listed: RemoteCase) -> None:
        """Open a listed case whole: the case view reads it from the central system (audited) and its scans."""
        self._drop_view()
        self.case = None
        self.message.clear()
        self.password_edit.clear()
        self.steps_label.setText(steps_html(listed.tier, listed.signatures, listed.next_step))
        self.scans_hint.clear()
        view = CaseView(self._ctx, self._clerk, listed.submission_id, self._case_page, source=self._source)
        view.loaded.connect(lambda _case: self._loaded(view))
        view.scan_shown.connect(lambda _key: show_scans_hint(self.scans_hint, view))
        self._case_layout.addWidget(view)
        self.case_view = view
        self.summary.setText(self.tr("{item}　受理终端 {terminal}，受理柜员 {clerk}").format(
            item=self._names.get(listed.item_code, listed.item_code), terminal=listed.terminal_id,
            clerk=listed.clerk_id))
        self.pages.setCurrentIndex(1)
        self.back_button.show()
        self.refresh_button.hide()
        self.band.show()
        self._enable()

    def _drop_view(self) -> None:
        if self.case_view is not None and shiboken6.isValid(self.case_view):
            self.case_view.hide()  # full numbers and pages are forgotten
            self.case_view.deleteLater()
        self.case_view = None

    def _loaded(self, view: CaseView) -> None:
        if view is not self.case_view:  # another case was chosen meanwhile
            return
        self.case = self._source.opened(view.submission_id)
        if self.case is not None:  # as it stands now, which may differ from the list's
            self.steps_label.setText(steps_html(self.case.tier, self.case.signatures, self.case.next_step))
        show_scans_hint(self.scans_hint, view)
        self._enable()
        self.password_edit.setFocus()

    def _enable(self) -> None:
        due = self.case.next_step if self.case is not None else None
        self.sign_button.setEnabled(due is not None)
        self.return_button.setEnabled(self.case is not None)
        self.sign_button.setText(self.tr("{step}签字").format(step=_step(due)) if due else self.tr("签字"))

    def _credentials(self) -> tuple[str, str] | None:
        clerk_id, password = self.clerk_edit.text().strip(), self.password_edit.text()
        if not clerk_id or not password:
            self.message.setText(self.tr("请输入签字柜员的工号和密码。"))
            return None
        return clerk_id, password

    def _sign(self) -> None:
        case = self.case
        if case is None or case.next_step is None or not self.sign_button.isEnabled():
            return
        credentials = self._credentials()
        if credentials is None:
            return
        self.sign_button.setEnabled(False)
        operations.sign_remote_review(parent=self, signer_id=credentials[0], password=credentials[1],
                                      submission_id=case.submission_id, step=case.next_step) \
            .success(self._decided).failure(self._failed).run_in_background(self._ctx)

    def _return(self) -> None:
        credentials, case = self._credentials(), self.case
        if credentials is None or case is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("退回业务"), self.tr("退回原因（将告知受理柜员）："))
        if not ok or not reason.strip():
            return
        operations.return_remote_review(parent=self, clerk_id=credentials[0], password=credentials[1],
                                        submission_id=case.submission_id, reason=reason) \
            .success(self._decided).failure(self._failed).run_in_background(self._ctx)

    def _decided(self, case: RemoteCase) -> None:
        self.decided.emit(case)
        self.back_to_list()
        text = {"accepted": self.tr("签字完成，中心系统已受理该业务。"),
                "returned": self.tr("已退回受理柜员。")}.get(case.status)
        self.message.setText(text or self.tr("已签字，待{step}。").format(step=_step(case.next_step)))
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{html.escape(what)}</span> {html.escape(todo)}")
        self.password_edit.clear()
        self.refresh_button.setEnabled(True)
        self._enable()
