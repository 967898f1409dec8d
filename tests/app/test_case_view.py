"""The reviewer's case view as a widget (pytest-qt): fields with their origins, masked numbers, an audited
reveal that goes when the view closes, scan pages drawn at the size they are shown; in the approval dialog and
opened read-only from the records list. A real terminal (encrypted SQLite, sealed blob store) behind it.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.demo_cases import AGENT_ID, RETIREE_ID, retirement_case
from app.terminal import Terminal
from app.ui.approval_dialog import ApprovalDialog
from app.ui.case_view import CaseView
from app.ui.main_window import MainWindow
from app.ui.operations import OpContext
from app.ui.ops import OpRunner
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.app.samples import SIGNATURE

FRONT = ClerkInfo("2001", "受理柜员", frozenset({Role.FRONT_DESK}))
REVIEWER = ClerkInfo("2002", "复核柜员", frozenset({Role.REVIEW}))
AUDITOR = ClerkInfo("2003", "稽核员", frozenset({Role.AUDITOR}))


@pytest.fixture
def case(make_terminal: Any) -> tuple[Terminal, str]:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk in (FRONT, REVIEWER, AUDITOR):
        add_clerk(terminal.db, clerk.id, clerk.name, f"pass-{clerk.id}-x", roles=clerk.roles)
    return terminal, retirement_case(terminal, FRONT).view.id


def texts(view: CaseView) -> list[str]:
    return [label.text() for label in view.findChildren(QLabel)]


def shown(qtbot: QtBot, ops: OpRunner, view: CaseView) -> CaseView:
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    qtbot.waitUntil(lambda: view.case is not None, timeout=15000)
    qtbot.waitUntil(lambda: view.scans.scan is not None, timeout=15000)  # the first material opens by itself
    return view


def test_the_reviewer_sees_every_field_its_origin_and_the_scans(qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    terminal, sid = case
    ops = OpRunner()
    view = shown(qtbot, ops, CaseView(OpContext(terminal, ops), REVIEWER, sid))
    on_screen = texts(view)
    for expected in ("城镇职工基本养老保险退休核准", "公民身份号码", "社保卡", "身份证阅读器", "手工录入",
                     "已更正：社保卡内姓名为异体字“囯”，按居民身份证更正为“国”", "由身份号码推算",
                     "审核级别：复核＋审批", "已拍摄 1 页", "已拍摄 2 页",
                     "免于提交：代办人居民身份证已由身份证阅读器读取核验，原件当场查验无误", "王建国", "正常退休"):
        assert expected in on_screen, expected
    masked = RETIREE_ID[:3] + "*" * 13 + RETIREE_ID[-2:]
    assert masked in on_screen
    assert not any(RETIREE_ID in t or AGENT_ID in t or RETIREE_ID[:17] in t for t in on_screen)

    scans = view.scans
    assert scans.scan is not None and scans.scan.material_key == "identity_document"
    assert view.unseen_scans() == ["authorisation"] and view.scan_buttons["identity_document"].text() == "已查看 ✓"
    view.open_scan("authorisation")
    qtbot.waitUntil(lambda: scans.scan is not None and scans.scan.material_key == "authorisation", timeout=15000)
    assert view.unseen_scans() == []
    qtbot.keyClick(scans, Qt.Key.Key_PageDown)
    assert scans.page_index == 1
    qtbot.keyClick(scans, Qt.Key.Key_PageUp)
    assert scans.page_index == 0
    scans.show_page(1)
    page = scans.scan.pages[1]
    pixmap = scans.image_label.pixmap()
    width = scans.page_width(page)
    assert 300 < width < page.width_px * 3
    assert (pixmap.width(), pixmap.height()) == (width, round(width * page.height_px / page.width_px))
    image = pixmap.toImage()
    assert image.pixelColor(width // 2, 5).lightness() > 200  # a white sheet, not an empty pixmap
    assert scans.page_counter.text() == "第 2/2 页" and not scans.next_button.isEnabled()
    qtbot.mouseClick(scans.zoom_in_button, Qt.MouseButton.LeftButton)
    assert scans.image_label.pixmap().width() == round(width * 1.5)
    scans._zoom(-2)  # the whole page in view
    whole = scans.image_label.pixmap()
    assert whole.height() <= scans.area.viewport().height() and whole.width() < width

    trail = [(e.action, e.detail.get("material")) for e in terminal.audit.find(terminal.db) if e.subject == sid]
    assert trail[-3:] == [("view_case", None), ("view_scan", "identity_document"), ("view_scan", "authorisation")]
    ops.wait()


def test_showing_a_full_number_is_deliberate_audited_and_forgotten_on_close(
        qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    terminal, sid = case
    ops = OpRunner()
    view = shown(qtbot, ops, CaseView(OpContext(terminal, ops), REVIEWER, sid))
    assert set(view.reveal_buttons) == {"id_number", "agent_id_number"}
    before = len(terminal.audit.find(terminal.db))
    qtbot.mouseClick(view.reveal_buttons["agent_id_number"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "agent_id_number" in view.revealed(), timeout=15000)
    assert AGENT_ID in texts(view) and RETIREE_ID not in " ".join(texts(view))
    [entry] = terminal.audit.find(terminal.db)[before:]
    assert (entry.action, entry.clerk_id, entry.subject) == ("show_id_number", REVIEWER.id, sid)
    assert entry.person_key == terminal.audit.person_key(AGENT_ID)
    assert view.reveal_buttons["agent_id_number"].text() == "隐藏号码"

    view.hide()  # the dialog closes (or the terminal locks): the number and the scan's pages go with it
    assert view.revealed() == {} and AGENT_ID not in " ".join(texts(view))
    assert view.reveal_buttons["agent_id_number"].text() == "显示完整号码"
    assert view.scans.scan is None and view.scans.image_label.pixmap().isNull()
    scans_seen = sum(e.action == "view_scan" for e in terminal.audit.find(terminal.db))
    view.show()  # back after an unlock: the same material again, looked at (and recorded) again; no number
    qtbot.waitUntil(lambda: view.scans.scan is not None, timeout=15000)
    assert view.scans.scan is not None and view.scans.scan.material_key == "identity_document"
    assert sum(e.action == "view_scan" for e in terminal.audit.find(terminal.db)) == scans_seen + 1
    assert view.revealed() == {}
    with terminal.db.engine.connect() as conn:
        raw = repr(conn.exec_driver_sql("SELECT * FROM audit_log").fetchall())
    assert AGENT_ID not in raw and AGENT_ID[:17] not in raw and RETIREE_ID not in raw
    ops.wait()


def test_the_auditor_is_refused_the_case(qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    terminal, sid = case
    ops = OpRunner()
    view = CaseView(OpContext(terminal, ops), AUDITOR, sid)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: "无权查阅业务" in view.message.text(), timeout=15000)
    assert view.case is None and not view.splitter.isVisible()
    assert not any(e.action in ("view_case", "view_scan") for e in terminal.audit.find(terminal.db))
    ops.wait()


def test_the_approval_dialog_and_the_records_list_open_the_whole_case(
        qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    terminal, sid = case
    window = MainWindow(terminal, REVIEWER, OpRunner())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: any(r.id == sid for r in window.records.records), timeout=15000)
    record = next(r for r in window.records.records if r.id == sid)
    window.open_approval(record)
    dialog = window.approval_dialog
    assert isinstance(dialog, ApprovalDialog) and dialog.case_view is not None
    qtbot.waitUntil(lambda: dialog.case_view is not None and dialog.case_view.scans.scan is not None, timeout=15000)
    assert dialog.button.isEnabled() and dialog.clerk_edit.isVisible()  # the signature stays below the case
    assert dialog.scans_hint.text() == "尚未查看的扫描件：授权委托书（代办时）。请逐一查看后再复核。"
    dialog.case_view.open_scan("authorisation")
    qtbot.waitUntil(lambda: dialog.scans_hint.text() == "已查看本业务的全部扫描件。", timeout=15000)
    dialog.reject()

    window.records.selectRow(0)
    view_button = window.findChild(QPushButton, "viewRecordButton")
    assert view_button is not None and view_button.isEnabled()
    qtbot.mouseClick(view_button, Qt.MouseButton.LeftButton)
    opened = window.case_dialog
    assert opened is not None
    qtbot.waitUntil(lambda: opened.view.case is not None, timeout=15000)
    assert opened.view.case is not None and opened.view.case.submission_id == sid
    assert "城镇职工基本养老保险退休核准" in opened.windowTitle()
    views = [e for e in terminal.audit.find(terminal.db) if e.action == "view_case"]
    assert [e.clerk_id for e in views] == [REVIEWER.id, REVIEWER.id]
    opened.reject()
    window.close()
    window.ops.wait()


def test_what_the_form_records_is_what_the_reviewer_reads(qtbot: QtBot, make_terminal: Any) -> None:
    """The form's own provenance (a card read, an unlock with a reason, one value changed, an ID-card read for
    the agent) through the submit use case into the case file: the two ends agree on its structure."""
    from app import queries, usecases
    from app.casefile import OriginKind
    from app.demo_cases import RETIREMENT_CASE
    from app.ui.form_view import FormView
    from forms.definitions import load_form

    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk in (FRONT, REVIEWER):
        add_clerk(terminal.db, clerk.id, clerk.name, f"pass-{clerk.id}-x", roles=clerk.roles)
    form = load_form("retirement_approval")
    view = FormView(form)
    qtbot.addWidget(view)
    for key, value in RETIREMENT_CASE.items():
        view.set_value(key, value)
    view.fill_from_device({"id_number": RETIREE_ID, "name": "王建囯"}, "社保卡")
    view.fill_from_device({"id_number": AGENT_ID, "name": "王小梅"}, "居民身份证", role="agent")
    view.unlock_device_fields("卡内姓名为异体字", FRONT.id)  # unlocks all four; only the name changes
    view.set_value("name", "王建国")
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        FRONT, form, view.values(), provenance=view.provenance(),
        waivers={"identity_document": "已读卡核验", "authorisation": "本人签字", "agent_identity_document": "已读卡"},
            signature=SIGNATURE))
    case = queries.case_file(terminal, REVIEWER, accepted.view.id)
    assert case.field("name").origin.kind is OriginKind.CORRECTED
    assert case.field("name").origin.reason == "卡内姓名为异体字" and case.field("name").value == "王建国"
    assert case.field("id_number").origin.kind is OriginKind.CARD
    assert case.field("agent_name").origin.kind is case.field("agent_id_number").origin.kind is OriginKind.ID_READER
    assert case.field("phone").origin.kind is OriginKind.TYPED
    assert [(c.fields, c.reason, c.clerk_id) for c in case.corrections] == [(("姓名",), "卡内姓名为异体字", FRONT.id)]


def test_closing_before_the_answers_arrive_is_harmless(qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    from app.ui.case_view import CaseDialog

    terminal, sid = case
    ops = OpRunner()
    dialog = CaseDialog(OpContext(terminal, ops), REVIEWER, sid)
    dialog.show()
    dialog.view.open_scan("authorisation")  # a read on its way while the dialog goes
    dialog.reject()
    dialog.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    ops.wait()
    qtbot.wait(200)  # the answers are delivered to a view that is gone: nothing happens, nothing fails
    assert any(e.action == "view_case" for e in terminal.audit.find(terminal.db))


def test_a_note_quoting_an_id_number_is_masked_in_the_records_list(qtbot: QtBot, case: tuple[Terminal, str]) -> None:
    from dataclasses import replace

    from app.queries import SubmissionState, mask_id_numbers_in
    from app.ui.records_view import RecordsView
    from local_db.submissions import get_submission

    terminal, sid = case
    stored = get_submission(terminal.db, sid)
    assert stored is not None
    returned = replace(stored, state=SubmissionState.RETURNED,
                       status_reason=f"代办人证件号码{AGENT_ID}与授权委托书不符；旧号{RETIREE_ID[:6]}{RETIREE_ID[8:17]}")
    ops = OpRunner()
    records = RecordsView(OpContext(terminal, ops), {}, clerk=REVIEWER)
    qtbot.addWidget(records)
    records.show_records([returned])
    cells = [records.item(0, col).text() for col in range(records.columnCount())]
    cells.append(records.item(0, 6).toolTip())
    assert all(AGENT_ID not in c and RETIREE_ID not in c and RETIREE_ID[:6] + RETIREE_ID[8:17] not in c
               for c in cells)
    assert "代办人证件号码610*************2X与授权委托书不符" in cells[6]
    assert mask_id_numbers_in("账号6222021234567890123") == "账号6222021234567890123"  # 19 digits: no ID number
    ops.wait()
