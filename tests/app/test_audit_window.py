"""The auditor's screen in the real window (pytest-qt): only for 稽核, filters, paging, and the chain check
that shows where an entry edited with raw SQL (triggers dropped, as an intruder with the key would) breaks it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app import usecases
from app.terminal import Terminal
from app.ui import audit_page
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from forms.definitions import load_form
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, WAIVER

AUDITOR = ClerkInfo("7001", "赵稽核", frozenset({Role.AUDITOR}))


def window_for(qtbot: QtBot, terminal: Terminal, clerk: ClerkInfo) -> MainWindow:
    window = MainWindow(terminal, clerk, OpRunner())
    qtbot.addWidget(window)
    window.show()
    return window


def a_busy_day(terminal: Terminal) -> None:
    add_clerk(terminal.db, AUDITOR.id, AUDITOR.name, "audit-pass-1", roles=AUDITOR.roles)
    form = load_form("personal_registration")
    for values in (REGISTRATION, {**REGISTRATION, "id_number": RETIREE_ID, "name": "王建国"}):
        usecases.submit_application(terminal, usecases.SubmitRequest(CLERK, form, values,
                                                                     waivers={"identity_document": WAIVER},
                                                                         signature=SIGNATURE))


def rows(page: audit_page.AuditPage) -> list[tuple[str, str, str]]:
    """(seq, clerk, action label) of each row shown."""
    table = page.table
    return [(table.item(r, 0).text(), table.item(r, 2).text(), table.item(r, 3).text())
            for r in range(table.rowCount())]


def test_only_an_auditor_is_offered_the_screen(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    clerk_window = window_for(qtbot, terminal, CLERK)
    assert clerk_window.findChild(QPushButton, "auditButton") is None
    auditor_window = window_for(qtbot, terminal, AUDITOR)
    assert auditor_window.findChild(QPushButton, "auditButton") is not None


def test_the_auditor_filters_pages_and_verifies_the_trail(qtbot: QtBot, make_terminal: Any,
                                                          monkeypatch: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    a_busy_day(terminal)
    monkeypatch.setattr(audit_page, "PAGE_SIZE", 4)
    window = window_for(qtbot, terminal, AUDITOR)
    # an auditor without a business post: the window opens on the trail, with no records list (names) anywhere
    page = window.audit_page
    assert page is not None and window.stack.currentWidget() is page and not page.back_button.isVisibleTo(window)
    assert not window.records_section.isVisibleTo(window) and not window.catalogue.isVisibleTo(window)
    qtbot.waitUntil(lambda: page.table.rowCount() == 4, timeout=10_000)  # two submissions with a waiver each
    assert window.records.queries_run == 0 and window.records.rowCount() == 0
    assert page.total == 4 and rows(page)[0] == ("4", CLERK.id, "免交材料")
    button = window.findChild(QPushButton, "auditButton")
    assert button is not None and button.text() == "审计日志"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    # the four and the auditor's own first reading: 5, newest first, 4 a page
    qtbot.waitUntil(lambda: page.total == 5, timeout=10_000)
    assert page.page_label.text() == "第 1/2 页，共 5 条"
    assert rows(page)[0] == ("5", "7001", "查阅审计日志")
    assert not any(e.action == "view_records" for e in terminal.audit.find(terminal.db))
    assert page.upload_label.text() == "中心系统已收到 0/6 条"  # no central system here; 6 with this reading
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page == 1, timeout=10_000)
    assert [r[0] for r in rows(page)] == ["2", "1"]  # the reading of page 1 is entry 6, newer

    page.person_edit.setText(ID_NUMBER.lower())
    page.action_box.setCurrentIndex(page.action_box.findData("waiver"))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.total == 1, timeout=10_000)
    assert rows(page) == [("2", CLERK.id, "免交材料")]
    assert page.table.item(0, 5).toolTip() == terminal.audit.person_key(ID_NUMBER)
    assert page.table.item(0, 5).text() == terminal.audit.person_key(ID_NUMBER)[:10] + "…"
    assert "110" in page.page_label.text() and ID_NUMBER not in page.page_label.text()

    page.reset()
    page.clerk_edit.setText(AUDITOR.id)
    page.since_edit.setDate(QDate.currentDate().addDays(2))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.total == 0 and page.table.rowCount() == 0, timeout=10_000)
    page.since_edit.setDate(audit_page.NO_BOUND)
    page.until_edit.setDate(QDate.currentDate().addDays(1))
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.total > 0, timeout=10_000)
    assert {r[1] for r in rows(page)} == {AUDITOR.id}

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check is not None, timeout=10_000)
    assert page.check is not None and page.check.intact
    assert "审计日志完整" in page.report_label.text()

    with terminal.db.engine.begin() as conn:  # an intruder with the database key
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("UPDATE audit_log SET clerk_id = '1002' WHERE seq = 3")
    page.check = None
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.check is not None, timeout=10_000)
    assert page.check is not None and (page.check.report.broken_at, str(page.check.report.problem)) == (3, "edited")
    assert "第 3 条处断开" in page.report_label.text() and "记录被修改" in page.report_label.text()
    # each reading, the checks included, is on the trail
    readings = [e.detail.get("read") for e in terminal.audit.find(terminal.db) if e.action == "read_audit"]
    assert readings.count("verify") == 2 and readings.count("list") >= 5
