"""The sign-in dialog shows the lockout (issue 16): the fifth wrong password says until when."""

from __future__ import annotations

import re
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


def test_an_unknown_staff_number_is_locked_out_in_the_same_words(qtbot: QtBot, make_terminal: Any) -> None:
    """The lockout message must not tell a guesser that a staff number is real (issue 16, item 5)."""
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    said: dict[str, list[str]] = {}
    for clerk_id in (CLERK.id, "8888"):
        dialog = SignInDialog(terminal, OpRunner(), clerk_id=clerk_id)
        qtbot.addWidget(dialog)
        dialog.show()
        said[clerk_id] = []
        for _ in range(terminal.settings.signin_max_failures):
            qtbot.waitUntil(dialog.button.isEnabled, timeout=10000)
            qtbot.keyClicks(dialog.password_edit, "wrong-password")
            qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda d=dialog: "正在验证" not in d.message.text(), timeout=10000)  # type: ignore[misc]
            said[clerk_id].append(dialog.message.text().replace(clerk_id, "N"))
    assert "已锁定至" in said["8888"][-1]
    # the same words at each step (the minute of "until when" may tick over between the two runs)
    def words(texts: list[str]) -> list[str]:
        return [re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "TIME", t) for t in texts]

    assert words(said[CLERK.id]) == words(said["8888"])
    assert len(set(words(said["8888"]))) == 2  # four times "wrong", then "locked until TIME"
