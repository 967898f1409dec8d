"""The review screens in the real window, against the real central process: the approval dialog shows the
tier, why it was raised, the steps signed so far and the step being signed; a one-clerk terminal sends its
case for review elsewhere; a second terminal lists it, opens it and signs it; the first one sees it accepted.

Set ``SICOUNTER_SHOTS`` to a directory to keep screenshots of the dialogs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import usecases
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import save_screenshot
from forms.definitions import load_form
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import get_submission

from .conftest import CLERK
from .samples import ID_NUMBER, RETIREMENT, WAIVER
from .test_review_elsewhere import second_terminal
from .test_tiered_review import REFUND


def shot(qtbot: QtBot, widget: Any, name: str) -> None:
    where = os.environ.get("SICOUNTER_SHOTS")
    if where:
        qtbot.wait(500)  # painted before the screen is grabbed
        save_screenshot(widget, Path(where) / f"tiers-{name}.png")


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
        waivers={"identity_document": WAIVER})).view

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
        assert remote.remote_button.isVisible()
        qtbot.mouseClick(remote.remote_button, Qt.MouseButton.LeftButton)
        box = remote.remote_dialog
        assert box is not None
        qtbot.waitUntil(lambda: box.table.rowCount() == 1, timeout=15000)
        assert box.table.item(0, 5).text() == "审批" and "****" in box.table.item(0, 1).text()
        box.table.selectRow(0)
        qtbot.waitUntil(lambda: box.case is not None, timeout=15000)
        shown = box.case_area.toPlainText()
        assert "李秀英" in shown and "退费金额超过50000元" in shown and "退费金额" in shown
        assert ID_NUMBER not in shown  # masked in the plain view
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
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER})).view
    window.open_approval(retirement)
    assert window.approval_dialog is not None and "复核＋审批" in window.approval_dialog.tier_label.text()
    assert "未触发提高条件" in window.approval_dialog.reasons_label.text()
    window.approval_dialog.reject()
