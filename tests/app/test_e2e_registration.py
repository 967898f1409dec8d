"""End to end: the real window, a real central server process on loopback, a real SQLite file.

A clerk signs in, finds 个人参保登记 in the catalogue, types the form, and submits;
the background sender delivers it and the window shows 已受理 with the central
system's receipt number. The record must arrive at the central system exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from app.ui.signin import SignInDialog
from local_db.submissions import list_submissions, pending_count
from tests.app.samples import SIGNATURE

from .conftest import CLERK, PASSWORD, free_port

pytestmark = pytest.mark.e2e

ID_NUMBER = "11010519491231002X"  # valid GB 11643 number (the standard's own example)


def central_records(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "app", "central", "list-submissions", "--db", str(db), "--json"],
                         capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def sign_in(qtbot: QtBot, terminal: Terminal, ops: OpRunner) -> MainWindow:
    dialog = SignInDialog(terminal, ops, clerk_id=CLERK.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, "wrong-password")
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "工号或密码错误" in dialog.message.text(), timeout=10000)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.clerk is not None, timeout=10000)
    assert dialog.clerk == CLERK
    window = MainWindow(terminal, dialog.clerk, ops)
    qtbot.addWidget(window)
    window.show()
    return window


def open_registration(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.catalogue.search_edit, "grcbdj")  # pinyin initials of 个人参保登记
    assert [i.code for i in window.catalogue.visible_items()][:1] == ["personal_registration"]
    qtbot.keyClick(window.catalogue.search_edit, Qt.Key.Key_Return)
    assert window.form_page is not None and window.stack.currentWidget() is window.form_page


def type_text(qtbot: QtBot, widget: QLineEdit, text: str) -> None:
    """ASCII as key presses; Chinese as an input-method commit, the way a real IME delivers it."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def choose(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def fill_registration(qtbot: QtBot, window: MainWindow, id_number: str = ID_NUMBER) -> None:
    page = window.form_page
    assert page is not None
    view = page.view
    id_edit = view.widget("id_number")
    assert isinstance(id_edit, QLineEdit)

    # a wrong check character: the clerk is told which one, and cannot submit
    qtbot.keyClicks(id_edit, id_number[:17] + "5")
    error = view.findChild(QLabel, "error_id_number")
    assert error is not None and error.isVisible()
    assert "第18位" in error.text() and id_number[17] in error.text()
    assert not page.submit_button.isEnabled()

    id_edit.clear()
    qtbot.keyClicks(id_edit, id_number)
    assert not error.isVisible()
    # birth date and sex are derived from the number and not editable
    assert view.value("birth_date") == "1949-12-31" and view.value("sex") == "female"
    assert not view.widget("sex").isEnabled()

    name = view.widget("name")
    assert isinstance(name, QLineEdit)
    type_text(qtbot, name, "李秀英")
    choose(view.widget("ethnicity"), "01")  # type: ignore[arg-type]
    fill_contact_and_insurance(qtbot, page)


def fill_contact_and_insurance(qtbot: QtBot, page: FormPage) -> None:
    """The fields no card holds: what the clerk types or picks for every registration."""
    view = page.view
    for key, value in (("insured_category", "employee"), ("household_type", "urban")):
        combo = view.widget(key)
        assert isinstance(combo, QComboBox)
        choose(combo, value)
    for key, text in (("phone", "13800138000"), ("address", "陕西省铜川市王益区红旗街1号"),
                      ("employer_code", "61020200001"), ("work_start_date", "1968-07-01")):
        edit = view.widget(key)
        assert isinstance(edit, QLineEdit)
        type_text(qtbot, edit, text)
    qtbot.waitUntil(page.view.is_valid, timeout=5000)
    if page.materials.missing():
        # a valid form still waits for its required materials: photographed, or waived with a reason
        assert not page.submit_button.isEnabled()
        assert "尚缺材料：居民身份证或社会保障卡" in page.submit_hint.text()
        waive_missing(qtbot, page)
    page.signature.take(SIGNATURE)  # the applicant signs on the pad (issue 19)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)


#: what a clerk writes when the ID card was read by the reader and no copy is taken
WAIVER = "已由身份证阅读器读取并核验，不另留复印件"


def waive_missing(qtbot: QtBot, page: FormPage) -> None:
    """Waive every required material not photographed, through the panel's own dialog."""
    for material in page.materials.missing():
        qtbot.mouseClick(page.materials.waive_buttons[material.key], Qt.MouseButton.LeftButton)
        dialog = page.materials.waive_dialog
        assert dialog is not None
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # no reason, no waiver
        dialog.reason.setPlainText(WAIVER)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        assert f"免提交：{WAIVER}" in page.materials._counts[material.key].text()
    assert not page.materials.missing()


def test_registration_reaches_central_exactly_once(qtbot: QtBot, start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    server = start_central()
    terminal = make_terminal(server.base_url)
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    open_registration(qtbot, window)
    fill_registration(qtbot, window)

    qtbot.mouseClick(window.form_page.submit_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.result, timeout=10000)
    qtbot.waitUntil(lambda: "已受理" in window.result.status.text(), timeout=20000)

    records = central_records(central_db)
    assert len(records) == 1
    local = list_submissions(terminal.db)
    assert len(local) == 1 and local[0].id == records[0]["id"]
    assert local[0].receipt_number == records[0]["receipt_number"]
    assert records[0]["receipt_number"] in window.result.detail.text()
    assert "已连接" in window.conn_label.full_text()
    qtbot.waitUntil(lambda: window.pending_label.full_text() == "待发送：0", timeout=5000)

    # the ID number is masked in the records list, the receipt number shown
    window.go_home()
    qtbot.waitUntil(lambda: window.records.rowCount() == 1 and window.records.item(0, 4).text() == "已受理",
                    timeout=5000)
    assert window.records.item(0, 3).text() == "110*************2X"
    assert window.records.item(0, 5).text() == records[0]["receipt_number"]

    # a restart (sender requeues nothing, sends nothing again) leaves one record
    terminal.sender.stop()  # type: ignore[union-attr]
    terminal.sender.start()  # type: ignore[union-attr]
    terminal.send_now()
    assert pending_count(terminal.db) == 0
    assert len(central_records(central_db)) == 1
    ops.wait()


def test_sender_survives_central_down(qtbot: QtBot, start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    terminal = make_terminal(f"http://127.0.0.1:{port}")  # nothing listens there yet
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    open_registration(qtbot, window)
    fill_registration(qtbot, window)
    qtbot.mouseClick(window.form_page.submit_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]

    qtbot.waitUntil(lambda: "未连接中心系统，已离线保存" in window.result.status.text(), timeout=20000)
    assert "未连接中心系统" in window.conn_label.full_text()
    assert pending_count(terminal.db) == 1
    # still queued after several failed attempts, nothing lost
    qtbot.waitUntil(lambda: window.pending_label.full_text() == "待发送：1", timeout=5000)

    start_central(port)
    qtbot.waitUntil(lambda: "已受理" in window.result.status.text(), timeout=30000)
    assert pending_count(terminal.db) == 0
    records = central_records(central_db)
    assert len(records) == 1 and records[0]["id"] == list_submissions(terminal.db)[0].id
    ops.wait()


def test_window_stays_responsive_while_the_central_system_hangs(  # type: ignore[no-untyped-def]
        qtbot: QtBot, start_central, make_terminal, central_db) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url)
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    qtbot.waitUntil(lambda: "已连接" in window.conn_label.full_text(), timeout=10000)
    open_registration(qtbot, window)
    fill_registration(qtbot, window)

    server.process.send_signal(signal.SIGSTOP)  # the server accepts nothing and answers nothing
    try:
        qtbot.mouseClick(window.form_page.submit_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.result, timeout=10000)
        assert "正在发送" in window.result.status.text()
        # the GUI thread keeps working while the sender waits on the network
        ticks: list[int] = []  # a timer of the window's thread keeps firing
        beat = QTimer(window)
        beat.timeout.connect(lambda: ticks.append(1))
        beat.start(50)
        qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=5000)
        beat.stop()
        window.go_home()
        window.catalogue.search_edit.clear()
        type_text(qtbot, window.catalogue.search_edit, "退休")
        assert any("退休" in i.name for i in window.catalogue.visible_items())
    finally:
        server.process.send_signal(signal.SIGCONT)
    qtbot.waitUntil(lambda: pending_count(terminal.db) == 0, timeout=30000)
    assert len(central_records(central_db)) == 1
    ops.wait()
