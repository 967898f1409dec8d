"""Every shipped form is linked in the catalogue and opens in the real window: one input per field,
one materials row per material, its time limit (or why it has none), and its rule panel if it has one.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from forms.catalogue import ServiceItem, load_catalogue
from forms.definitions import available_forms, load_form

from .conftest import CLERK


def items_with_forms() -> list[ServiceItem]:
    return [item for item in load_catalogue() if item.form_code is not None]


def test_every_shipped_form_has_an_item() -> None:
    linked = {item.form_code for item in items_with_forms()}
    assert linked == set(available_forms())


@pytest.mark.parametrize("item", [item for item in items_with_forms() if item.form_code != "staff_batch_import"],
                         ids=lambda item: item.code)  # the batch import opens its own page (test_batch_import_window)
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
    subtitle = page.findChild(type(page.submit_hint), "pageSubtitle")
    assert subtitle is not None and form.time_limit_basis in subtitle.text() and "None" not in subtitle.text()
    if form.time_limit_working_days is not None:
        assert f"{form.time_limit_working_days} 个工作日" in subtitle.text()
    assert (page.rule_panel is not None) == (form.panel is not None)
