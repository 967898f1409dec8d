"""Every form is usable on a township laptop (1366x768, window maximised) and on the hall's 1600x1000
screens (issue 18, item 4): the submit button and the status line are on screen, and enough field rows
show without scrolling. The counter's style sheet and font are applied, as the terminal runs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from app.ui.qt_app import make_application
from app.usecases.batch_import import BATCH_ITEM
from forms.catalogue import ServiceItem, load_catalogue

from .conftest import CLERK

#: field inputs wholly visible without scrolling, at least (the retirement form showed about five before)
ROWS_AT_1366 = 12
ROWS_AT_1600 = 18
#: items the window opens as a form page (the batch import has a page of its own: tests/app/test_large_text.py)
FORM_ITEMS = [item for item in load_catalogue() if item.form_code is not None and item.form_code != BATCH_ITEM]


def rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def fields_in_view(page: FormPage) -> int:
    """How many of the form's inputs the clerk sees whole, without scrolling."""
    viewport = page.view.viewport()
    inside = viewport.rect()
    return sum(1 for field in page.form.fields()
               if page.view.widget(field.key).isVisible()
               and inside.contains(rect_in(page.view.widget(field.key), viewport)))


def open_at(qtbot: QtBot, make_terminal, item: ServiceItem, width: int, height: int) -> tuple[MainWindow, FormPage]:  # type: ignore[no-untyped-def]
    make_application()  # the counter's font and style sheet
    window = MainWindow(make_terminal("http://127.0.0.1:9"), CLERK, OpRunner())
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    window.open_item(item)
    qtbot.waitUntil(lambda: window.ops.pending() == 0)
    page = window.form_page
    assert page is not None
    qtbot.wait(50)  # the layout settles
    assert window.size().width() == width and window.size().height() == height
    return window, page


def assert_usable(window: MainWindow, page: FormPage, rows: int) -> None:
    screen = window.rect()
    for widget in (page.submit_button, page.draft_button, page.back_button, page.submit_hint):
        assert widget.isVisible() and screen.contains(rect_in(widget, window)), widget.objectName()
    assert page.submit_hint.text()  # an empty form says what is missing
    for field in page.form.fields():  # a text area keeps room for a few lines, however tight the screen
        if field.type == "textarea":
            assert page.view.widget(field.key).height() >= 60, field.key
    shown = fields_in_view(page)
    # a form that asks only what its situation needs (单位参保信息变更: one change) may show fewer rows in all
    visible = sum(1 for field in page.form.fields() if page.view.widget(field.key).isVisible())
    assert shown >= min(rows, visible), f"{page.form.code}: only {shown} fields in view"


@pytest.mark.parametrize("item", FORM_ITEMS, ids=lambda item: item.code)
def test_form_is_usable_at_1366x768(qtbot: QtBot, make_terminal, item: ServiceItem) -> None:  # type: ignore[no-untyped-def]
    window, page = open_at(qtbot, make_terminal, item, 1366, 768)
    assert_usable(window, page, ROWS_AT_1366)
    assert page.view.columns() == 2


@pytest.mark.parametrize("item", FORM_ITEMS, ids=lambda item: item.code)
def test_form_is_usable_at_1600x1000(qtbot: QtBot, make_terminal, item: ServiceItem) -> None:  # type: ignore[no-untyped-def]
    window, page = open_at(qtbot, make_terminal, item, 1600, 1000)
    assert_usable(window, page, ROWS_AT_1600)


def test_retirement_form_with_the_catalogue_reopened_still_shows_ten_rows(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    item = next(i for i in FORM_ITEMS if i.code == "retirement_approval")
    window, page = open_at(qtbot, make_terminal, item, 1366, 768)
    window.catalogue.reveal()
    qtbot.wait(50)
    assert page.view.columns() == 1  # no room for two columns beside the catalogue
    assert_usable(window, page, 10)
