"""Sign-in: the clerk's staff number and password, checked off the GUI thread.

The first window of ``sicounter gui``, shown before the terminal behind it is built (app.startup), so
this module imports only Qt and the light parts of app.ui: the use cases, the database and the terminal
load when a sign-in is checked, by then on the loading thread already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.errors import describe
from app.ui.ops import OpRunner

if TYPE_CHECKING:
    from app.startup import TerminalLoading
    from app.terminal import Terminal
    from app.usecases import ClerkInfo


class SignInDialog(QDialog):
    def __init__(self, terminal: Terminal | TerminalLoading, ops: OpRunner, parent: QWidget | None = None,
                 *, clerk_id: str = "", hint: str = "") -> None:
        super().__init__(parent)
        self._terminal = terminal
        self._ops = ops
        self.clerk: ClerkInfo | None = None
        self.setWindowTitle(self.tr("柜员登录 - 社会保险经办柜台终端"))
        self.setObjectName("signInDialog")
        self.setMinimumWidth(440)

        title = QLabel(self.tr("社会保险经办柜台终端"))
        title.setObjectName("signInTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        office = QLabel(terminal.settings.office_name or "")
        office.setAlignment(Qt.AlignmentFlag.AlignCenter)
        office.setObjectName("signInOffice")

        self.clerk_edit = QLineEdit(clerk_id)
        self.clerk_edit.setObjectName("clerkId")
        self.clerk_edit.setPlaceholderText(self.tr("工号"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        self.message = QLabel(hint)
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.button = QPushButton(self.tr("登录"))
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self._submit)

        form = QFormLayout()
        form.addRow(self.tr("工号"), self.clerk_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addWidget(office)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.button)
        (self.password_edit if clerk_id else self.clerk_edit).setFocus()

    def _submit(self) -> None:
        clerk_id, password = self.clerk_edit.text().strip(), self.password_edit.text()
        if not clerk_id or not password:
            self.message.setText(self.tr("请输入工号和密码。"))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("正在验证…"))
        source = self._terminal
        self._ops.run(lambda: _check(source, clerk_id, password), self._signed_in, self._refused)

    def _signed_in(self, clerk: ClerkInfo) -> None:
        self.clerk = clerk
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        what, todo = describe(exc)
        self.message.setText(f"<span style='color:#c0392b'>{what}</span> {todo}")
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.button.setEnabled(True)


def _check(source: Terminal | TerminalLoading, clerk_id: str, password: str) -> ClerkInfo:
    """On an op thread: a terminal still loading behind the dialog is waited for (boundedly) first."""
    from app.startup import TerminalLoading

    terminal = source.terminal() if isinstance(source, TerminalLoading) else source
    from app import usecases

    return usecases.sign_in(terminal, clerk_id, password)
