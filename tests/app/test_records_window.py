"""The records list in the real window: a returned application is shown with the central system's reason,
corrected and resent as the next version of its case; key business is approved by a second clerk; the
status bar says what is pending and when the last sync was. Real central server process, real sender.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from app import usecases
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from forms.definitions import load_form
from local_db.clerks import Role, add_clerk
from local_db.models import SubmissionState
from tests.app.samples import SIGNATURE

from .conftest import CLERK, PASSWORD
from .samples import REGISTRATION, RETIREMENT, WAIVER
from .test_e2e_registration import type_text


def central_records(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--db", str(db), "--json",
                          "--include-payload"], capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def window_for(qtbot: QtBot, terminal: Any) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    return window


def sync_now(qtbot: QtBot, window: MainWindow) -> None:
    button = window.findChild(QPushButton, "sendNowButton")
    assert button is not None and button.text() == "立即同步"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def row_of(window: MainWindow, submission_id: str) -> int | None:
    return next((i for i, r in enumerate(window.records.records) if r.id == submission_id), None)


def test_returned_application_is_corrected_in_the_window(  # type: ignore[no-untyped-def]
        qtbot: QtBot, start_central, make_terminal, central_db) -> None:
    server = start_central(extra_args=("--review", "return", "--review-delay", "0.1",
                                       "--return-reason", "联系电话有误，请核实后更正。"))
    terminal = make_terminal(server.base_url)
    window = window_for(qtbot, terminal)
    first = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view
    qtbot.waitUntil(lambda: "已连接" in window.conn_label.full_text(), timeout=10000)

    def returned_shown() -> bool:
        window.refresh()
        row = row_of(window, first.id)
        return row is not None and window.records.item(row, 4).text() == "已退回"

    def poll() -> bool:
        sync_now(qtbot, window)  # the clerk's "立即同步": send and pull the status feed now
        qtbot.wait(200)
        return returned_shown()

    qtbot.waitUntil(poll, timeout=20000)
    row = row_of(window, first.id)
    assert row is not None
    assert window.records.item(row, 6).text() == "联系电话有误，请核实后更正。"
    assert "已退回：1" in window.pending_label.full_text()
    assert window.sync_label.full_text().startswith("最近同步：") and "—" not in window.sync_label.full_text()

    # only returned rows can be corrected; the filter shows them alone
    choose_filter = window.records_filter
    choose_filter.setCurrentIndex(choose_filter.findData(SubmissionState.RETURNED.value))
    qtbot.waitUntil(lambda: [r.id for r in window.records.records] == [first.id], timeout=15000)
    window.records.selectRow(0)
    assert window.correct_button.isEnabled() and not window.approve_button.isEnabled()
    qtbot.mouseClick(window.correct_button, Qt.MouseButton.LeftButton)

    page = window.form_page
    assert page is not None and page.corrects == first.id
    assert "联系电话有误" in page.card_label.text() and "第2版" in page.card_label.text()
    assert page.view.value("name") == "李秀英" and page.view.value("phone") == "13800138000"
    assert "免提交" in page.materials._counts["identity_document"].text()  # the waiver is kept
    phone = page.view.widget("phone")
    assert isinstance(phone, QLineEdit)
    phone.clear()
    type_text(qtbot, phone, "13900139000")
    page.signature.take(SIGNATURE)  # the applicant signs what is shown now (issue 19)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=15000)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.receipt is not None, timeout=20000)
    corrected_id = window.result.submission_id
    qtbot.waitUntil(lambda: any(r["id"] == corrected_id for r in central_records(central_db)), timeout=20000)
    central = {r["id"]: r for r in central_records(central_db)}
    assert central[corrected_id]["case_id"] == first.id and central[corrected_id]["case_version"] == 2
    assert central[corrected_id]["payload"]["phone"] == "13900139000"
    window.go_home()
    window.records_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: row_of(window, first.id) is not None and window.records.item(
        row_of(window, first.id), 4).text() == "已办结", timeout=15000)  # type: ignore[arg-type]


def test_second_clerk_approves_in_the_window(qapp, qtbot: QtBot, start_central, make_terminal,  # type: ignore[no-untyped-def]
                                             central_db) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url)
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    add_clerk(terminal.db, "1003", "审批柜员", "final-pass", roles=frozenset({Role.APPROVAL}))
    window = window_for(qtbot, terminal)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    window.result.show_submission(accepted.view, "城镇职工基本养老保险退休核准", receipt=accepted.receipt)
    window.stack.setCurrentWidget(window.result)
    assert window.result.status.text() == "已受理，待复核"
    assert window.result.approve_button.isVisible()
    window.refresh()  # what the window does after its own submit
    qtbot.waitUntil(lambda: "待复核：1" in window.pending_label.full_text(), timeout=10000)

    qtbot.mouseClick(window.result.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.approval_dialog is not None, timeout=15000)
    dialog = window.approval_dialog
    assert dialog is not None
    dialog.clerk_edit.setText(CLERK.id)  # the clerk who took it cannot approve it
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=15000)
    assert "本人受理" in dialog.message.text() and "送中心/他机复核" in dialog.message.text()
    dialog.clerk_edit.setText("1002")
    dialog.password_edit.setText("review-pass")
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.approval_dialog is None, timeout=15000)
    assert "待下一步审批" in window.notice.label.text()  # 复核 signed; 审批 still due
    assert window.result.status.text() == "已受理，待复核"
    qtbot.mouseClick(window.result.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.approval_dialog is not None, timeout=15000)
    dialog = window.approval_dialog
    assert dialog is not None and dialog.button.text() == "审批签字"
    dialog.clerk_edit.setText("1003")
    dialog.password_edit.setText("final-pass")
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r["id"] == accepted.view.id for r in central_records(central_db)), timeout=20000)
    [record] = central_records(central_db)
    assert [(g["step"], g["clerk_id"]) for g in record["review"]["signatures"]] == [
        ("review", "1002"), ("approval", "1003")]
    qtbot.waitUntil(lambda: window.result.status.text() == "✔ 已受理", timeout=10000)


def test_a_draft_is_kept_continued_and_replaced_by_its_submission(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal) -> None:
    from local_db.submissions import list_submissions, pending_count

    terminal = make_terminal("http://127.0.0.1:9")
    window = window_for(qtbot, terminal)
    window.open_item(next(i for i in terminal.catalogue if i.code == "personal_registration"))
    page = window.form_page
    assert page is not None
    type_text(qtbot, page.view.widget("id_number"), REGISTRATION["id_number"])  # type: ignore[arg-type]
    type_text(qtbot, page.view.widget("name"), "李秀英")  # type: ignore[arg-type]
    assert not page.view.is_valid()  # half a form can be kept, not submitted
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.draft_id is not None, timeout=10000)
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)  # saving again updates the same draft
    qtbot.waitUntil(lambda: "已暂存" in window.notice.label.text(), timeout=10000)
    [draft] = list_submissions(terminal.db, states={SubmissionState.DRAFT})
    assert draft.id == page.draft_id and draft.payload["name"] == "李秀英"
    assert pending_count(terminal.db) == 0  # a draft is never sent

    window.go_home()
    window.records_filter.setCurrentIndex(window.records_filter.findData(SubmissionState.DRAFT.value))
    qtbot.waitUntil(lambda: [r.id for r in window.records.records] == [draft.id], timeout=10000)
    window.records.selectRow(0)
    assert window.resume_button.isEnabled()
    qtbot.mouseClick(window.resume_button, Qt.MouseButton.LeftButton)
    page = window.form_page
    assert page is not None and page.draft_id == draft.id
    assert page.view.value("name") == "李秀英" and page.view.value("sex") == "female"
    for key, value in REGISTRATION.items():
        if not page.view.value(key):
            widget = page.view.widget(key)
            if isinstance(widget, QLineEdit):
                type_text(qtbot, widget, value)
            else:
                widget.setCurrentIndex(widget.findData(value))  # type: ignore[union-attr]
    page.materials.waive("identity_document", WAIVER)
    page.signature.take(SIGNATURE)  # the applicant signs (issue 19)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=10000)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.receipt is not None, timeout=20000)
    [only] = list_submissions(terminal.db)  # the draft became the submission; no draft is left behind
    assert only.state in (SubmissionState.QUEUED, SubmissionState.SENDING) and only.id != draft.id
