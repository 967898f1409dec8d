"""The administrator's list of reference updates held back because they weaken a safeguard.

A signed update from the central system that lowers a form's review tier or drops or loosens a required
material waits here (issue 16); the old definition stays in force until an administrator reads what the
new one gives up and presses 确认生效, which is recorded in the audit trail.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import usecases
from app.ui import operations
from app.ui.errors import describe
from app.ui.operations import OpContext, QueryOp
from app.usecases import ClerkInfo, PendingReference


def reference_label(name: str) -> str:
    """A reference data set's name as the administrator reads it."""
    if name.startswith("figures-"):
        label = QCoreApplication.translate("PendingReferenceDialog", "统计指标（{code}）")
        return label.format(code=name.removeprefix("figures-"))
    labels = {"forms": QCoreApplication.translate("PendingReferenceDialog", "表单定义"),
              "holidays": QCoreApplication.translate("PendingReferenceDialog", "节假日安排")}
    return labels.get(name, name)


class PendingReferenceDialog(QDialog):
    """Lists the held-back updates with what each gives up; 确认生效 puts the selected one in force."""

    def __init__(self, ctx: OpContext, admin: ClerkInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._admin = ctx, admin
        self.setWindowTitle(self.tr("待确认的参考数据更新"))
        self.setObjectName("pendingReferenceDialog")
        self.setMinimumSize(620, 380)
        intro = QLabel(self.tr("以下表单定义由中心系统签名下发，但会降低审核级别或放宽必交材料，"
                               "因此尚未生效，仍按原定义办理。请核实后逐项确认；确认将记入审计日志。"))
        intro.setObjectName("fieldHint")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("pendingReferenceList")
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(lambda _row: self._update_button())
        self.message = QLabel()
        self.message.setObjectName("pendingReferenceMessage")
        self.message.setWordWrap(True)
        self.confirm_button = QPushButton(self.tr("确认生效"))
        self.confirm_button.setObjectName("confirmReferenceButton")
        self.confirm_button.setProperty("primary", True)
        self.confirm_button.clicked.connect(self._confirm)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.pending: list[PendingReference] = []
        self.reload()

    def reload(self) -> None:
        """Read the held-back updates again (in the background)."""
        admin = self._admin
        QueryOp(self, lambda t: usecases.pending_reference(t, admin), self._show).run_in_background(self._ctx)

    def _show(self, pending: list[PendingReference]) -> None:
        self.pending = pending
        self.list.clear()
        for entry in pending:
            lines = "\n".join(f"    · {why}" for why in entry.weakenings)
            item = QListWidgetItem(self.tr("{title}（{code}，第 {version} 版）\n{lines}").format(
                title=entry.title, code=entry.key, version=entry.version or "?", lines=lines))
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.list.addItem(item)
        if pending:
            self.list.setCurrentRow(0)
        elif not self.message.text():
            self.message.setText(self.tr("没有待确认的参考数据更新。"))
        self._update_button()

    def _update_button(self) -> None:
        self.confirm_button.setEnabled(self.list.currentRow() >= 0)

    def _confirm(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        entry = self.pending[row]
        self.confirm_button.setEnabled(False)
        operations.confirm_reference(parent=self, admin=self._admin, key=entry.key, name=entry.name) \
            .success(self._confirmed).failure(self._refused).run_in_background(self._ctx)

    def _confirmed(self, done: PendingReference) -> None:
        self.message.setText(self.tr("已确认生效：{title}（已记入审计日志）。").format(title=html.escape(done.title)))
        self.reload()

    def _refused(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{html.escape(what)}</span> {html.escape(todo)}")
        self._update_button()
