"""Every screen is usable on a 1366x768 laptop at 150 % text, and at 200 % with scrolling (issue 19, item 4).

One real window (the widest header: every post's button) is set to the larger text through its own 显示
control, then every page and every form is opened in it: each field's label and editor are whole once
scrolled to, nothing needs a sideways scroll, the buttons are on screen, and no widget is wider than the
window. The application's look is put back afterwards, for the tests that run next in this process.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from app.ui.qt_app import make_application
from app.ui.theme import Look, apply_look, current_look
from app.usecases.batch_import import BATCH_ITEM
from forms.catalogue import load_catalogue
from local_db.clerks import ClerkInfo, Role

from .test_small_screen import rect_in

WIDTH, HEIGHT = 1366, 768
FORM_ITEMS = [item for item in load_catalogue() if item.form_code is not None and item.form_code != BATCH_ITEM]
#: items that open a page of their own: the queries, the certificates, the batch import (issue 20)
PAGE_ITEMS = [item for item in load_catalogue() if item not in FORM_ITEMS]
#: every post that adds a page or a header button: the widest header there is
EVERY_POST = ClerkInfo("1001", "测试柜员", frozenset({Role.FRONT_DESK, Role.REVIEW, Role.SUPERVISOR, Role.AUDITOR}))


@pytest.fixture
def window(qtbot: QtBot, make_terminal) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    app = make_application()
    shown = MainWindow(make_terminal("http://127.0.0.1:9"), EVERY_POST, OpRunner())
    qtbot.addWidget(shown)
    shown.resize(WIDTH, HEIGHT)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    apply_look(app, Look())


def at_scale(qtbot: QtBot, window: MainWindow, scale: int) -> None:
    """The clerk's own control: the whole application at ``scale`` at once."""
    window.a11y.set_scale(scale)
    assert current_look() == Look(scale)
    qtbot.wait(50)


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.ops.pending() == 0)
    QApplication.processEvents()
    qtbot.wait(30)


def assert_fits_the_window(window: MainWindow, where: str, *, sideways: bool = False) -> None:
    """The window kept its size (no minimum size pushed it past the screen); the page scrolls sideways only
    where that is allowed (200 %); every shown widget lies within the page (reachable by scrolling) or the
    window, and every shown button is whole there."""
    assert (window.width(), window.height()) == (WIDTH, HEIGHT), f"{where}: window grew to {window.size()}"
    if not sideways:
        assert window.page_scroller.horizontalScrollBar().maximum() == 0, f"{where}: the page scrolls sideways"
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or _in_scroll_area(widget, window):
            continue
        holder = window.page_scroller.holder  # the page, however wide: reachable by scrolling
        if widget is holder:
            continue
        within = holder if holder.isAncestorOf(widget) else window
        box, bounds = rect_in(widget, within), within.rect()
        assert box.right() <= bounds.right() + 1, f"{where}: {_name(widget)} reaches x={box.right()}"
        if isinstance(widget, QAbstractButton):
            assert bounds.contains(box), f"{where}: button {_name(widget)} is cut off at {box}"


def _in_scroll_area(widget: QWidget, top: MainWindow) -> bool:
    """Inside a scroll area of a page (a form's fields, a list): checked by scrolling to it instead."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        inner = QScrollArea.widget(parent) if isinstance(parent, QScrollArea) else None
        if inner is not None and parent is not top.page_scroller and inner.isAncestorOf(widget):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
    return f"{type(widget).__name__}#{widget.objectName()} {text!r}"


def assert_form_usable(qtbot: QtBot, window: MainWindow, page: FormPage, scale: int) -> None:
    """Each field's label and editor whole once scrolled to; no sideways scrolling; the buttons on screen."""
    code = f"{page.form.code} at {scale} %"
    view = page.view
    assert view.horizontalScrollBar().maximum() == 0, f"{code}: the form scrolls sideways"
    labels = {label.buddy(): label for label in view.findChildren(QLabel) if label.buddy() is not None}
    viewport = view.viewport().rect()
    for field in page.form.fields():
        editor = view.widget(field.key)
        if not editor.isVisible():
            continue  # a row this situation does not ask for
        label = labels[editor]
        view.ensureWidgetVisible(editor, 0, 0)
        view.ensureWidgetVisible(label, 0, 0)
        QApplication.processEvents()
        for part in (label, editor):
            assert viewport.contains(rect_in(part, view.viewport())), f"{code}: {field.key} {_name(part)} cut off"
        assert label.width() >= min(label.sizeHint().width(), label.minimumSizeHint().width()), \
            f"{code}: label of {field.key} squeezed"
    for button in (page.submit_button, page.draft_button, page.back_button):
        assert button.isVisible() and window.rect().contains(rect_in(button, window)), f"{code}: {_name(button)}"
    assert_fits_the_window(window, code)  # a form never scrolls sideways, even at 200 %


def walk_everything(qtbot: QtBot, window: MainWindow, scale: int) -> None:
    at_scale(qtbot, window, scale)
    settle(qtbot, window)
    sideways = scale > 150  # at 200 % a wide page (the records' search) may scroll sideways; a form may not
    assert_fits_the_window(window, f"home at {scale} %", sideways=sideways)
    for open_page, name in ((window.open_records, "办件查询"), (window.open_audit, "审计日志"),
                            (window.open_stats, "业务统计")):
        open_page()
        settle(qtbot, window)
        assert_fits_the_window(window, f"{name} at {scale} %", sideways=sideways)
    for item in PAGE_ITEMS:
        window.open_item(item)
        settle(qtbot, window)
        assert window.stack.currentWidget() is not window.home, item.code
        assert_fits_the_window(window, f"{item.name} at {scale} %")
    for item in FORM_ITEMS:
        window.open_item(item)
        settle(qtbot, window)
        page = window.form_page
        assert page is not None
        assert_form_usable(qtbot, window, page, scale)
    window.catalogue.reveal()  # the catalogue opened over a form
    settle(qtbot, window)
    assert_fits_the_window(window, f"catalogue over a form at {scale} %", sideways=sideways)
    window.go_home()


def test_every_page_and_form_is_usable_at_1366x768_at_150_percent(qtbot: QtBot, window: MainWindow) -> None:
    walk_everything(qtbot, window, 150)


def test_every_page_and_form_is_usable_at_1366x768_at_200_percent(qtbot: QtBot, window: MainWindow) -> None:
    walk_everything(qtbot, window, 200)


def test_the_header_is_whole_at_1366_at_normal_text_with_every_post(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    """A real office's name and every post's button: at normal text the header still leaves nothing clipped."""
    make_application()
    shown = MainWindow(make_terminal("http://127.0.0.1:9", office_name="铜川市社会保险经办中心 · 3号窗口"),
                       ClerkInfo("1001", "王丽", EVERY_POST.roles), OpRunner())
    qtbot.addWidget(shown)
    shown.resize(WIDTH, HEIGHT)
    shown.show()
    qtbot.waitExposed(shown)
    settle(qtbot, shown)
    header = shown.header
    for label in header.findChildren(QLabel):
        if label.isVisible() and label.text():
            assert label.width() >= label.sizeHint().width(), f"{_name(label)} clipped to {label.width()} px"
    assert header.who_label.isVisible() and header.clock_label.isVisible()
