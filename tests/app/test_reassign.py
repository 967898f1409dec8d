"""Reassigning a case (改派, issue 16): a supervisor gives a draft or a returned case to another 受理 clerk.

Real terminals with their encrypted SQLite files; a returned or closed case gets its status as the sync
engine stores the central system's answer. Which roles may reassign is the permission matrix's
(``test_permissions.py``); here: what can move, to whom, that the change and its entry are one
transaction, that the new clerk carries on, and the dialog in the real window.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app import usecases
from app.permissions import ClerkInfo, PermissionDenied
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.reassign_dialog import ReassignDialog
from app.usecases.reassign import reassign_case, reassign_targets
from core.errors import StateError, StorageError, ValidationError
from forms.definitions import load_form
from local_db import outbox
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import Role, add_clerk, disable_clerk
from local_db.models import SubmissionState, utcnow
from local_db.reassign import reassign_submission
from local_db.retention import purge_expired
from local_db.submissions import get_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, RETIREMENT, WAIVER
from .test_e2e_registration import type_text

SUPERVISOR = ClerkInfo("6001", "业务主管", frozenset({Role.SUPERVISOR}))
TARGET = ClerkInfo("3001", "接办柜员", frozenset({Role.FRONT_DESK}))
REVIEWER = ClerkInfo("3002", "复核柜员", frozenset({Role.REVIEW}))
REASON = "原经办柜员休假"


def office(make_terminal: Any) -> Terminal:
    """A terminal with the clerk who took the cases (1001), a supervisor, a 受理 clerk and a reviewer."""
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    for clerk, password in ((SUPERVISOR, "super-pass-1"), (TARGET, "target-pass-1"), (REVIEWER, "review-pass-1")):
        add_clerk(terminal.db, clerk.id, clerk.name, password, roles=clerk.roles)
    return terminal


def draft(terminal: Terminal) -> str:
    return usecases.save_draft(terminal, CLERK, load_form("personal_registration"), REGISTRATION).id


def submitted(terminal: Terminal) -> str:
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("personal_registration"), REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view.id


def central_says(terminal: Terminal, sid: str, status: str, reason: str | None = None) -> None:
    """The central system's answer as the sync engine stores it (sent first, then the status)."""
    claimed = outbox.claim_batch(terminal.db, limit=10)
    outbox.settle(terminal.db, outbox.Settlement(accepted=[(c.submission_id, "SI-1", utcnow()) for c in claimed]))
    outbox.apply_statuses(terminal.db, [outbox.StatusChange(sid, status, reason, None, utcnow())])


def returned(terminal: Terminal) -> str:
    sid = submitted(terminal)
    central_says(terminal, sid, "returned", "联系电话有误")
    assert state(terminal, sid) is SubmissionState.RETURNED
    return sid


def reassigned_entries(terminal: Terminal) -> list[Any]:
    return [e for e in terminal.audit.find(terminal.db) if e.action == AuditAction.REASSIGN.value]


def owner(terminal: Terminal, sid: str) -> str | None:
    view = get_submission(terminal.db, sid)
    return view.clerk_id if view is not None else None


def state(terminal: Terminal, sid: str) -> SubmissionState | None:
    view = get_submission(terminal.db, sid)
    return view.state if view is not None else None


def test_a_draft_goes_to_another_clerk_who_finishes_it(qapp: Any, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    sid = draft(terminal)
    view = reassign_case(terminal, SUPERVISOR, sid, TARGET.id, f"  {REASON} ")
    assert view.clerk_id == TARGET.id and owner(terminal, sid) == TARGET.id and view.state is SubmissionState.DRAFT
    [entry] = reassigned_entries(terminal)
    assert entry.clerk_id == SUPERVISOR.id and entry.subject == sid
    assert entry.person_key == terminal.audit.person_key(ID_NUMBER)
    assert entry.detail == {"item_code": "personal_registration", "state": "draft", "from_clerk": CLERK.id,
                            "to_clerk": TARGET.id, "reason": REASON}
    assert ID_NUMBER not in json.dumps(entry.detail) and ID_NUMBER[:15] not in str(entry)
    # the new clerk continues the draft and submits it: the case is theirs
    form = load_form("personal_registration")
    again = usecases.save_draft(terminal, TARGET, form, {**REGISTRATION, "phone": "13900139000"}, sid)
    assert again.id == sid and again.clerk_id == TARGET.id
    done = usecases.submit_application(terminal, usecases.SubmitRequest(
        TARGET, form, {**REGISTRATION, "phone": "13900139000"}, waivers={"identity_document": WAIVER}, draft_id=sid,
            signature=SIGNATURE))
    assert done.view.clerk_id == TARGET.id and get_submission(terminal.db, sid) is None


def test_a_returned_case_goes_to_another_clerk_who_corrects_it(qapp: Any, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    sid = returned(terminal)
    reassign_case(terminal, SUPERVISOR, sid, TARGET.id, REASON)
    assert owner(terminal, sid) == TARGET.id and state(terminal, sid) is SubmissionState.RETURNED
    assert reassigned_entries(terminal)[0].detail["state"] == "returned"
    fixed = usecases.submit_application(terminal, usecases.SubmitRequest(
        TARGET, load_form("personal_registration"), {**REGISTRATION, "phone": "13900139000"},
        waivers={"identity_document": WAIVER}, corrects=sid, signature=SIGNATURE)).view
    assert fixed.clerk_id == TARGET.id and fixed.case_id == sid and fixed.case_version == 2
    assert state(terminal, sid) is SubmissionState.CLOSED


def awaiting(terminal: Terminal) -> str:
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, load_form("retirement_approval"), RETIREMENT, waivers={"identity_document": WAIVER},
            signature=SIGNATURE)).view.id


def queued(terminal: Terminal) -> str:
    return submitted(terminal)


def accepted(terminal: Terminal) -> str:
    sid = submitted(terminal)
    central_says(terminal, sid, "accepted")
    return sid


def closed(terminal: Terminal) -> str:
    sid = submitted(terminal)
    central_says(terminal, sid, "approved", "核准")
    return sid


def review_elsewhere(terminal: Terminal) -> str:
    sid = awaiting(terminal)
    usecases.send_for_review(terminal, CLERK, sid)
    return sid


def purged_draft(terminal: Terminal) -> str:
    sid = draft(terminal)
    purge_expired(terminal.db, terminal.blobs, terminal.audit, terminal.settings.retention_days,
                  now=utcnow() + timedelta(days=terminal.settings.retention_days + 1))
    view = get_submission(terminal.db, sid)
    assert view is not None and view.purged
    return sid


REFUSED_CASES: dict[str, tuple[Callable[[Terminal], str], str]] = {
    "awaiting_review": (awaiting, "待复核的业务不能改派"),
    "review_elsewhere": (review_elsewhere, "已报送中心系统或已办结"),
    "queued": (queued, "已报送中心系统或已办结"),
    "accepted": (accepted, "已报送中心系统或已办结"),
    "closed": (closed, "已报送中心系统或已办结"),
    "purged": (purged_draft, "已按保存期限清理"),
}


@pytest.mark.parametrize("name", list(REFUSED_CASES))
def test_cases_out_of_the_offices_hands_are_refused(qapp: Any, make_terminal: Any, name: str) -> None:
    terminal = office(make_terminal)
    make, message = REFUSED_CASES[name]
    sid = make(terminal)
    before = state(terminal, sid)
    with pytest.raises(StateError) as refused:
        reassign_case(terminal, SUPERVISOR, sid, TARGET.id, REASON)
    assert message in refused.value.user_message
    assert owner(terminal, sid) == CLERK.id and state(terminal, sid) is before
    assert reassigned_entries(terminal) == []


def test_an_unknown_case_is_refused(qapp: Any, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    with pytest.raises(StorageError, match="no submission"):
        reassign_case(terminal, SUPERVISOR, "no-such-case", TARGET.id, REASON)
    assert reassigned_entries(terminal) == []


@pytest.mark.parametrize(("target", "message"), [
    ("disabled", "已停用"), (REVIEWER.id, "不在受理岗位"), ("auditor", "不在受理岗位"), ("supervisor", "不在受理岗位"),
    ("9999", "没有工号为 9999 的柜员"), (CLERK.id, "无需改派"),
])
def test_only_an_active_front_desk_clerk_can_take_it(qapp: Any, make_terminal: Any, target: str,
                                                     message: str) -> None:
    terminal = office(make_terminal)
    add_clerk(terminal.db, "3003", "停用柜员", "gone-pass-1", roles=frozenset({Role.FRONT_DESK}))
    disable_clerk(terminal.db, "3003")
    add_clerk(terminal.db, "3004", "稽核", "audit-pass-1", roles=frozenset({Role.AUDITOR}))
    target_id = {"disabled": "3003", "auditor": "3004", "supervisor": SUPERVISOR.id}.get(target, target)
    sid = draft(terminal)
    with pytest.raises(StateError) as refused:
        reassign_case(terminal, SUPERVISOR, sid, target_id, REASON)
    assert message in refused.value.user_message
    assert owner(terminal, sid) == CLERK.id and reassigned_entries(terminal) == []
    # the supervisor is offered only who can take it
    assert {c.id for c in reassign_targets(terminal, SUPERVISOR)} == {CLERK.id, TARGET.id}


@pytest.mark.parametrize(("reason", "message"), [("", "请填写改派原因"), ("   ", "请填写改派原因"),
                                                 (f"申请人 {ID_NUMBER} 要求", "不能填写证件号码"),
                                                 ("长" * 201, "不能超过 200 个字")])
def test_a_reason_is_required_and_holds_no_id_number(qapp: Any, make_terminal: Any, reason: str,
                                                     message: str) -> None:
    terminal = office(make_terminal)
    sid = draft(terminal)
    with pytest.raises(ValidationError, match=message):
        reassign_case(terminal, SUPERVISOR, sid, TARGET.id, reason)
    assert owner(terminal, sid) == CLERK.id and reassigned_entries(terminal) == []


def test_the_change_and_its_entry_are_one_transaction(qapp: Any, make_terminal: Any) -> None:
    """An entry the trail refuses (a detail that looks like an ID number) takes the change back with it."""
    terminal = office(make_terminal)
    sid = draft(terminal)
    seq = len(terminal.audit.find(terminal.db))
    with pytest.raises(ValueError, match="looks like it holds an ID number"):
        reassign_submission(terminal.db, sid, TARGET.id, may_take=lambda _c: True,
                            audit=lambda s, view, previous: terminal.audit.record_in(s, AuditEvent(
                                AuditAction.REASSIGN, SUPERVISOR.id, view.id, detail={"reason": ID_NUMBER})))
    assert owner(terminal, sid) == CLERK.id and len(terminal.audit.find(terminal.db)) == seq


def test_only_a_supervisor_lists_the_clerks_or_reassigns(qapp: Any, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    sid = draft(terminal)
    for clerk in (CLERK, TARGET, REVIEWER):
        with pytest.raises(PermissionDenied):
            reassign_case(terminal, clerk, sid, TARGET.id, REASON)
        with pytest.raises(PermissionDenied):
            reassign_targets(terminal, clerk)
    assert owner(terminal, sid) == CLERK.id


# -- the window ------------------------------------------------------------------------------------------


def supervisor_window(qtbot: QtBot, terminal: Terminal) -> MainWindow:
    window = MainWindow(terminal, SUPERVISOR, OpRunner())
    qtbot.addWidget(window)
    window.show()
    window.open_records()  # 办件查询: where the records and their buttons are
    return window


def select(qtbot: QtBot, window: MainWindow, sid: str) -> None:
    qtbot.waitUntil(lambda: any(r.id == sid for r in window.records.records), timeout=10000)
    window.records.selectRow(next(i for i, r in enumerate(window.records.records) if r.id == sid))


def open_dialog(qtbot: QtBot, window: MainWindow) -> ReassignDialog:
    button = window.findChild(QPushButton, "reassignRecordButton")
    assert button is not None and button.isVisible() and button.isEnabled() and button.text() == "改派…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.reassign_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.target_combo.count() > 0, timeout=10000)
    return dialog


def test_the_supervisor_reassigns_from_the_records_list(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    sid, sent = draft(terminal), queued(terminal)
    window = supervisor_window(qtbot, terminal)
    select(qtbot, window, sent)
    assert not window.reassign_button.isEnabled()  # a case on its way to the central system
    select(qtbot, window, sid)
    dialog = open_dialog(qtbot, window)
    # the clerk it belongs to is not offered; nothing is chosen and no reason given yet
    assert [dialog.target_combo.itemData(i) for i in range(dialog.target_combo.count())] == [TARGET.id]
    assert dialog.target_combo.currentIndex() == -1 and not dialog.ok_button.isEnabled()
    assert dialog.owner_label.text() == f"{CLERK.name}（{CLERK.id}）" and "李秀英" in dialog.case_label.text()
    assert ID_NUMBER not in dialog.case_label.text()  # masked
    dialog.target_combo.setCurrentIndex(0)
    assert not dialog.ok_button.isEnabled()  # a reason is required
    type_text(qtbot, dialog.reason_edit, REASON)  # type: ignore[arg-type]
    assert dialog.ok_button.isEnabled()
    if shots := os.environ.get("REASSIGN_SHOTS"):
        dialog.grab().save(str(Path(shots) / "reassign-dialog.png"))
        window.grab().save(str(Path(shots) / "reassign-window.png"))
    with qtbot.waitSignal(dialog.reassigned, timeout=10000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert owner(terminal, sid) == TARGET.id
    assert reassigned_entries(terminal)[0].detail["reason"] == REASON
    qtbot.waitUntil(lambda: window.reassign_dialog is None, timeout=5000)


def test_a_refusal_is_shown_in_the_dialog(qtbot: QtBot, make_terminal: Any) -> None:
    """The target was disabled after the dialog listed them: the use case refuses, the dialog says why."""
    terminal = office(make_terminal)
    sid = returned(terminal)
    window = supervisor_window(qtbot, terminal)
    select(qtbot, window, sid)
    dialog = open_dialog(qtbot, window)
    dialog.target_combo.setCurrentIndex(dialog.target_combo.findData(TARGET.id))
    type_text(qtbot, dialog.reason_edit, REASON)  # type: ignore[arg-type]
    disable_clerk(terminal.db, TARGET.id)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "已停用" in dialog.error_label.text() and dialog.isVisible()
    if shots := os.environ.get("REASSIGN_SHOTS"):
        dialog.grab().save(str(Path(shots) / "reassign-refused.png"))
    assert owner(terminal, sid) == CLERK.id and reassigned_entries(terminal) == []


def test_the_button_is_for_the_supervisor_only(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = office(make_terminal)
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    window.open_records()
    assert window.view_button.isVisible() and not window.reassign_button.isVisible()
