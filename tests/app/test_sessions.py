"""Sessions (issue 16 item 5): the idle lock with a controllable clock, unlocking, the lockout at the lock
screen, another clerk taking over (the open form parked as a draft, scans included), signing out and in
again without a restart, and what each clerk's roles show. Real window, real SQLite, real audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import cv2
import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app import usecases
from app.permissions import PermissionDenied
from app.terminal import Terminal
from app.ui.admin_window import AdminWindow
from app.ui.catalogue_panel import CataloguePanel
from app.ui.errors import show_error
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.records_view import RecordsView
from app.ui.session_host import SessionHost
from app.usecases import SubmitRequest
from core.errors import AuthenticationError, StateError
from devices.scan.pipeline import ColourMode, ScannedPage
from local_db.clerks import AccountLocked, ClerkInfo, Role, add_clerk
from local_db.models import SubmissionState
from local_db.submissions import get_submission, list_submissions
from tests.app.samples import SIGNATURE

from .conftest import CLERK, PASSWORD
from .samples import ID_NUMBER, REGISTRATION, WAIVER
from .test_e2e_registration import open_registration

OTHER = ClerkInfo("1002", "接班柜员", frozenset({Role.FRONT_DESK}))
REVIEWER = ClerkInfo("2001", "复核柜员", frozenset({Role.REVIEW}))
OTHER_PASSWORD = "second-pass-2"


class FakeClock:
    """Monotonic seconds that move only when the test says so (the idle watch's seam)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


def page_image(shade: int) -> ScannedPage:
    image = np.full((280, 200, 3), shade, np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    return ScannedPage(image=image, jpeg=jpeg.tobytes(), dpi=100, size_mm=(50.8, 71.1), mode=ColourMode.COLOUR)


def actions(terminal: Terminal) -> list[tuple[str | None, str, dict[str, object]]]:
    return [(r.clerk_id, r.action, r.detail) for r in terminal.audit.find(terminal.db)]


def fill_some(qtbot: QtBot, window: MainWindow) -> None:
    """The start of a registration: the person's number and name, as a clerk types them."""
    open_registration(qtbot, window)
    page = window.form_page
    assert page is not None
    page.view.set_value("id_number", ID_NUMBER)
    page.view.set_value("name", REGISTRATION["name"])


def personal_on_screen(window: QMainWindow) -> list[QWidget]:
    """Widgets showing the applicant's number or name that a screenshot would catch."""
    return [w for w in window.findChildren(QLineEdit)
            if w.isVisible() and w.text() in (ID_NUMBER, REGISTRATION["name"])]


@pytest.fixture
def start_host() -> Iterator[Callable[..., SessionHost]]:
    """Hosts whose windows come and go; whatever window is left is closed and destroyed after the test."""
    hosts: list[SessionHost] = []

    def start(terminal: Terminal, clerk: ClerkInfo, clock: FakeClock | None = None) -> SessionHost:
        host = SessionHost(terminal, OpRunner(), clock=clock, present=lambda w: w.show(), quit=lambda: None)
        host.start(clerk)
        hosts.append(host)
        return host

    yield start
    for host in hosts:
        last = host.close()
        host.ops.wait()
        if host.sign_in_dialog is not None:
            host.sign_in_dialog.deleteLater()
        if last is not None:
            last.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def sign_in_at(qtbot: QtBot, dialog: Any, clerk_id: str, password: str) -> None:
    qtbot.waitUntil(dialog.button.isEnabled, timeout=10000)
    dialog.clerk_edit.setText(clerk_id)
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)


def unlock_with(qtbot: QtBot, window: MainWindow, password: str) -> None:
    screen = window.guard.lock_screen
    qtbot.waitUntil(screen.unlock_button.isEnabled, timeout=10000)
    screen.password_edit.setText(password)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.guard.locked or screen.unlock_button.isEnabled(), timeout=10000)


def test_the_window_locks_after_the_idle_time_and_hides_every_personal_field(
        qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    clock = FakeClock()
    window = MainWindow(terminal, CLERK, OpRunner(), clock=clock)
    qtbot.addWidget(window)
    window.show()
    fill_some(qtbot, window)
    assert personal_on_screen(window)  # what the lock must hide

    watch = window.guard.watch
    assert watch.limit == 5 * 60 and watch.active  # the default: five minutes
    clock.advance(4)
    watch.check()
    assert not window.guard.locked
    qtbot.keyClick(window.catalogue.search_edit, Qt.Key.Key_Shift)  # input: the five minutes start again
    clock.advance(4)
    watch.check()
    assert not window.guard.locked
    show_error(window, StateError("shown before the lock", user_message="一个提示"))
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.isVisible()
    clock.advance(1.01)
    watch.check()
    assert window.guard.locked
    assert not box.isVisible()  # the window's dialogs go under the lock too

    assert window.guard.lock_screen.isVisible()
    assert "已锁定" in window.guard.lock_screen.findChild(QWidget, "lockTitle").text()  # type: ignore[union-attr]
    assert CLERK.name in window.guard.lock_screen.who.text()
    assert not window.guard.content.isVisible() and window.form_page is not None
    assert not window.form_page.isVisible() and not window.records.isVisible()
    assert not window.statusBar().isVisible()
    assert personal_on_screen(window) == []
    qtbot.waitUntil(lambda: any(a == "lock" for _c, a, _d in actions(terminal)), timeout=5000)
    assert (CLERK.id, "lock", {"reason": "idle"}) in actions(terminal)

    # input while locked does not unlock; a wrong password does not either, and is on the trail
    clock.advance(10)
    unlock_with(qtbot, window, "not-my-password")
    assert window.guard.locked and "错误" in window.guard.lock_screen.message.text()
    assert (CLERK.id, "unlock_failed", {"locked": False}) in actions(terminal)

    unlock_with(qtbot, window, PASSWORD)
    assert not window.guard.locked and box.isVisible()  # and come back with the clerk
    assert window.form_page.isVisible() and window.form_page.view.values()["id_number"] == ID_NUMBER
    assert window.statusBar().isVisible()
    assert (CLERK.id, "unlock", {}) in actions(terminal)
    clock.advance(4.9)  # counting starts again from the unlock
    watch.check()
    assert not window.guard.locked


def test_idle_lock_can_be_turned_off(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    terminal = Terminal(**{**terminal.__dict__, "settings": terminal.settings.model_copy(
        update={"idle_lock_minutes": 0})})
    clock = FakeClock()
    window = MainWindow(terminal, CLERK, OpRunner(), clock=clock)
    qtbot.addWidget(window)
    clock.advance(600)
    window.guard.watch.check()
    assert not window.guard.watch.active and not window.guard.locked


def test_wrong_passwords_at_the_lock_screen_lock_the_account(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window = MainWindow(terminal, CLERK, OpRunner(), clock=FakeClock())
    qtbot.addWidget(window)
    window.show()
    window.guard.lock("manual")
    for _ in range(terminal.settings.signin_max_failures):
        unlock_with(qtbot, window, "wrong-password")
    message = window.guard.lock_screen.message.text()
    assert "已锁定至" in message
    unlock_with(qtbot, window, PASSWORD)  # the right password does not open it before the time
    assert window.guard.locked and "已锁定至" in window.guard.lock_screen.message.text()
    try:
        usecases.sign_in(terminal, CLERK.id, PASSWORD)
    except AccountLocked:
        pass
    else:
        raise AssertionError("the lockout from the lock screen must hold for signing in too")
    failed = [d for c, a, d in actions(terminal) if c == CLERK.id and a == "unlock_failed"]
    assert len(failed) == terminal.settings.signin_max_failures + 1 and failed[-1] == {"locked": True}


def test_another_clerk_at_the_lock_screen_parks_the_form_with_its_scans(
        qtbot: QtBot, make_terminal: Any, start_host: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, OTHER.id, OTHER.name, OTHER_PASSWORD, roles=OTHER.roles)
    host = start_host(terminal, CLERK, FakeClock())
    first = host.window
    assert isinstance(first, MainWindow)
    fill_some(qtbot, first)
    page = first.form_page
    assert page is not None
    page.materials.set_pages("identity_document", [page_image(200), page_image(150)])

    first.guard.lock("manual")
    qtbot.mouseClick(first.guard.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    dialog = first.guard.switch_dialog
    assert dialog is not None
    sign_in_at(qtbot, dialog, OTHER.id, OTHER_PASSWORD)
    qtbot.waitUntil(lambda: host.window is not first, timeout=20000)
    second = host.window
    assert isinstance(second, MainWindow) and second.clerk == OTHER
    assert not second.guard.locked and second.form_page is None and second.current_card is None

    drafts = [v for v in list_submissions(terminal.db) if v.state is SubmissionState.DRAFT]
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.clerk_id == CLERK.id and draft.payload["id_number"] == ID_NUMBER
    assert [(a.material_key, a.pages) for a in draft.attachments] == [("identity_document", 2)]
    assert terminal.blobs is not None and terminal.blobs.get(draft.attachments[0].sha256).startswith(b"%PDF")
    trail = actions(terminal)
    assert (CLERK.id, "switch_clerk", {"to_clerk": OTHER.id}) in trail
    assert (CLERK.id, "sign_out", {"reason": "switch"}) in trail
    assert (OTHER.id, "sign_in", {}) in trail
    assert any(c == CLERK.id and a == "save_draft" and d.get("reason") == "switch" and d.get("pages") == 2
               for c, a, d in trail)

    # the draft continues with its sealed scans and becomes the submission; the draft and its rows go
    second.open_draft(draft)
    resumed = second.form_page
    assert resumed is not None and resumed.materials.carried == {"identity_document": 2}
    assert "沿用原件 2 页" in resumed.materials._counts["identity_document"].text()
    form = terminal.reference.form("personal_registration")
    accepted = usecases.submit_application(terminal, SubmitRequest(
        clerk=OTHER, form=form, values=REGISTRATION, carried=resumed.kept_attachments(), draft_id=draft.id,
        waivers={m.key: WAIVER for m in form.materials if m.key != "identity_document"}, signature=SIGNATURE))
    assert get_submission(terminal.db, draft.id) is None
    saved = get_submission(terminal.db, accepted.view.id)
    assert saved is not None
    assert [(a.material_key, a.pages, a.sha256) for a in saved.attachments] == [
        ("identity_document", 2, draft.attachments[0].sha256), ("_signature", 1, saved.attachments[-1].sha256)]


def test_sign_out_returns_to_sign_in_and_the_next_clerks_roles_apply(
        qtbot: QtBot, make_terminal: Any, start_host: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, REVIEWER.id, REVIEWER.name, OTHER_PASSWORD, roles=REVIEWER.roles)
    host = start_host(terminal, CLERK)
    first = host.window
    assert isinstance(first, MainWindow)
    assert first.catalogue.isVisibleTo(first) and first.approve_button.isVisibleTo(first.records_page)
    assert first.resume_button.isVisibleTo(first.records_page)  # the buttons of the 办件查询 page
    fill_some(qtbot, first)

    qtbot.mouseClick(first.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: host.sign_in_dialog is not None, timeout=20000)
    assert host.window is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=5000)  # the previous session's window is gone
    assert (CLERK.id, "sign_out", {"reason": "sign_out"}) in actions(terminal)
    assert [v.clerk_id for v in list_submissions(terminal.db) if v.state is SubmissionState.DRAFT] == [CLERK.id]
    dialog = host.sign_in_dialog
    assert dialog is not None and dialog.isVisible()

    sign_in_at(qtbot, dialog, REVIEWER.id, OTHER_PASSWORD)
    qtbot.waitUntil(lambda: host.window is not None, timeout=20000)
    second = host.window
    assert isinstance(second, MainWindow) and second.clerk == REVIEWER
    # a reviewer reviews: no catalogue, no new application, no drafts, no corrections; the 复核 button stays
    assert not second.catalogue.isVisibleTo(second)
    assert not any(b.isVisibleTo(second) for b in second.home.findChildren(type(second.approve_button))
                   if b.objectName().startswith("hot_"))
    records = second.records_page  # the buttons of the 办件查询 page
    assert not second.resume_button.isVisibleTo(records) and not second.correct_button.isVisibleTo(records)
    assert second.approve_button.isVisibleTo(records)
    clerk_label = second.findChild(QWidget, "headerClerk")
    assert isinstance(clerk_label, QLabel)  # a narrow header shows a shorter form, the tooltip the whole
    assert REVIEWER.name in clerk_label.text() and f"{REVIEWER.name}（{REVIEWER.id}）" in clerk_label.toolTip()
    # and the use case refuses the reviewer's draft whatever the window shows
    form = terminal.reference.form("personal_registration")
    try:
        usecases.save_draft(terminal, REVIEWER, form, REGISTRATION)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a reviewer without 受理 must not keep a draft")

    host.close()  # the program ends with the window: that ends the session on the trail too
    host.ops.wait()
    assert (REVIEWER.id, "sign_out", {"reason": "close"}) in actions(terminal)


def test_an_administrator_sees_no_business_and_no_personal_data(
        qtbot: QtBot, make_terminal: Any, start_host: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    admin = add_clerk(terminal.db, "9001", "系统管理员甲", "admin-pass-1", roles=frozenset({Role.ADMIN}))
    host = start_host(terminal, admin)
    window = host.window
    assert isinstance(window, AdminWindow)
    for business in (CataloguePanel, RecordsView):
        assert window.findChildren(business) == []
    qtbot.waitUntil(lambda: len(window.clerks.clerks) == 2, timeout=10000)
    assert window.clerks.table.item(0, 0).text() == CLERK.id
    assert window.clerks.table.item(0, 2).text() == "受理、复核"
    assert window.clerks.table.item(1, 2).text() == "系统管理员"
    # the use cases refuse the administrator's business regardless of the window
    form = terminal.reference.form("personal_registration")
    try:
        usecases.save_draft(terminal, admin, form, REGISTRATION)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("an administrator handles no business")


def test_an_unknown_staff_number_is_refused_like_a_real_one_until_the_lockout_ends(make_terminal: Any) -> None:
    from datetime import UTC, datetime, timedelta

    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    answers: dict[str, list[str]] = {CLERK.id: [], "7777": []}
    for n in range(terminal.settings.signin_max_failures + 1):
        for clerk_id in answers:
            try:
                usecases.sign_in(terminal, clerk_id, "wrong-password", now=t0 + timedelta(seconds=n))
            except AuthenticationError as exc:
                answers[clerk_id].append(exc.user_message.replace(clerk_id, "N") + exc.hint)
    assert answers[CLERK.id] == answers["7777"]
    assert "已锁定至" in answers["7777"][-1] and "已锁定至" not in answers["7777"][0]
    after = t0 + timedelta(minutes=terminal.settings.signin_lockout_minutes, seconds=10)
    assert usecases.sign_in(terminal, CLERK.id, PASSWORD, now=after).id == CLERK.id
    try:
        usecases.sign_in(terminal, "7777", "wrong-password", now=after)
    except AccountLocked:
        raise AssertionError("the unknown number's lockout ends too") from None
    except AuthenticationError:
        pass


def test_the_idle_watch_checks_by_itself_and_stops(qtbot: QtBot) -> None:
    """The watch's own timer finds the idle stretch (no test call to ``check``); stopped, it finds nothing."""
    from app.ui.idle import IdleWatch

    clock = FakeClock()
    watch = IdleWatch(60, clock=clock, interval_ms=20)
    fired: list[bool] = []
    watch.idle.connect(lambda: fired.append(True))
    clock.advance(0.5)
    qtbot.wait(100)
    assert fired == []
    clock.advance(0.6)
    qtbot.waitUntil(lambda: fired == [True], timeout=2000)
    qtbot.wait(100)
    assert fired == [True]  # once per idle stretch
    watch.reset()
    watch.stop()
    clock.advance(5)
    qtbot.wait(100)
    watch.check()
    assert fired == [True] and not watch.active
