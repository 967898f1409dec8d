"""Second-person approval (分级审核, 条例第三十七条): another clerk signs with their own password."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.queries import SubmissionView
from app.ui import operations
from app.ui.case_view import CaseView, fit_to_screen
from app.ui.errors import describe
from app.ui.operations import OpContext
from app.usecases import ClerkInfo
from core.errors import mask_id_number


class ApprovalDialog(QDialog):
    """Shows what is approved and asks the reviewing clerk's staff number and password."""

    approved = Signal(object)  # the SubmissionView, now queued

    def __init__(self, ctx: OpContext, record: SubmissionView, item_name: str,
                 parent: QWidget | None = None, *, clerk: ClerkInfo | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._record = ctx, record
        self.setWindowTitle(self.tr("复核业务"))
        self.setObjectName("approvalDialog")
        self.setMinimumWidth(460)
        what = QLabel(self.tr("<b>{item}</b><br>申请人：{name}（{id}）<br>受理柜员：{clerk}　回执编号：{no}").format(
            item=html.escape(item_name), name=html.escape(record.applicant_name or ""),
            id=mask_id_number(record.applicant_id_number or ""), clerk=html.escape(record.clerk_id or ""),
            no=html.escape(record.counter_receipt_no or "—")))
        what.setWordWrap(True)
        rule = QLabel(self.tr("本事项属于重点业务，须由另一名柜员核对申请材料后复核，复核后方可报送中心系统。"))
        rule.setObjectName("fieldHint")
        rule.setWordWrap(True)
        self.clerk_edit = QLineEdit()
        self.clerk_edit.setObjectName("approverId")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("approverPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("approvalMessage")
        self.message.setWordWrap(True)
        self.button = QPushButton(self.tr("复核通过"))
        self.button.setObjectName("approveButton")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self._submit)
        form = QFormLayout()
        form.addRow(self.tr("复核柜员工号"), self.clerk_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(what)
        # the whole case with its scans, read as the signed-in ``clerk`` (audited), above the signature
        self.case_view: CaseView | None = None
        if clerk is not None:
            self.case_view = CaseView(ctx, clerk, record.id, self)
            layout.addWidget(self.case_view, 1)
            what.hide()  # the case view's header says it all
            self.scans_hint = QLabel()
            self.scans_hint.setObjectName("scansHint")
            self.scans_hint.setWordWrap(True)
            layout.addWidget(self.scans_hint)
            self.case_view.loaded.connect(lambda _case: self._scans_seen())
            self.case_view.scan_shown.connect(lambda _key: self._scans_seen())
            fit_to_screen(self)
        layout.addWidget(rule)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        self.clerk_edit.setFocus()

    def _scans_seen(self) -> None:
        """Say which scans the reviewer has not opened yet (they should all be looked at before signing)."""
        view = self.case_view
        if view is None or view.case is None:
            return
        names = {m.key: m.name for m in view.case.materials}
        unseen = [names[key] for key in view.unseen_scans()]
        scanned = any(m.attachment is not None for m in view.case.materials)
        self.scans_hint.setProperty("tone", "warn" if unseen else "ok")
        if unseen:
            self.scans_hint.setText(self.tr("尚未查看的扫描件：{names}。请逐一查看后再复核。").format(
                names="、".join(unseen)))
        else:
            self.scans_hint.setText(self.tr("已查看本业务的全部扫描件。") if scanned
                                    else self.tr("本业务没有扫描件，请核对免于提交的原因。"))
        self.scans_hint.style().unpolish(self.scans_hint)
        self.scans_hint.style().polish(self.scans_hint)

    def _submit(self) -> None:
        clerk_id, password = self.clerk_edit.text().strip(), self.password_edit.text()
        if not clerk_id or not password:
            self.message.setText(self.tr("请输入复核柜员的工号和密码。"))
            return
        self.button.setEnabled(False)
        record_id = self._record.id
        operations.approve(parent=self, approver_id=clerk_id, password=password, submission_id=record_id) \
            .success(self._done).failure(self._refused).run_in_background(self._ctx)

    def _done(self, view: SubmissionView) -> None:
        self.approved.emit(view)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{html.escape(what)}</span> {html.escape(todo)}")
        self.password_edit.clear()
        self.button.setEnabled(True)
