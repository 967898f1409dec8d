"""The 办件查询 page in the real window: reached from the header, searched through its form, paged, and from a
record: the case opened read-only in every state, its receipt reprinted to a PDF, a 催办 recorded."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from app import usecases
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.usecases.remind import case_reminders
from forms.definitions import load_form
from local_db.audit import AuditAction, AuditQuery
from local_db.models import Submission, SubmissionState, utcnow
from local_db.submissions import ApplicantData, create_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import REGISTRATION, WAIVER


def window_for(qtbot: QtBot, terminal: Terminal) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    return window


def open_records(qtbot: QtBot, window: MainWindow) -> None:
    button = window.header.findChild(QPushButton, "recordsButton")
    assert button is not None and button.text() == "办件查询"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.records_page


def five_people(terminal: Terminal) -> list[str]:
    names = ["张伟", "王芳", "张秀英", "李娜", "刘洋"]
    return [create_submission(terminal.db, item_code="personal_registration", form_version=1, terminal_id="T",
                              clerk_id=CLERK.id, applicant=ApplicantData(f"11010119800101{n:03d}1", name),
                              payload={}, counter_receipt_no=f"T-20261201-{n:04d}").id
            for n, name in enumerate(names)]


def accepted_case(terminal: Terminal) -> str:
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    return accepted.view.id


def set_row(terminal: Terminal, submission_id: str, **values: Any) -> None:
    with terminal.db.sessions.begin() as s:
        s.execute(update(Submission).where(Submission.id == submission_id).values(**values))


def choose(qtbot: QtBot, window: MainWindow, submission_id: str) -> None:
    window.refresh()
    qtbot.waitUntil(lambda: any(r.id == submission_id for r in window.records.records), timeout=10000)
    window.records.selectRow(next(i for i, r in enumerate(window.records.records) if r.id == submission_id))


def test_the_page_searches_by_name_through_its_form(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    five_people(terminal)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    page = window.records_page
    qtbot.keyClicks(page.receipt_edit, "20261201")
    page.name_edit.setText("张")
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page_label.text() == "第 1 / 1 页，共 2 条", timeout=10000)
    assert sorted(r.applicant_name or "" for r in window.records.records) == ["张伟", "张秀英"]


def test_the_page_pages_and_says_where_it_is(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    five_people(terminal)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    page = window.records_page
    window.records.page_size = 2
    page.search()
    qtbot.waitUntil(lambda: page.page_label.text() == "第 1 / 3 页，共 5 条", timeout=10000)
    qtbot.mouseClick(page.next_page_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page_label.text() == "第 2 / 3 页，共 5 条", timeout=10000)
    assert page.previous_page_button.isEnabled() and page.next_page_button.isEnabled()


def test_a_too_short_id_part_is_said_and_not_searched(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    page = window.records_page
    qtbot.waitUntil(lambda: page.page_label.text() != "", timeout=10000)
    before = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({"view_records"})))[1]
    page.id_edit.setText("012")
    page.search()
    assert page.search_problem.isVisible() and "至少输入 4 位" in page.search_problem.text()
    assert terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({"view_records"})))[1] == before


@pytest.mark.parametrize("state", ["accepted", "returned", "closed", "purged"])
def test_a_case_opens_read_only_from_the_page_in_every_state(qtbot: QtBot, make_terminal: Any, state: str) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_case(terminal)
    if state == "purged":
        set_row(terminal, sid, state=SubmissionState.CLOSED.value, purged_at=utcnow())
    else:
        set_row(terminal, sid, state=state)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    choose(qtbot, window, sid)
    assert window.view_button.isEnabled()
    qtbot.mouseClick(window.view_button, Qt.MouseButton.LeftButton)
    dialog = window.case_dialog
    assert dialog is not None
    if state == "purged":  # what is left is said, nothing of the person
        qtbot.waitUntil(lambda: "清理" in dialog.view.message.text(), timeout=10000)
        assert not dialog.reprint_button.isVisibleTo(dialog)
    else:
        qtbot.waitUntil(lambda: dialog.view.case is not None, timeout=10000)
        assert dialog.view.case is not None and dialog.view.case.submission_id == sid
    dialog.reject()


def test_the_receipt_is_reprinted_from_the_page_and_from_the_case(qtbot: QtBot, make_terminal: Any,
                                                                tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    sid = accepted_case(terminal)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    choose(qtbot, window, sid)
    page = window.records_page
    assert page.reprint_button.isEnabled()
    from app.ui.records_page import reprint_case

    record = window.records.selected()
    assert record is not None
    reprint_case(page, window.ctx, CLERK, record, tmp_path / "page.pdf")
    qtbot.waitUntil(lambda: (tmp_path / "page.pdf").exists(), timeout=20000)
    window.open_case(record)
    dialog = window.case_dialog
    assert dialog is not None and dialog.reprint_button.isVisibleTo(dialog)
    dialog.reprint(tmp_path / "case.pdf")
    qtbot.waitUntil(lambda: (tmp_path / "case.pdf").exists(), timeout=20000)
    found, _n = terminal.audit.search(terminal.db, AuditQuery(
        actions=frozenset({AuditAction.PRINT_RECEIPT.value}), subject=sid), newest_first=False)
    assert [e.detail.get("copy") for e in found] == [None, 2]  # nothing printed before: the first is copy 1
    text = pypdf.PdfReader(io.BytesIO((tmp_path / "case.pdf").read_bytes())).pages[0].extract_text()
    assert record.counter_receipt_no is not None and record.counter_receipt_no in text.replace("\n", "")
    dialog.reject()


def test_remind_is_offered_for_a_pending_case_and_recorded_from_the_case(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    pending, returned = accepted_case(terminal), accepted_case(terminal)
    set_row(terminal, pending, state=SubmissionState.ACCEPTED.value)
    set_row(terminal, returned, state=SubmissionState.RETURNED.value)
    window = window_for(qtbot, terminal)
    open_records(qtbot, window)
    page = window.records_page
    choose(qtbot, window, returned)
    assert not page.remind_button.isEnabled()
    choose(qtbot, window, pending)
    assert page.remind_button.isEnabled()
    record = window.records.selected()
    assert record is not None
    window.open_case(record)
    dialog = window.case_dialog
    assert dialog is not None and dialog.remind_button.isVisibleTo(dialog)
    dialog.remind("申请人来电询问", ask=False)
    qtbot.waitUntil(lambda: dialog.reminders.isVisibleTo(dialog), timeout=10000)
    assert "催办记录（1 次）" in dialog.reminders.text() and "待发送" in dialog.reminders.text()
    assert [r.note for r in case_reminders(terminal, CLERK, pending)] == ["申请人来电询问"]
    dialog.reject()
