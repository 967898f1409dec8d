"""The applicant's screen follows the clerk's window: the form as it is filled, the welcome whenever the
person at the window may change (lock, idle lock, sign-out, clerk switch, form closed, draft saved, a
case submitted), the 好差评 panel after acceptance, and never anything of another person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.cards import IdentityReading
from app.customer_view import WelcomeView
from app.terminal import Terminal
from app.ui.customer_screen import CustomerScreen, clerk_base_px, make_customer_screen
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.rating_panel import RatingPanel
from app.ui.session_host import SessionHost
from app.ui.theme import Look, apply_look, current_look
from app.usecases import ClerkInfo
from app.usecases.rate import case_rating
from core.errors import mask_id_number
from forms.idnumber import check_character
from local_db.clerks import add_clerk

from .conftest import CLERK, PASSWORD
from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, SIGNATURE, WAIVER
from .test_e2e_registration import choose, type_text
from .test_sessions import OTHER, OTHER_PASSWORD, FakeClock, sign_in_at, unlock_with

NAME = REGISTRATION["name"]
PHONE = REGISTRATION["phone"]


@pytest.fixture
def customer(qtbot: QtBot) -> Iterator[CustomerScreen]:
    screen = CustomerScreen("window")
    qtbot.addWidget(screen)
    screen.place()
    yield screen


def open_window(qtbot: QtBot, terminal: Terminal, customer: CustomerScreen,
                clock: FakeClock | None = None) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner(), customer=customer, clock=clock)
    qtbot.addWidget(window)
    window.show()
    return window


def open_registration(window: MainWindow) -> None:
    window.open_item(next(i for i in window.terminal.catalogue if i.code == "personal_registration"))
    assert window.form_page is not None


def fill(qtbot: QtBot, window: MainWindow, values: dict[str, str]) -> None:
    page = window.form_page
    assert page is not None
    for key, value in values.items():
        widget = page.view.widget(key)
        if isinstance(widget, QComboBox):
            choose(widget, value)
        elif isinstance(widget, QLineEdit) and widget.isEnabled() and not widget.isReadOnly():
            widget.clear()
            type_text(qtbot, widget, value)


def assert_nothing_of(screen: CustomerScreen, *traces: str) -> None:
    shown = screen.shown_text()
    for trace in traces:
        assert trace not in shown, trace


def assert_welcome(screen: CustomerScreen) -> None:
    assert screen.pages.currentWidget() is screen.welcome_page
    assert "欢迎办理社会保险业务" in screen.shown_text()
    assert_nothing_of(screen, NAME, PHONE, mask_id_number(ID_NUMBER), ID_NUMBER)


def test_between_applicants_the_screen_welcomes_and_says_what_to_bring(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    assert_welcome(customer)
    assert "测试大厅" in customer.shown_text() and "居民身份证、社会保障卡" in customer.shown_text()


def test_the_item_just_chosen_shows_its_materials_before_anyone_is_in_the_form(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    assert customer.pages.currentWidget() is customer.welcome_page
    shown = customer.shown_text()
    assert "您办理的事项：个人参保登记" in shown or "您办理的事项" in shown
    assert "居民身份证或社会保障卡" in shown and "授权委托书" in shown


def test_the_form_as_it_is_filled_shows_in_large_type_with_the_id_number_masked(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME})
    assert customer.pages.currentWidget() is customer.case_area
    shown = customer.shown_text()
    assert NAME in shown and mask_id_number(ID_NUMBER) in shown and ID_NUMBER not in shown
    assert PHONE not in shown
    fill(qtbot, window, {"phone": PHONE})
    assert PHONE in customer.shown_text()  # every change is published
    assert customer.base_px() == 2 * 15  # twice the clerk's 15 px
    name_label = next(label for label in customer.case_area.widget().findChildren(QLabel)
                      if label.text() == NAME)
    assert name_label.fontInfo().pixelSize() > 30  # the name is larger still


def test_an_agent_shows_who_acts_for_whom(qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME, "agent_name": "张三", "agent_relation": "child"})
    assert f"代办人 张三（子女）代 {NAME} 办理" in customer.shown_text()


def test_a_lock_shows_the_welcome_at_once_and_the_unlock_brings_the_same_case_back(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME})
    window.guard.lock("manual")
    assert_welcome(customer)
    unlock_with(qtbot, window, PASSWORD)
    assert not window.guard.locked
    assert NAME in customer.shown_text()


def test_the_idle_lock_shows_the_welcome(qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    clock = FakeClock()
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer, clock)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME})
    clock.advance(6)
    window.guard.watch.check()
    assert window.guard.locked
    assert_welcome(customer)


def test_closing_the_form_shows_the_welcome(qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME, "phone": PHONE})
    page = window.form_page
    assert page is not None
    qtbot.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    assert_welcome(customer)
    assert "您办理的事项" not in customer.shown_text()


def test_a_saved_draft_then_the_next_applicant_shows_nothing_of_the_first(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME, "phone": PHONE})
    page = window.form_page
    assert page is not None
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.draft_id is not None, timeout=10000)
    window.go_home()
    assert_welcome(customer)
    open_registration(window)  # the next applicant: a new form, nothing carried over
    assert_welcome(customer)
    fill(qtbot, window, {"id_number": RETIREE_ID, "name": "王建国"})
    assert "王建国" in customer.shown_text()
    assert_nothing_of(customer, NAME, PHONE, mask_id_number(ID_NUMBER))


def test_a_new_applicants_card_read_into_a_filled_form_hides_the_first_persons_values(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    open_registration(window)
    page = window.form_page
    assert page is not None
    page.apply_identity(IdentityReading("社保卡", NAME, ID_NUMBER, values={"id_number": ID_NUMBER, "name": NAME}))
    fill(qtbot, window, {"phone": PHONE, "address": REGISTRATION["address"]})
    assert PHONE in customer.shown_text()
    page.apply_identity(IdentityReading("社保卡", "王建国", RETIREE_ID,
                                        values={"id_number": RETIREE_ID, "name": "王建国"}))
    shown = customer.shown_text()
    assert "王建国" in shown and mask_id_number(RETIREE_ID) in shown
    assert_nothing_of(customer, NAME, PHONE, "红旗街1号", mask_id_number(ID_NUMBER))
    fill(qtbot, window, {"phone": "13912345678"})  # the clerk asks the new applicant: that is theirs
    assert "13912345678" in customer.shown_text()


def submit_registration(qtbot: QtBot, window: MainWindow) -> None:
    open_registration(window)
    fill(qtbot, window, REGISTRATION)
    page = window.form_page
    assert page is not None
    page.materials.waive("identity_document", WAIVER)
    page.signature.take(SIGNATURE)  # the applicant signed (the pad itself: tests/app/test_signature_form.py)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.receipt is not None, timeout=20000)


def test_after_acceptance_the_rating_is_offered_stored_with_the_case_then_the_welcome(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window = open_window(qtbot, terminal, customer)
    host = window.customer_host
    assert host is not None
    given: list[tuple[str, int, list[str]]] = []
    host.rating_given.connect(lambda sid, level, reasons: given.append((sid, level, list(reasons))))
    submit_registration(qtbot, window)
    panel = customer.panel()
    assert isinstance(panel, RatingPanel) and customer.pages.currentWidget() is customer.panel_page
    receipt = window.result.receipt
    assert receipt is not None
    shown = customer.shown_text()
    assert receipt.receipt_no in shown and "办结期限" in shown
    assert_nothing_of(customer, NAME, ID_NUMBER)  # the panel is about the service, not the person
    qtbot.mouseClick(panel.level_buttons[1], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.reason_buttons["slow"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    assert window.result.submission_id is not None
    sid = window.result.submission_id
    assert given == [(sid, 1, ["slow"])]
    qtbot.waitUntil(lambda: case_rating(terminal, CLERK, sid) is not None, timeout=10000)
    stored = case_rating(terminal, CLERK, sid)
    assert stored is not None and (stored.level, list(stored.reasons)) == (1, ["slow"])
    panel.timer.timeout.emit()  # the thanks are over
    assert_welcome(customer)
    assert customer.panel() is None


def test_a_skipped_rating_records_nothing_and_returns_to_the_welcome(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    host = window.customer_host
    assert host is not None
    given: list[object] = []
    host.rating_given.connect(lambda *args: given.append(args))
    submit_registration(qtbot, window)
    panel = customer.panel()
    assert isinstance(panel, RatingPanel)
    qtbot.mouseClick(panel.skip_button, Qt.MouseButton.LeftButton)
    assert given == []
    assert_welcome(customer)


def test_a_lock_during_the_rating_shows_the_welcome(qtbot: QtBot, make_terminal: Any,
                                                   customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    submit_registration(qtbot, window)
    assert isinstance(customer.panel(), RatingPanel)
    window.guard.lock("manual")
    assert customer.panel() is None
    assert_welcome(customer)


@pytest.fixture
def start_host(customer: CustomerScreen) -> Iterator[Callable[[Terminal, ClerkInfo], SessionHost]]:
    hosts: list[SessionHost] = []

    def start(terminal: Terminal, clerk: ClerkInfo) -> SessionHost:
        host = SessionHost(terminal, OpRunner(), present=lambda w: w.show(), quit=lambda: None, customer=customer)
        host.start(clerk)
        hosts.append(host)
        return host

    yield start
    for host in hosts:
        host.customer = None  # the fixture's screen is qtbot's to close
        last = host.close()
        host.ops.wait()
        if host.sign_in_dialog is not None:
            host.sign_in_dialog.deleteLater()
        if last is not None:
            last.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_sign_out_shows_the_welcome(qtbot: QtBot, make_terminal: Any, customer: CustomerScreen,
                                    start_host: Any) -> None:
    host = start_host(make_terminal("http://127.0.0.1:9", start_sender=False), CLERK)
    first = host.window
    assert isinstance(first, MainWindow)
    open_registration(first)
    fill(qtbot, first, {"id_number": ID_NUMBER, "name": NAME, "phone": PHONE})
    assert NAME in customer.shown_text()
    qtbot.mouseClick(first.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: host.sign_in_dialog is not None, timeout=20000)
    assert_welcome(customer)
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=5000)
    assert_welcome(customer)  # the window's going leaves the welcome


def test_a_clerk_switch_shows_the_welcome_and_the_next_clerks_window_follows_anew(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen, start_host: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, OTHER.id, OTHER.name, OTHER_PASSWORD, roles=OTHER.roles)
    host = start_host(terminal, CLERK)
    first = host.window
    assert isinstance(first, MainWindow)
    open_registration(first)
    fill(qtbot, first, {"id_number": ID_NUMBER, "name": NAME, "phone": PHONE})
    first.guard.lock("manual")
    qtbot.mouseClick(first.guard.lock_screen.switch_button, Qt.MouseButton.LeftButton)
    dialog = first.guard.switch_dialog
    assert dialog is not None
    sign_in_at(qtbot, dialog, OTHER.id, OTHER_PASSWORD)
    qtbot.waitUntil(lambda: host.window is not first, timeout=20000)
    second = host.window
    assert isinstance(second, MainWindow)
    assert_welcome(customer)
    open_registration(second)
    other_id = "61020219800101001" + check_character("61020219800101001")
    fill(qtbot, second, {"id_number": other_id, "name": "赵六"})
    assert "赵六" in customer.shown_text()
    assert_nothing_of(customer, NAME, PHONE, mask_id_number(ID_NUMBER))


def test_a_window_closed_by_hand_comes_back_with_the_next_case(
        qtbot: QtBot, make_terminal: Any, customer: CustomerScreen) -> None:
    window = open_window(qtbot, make_terminal("http://127.0.0.1:9", start_sender=False), customer)
    assert customer.isVisible() and not customer.isFullScreen()  # window mode: an ordinary window
    customer.close()
    assert not customer.isVisible()
    open_registration(window)
    fill(qtbot, window, {"id_number": ID_NUMBER, "name": NAME})
    assert customer.isVisible() and NAME in customer.shown_text()


def test_the_type_follows_the_clerks_base_size_so_a_large_text_setting_applies(
        qtbot: QtBot, customer: CustomerScreen) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    try:
        app.setStyleSheet("QWidget { font-size: 22px; }")  # as a 150 % setting would make the clerk's 15 px
        qtbot.waitUntil(lambda: customer.base_px() == 44, timeout=5000)
        assert "font-size: 44px" in customer.styleSheet()
    finally:
        app.setStyleSheet(before)
    qtbot.waitUntil(lambda: customer.base_px() == 2 * clerk_base_px(), timeout=5000)


def test_off_makes_no_customer_screen(qtbot: QtBot) -> None:
    assert make_customer_screen("off") is None
    screen = CustomerScreen("off")
    qtbot.addWidget(screen)
    assert screen.place() is None and not screen.isVisible()


def test_high_contrast_reaches_the_applicants_screen_and_leaves_with_it(
        qtbot: QtBot, customer: CustomerScreen) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = current_look(app)
    customer.show_welcome(WelcomeView(""))

    def background() -> QColor:
        return customer.grab().toImage().pixelColor(3, 3)

    normal = background()
    assert normal.lightness() > 200  # the light blue-grey page
    try:
        apply_look(app, Look(before.scale, True))
        qtbot.waitUntil(lambda: background().lightness() < 30, timeout=5000)
        assert "#f7f9fc" not in customer.styleSheet().lower()
    finally:
        apply_look(app, before)
    qtbot.waitUntil(lambda: background() == normal, timeout=5000)
