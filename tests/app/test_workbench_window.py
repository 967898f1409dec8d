"""The workbench in the real window (issue 18): tiles count what the lists hold, overdue rows red and due-soon
rows amber, the day rolls over at midnight on the minute's refresh, a new case shows without asking, each
row opens the right thing, and a clerk without a business post gets no workbench. Real SQLite files.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app import usecases
from app.changes import OpChanges
from app.permissions import Role
from app.queries import SubmissionState, WorkList
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.workbench_page import OVERDUE_BACKGROUND, REFRESH_MS, SOON_BACKGROUND, WorkbenchPage
from forms.definitions import load_form
from forms.receipt import CHINA_TZ
from local_db.clerks import ClerkInfo, add_clerk
from local_db.outbox import apply_status
from local_db.submissions import ApplicantData, DueData, create_submission, save_draft
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, WAIVER

AUDITOR = ClerkInfo("7001", "赵稽核", frozenset({Role.AUDITOR}))
FORM = load_form("personal_registration")


class Today:
    """The window's date, turned forward by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def accepted(terminal: Terminal, due: date | None, *, n: int = 0,
             state: SubmissionState = SubmissionState.QUEUED) -> str:
    """A registration accepted at the counter and held to ``due``."""
    return create_submission(terminal.db, item_code=FORM.code, form_version=FORM.version, terminal_id="T",
                             clerk_id=CLERK.id, applicant=ApplicantData(ID_NUMBER, "李秀英"),
                             payload=dict(REGISTRATION), state=state, counter_receipt_no=f"T-20261201-{n:04d}",
                             review_tier="review" if state is SubmissionState.AWAITING_APPROVAL else "none",
                             due=DueData(due, False, 20) if due else None).id


def counts(page: WorkbenchPage) -> dict[WorkList, str]:
    return {name: tile.count_label.text() for name, tile in page.tiles.items()}


def shown_ids(page: WorkbenchPage) -> list[str]:
    return [row.view.id for row in page.rows]


def window_for(qtbot: QtBot, terminal: Terminal, clerk: ClerkInfo, today: Today) -> MainWindow:
    window = MainWindow(terminal, clerk, OpRunner(), today=today)
    qtbot.addWidget(window)
    window.show()
    return window


def double_click(qtbot: QtBot, page: WorkbenchPage, row: int) -> None:
    table = page.table
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_tiles_count_colour_and_roll_over_at_midnight(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    late = accepted(terminal, date(2026, 9, 29), n=1)
    today_due = accepted(terminal, date(2026, 9, 30), n=2)
    after_break = accepted(terminal, date(2026, 10, 9), n=3)  # the 2nd working day after 09-30 (国庆 10-01..07)
    accepted(terminal, date(2026, 10, 12), n=4)
    today = Today(date(2026, 9, 30))
    window = window_for(qtbot, terminal, CLERK, today)
    page = window.workbench
    assert page.isVisibleTo(window) and page._timer.isActive() and page._timer.interval() == REFRESH_MS
    qtbot.waitUntil(lambda: counts(page)[WorkList.OVERDUE] == "1", timeout=15000)
    assert counts(page) == {WorkList.DRAFTS: "0", WorkList.AWAITING: "0", WorkList.RETURNED: "0",
                            WorkList.DUE_SOON: "2", WorkList.OVERDUE: "1", WorkList.ANSWERS: "0"}
    assert page.date_label.text() == "2026-09-30 星期三"
    assert page.chosen is WorkList.OVERDUE and page.tiles[WorkList.OVERDUE].isChecked()  # the most urgent first
    assert shown_ids(page) == [late] and page.table.item(0, 5).text() == "逾期 1 天"
    assert page.table.item(0, 1).background().color() == QColor(OVERDUE_BACKGROUND)

    qtbot.mouseClick(page.tiles[WorkList.DUE_SOON], Qt.MouseButton.LeftButton)
    assert page.chosen is WorkList.DUE_SOON and not page.tiles[WorkList.OVERDUE].isChecked()
    assert shown_ids(page) == [today_due, after_break]
    assert [page.table.item(r, 5).text() for r in range(2)] == ["今日到期", "剩 2 个工作日"]
    assert page.table.item(1, 0).background().color() == QColor(SOON_BACKGROUND)
    qtbot.mouseClick(page.tiles[WorkList.DRAFTS], Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 0 and page.empty_label.isVisibleTo(window)
    assert page.empty_label.text() == "没有暂存的业务。"

    # midnight: the minute's refresh reads as of the new day
    runs = page.queries_run
    today.day = date(2026, 10, 1)
    page._timer.timeout.emit()
    qtbot.waitUntil(lambda: counts(page)[WorkList.OVERDUE] == "2", timeout=15000)
    assert page.queries_run == runs + 1 and counts(page)[WorkList.DUE_SOON] == "1"
    assert page.date_label.text() == "2026-10-01 星期四"

    # a case saved elsewhere is reported as changed records: the workbench reads again by itself
    accepted(terminal, date(2026, 9, 20), n=5)
    window.ops.report(OpChanges(records=True, counts=True))
    qtbot.waitUntil(lambda: counts(page)[WorkList.OVERDUE] == "3", timeout=15000)
    window.close()
    window.ops.wait()


def test_rows_open_draft_correction_approval_or_the_case(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    draft = save_draft(terminal.db, item_code=FORM.code, form_version=FORM.version, terminal_id="T",
                       clerk_id=CLERK.id, payload=dict(REGISTRATION)).id
    returned = accepted(terminal, date(2026, 10, 20), n=1)
    assert apply_status(terminal.db, returned, status="returned", reason="联系电话有误", receipt_number="SB1",
                        at=datetime(2026, 9, 29, 2, tzinfo=UTC))
    waiting = accepted(terminal, date(2026, 10, 20), n=2, state=SubmissionState.AWAITING_APPROVAL)
    late = accepted(terminal, date(2026, 9, 1), n=3)
    window = window_for(qtbot, terminal, CLERK, Today(date(2026, 9, 30)))  # CLERK takes and reviews
    page = window.workbench
    qtbot.waitUntil(lambda: page.bench is not None, timeout=15000)
    assert counts(page) == {WorkList.DRAFTS: "1", WorkList.AWAITING: "1", WorkList.RETURNED: "1",
                            WorkList.DUE_SOON: "0", WorkList.OVERDUE: "1", WorkList.ANSWERS: "1"}

    page.choose(WorkList.OVERDUE)  # an accepted case: read-only
    double_click(qtbot, page, 0)
    dialog = window.case_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.view.case is not None, timeout=15000)
    assert dialog.view.case is not None and dialog.view.case.submission_id == late
    dialog.reject()

    page.choose(WorkList.AWAITING)  # waiting for a signature, and this clerk may sign
    double_click(qtbot, page, 0)
    approval = window.approval_dialog
    assert approval is not None and approval._record.id == waiting
    approval.reject()

    page.choose(WorkList.RETURNED)  # to correct: its form, filled in, as the next version
    assert page.table.item(0, 7).text() == "联系电话有误"
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.form_page is not None and window.form_page.corrects == returned
    assert window.stack.currentWidget() is window.form_page
    window.go_home()

    page.choose(WorkList.DRAFTS)  # continued where it was left
    assert page.table.item(0, 1).text() == "李秀英"
    double_click(qtbot, page, 0)
    assert window.form_page is not None and window.form_page.draft_id == draft
    assert window.form_page.view.value("phone") == "13800138000"
    window.close()
    window.ops.wait()


def test_a_clerk_without_a_business_post_gets_no_workbench(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, AUDITOR.id, AUDITOR.name, "audit-pass-1", roles=AUDITOR.roles)
    accepted(terminal, date(2026, 9, 1))
    window = window_for(qtbot, terminal, AUDITOR, Today(date(2026, 9, 30)))
    page = window.workbench
    qtbot.wait(300)
    window.refresh()
    window.ops.report(OpChanges(records=True))
    qtbot.wait(300)
    assert not page.isVisibleTo(window) and not page.readable
    assert page.queries_run == 0 and page.bench is None and page.table.rowCount() == 0
    assert not page._timer.isActive()
    window.close()
    window.ops.wait()


def test_a_return_from_the_central_system_reaches_the_tiles_through_sync(  # type: ignore[no-untyped-def]
        qtbot: QtBot, start_central, make_terminal) -> None:
    server = start_central(extra_args=("--review", "return", "--review-delay", "0.1",
                                       "--return-reason", "联系电话有误，请核实后更正。"))
    terminal = make_terminal(server.base_url)
    today = Today(date(2026, 9, 30))
    window = window_for(qtbot, terminal, CLERK, today)
    page = window.workbench
    qtbot.waitUntil(lambda: page.bench is not None, timeout=15000)
    assert counts(page)[WorkList.RETURNED] == "0"
    sid = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, FORM, REGISTRATION, waivers={"identity_document": WAIVER}, signature=SIGNATURE)).view.id

    def returned() -> bool:  # no refresh by hand: the sync engine's status event changes the records
        terminal.send_now()
        qtbot.wait(200)
        return counts(page)[WorkList.RETURNED] == "1"

    qtbot.waitUntil(returned, timeout=30000)
    page.choose(WorkList.RETURNED)
    assert shown_ids(page) == [sid] and page.table.item(0, 7).text() == "联系电话有误，请核实后更正。"
    answered_at = page.rows[0].view.answered_at
    assert answered_at is not None
    today.day = answered_at.astimezone(CHINA_TZ).date()  # the day the answer came: it is news
    page._timer.timeout.emit()
    qtbot.waitUntil(lambda: counts(page)[WorkList.ANSWERS] == "1", timeout=15000)
    page.choose(WorkList.ANSWERS)
    assert shown_ids(page) == [sid] and page.table.item(0, 6).text().startswith("退回")
    window.close()
    window.ops.wait()
