"""Every action from the keyboard (issue 19, item 4): each key of the shortcut registry, pressed in the real
window, does what the overview says; the overview lists exactly what is bound; Enter and Tab walk a form's
fields in the order they are seen. The look and the voice go back to normal afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from app.ui import shortcuts
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from app.ui.qt_app import make_application
from app.ui.theme import Look, apply_look, current_look

from .conftest import CLERK
from .samples import REGISTRATION, SIGNATURE, WAIVER


@pytest.fixture
def window(qtbot: QtBot, make_terminal) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    app = make_application()
    shown = MainWindow(make_terminal("http://127.0.0.1:9", start_sender=False), CLERK, OpRunner())
    qtbot.addWidget(shown)
    shown.resize(1366, 768)
    shown.show()
    activate(qtbot, shown)
    yield shown
    apply_look(app, Look())


def press(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """The key as the clerk presses it, delivered where the keyboard is."""
    combo = QKeySequence(key)[0]
    target = QApplication.focusWidget() or window
    QTest.keyClick(target, combo.key(), combo.keyboardModifiers())
    qtbot.wait(20)


def open_form(qtbot: QtBot, window: MainWindow, code: str = "personal_registration") -> FormPage:
    window.open_item(next(i for i in window.terminal.catalogue if i.code == code))
    qtbot.waitUntil(lambda: window.ops.pending() == 0)
    page = window.form_page
    assert page is not None and window.stack.currentWidget() is page
    activate(qtbot, window)
    page.view.widget("phone").setFocus()
    return page


def activate(qtbot: QtBot, window: MainWindow) -> None:
    """The window has the keyboard (a window's shortcuts answer only then)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def keys_of(action: str) -> tuple[str, ...]:
    return shortcuts.BY_ACTION[action].keys


@pytest.mark.parametrize("key", keys_of("search"))
def test_search_key_opens_the_catalogue_and_puts_the_cursor_in_its_search(qtbot: QtBot, window: MainWindow,
                                                                         key: str) -> None:
    open_form(qtbot, window)
    assert window.catalogue.folded
    press(qtbot, window, key)
    assert not window.catalogue.folded
    assert QApplication.focusWidget() is window.catalogue.search_edit


def test_f1_shows_the_guide_of_the_form_on_screen(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    press(qtbot, window, keys_of("guide")[0])
    assert page.guide_dialog is not None and page.guide_dialog.isVisible()
    page.guide_dialog.reject()


def test_f6_opens_capture_for_the_first_missing_material(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    first = page.materials.missing()[0]
    press(qtbot, window, keys_of("capture")[0])
    dialog = window.capture_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.material_combo.currentData() == first.key
    dialog.reject()


@pytest.mark.parametrize("key", keys_of("agent_card"))
def test_agent_key_waits_for_the_agents_card(qtbot: QtBot, window: MainWindow, key: str) -> None:
    page = open_form(qtbot, window)
    assert not page.agent_armed
    press(qtbot, window, key)
    assert page.agent_armed


@pytest.mark.parametrize("key", keys_of("submit"))
def test_submit_key_submits_a_complete_form(qtbot: QtBot, window: MainWindow, key: str) -> None:
    page = open_form(qtbot, window)
    for field, value in REGISTRATION.items():
        page.view.set_value(field, value)
    page.view.set_value("household_type", "urban")
    for material in page.materials.missing():
        page.materials.waive(material.key, WAIVER)
    page.signature.take(SIGNATURE)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)
    page.view.widget("phone").setFocus()
    press(qtbot, window, key)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.result, timeout=10000)


def test_submit_key_does_nothing_while_the_form_is_incomplete(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    press(qtbot, window, keys_of("submit")[0])
    qtbot.wait(100)
    assert window.stack.currentWidget() is page and window.ops.pending() == 0


def test_ctrl_s_keeps_the_form_as_a_draft(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    page.view.set_value("name", REGISTRATION["name"])
    press(qtbot, window, keys_of("save_draft")[0])
    qtbot.waitUntil(lambda: page.draft_id is not None, timeout=10000)


def test_alt_home_goes_home_and_the_records_key_opens_the_records(qtbot: QtBot, window: MainWindow) -> None:
    open_form(qtbot, window)
    press(qtbot, window, keys_of("home")[0])
    assert window.stack.currentWidget() is window.home
    press(qtbot, window, keys_of("records")[0])
    assert window.stack.currentWidget() is window.records_page


def test_ctrl_l_locks_and_a_locked_window_answers_no_work_key(qtbot: QtBot, window: MainWindow) -> None:
    open_form(qtbot, window)
    press(qtbot, window, keys_of("lock")[0])
    assert window.guard.locked
    press(qtbot, window, keys_of("capture")[0])
    assert window.capture_dialog is None


def test_text_size_keys_step_up_down_and_back(qtbot: QtBot, window: MainWindow) -> None:
    for key in keys_of("larger"):
        press(qtbot, window, key)
    assert current_look().scale == 150
    press(qtbot, window, keys_of("smaller")[0])
    assert current_look().scale == 125
    press(qtbot, window, keys_of("normal_size")[0])
    assert current_look().scale == 100


def test_high_contrast_and_voice_keys_toggle_and_are_remembered(qtbot: QtBot, window: MainWindow) -> None:
    from app.display import load_display

    press(qtbot, window, keys_of("high_contrast")[0])
    press(qtbot, window, keys_of("speech")[0])
    assert current_look().high_contrast and window.a11y.prefs.speech
    kept = load_display(window.terminal.settings)
    assert kept.high_contrast and kept.speech  # the next session on this terminal starts so
    press(qtbot, window, keys_of("high_contrast")[0])
    press(qtbot, window, keys_of("speech")[0])
    assert not current_look().high_contrast and not window.a11y.prefs.speech


def test_the_overview_lists_exactly_the_bound_keys(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, keys_of("shortcuts")[0])
    dialog = window.a11y.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    listed = dialog.rows()[:len(window.a11y.bound)]
    assert listed == [(s.shown(), shortcuts.label(s)) for s in shortcuts.SHORTCUTS if s.action in window.a11y.bound]
    assert set(window.a11y.bound) == set(shortcuts.BY_ACTION)  # the clerk's window binds every action
    # every window-wide key of the window is in the registry: none bound behind the overview's back
    registered = {seq.toString() for s in shortcuts.SHORTCUTS for seq in s.sequences()}
    for made in window.findChildren(QShortcut):
        if made.context() == Qt.ShortcutContext.WindowShortcut:
            assert made.key().toString() in registered, made.key().toString()
    dialog.reject()


def test_enter_in_a_text_field_moves_to_the_next_field(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    phone = page.view.widget("phone")
    assert isinstance(phone, QLineEdit)
    phone.setFocus()
    QTest.keyClick(phone, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is not phone
    assert QApplication.focusWidget() is next_field_after(page, "phone")


def next_field_after(page: FormPage, key: str) -> QWidget:
    """The next enabled field in reading order: left to right, then down (the form's two columns)."""
    shown = [page.view.widget(f.key) for f in page.form.fields()
             if page.view.widget(f.key).isVisible() and page.view.widget(f.key).isEnabled()]
    body = QScrollArea.widget(page.view)
    ordered = sorted(shown, key=lambda w: (w.mapTo(body, w.rect().topLeft()).y(),
                                           w.mapTo(body, w.rect().topLeft()).x()))
    return ordered[ordered.index(page.view.widget(key)) + 1]


def test_tab_walks_the_fields_in_the_order_they_are_seen(qtbot: QtBot, window: MainWindow) -> None:
    page = open_form(qtbot, window)
    assert page.view.columns() == 2
    fields = [page.view.widget(f.key) for f in page.form.fields()
              if page.view.widget(f.key).isVisible() and page.view.widget(f.key).isEnabled()]
    first = fields[0]
    first.setFocus()
    visited = [first]
    for _ in range(len(fields) - 1):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        while now is not None and now not in fields:  # a combo's inner line edit and the like
            now = now.parentWidget()
        if now is None or now in visited:
            break
        visited.append(now)
    body = QScrollArea.widget(page.view)
    ordered = sorted(fields, key=lambda w: (w.mapTo(body, w.rect().topLeft()).y(),
                                            w.mapTo(body, w.rect().topLeft()).x()))
    assert visited == ordered[:len(visited)] and len(visited) >= 6
