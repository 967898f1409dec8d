"""Every shipped form opens in the real window: one input per field and one materials row per material.

Items whose catalogue entry already links a form are opened as they are; a shipped form whose item
is not linked yet is opened through that item with the link filled in, so a form is proven to render
before the catalogue points clerks at it.
"""

from __future__ import annotations

import dataclasses

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from forms.catalogue import ServiceItem, load_catalogue
from forms.definitions import available_forms, load_form

from .conftest import CLERK


def items_with_forms() -> list[ServiceItem]:
    shipped = set(available_forms())
    items = []
    for item in load_catalogue():
        if item.form_code is not None:
            items.append(item)
        elif item.code in shipped:
            items.append(dataclasses.replace(item, form_code=item.code))
    return items


def test_every_shipped_form_has_an_item() -> None:
    linked = {item.form_code for item in items_with_forms()}
    assert linked == set(available_forms())


@pytest.mark.parametrize("item", items_with_forms(), ids=lambda item: item.code)
def test_form_renders(qtbot: QtBot, make_terminal, item: ServiceItem) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    assert item.form_code is not None
    form = load_form(item.form_code)

    window.open_item(item)

    page = window.form_page
    assert page is not None and window.stack.currentWidget() is page
    for field in form.fields():
        assert page.view.widget(field.key) is not None
    assert set(page.materials.buttons) == {material.key for material in form.materials}
    assert page.materials.isVisibleTo(window)
    assert not page.submit_button.isEnabled()  # an empty form cannot be submitted
