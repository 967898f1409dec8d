"""The form's 签字 step in the real window (issue 19): an item that asks for a signature says so on the status
line; 提交 on an unsigned complete form opens the signature window (and the spoken prompt) and, once the
applicant has signed, submits by itself, while a cancelled window submits nothing; F8 opens it earlier; a
changed value drops the signature (the applicant confirmed the values they saw); with an agent named the agent
signs; the signed case is accepted; an item that asks for none shows no step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.signature import SIGNATURE_KEY
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.pages import FormPage
from local_db.submissions import get_submission

from .samples import REGISTRATION, SIGNATURE, WAIVER
from .test_required_in_window import form_page


def _filled(qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> FormPage:
    page = form_page(qtbot, make_terminal, "personal_registration")
    for key, value in REGISTRATION.items():
        page.view.set_value(key, value)
    page.materials.waive("identity_document", WAIVER)
    return page


def _draw(pad: object) -> None:
    from app.ui.signature_pad import SignaturePad

    assert isinstance(pad, SignaturePad)
    middle = pad.rect().center()
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle - QPoint(200, 0))
    for dx in range(-190, 200, 10):
        QTest.mouseMove(pad, middle + QPoint(dx, (dx % 60) - 30))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle + QPoint(200, 0))


def test_the_status_line_says_the_applicant_signs_at_submit(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    assert page.signature.button.isVisible() and page.signature.button.text() == "签字… (F8)"
    assert "申请人" in page.signature.button.toolTip()
    assert page.submit_button.isEnabled()  # 提交 asks for the signature itself
    assert page.submit_hint.text() == "提交时请申请人签字"
    page.signature.take(SIGNATURE)
    assert page.submit_button.isEnabled() and "签字" not in page.submit_hint.text()
    assert page.signature.button.text().startswith("✔")


def test_submit_on_an_unsigned_form_asks_for_the_signature_then_submits_by_itself(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    window = page.window()
    assert isinstance(window, MainWindow)
    asked: list[bool] = []
    page.signature.asked.connect(lambda: asked.append(True))
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    assert asked == [True] and window.result.submission_id is None  # nothing sent before the signature
    dialog = page.signature.dialog
    assert dialog is not None
    _draw(dialog.panel.pad)
    dialog.panel.confirm_button.click()  # the applicant's 确认: no second click on 提交
    qtbot.waitUntil(lambda: window.result.submission_id is not None, timeout=15000)
    saved = get_submission(window.terminal.db, window.result.submission_id or "")
    assert saved is not None and SIGNATURE_KEY in {a.material_key for a in saved.attachments}


def test_a_cancelled_signature_window_submits_nothing(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    window = page.window()
    assert isinstance(window, MainWindow)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    dialog = page.signature.dialog
    assert dialog is not None
    dialog.panel.cancel_button.click()
    qtbot.waitUntil(lambda: page.signature.dialog is None, timeout=5000)
    qtbot.wait(200)
    assert window.result.submission_id is None and page.signature.png is None
    assert window.stack.currentWidget() is page


def test_f8_opens_the_signature_window_and_its_signature_is_kept(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    window = page.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(page.view, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), timeout=5000)
    dialog = page.signature.dialog
    assert dialog is not None
    assert "申请人" in dialog.panel.who.text() and REGISTRATION["name"] in dialog.panel.who.text()
    dialog.panel.confirm_button.click()  # nothing drawn yet: refused, the window stays
    assert dialog.isVisible() and "还没有签字" in dialog.panel.hint.text()
    _draw(dialog.panel.pad)
    dialog.panel.confirm_button.click()
    qtbot.waitUntil(lambda: page.signature.png is not None, timeout=5000)
    assert page.signature.png is not None and page.signature.png.startswith(b"\x89PNG")
    assert page.submit_button.isEnabled()


def test_a_value_changed_after_signing_drops_the_signature(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    page.signature.take(SIGNATURE)
    page.view.set_value("phone", "13900139000")
    assert page.signature.png is None
    assert "提交时请申请人签字" in page.submit_hint.text()


def test_with_an_agent_named_the_agent_signs(qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    page.view.set_value("agent_name", "王小明")
    assert "代办人" in page.signature.button.toolTip()
    assert "提交时请代办人签字" in page.submit_hint.text()


def test_the_signed_form_is_submitted_with_its_signature(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = _filled(qtbot, make_terminal)
    window = page.window()
    assert isinstance(window, MainWindow)
    page.signature.take(SIGNATURE)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.submission_id is not None, timeout=15000)
    saved = get_submission(window.terminal.db, window.result.submission_id or "")
    assert saved is not None and SIGNATURE_KEY in {a.material_key for a in saved.attachments}


def test_an_item_without_a_signature_has_no_signature_step(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = form_page(qtbot, make_terminal, "employer_registration")
    assert not page.signature.button.isVisible()
    assert "签字" not in page.submit_hint.text()
