"""Drafts keep their scans on every path a draft is made or used from the window (issue 18 item 3):
the 暂存 button, a draft opened and saved again, a draft opened and submitted, a draft given to another
clerk (改派), and the form parked when the clerk signs out from the idle lock. (The clerk switch at the
lock screen is ``test_sessions.test_another_clerk_at_the_lock_screen_parks_the_form_with_its_scans``.)
Real window, real SQLite file, real sealed blob store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import usecases
from app.terminal import Terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.usecases.reassign import reassign_case
from local_db.clerks import ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import SubmissionView, get_submission, list_submissions
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import REGISTRATION, WAIVER
from .test_sessions import FakeClock, fill_some, page_image

SUPERVISOR = ClerkInfo("3001", "业务主管", frozenset({Role.SUPERVISOR}))
OTHER = ClerkInfo("1002", "接班柜员", frozenset({Role.FRONT_DESK}))


def window_for(qtbot: QtBot, terminal: Terminal, clock: FakeClock | None = None) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner(), clock=clock)
    qtbot.addWidget(window)
    window.show()
    return window


def drafts(terminal: Terminal) -> list[SubmissionView]:
    return [v for v in list_submissions(terminal.db) if v.state is SubmissionState.DRAFT]


def scans_of(view: SubmissionView | None) -> list[tuple[str, int, str]]:
    assert view is not None
    return [(a.material_key, a.pages, a.sha256) for a in view.attachments]


def drafted_with_scans(qtbot: QtBot, window: MainWindow) -> SubmissionView:
    """A registration begun, two pages of the ID document taken, 暂存 pressed."""
    fill_some(qtbot, window)
    page = window.form_page
    assert page is not None
    page.materials.set_pages("identity_document", [page_image(200), page_image(150)])
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.draft_id is not None, timeout=10000)
    made = get_submission(window.terminal.db, page.draft_id or "")
    assert made is not None
    return made


def test_the_draft_button_keeps_the_scans(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    draft = drafted_with_scans(qtbot, window_for(qtbot, terminal))
    assert [(k, n) for k, n, _s in scans_of(draft)] == [("identity_document", 2)]
    assert terminal.blobs is not None and terminal.blobs.get(draft.attachments[0].sha256).startswith(b"%PDF")


def test_a_draft_opened_and_saved_again_keeps_its_scans(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window = window_for(qtbot, terminal)
    draft = drafted_with_scans(qtbot, window)
    window.go_home()
    window.open_draft(draft)
    page = window.form_page
    assert page is not None and page.materials.carried == {"identity_document": 2}
    page.view.set_value("phone", "13800138000")
    saved = len(terminal.audit.find(terminal.db))
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(terminal.audit.find(terminal.db)) > saved, timeout=10000)
    again = get_submission(terminal.db, draft.id)
    assert again is not None and again.payload.get("phone") == "13800138000"
    assert scans_of(again) == scans_of(draft)  # the same sealed blob, not lost, not sealed again
    assert len(drafts(terminal)) == 1


def test_a_draft_opened_and_submitted_hands_its_scans_to_the_submission(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window = window_for(qtbot, terminal)
    draft = drafted_with_scans(qtbot, window)
    window.go_home()
    window.open_draft(draft)
    page = window.form_page
    assert page is not None
    for key, value in REGISTRATION.items():
        page.view.set_value(key, value)
    for material in page.materials.missing():
        page.materials.waive(material.key, WAIVER)
    page.signature.take(SIGNATURE)  # the applicant signs (issue 19)
    window.submit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.result, timeout=20000)
    assert get_submission(terminal.db, draft.id) is None and drafts(terminal) == []
    submitted = get_submission(terminal.db, window.result.submission_id or "")
    assert [s for s in scans_of(submitted) if s[0] == "identity_document"] == scans_of(draft)


def test_a_reassigned_draft_keeps_its_scans(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, SUPERVISOR.id, SUPERVISOR.name, "supervisor-pass", roles=SUPERVISOR.roles)
    add_clerk(terminal.db, OTHER.id, OTHER.name, "second-pass-2", roles=OTHER.roles)
    draft = drafted_with_scans(qtbot, window_for(qtbot, terminal))
    given = reassign_case(terminal, SUPERVISOR, draft.id, OTHER.id, "原受理柜员休假")
    assert given.clerk_id == OTHER.id and scans_of(given) == scans_of(draft)
    form = terminal.reference.form("personal_registration")
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        clerk=OTHER, form=form, values=REGISTRATION, carried=given.attachments, draft_id=draft.id,
        waivers={m.key: WAIVER for m in form.materials if m.key != "identity_document"}, signature=SIGNATURE))
    assert [s for s in scans_of(accepted.view) if s[0] == "identity_document"] == scans_of(draft)


def test_signing_out_from_the_idle_lock_parks_the_form_with_its_scans(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    clock = FakeClock()
    window = window_for(qtbot, terminal, clock)
    fill_some(qtbot, window)
    page = window.form_page
    assert page is not None
    page.materials.set_pages("identity_document", [page_image(180)])
    clock.advance(terminal.settings.idle_lock_minutes + 1)
    qtbot.waitUntil(lambda: window.guard.locked, timeout=10000)
    window.guard.sign_out()
    qtbot.waitUntil(lambda: len(drafts(terminal)) == 1, timeout=10000)
    parked = drafts(terminal)[0]
    assert [(k, n) for k, n, _s in scans_of(parked)] == [("identity_document", 1)]
    assert terminal.blobs is not None and terminal.blobs.get(parked.attachments[0].sha256).startswith(b"%PDF")
