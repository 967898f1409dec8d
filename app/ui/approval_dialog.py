"""Tiered review (分级审核, 条例第三十七条): the case's tier, its steps, and the signature of the step due.

The dialog shows why the case needs review (its tier and the conditions that raised it), which steps are
signed by whom, and which step this signature is for (复核 or 审批); the signer types their staff number
and password. A terminal without a second clerk sends the case to the central system instead
("送中心/他机复核"), where it is signed or on another terminal of the office.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.queries import SubmissionView
from app.ui import operations
from app.ui.case_view import CaseView, fit_to_screen
from app.ui.errors import describe
from app.ui.operations import OpContext
from app.usecases import ClerkInfo, pending_step
from core.errors import mask_id_number
from forms.definitions import TIER_LABELS
from forms.review import STEP_LABELS, steps_for


class Signed(Protocol):
    """A signed step as this terminal stores it or the central system lists it (``signed_at`` as given)."""

    @property
    def step(self) -> str: ...
    @property
    def clerk_id(self) -> str: ...
    @property
    def terminal_id(self) -> str: ...
    @property
    def signed_at(self) -> datetime | str: ...


def _when(stamp: datetime | str) -> str:
    try:
        when = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(stamp)
    except ValueError:
        return str(stamp)
    return when.astimezone().strftime("%m-%d %H:%M")


def steps_html(tier: str, signatures: Sequence[Signed], due: str | None) -> str:
    """One line per step of the tier: signed by whom and when, being signed now, or still to come."""
    signed = {g.step: g for g in signatures}
    lines = []
    for number, step in enumerate(steps_for(tier), start=1):
        label = STEP_LABELS[step]
        if step in signed:
            g = signed[step]
            lines.append(f"<span style='color:#1e8449'>✔ 第{number}步 {label}：柜员 {html.escape(g.clerk_id)}"
                         f"（{html.escape(g.terminal_id)}，{_when(g.signed_at)}）</span>")
        elif step == due:
            lines.append(f"<b>▶ 第{number}步 {label}：本次签字</b>")
        else:
            lines.append(f"<span style='color:#7f8c8d'>○ 第{number}步 {label}：待签</span>")
    return "<br>".join(lines)


def show_scans_hint(label: QLabel, view: CaseView) -> None:
    """Say on ``label`` which scans of the case the reviewer has not opened yet (all should be, before signing)."""
    if view.case is None:
        return
    names = {m.key: m.name for m in view.case.materials}
    unseen = [names[key] for key in view.unseen_scans()]
    scanned = any(m.attachment is not None for m in view.case.materials)
    label.setProperty("tone", "warn" if unseen else "ok")
    if unseen:
        label.setText(QCoreApplication.translate("ApprovalDialog", "尚未查看的扫描件：{names}。请逐一查看后再复核。")
                      .format(names="、".join(unseen)))
    else:
        label.setText(QCoreApplication.translate("ApprovalDialog", "已查看本业务的全部扫描件。") if scanned
                      else QCoreApplication.translate("ApprovalDialog", "本业务没有扫描件，请核对免于提交的原因。"))
    label.style().unpolish(label)
    label.style().polish(label)


class ApprovalDialog(QDialog):
    """Shows the case's review and asks the signing clerk's staff number and password."""

    approved = Signal(object)  # the SubmissionView after the signature (queued once every step is signed)
    sent = Signal(object)  # the SubmissionView, sent to the central system as 待复核

    def __init__(self, ctx: OpContext, record: SubmissionView, item_name: str,
                 parent: QWidget | None = None, *, clerk: ClerkInfo | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._record, self._clerk = ctx, record, clerk
        tier = record.review_tier or "review"
        self.step = pending_step(record) or "review"
        step_label = STEP_LABELS[self.step]
        self.setWindowTitle(self.tr("分级审核：{step}").format(step=step_label))
        self.setObjectName("approvalDialog")
        self.setMinimumWidth(520)
        what = QLabel(self.tr("<b>{item}</b><br>申请人：{name}（{id}）<br>受理柜员：{clerk}　回执编号：{no}").format(
            item=html.escape(item_name), name=html.escape(record.applicant_name or ""),
            id=mask_id_number(record.applicant_id_number or ""), clerk=html.escape(record.clerk_id or ""),
            no=html.escape(record.counter_receipt_no or "—")))
        what.setWordWrap(True)
        self.tier_label = QLabel(self.tr("审核级别：<b>{tier}</b>").format(tier=TIER_LABELS.get(tier, tier)))
        self.tier_label.setObjectName("reviewTier")
        reasons = "".join(f"<br>· {html.escape(r)}" for r in record.review_reasons)
        self.reasons_label = QLabel(self.tr("提高审核级别的原因：{reasons}").format(reasons=reasons) if reasons
                                    else self.tr("本事项按事项规定审核（未触发提高条件）。"))
        self.reasons_label.setObjectName("reviewReasons")
        self.reasons_label.setWordWrap(True)
        self.steps_label = QLabel(steps_html(tier, record.signatures, self.step))
        self.steps_label.setObjectName("reviewSteps")
        rule = QLabel(self.tr("复核、审批须由受理柜员以外的柜员分别进行，同一柜员不能签两步；签字即表示已核对申请材料。"
                              "本机无其他柜员时，可送中心或本大厅其他终端复核。"))
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
        self.button = QPushButton(self.tr("{step}签字").format(step=step_label))
        self.button.setObjectName("approveButton")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(self._submit)
        self.send_button = QPushButton(self.tr("送中心/他机复核"))
        self.send_button.setObjectName("sendForReviewButton")
        self.send_button.setToolTip(self.tr("本机无其他柜员签字时，将本业务（含已有签字）送中心系统待复核，"
                                            "由中心或本大厅其他终端的柜员签字。"))
        self.send_button.setEnabled(clerk is not None)
        self.send_button.clicked.connect(self._send)
        form = QFormLayout()
        form.addRow(self.tr("{step}柜员工号").format(step=step_label), self.clerk_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
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
        if self.case_view is None:
            for widget in (self.tier_label, self.reasons_label, self.steps_label, rule):
                layout.addWidget(widget)
            layout.addLayout(form)
            layout.addWidget(self.message)
            layout.addLayout(buttons)
        else:  # the case view says the tier and why: the steps and the signature take one band below it
            self.tier_label.hide()
            self.reasons_label.hide()
            band = QHBoxLayout()
            band.setSpacing(16)
            steps = QVBoxLayout()
            steps.addWidget(self.steps_label)
            steps.addWidget(rule)
            band.addLayout(steps, 3)
            signing = QVBoxLayout()
            row = QHBoxLayout()
            row.addWidget(QLabel(self.tr("{step}柜员工号").format(step=step_label)))
            row.addWidget(self.clerk_edit, 1)
            row.addWidget(QLabel(self.tr("密码")))
            row.addWidget(self.password_edit, 1)
            signing.addLayout(row)
            signing.addWidget(self.message)
            signing.addLayout(buttons)
            band.addLayout(signing, 4)
            layout.addLayout(band)
        self.clerk_edit.setFocus()

    def _scans_seen(self) -> None:
        """Say which scans the reviewer has not opened yet (they should all be looked at before signing)."""
        if self.case_view is not None:
            show_scans_hint(self.scans_hint, self.case_view)

    def _submit(self) -> None:
        clerk_id, password = self.clerk_edit.text().strip(), self.password_edit.text()
        if not clerk_id or not password:
            self.message.setText(self.tr("请输入签字柜员的工号和密码。"))
            return
        self._busy(True)
        operations.approve(parent=self, approver_id=clerk_id, password=password, submission_id=self._record.id,
                           step=self.step).success(self._done).failure(self._refused).run_in_background(self._ctx)

    def _send(self) -> None:
        if self._clerk is None:
            return
        self._busy(True)
        operations.send_for_review(parent=self, clerk=self._clerk, submission_id=self._record.id) \
            .success(self._was_sent).failure(self._refused).run_in_background(self._ctx)

    def _busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.send_button.setEnabled(not busy and self._clerk is not None)

    def _done(self, view: SubmissionView) -> None:
        self.approved.emit(view)
        self.accept()

    def _was_sent(self, view: SubmissionView) -> None:
        self.sent.emit(view)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{html.escape(what)}</span> {html.escape(todo)}")
        self.password_edit.clear()
        self._busy(False)
