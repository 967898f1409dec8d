"""Named operations in the real window: errors shown by default (or handled by the caller), changes
reported so that the views refresh themselves, and a burst of changes costs two queries, not fifty."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app import usecases
from app.changes import OpChanges
from app.ui import operations
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from forms.definitions import load_form
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import REGISTRATION, RETIREMENT, WAIVER


def window_for(qtbot: QtBot, terminal: Any) -> tuple[MainWindow, OpRunner]:
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops)
    qtbot.addWidget(window)
    window.show()
    return window, ops


def test_views_refresh_from_what_an_operation_reports(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, ops = window_for(qtbot, terminal)
    qtbot.waitUntil(lambda: window.pending_label.full_text() == "待发送：0", timeout=10000)
    reported: list[OpChanges] = []
    ops.changed.connect(lambda changes, _initiator: reported.append(changes))
    request = usecases.SubmitRequest(CLERK, load_form("retirement_approval"), RETIREMENT,
                                     waivers={"identity_document": WAIVER}, signature=SIGNATURE)
    accepted: list[usecases.Accepted] = []
    operations.submit_application(parent=window, request=request).success(accepted.append) \
        .run_in_background(window.ctx)
    qtbot.waitUntil(lambda: bool(accepted), timeout=20000)
    sid = accepted[0].view.id
    assert reported == [OpChanges.submission(sid)]
    # nobody called refresh: the list and the status bar heard of the change and read again
    qtbot.waitUntil(lambda: [r.id for r in window.records.records] == [sid], timeout=10000)
    qtbot.waitUntil(lambda: "待复核：1" in window.pending_label.full_text(), timeout=10000)


def test_errors_are_shown_unless_the_caller_takes_them_over(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, _ops = window_for(qtbot, terminal)
    refused: list[BaseException] = []
    operations.approve(parent=window, approver_id=CLERK.id, password="wrong", submission_id="none") \
        .failure(refused.append).run_in_background(window.ctx)
    qtbot.waitUntil(lambda: bool(refused), timeout=10000)
    assert window.findChild(QMessageBox, "errorBox") is None  # the caller handled it
    operations.approve(parent=window, approver_id=CLERK.id, password="wrong", submission_id="none") \
        .run_in_background(window.ctx)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorBox") is not None, timeout=10000)
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.text() == getattr(refused[0], "user_message", None)
    box.close()


def test_a_burst_of_changes_costs_two_queries(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, ops = window_for(qtbot, terminal)
    ops.wait()
    qtbot.waitUntil(lambda: ops.pending() == 0, timeout=10000)
    usecases.save_draft(terminal, CLERK, load_form("personal_registration"), REGISTRATION)  # behind the window
    before = window.records.queries_run
    for _ in range(50):  # fifty answers of the central system, as the sync engine reports them
        ops.report(OpChanges(records=True, counts=True, sync=True))
    qtbot.waitUntil(lambda: len(window.records.records) == 1 and ops.pending() == 0, timeout=10000)
    assert window.records.queries_run - before == 2


def test_printing_is_an_operation_that_writes_a_whole_pdf(qtbot: QtBot, make_terminal: Any, tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, _ops = window_for(qtbot, terminal)
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE))
    out = tmp_path / "printed" / "receipt.pdf"
    out.parent.mkdir()
    printed: list[None] = []
    operations.print_receipt(parent=window, clerk=CLERK, receipt=accepted.receipt, printer=out) \
        .success(printed.append).run_in_background(window.ctx)
    qtbot.waitUntil(lambda: bool(printed), timeout=20000)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert accepted.receipt.receipt_no in text
    assert list(out.parent.iterdir()) == [out]  # no part file left behind


def test_the_records_list_pages_when_one_page_is_not_enough(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = load_form("personal_registration")
    first = usecases.save_draft(terminal, CLERK, form, REGISTRATION)
    second = usecases.save_draft(terminal, CLERK, form, REGISTRATION | {"phone": "13900139000"})
    window, _ops = window_for(qtbot, terminal)
    window.open_records()  # 办件查询
    qtbot.waitUntil(lambda: len(window.records.records) == 2, timeout=10000)
    assert not window.next_page_button.isVisible()  # everything fits: no page controls
    window.records.page_size = 1
    window.refresh()
    qtbot.waitUntil(lambda: window.next_page_button.isVisible(), timeout=10000)
    assert [r.id for r in window.records.records] == [second.id]  # newest first
    assert window.page_label.text() == "第 1 / 2 页，共 2 条" and not window.previous_page_button.isEnabled()
    qtbot.mouseClick(window.next_page_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [r.id for r in window.records.records] == [first.id], timeout=10000)
    assert window.page_label.text() == "第 2 / 2 页，共 2 条" and not window.next_page_button.isEnabled()
