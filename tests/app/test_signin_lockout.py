"""The sign-in dialog shows the lockout (issue 16): the fifth wrong password says until when."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.ops import OpRunner
from app.ui.signin import SignInDialog

from .conftest import CLERK, PASSWORD


def test_the_dialog_says_until_when_the_clerk_is_locked(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    dialog = SignInDialog(terminal, OpRunner(), clerk_id=CLERK.id)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(terminal.settings.signin_max_failures):
        qtbot.waitUntil(dialog.button.isEnabled, timeout=10000)
        qtbot.keyClicks(dialog.password_edit, "wrong-password")
        qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "正在验证" not in dialog.message.text(), timeout=10000)
    assert "已锁定至" in dialog.message.text()
    qtbot.waitUntil(dialog.button.isEnabled, timeout=10000)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)  # the right password does not open it early
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "正在验证" not in dialog.message.text(), timeout=10000)
    assert "已锁定至" in dialog.message.text() and dialog.clerk is None
