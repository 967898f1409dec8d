"""The locked window: who locked it, a password box, and a way for another clerk to take over.

It replaces the whole content of the window (``SessionGuard``), so nothing of the form, the records or
the notices under it can be seen or photographed while the clerk is away. It shows the clerk's name
and staff number only: they are on the clerk's badge anyway, and tell a colleague whose window it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.ui.errors import describe

if TYPE_CHECKING:
    from app.usecases import ClerkInfo


class LockScreen(QWidget):
    """``unlock_requested(password)`` for the clerk's own password; ``switch_requested`` for another clerk."""

    unlock_requested = Signal(str)
    switch_requested = Signal()

    def __init__(self, clerk: ClerkInfo, office: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(440)
        title = QLabel(self.tr("已锁定"))
        title.setObjectName("lockTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel(self.tr("柜员：{name}（{id}）").format(name=clerk.name, id=clerk.id))
        self.who.setObjectName("lockClerk")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        where = QLabel(office)
        where.setObjectName("lockOffice")
        where.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tip = QLabel(self.tr("为保护办事群众的个人信息，本窗口已锁定。请输入本人密码解锁。"))
        tip.setObjectName("lockTip")
        tip.setWordWrap(True)
        tip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("unlockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        self.password_edit.returnPressed.connect(self._submit)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.switch_button = QPushButton(self.tr("切换柜员"))
        self.switch_button.setObjectName("switchClerkButton")
        self.switch_button.setToolTip(self.tr("由另一名柜员登录；本窗口未完成的表单将连同已拍摄的材料暂存为原柜员的草稿"))
        self.switch_button.clicked.connect(self.switch_requested.emit)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        for widget in (title, self.who, where, tip, self.password_edit, self.unlock_button, self.message,
                       self.switch_button):
            inner.addWidget(widget)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def reset(self) -> None:
        """Fresh for a new lock: empty box, no message, focus in the box."""
        self.password_edit.clear()
        self._say("")
        self.set_busy(False)
        self.password_edit.setFocus()

    def set_busy(self, busy: bool, text: str = "") -> None:
        for widget in (self.unlock_button, self.switch_button, self.password_edit):
            widget.setEnabled(not busy)
        if text:
            self._say(text)

    def refused(self, exc: BaseException) -> None:
        """A wrong password, or the lockout (which says until when); the box is emptied for another try."""
        what, todo = describe(exc)
        self._say(f"<span style='color:#c0392b'>{what}</span> {todo}")
        self.set_busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _submit(self) -> None:
        password = self.password_edit.text()
        if not password:
            self._say(self.tr("请输入密码。"))
            return
        self.set_busy(True, self.tr("正在验证…"))
        self.unlock_requested.emit(password)
