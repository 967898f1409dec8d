"""The review screens in the real window, against the real central process: the approval dialog shows the
tier, why it was raised, the steps signed so far and the step being signed; a one-clerk terminal sends its
case for review elsewhere; a second terminal lists it, opens it and signs it; the first one sees it accepted.

Set ``SICOUNTER_SHOTS`` to a directory to keep screenshots of the dialogs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app import usecases
from app.demo_cases import AGENT_ID, RETIREE_ID, retirement_case
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot
from forms.definitions import load_form
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import get_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, RETIREMENT, WAIVER
from .test_review_elsewhere import second_terminal
from .test_tiered_review import REFUND


def shot(qtbot: QtBot, widget: Any, name: str) -> None:
    where = os.environ.get("SICOUNTER_SHOTS")
    if where:
        qtbot.wait(500)  # painted before the screen is grabbed
        save_screenshot(widget, Path(where) / f"tiers-{name}.png")


def shown_text(widget: QWidget) -> str:
    """Every label's text under ``widget``, one a line: what the reviewer reads."""
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_the_approval_dialog_signs_step_by_step_and_sends_for_review_elsewhere(  # type: ignore[no-untyped-def]
        qapp, qtbot: QtBot, start_central, make_terminal, central_db, tmp_path: Path) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url)
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    refund = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("overpaid_refund"), REFUND | {"refund_amount": "60000.00", "id_number": ID_NUMBER},
        waivers={"identity_document": WAIVER}, signature=SIGNATURE)).view

    window.open_approval(refund)
    dialog = window.approval_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert "复核＋审批" in dialog.tier_label.text()
    assert "退费金额超过50000元" in dialog.reasons_label.text()
    assert "第1步 复核：本次签字" in dialog.steps_label.text() and "第2步 审批：待签" in dialog.steps_label.text()
    assert dialog.button.text() == "复核签字"
    shot(qtbot, window, "approval-review-step")
    dialog.clerk_edit.setText("1002")
    dialog.password_edit.setText("review-pass")
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.approval_dialog is None, timeout=15000)
    assert "待下一步审批" in window.notice.label.text()

    reviewed = get_submission(terminal.db, refund.id)
    assert reviewed is not None and reviewed.state is SubmissionState.AWAITING_APPROVAL
    window.open_approval(reviewed)
    dialog = window.approval_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    steps = dialog.steps_label.text()
    assert "✔ 第1步 复核：柜员 1002" in steps and "第2步 审批：本次签字" in steps
    assert dialog.button.text() == "审批签字"
    dialog.clerk_edit.setText("1002")  # the 复核 clerk cannot also approve
    dialog.password_edit.setText("review-pass")
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.button.isEnabled(), timeout=15000)
    assert "无权审批" in dialog.message.text(), dialog.message.text()
    shot(qtbot, window, "approval-final-step-refused")

    # no 审批 clerk on this terminal: send it to the central system for review elsewhere
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.approval_dialog is None, timeout=15000)
    qtbot.waitUntil(lambda: (get_submission(terminal.db, refund.id) or refund).receipt_number is not None,
                    timeout=20000)
    sent = get_submission(terminal.db, refund.id)
    assert sent is not None and sent.state is SubmissionState.REVIEW_ELSEWHERE
    window.refresh()
    qtbot.waitUntil(lambda: any(window.records.item(i, 4).text() == "已送中心复核"
                                for i in range(window.records.rowCount())), timeout=15000)
    shot(qtbot, window, "records-sent-for-review")

    # the second terminal of the office signs the missing 审批
    second = second_terminal(tmp_path, central_db, server.base_url)
    try:
        remote = MainWindow(second, ClerkInfo("3001", "审批柜员", frozenset({Role.APPROVAL})), OpRunner())
        qtbot.addWidget(remote)
        remote.resize(1400, 900)
        remote.show()
        remote.open_records()  # 办件查询: where 他机送审 is
        assert remote.remote_button.isVisible()
        qtbot.mouseClick(remote.remote_button, Qt.MouseButton.LeftButton)
        box = remote.remote_dialog
        assert box is not None
        qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=15000)
        assert box.table.item(0, 5).text() == "审批" and "****" in box.table.item(0, 1).text()
        box.table.selectRow(0)
        qtbot.waitUntil(lambda: box.case is not None, timeout=15000)
        assert box.case_view is not None
        shown = shown_text(box.case_view)
        assert "李秀英" in shown and "审核级别提高：退费金额超过50000元" in shown and "退费金额" in shown
        assert "免于提交：" in shown and "本业务没有扫描件。" in box.case_view.scans.image_label.text()
        assert ID_NUMBER not in shown  # masked in the case view
        assert "✔ 第1步 复核：柜员 1002" in box.steps_label.text() and "第2步 审批：本次签字" in box.steps_label.text()
        assert box.sign_button.text() == "审批签字" and box.sign_button.isEnabled()
        shot(qtbot, box, "remote-review-open")
        box.password_edit.setText("final-pass")
        qtbot.mouseClick(box.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "中心系统已受理" in box.message.text(), timeout=15000)
        qtbot.waitUntil(lambda: box.table.rowCount() == 0, timeout=15000)
        assert "中心系统已受理" in box.message.text()
        shot(qtbot, box, "remote-review-signed")
        box.reject()
        remote.close()
    finally:
        second.close()

    def accepted_here() -> bool:
        assert terminal.sender is not None
        terminal.sender.pull_status()
        view = get_submission(terminal.db, refund.id)
        return view is not None and view.state is SubmissionState.ACCEPTED

    qtbot.waitUntil(accepted_here, timeout=20000)
    qtbot.waitUntil(lambda: "中心系统已受理" in window.notice.label.text(), timeout=15000)  # heard from the feed
    qtbot.waitUntil(lambda: any(r.id == refund.id and r.state is SubmissionState.ACCEPTED
                                for r in window.records.records), timeout=15000)
    window.raise_()
    shot(qtbot, window, "records-accepted-after-review")
    retirement = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view
    window.open_approval(retirement)
    assert window.approval_dialog is not None and "复核＋审批" in window.approval_dialog.tier_label.text()
    assert "未触发提高条件" in window.approval_dialog.reasons_label.text()
    window.approval_dialog.reject()


def test_the_second_terminal_reviews_the_whole_case_with_its_scans_and_signs_it(  # type: ignore[no-untyped-def]
        qapp, qtbot: QtBot, start_central, make_terminal, central_db, tmp_path: Path) -> None:
    """Terminal A's only clerk sends the sample retirement case (card read and corrected, agent read from an
    ID card, two materials photographed, one waived) for review elsewhere; on terminal B the reviewer's
    dialog shows the whole case from the central system (origins, waivers, tier, scans drawn from the central
    system's blobs), every read on B's trail without a full number; 复核 and 审批 are signed from the dialog
    and terminal A hears through its status feed that the central system accepted it."""
    server = start_central()
    terminal = make_terminal(server.base_url)
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    sid = retirement_case(terminal, CLERK).view.id
    usecases.send_for_review(terminal, CLERK, sid)
    qtbot.waitUntil(lambda: (get_submission(terminal.db, sid) or window).receipt_number is not None,  # type: ignore[union-attr]
                    timeout=20000)

    second = second_terminal(tmp_path, central_db, server.base_url)
    try:
        remote = MainWindow(second, ClerkInfo("2001", "复核柜员", frozenset({Role.REVIEW})), OpRunner())
        qtbot.addWidget(remote)
        free = remote.screen().availableGeometry()
        remote.setGeometry(free)
        remote.show()
        qtbot.mouseClick(remote.remote_button, Qt.MouseButton.LeftButton)
        box = remote.remote_dialog
        assert box is not None
        qtbot.waitExposed(box)
        box.move(free.topLeft() + QPoint(20, 20))
        qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=15000)
        assert not box.band.isVisible()  # the list first; the signing band comes with a case
        assert box.table.item(0, 5).text() == "复核" and "****" in box.table.item(0, 1).text()
        remote_shots(qtbot, box, "list")
        box.table.selectRow(0)
        qtbot.waitUntil(lambda: box.case is not None, timeout=15000)
        view = box.case_view
        assert view is not None and view.case is not None and box.band.isVisible()
        qtbot.waitUntil(lambda: view.scans.scan is not None, timeout=15000)

        # every field with where it came from, the tier, the waiver, the steps
        case = view.case
        assert case.field("name").origin.label == "已更正：社保卡内姓名为异体字“囯”，按居民身份证更正为“国”"
        assert case.field("id_number").origin.label == "社保卡" and case.field("id_number").value != RETIREE_ID
        assert case.field("agent_name").origin.label == "身份证阅读器"
        assert case.field("phone").origin.label == "手工录入"
        assert case.review_tier_label == "复核＋审批" and case.clerk_id == CLERK.id
        shown = shown_text(view)
        for text in ("王建国", "已更正：社保卡内姓名为异体字", "身份证阅读器", "手工录入", "社保卡",
                     "审核级别：复核＋审批", "免于提交：代办人居民身份证已由身份证阅读器读取核验", "已拍摄 2 页",
                     "铜川市王益区建材有限公司"):
            assert text in shown, text
        assert RETIREE_ID not in shown and AGENT_ID not in shown
        assert "第1步 复核：本次签字" in box.steps_label.text() and "第2步 审批：待签" in box.steps_label.text()
        assert box.sign_button.text() == "复核签字" and box.sign_button.isEnabled()

        # the first scan drawn from the central system's blob, fitted to the viewer's width
        scan = view.scans.scan
        assert scan is not None and scan.material_key == "identity_document"
        page = scan.pages[0]
        pixmap = view.scans.image_label.pixmap()
        width = view.scans.page_width(page)
        assert (pixmap.width(), pixmap.height()) == (width, round(width * page.height_px / page.width_px))
        assert pixmap.toImage().pixelColor(width // 2, 5).lightness() > 150  # a sheet, not an empty pixmap
        authorisation = case.material("authorisation").name
        assert box.scans_hint.text() == f"尚未查看的扫描件：{authorisation}。请逐一查看后再复核。"
        view.open_scan("authorisation")
        qtbot.waitUntil(lambda: view.scans.scan is not None and view.scans.scan.material_key == "authorisation",
                        timeout=15000)
        view.scans.show_page(1)
        assert view.scans.page_counter.text() == "第 2/2 页"
        assert box.scans_hint.text() == "已查看本业务的全部扫描件。"
        view.open_scan("identity_document")  # back to the ID copy for the screenshot
        qtbot.waitUntil(lambda: view.scans.scan is not None and view.scans.scan.material_key == "identity_document",
                        timeout=15000)
        remote_shots(qtbot, box, "case")

        # the full number on a remote case: asked for, shown, and on B's trail as a person key
        reveal = view.reveal_buttons["id_number"]
        qtbot.mouseClick(reveal, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.revealed() == {"id_number": RETIREE_ID}, timeout=15000)

        trail = [e for e in second.audit.find(second.db) if e.subject == sid]
        assert [(e.action, e.clerk_id) for e in trail if e.action != AuditAction.VIEW_SCAN.value][:2] == [
            (AuditAction.VIEW_CASE.value, "2001"), (AuditAction.SHOW_ID_NUMBER.value, "2001")]
        scans = [e.detail["material"] for e in trail if e.action == AuditAction.VIEW_SCAN.value]
        assert scans == ["identity_document", "authorisation", "identity_document"]
        assert all(e.detail.get("remote") is True for e in trail)
        assert {e.person_key for e in trail} == {second.audit.person_key(RETIREE_ID)}
        assert not any(RETIREE_ID in repr(e) or AGENT_ID in repr(e) for e in second.audit.find(second.db))

        # 复核 signed from the dialog; back on the list the case waits for its 审批
        box.password_edit.setText("review-pass")
        qtbot.mouseClick(box.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "已签字，待审批" in box.message.text(), timeout=15000)
        assert view.revealed() == {} and box.case_view is None  # the case closed: the full number went with it
        qtbot.waitUntil(lambda: box.table.rowCount() == 1 and box.table.item(0, 5).text() == "审批",
                        timeout=15000)
        box.table.selectRow(0)
        qtbot.waitUntil(lambda: box.case is not None and box.case.next_step == "approval", timeout=15000)
        assert "✔ 第1步 复核：柜员 2001" in box.steps_label.text()
        assert box.case_view is not None and box.case_view.case is not None
        assert "复核柜员：2001" in shown_text(box.case_view)
        box.clerk_edit.setText("3001")
        box.password_edit.setText("final-pass")
        qtbot.mouseClick(box.sign_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "中心系统已受理" in box.message.text(), timeout=15000)
        qtbot.waitUntil(lambda: box.table.rowCount() == 0, timeout=15000)
        box.reject()
        remote.close()
    finally:
        second.close()

    def accepted_here() -> bool:
        assert terminal.sender is not None
        terminal.sender.pull_status()
        view = get_submission(terminal.db, sid)
        return view is not None and view.state is SubmissionState.ACCEPTED

    qtbot.waitUntil(accepted_here, timeout=20000)
    qtbot.waitUntil(lambda: "中心系统已受理" in window.notice.label.text(), timeout=15000)  # heard from the feed


def remote_shots(qtbot: QtBot, box: Any, name: str) -> None:
    """Screenshots of the remote review dialog as fit to this screen (run under Xvfb at 1366x768 and 1600x1000)."""
    where = os.environ.get("SICOUNTER_SHOTS")
    if where:
        make_application()  # the counter's font and style sheet, as the terminal runs
        size = box.screen().size()
        qtbot.wait(1200)
        save_screenshot(box, Path(where) / f"remoteview-{name}-{size.width()}x{size.height()}.png")
