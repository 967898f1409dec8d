"""The supervisor's 改派 dialog: give a draft or a returned case to another clerk of the 受理 post.

It says which case (item, applicant with a masked number, state, the clerk it belongs to), offers the
active 受理 clerks other than that one, and asks why. The use case checks all of it again
(``app/usecases/reassign.py``); its refusal is shown in the dialog, which stays open.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.queries import SubmissionView
from app.ui import operations
from app.ui.errors import describe
from app.ui.operations import OpContext
from app.ui.records_view import STATE_LABELS
from app.usecases import ClerkInfo
from app.usecases.reassign import MAX_REASON
from core.errors import mask_id_number


class ReassignDialog(QDialog):
    """Choose the clerk and give the reason; 确定改派 runs the use case."""

    # the case was given to another clerk (its new view)
    reassigned = Signal(object)

    def __init__(self, ctx: OpContext, supervisor: ClerkInfo, record: SubmissionView, item_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._supervisor, self._record = ctx, supervisor, record
        self.setWindowTitle(self.tr("改派业务"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        label = STATE_LABELS.get(record.state)
        state = QCoreApplication.translate("RecordsView", label) if label else record.state.value
        # a draft of a new applicant has only what was typed
        typed = {k: v for k, v in record.payload.items() if isinstance(v, str)}
        who = record.applicant_name or typed.get("name") or "—"
        number = mask_id_number(record.applicant_id_number or typed.get("id_number", "")) or "—"
        self.case_label = QLabel(f"<b>{html.escape(item_name)}</b>　{html.escape(who)}　{html.escape(number)}")
        form.addRow(self.tr("业务："), self.case_label)
        form.addRow(self.tr("状态："), QLabel(state))
        self.owner_label = QLabel(record.clerk_id or "—")
        form.addRow(self.tr("当前经办柜员："), self.owner_label)
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("reassignTarget")
        self.target_combo.setPlaceholderText(self.tr("正在读取柜员…"))
        self.target_combo.currentIndexChanged.connect(lambda _i: self._update())
        form.addRow(self.tr("改派给："), self.target_combo)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("reassignReason")
        self.reason_edit.setPlaceholderText(self.tr("必填，例如：原经办柜员休假"))
        self.reason_edit.setFixedHeight(72)
        self.reason_edit.textChanged.connect(self._update)
        form.addRow(self.tr("改派原因："), self.reason_edit)
        layout.addLayout(form)
        self.note = QLabel(self.tr("只能改派给在岗的受理柜员；改派记入审计日志。"))
        self.note.setObjectName("pageSubtitle")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox()
        self.ok_button = QPushButton(self.tr("确定改派"))
        self.ok_button.setObjectName("reassignButton")
        self.ok_button.setDefault(True)
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.ok_button.clicked.connect(self._reassign)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()
        operations.reassign_targets(parent=self, supervisor=supervisor).success(self._show_targets) \
            .failure(self._failed).run_in_background(ctx)

    def _show_targets(self, clerks: list[ClerkInfo]) -> None:
        self.target_combo.clear()
        owner = next((c for c in clerks if c.id == self._record.clerk_id), None)
        if owner is not None:  # a clerk no longer at the front desk keeps just the staff number
            self.owner_label.setText(self.tr("{name}（{id}）").format(name=owner.name, id=owner.id))
        others = [c for c in clerks if c.id != self._record.clerk_id]
        for clerk in others:
            self.target_combo.addItem(self.tr("{name}（{id}）").format(name=clerk.name, id=clerk.id), clerk.id)
        self.target_combo.setPlaceholderText(self.tr("请选择柜员") if others else self.tr("没有可接办的在岗受理柜员"))
        self.target_combo.setCurrentIndex(-1)
        self._update()

    def reason(self) -> str:
        return " ".join(self.reason_edit.toPlainText().split())

    def _update(self) -> None:
        self.ok_button.setEnabled(self.target_combo.currentIndex() >= 0 and bool(self.reason())
                                  and len(self.reason()) <= MAX_REASON)

    def _reassign(self) -> None:
        target = self.target_combo.currentData()
        if not target or not self.reason():
            return
        self.ok_button.setEnabled(False)
        self.error_label.hide()
        operations.reassign_case(parent=self, supervisor=self._supervisor, submission_id=self._record.id,
                                 to_clerk_id=str(target), reason=self.reason()) \
            .success(self._done).failure(self._failed).run_in_background(self._ctx)

    def _done(self, view: SubmissionView) -> None:
        self.reassigned.emit(view)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        message, hint = describe(exc)
        self.error_label.setText(f"{message}{hint}" if hint else message)
        self.error_label.show()
        self._update()
