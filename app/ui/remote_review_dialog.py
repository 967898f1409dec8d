"""Cases other terminals of the office sent to the central system as 待复核, signed on this terminal.

A simple list (item, applicant with a masked number, the terminal and clerk who took it, the tier and the
step due) fetched from the central system; choosing one opens it whole below. The case's fields are shown
plainly here; the reviewer's full case view (fields with their provenance, the scans) replaces that area
(``case_area``) when it is plugged in. The signer types their staff number and password and signs the step
due, or returns the case with a reason.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui import operations
from app.ui.errors import describe
from app.ui.operations import OpContext
from app.usecases import ClerkInfo
from app.usecases.remote_review import RemoteCase
from core.errors import mask_id_number
from forms.definitions import TIER_LABELS, FormDef
from forms.review import STEP_LABELS


def _step(step: str | None) -> str:
    return STEP_LABELS.get(step or "", "—")


class RemoteReviewDialog(QDialog):
    """The office's cases awaiting review; open one, then sign its step due or return it."""

    #: a case was signed or returned (its new status is in the RemoteCase)
    decided = Signal(object)

    HEADERS = ("业务事项", "申请人", "受理终端", "受理柜员", "审核级别", "待签")

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_names: dict[str, str],
                 parent: QWidget | None = None, form_of: Callable[[str], FormDef | None] | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._clerk, self._names = ctx, clerk, item_names
        self._form_of = form_of or (lambda _code: None)
        self.cases: list[RemoteCase] = []
        self.case: RemoteCase | None = None
        self._opening: str | None = None
        self.setWindowTitle(self.tr("他机送审业务（待复核）"))
        self.setObjectName("remoteReviewDialog")
        self.resize(860, 640)
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
        self.summary = QLabel(self.tr("正在读取中心系统的待复核业务…"))
        self.summary.setObjectName("remoteSummary")
        #: the case's content; the reviewer's whole-case view takes this place when it is plugged in
        self.case_area = QTextBrowser()
        self.case_area.setObjectName("remoteCase")
        self.case_area.setPlaceholderText(self.tr("请在上方选择一笔业务。"))
        self.clerk_edit = QLineEdit(clerk.id)
        self.clerk_edit.setObjectName("remoteSignerId")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("remoteSignerPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
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
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        form = QFormLayout()
        form.addRow(self.tr("签字柜员工号"), self.clerk_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.case_area, 3)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._enable()
        self.refresh()

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        operations.list_remote_reviews(parent=self, clerk=self._clerk) \
            .success(self._listed).failure(self._failed).run_in_background(self._ctx)

    def _listed(self, cases: list[RemoteCase]) -> None:
        self.refresh_button.setEnabled(True)
        self.cases = cases
        self.table.setRowCount(len(cases))
        for row, case in enumerate(cases):
            who = f"{case.applicant_name or ''}（{case.applicant_id_masked or ''}）"
            cells = (self._names.get(case.item_code, case.item_code), who, case.terminal_id, case.clerk_id,
                     TIER_LABELS.get(case.tier, case.tier), _step(case.next_step))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, case.submission_id)
                self.table.setItem(row, column, item)
        self.summary.setText(self.tr("中心系统待复核业务：{n} 笔").format(n=len(cases)) if cases
                             else self.tr("本大厅暂无他机送审的待复核业务。"))
        if self.case is not None and self.case.submission_id not in {c.submission_id for c in cases}:
            self._show(None)

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        case = self.cases[rows[0].row()]
        if case.submission_id in (self._opening, self.case.submission_id if self.case else None):
            return  # already shown or on its way (a selection signal may come twice)
        self._opening = case.submission_id
        operations.open_remote_review(parent=self, clerk=self._clerk, submission_id=case.submission_id) \
            .success(self._show).failure(self._failed).run_in_background(self._ctx)

    # -- one case ----------------------------------------------------------------------------------
    def _show(self, case: RemoteCase | None) -> None:
        self._opening = None
        self.case = case
        if case is not None:  # a decided case leaves the list: what became of it stays said
            self.message.clear()
        self.password_edit.clear()
        if case is None:
            self.case_area.clear()
        else:
            self.case_area.setHtml(case_html(case, self._names.get(case.item_code, case.item_code),
                                             self._form_of(case.item_code)))
        self._enable()

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
        credentials, case = self._credentials(), self.case
        if credentials is None or case is None or case.next_step is None:
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
        text = {"accepted": self.tr("签字完成，中心系统已受理该业务。"),
                "returned": self.tr("已退回受理柜员。")}.get(case.status)
        self.message.setText(text or self.tr("已签字，待{step}。").format(step=_step(case.next_step)))
        self.password_edit.clear()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._opening = None
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{html.escape(what)}</span> {html.escape(todo)}")
        self.password_edit.clear()
        self.refresh_button.setEnabled(True)
        self._enable()


def _shown(form: FormDef | None, key: str, value: Any) -> tuple[str, str]:
    """A field's label and its value as the clerk reads it (a choice's label; an ID number masked)."""
    text = str(value)
    if form is None:
        return key, text
    try:
        field = form.field(key)
    except StopIteration:
        return key, text
    if field.type == "idnumber":
        text = mask_id_number(text)
    labels = {c.value: c.label for c in field.choices}
    return field.label, labels.get(text, text)


def case_html(case: RemoteCase, item_name: str, form: FormDef | None = None) -> str:
    """The case's fields, where values came from, waivers, materials and signatures, as plain HTML."""
    def row(label: str, value: Any) -> str:
        return f"<tr><td style='color:#566573;padding-right:12px'>{html.escape(label)}</td>" \
               f"<td>{html.escape(str(value))}</td></tr>"

    order = {f.key: i for i, f in enumerate(form.fields())} if form is not None else {}
    keys = sorted((k for k in case.values if not k.startswith("_")), key=lambda k: (order.get(k, 999), k))
    fields = [row(*_shown(form, key, case.values[key])) for key in keys]
    provenance = case.values.get("_provenance")
    waivers = case.values.get("_waivers")
    signed = "；".join(f"{_step(g.step)}：{g.clerk_id}（{g.terminal_id}）" for g in case.signatures) or "无"
    parts = [f"<h3>{html.escape(item_name)}　{html.escape(case.receipt_number)}</h3>",
             f"<p>审核级别：<b>{html.escape(TIER_LABELS.get(case.tier, case.tier))}</b>　已签：{html.escape(signed)}"
             f"　待签：<b>{_step(case.next_step)}</b></p>"]
    if case.reasons:
        parts.append("<p>提高级别原因：" + "；".join(html.escape(r) for r in case.reasons) + "</p>")
    parts.append("<table>" + "".join(fields) + "</table>")
    if provenance:
        parts.append("<p style='color:#566573'>数据来源：" + html.escape(str(provenance)) + "</p>")
    if waivers:
        parts.append("<p>免提交材料：" + html.escape(str(waivers)) + "</p>")
    materials = "、".join(f"{m.material_key}（{m.pages}页）" for m in case.materials) or "无"
    parts.append(f"<p>材料：{html.escape(materials)}</p>")
    return "".join(parts)
