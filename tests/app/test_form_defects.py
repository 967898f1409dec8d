"""Two defects found when the window was tried as a new user would (issue 18, item 7):
the mouse wheel changed combo boxes it passed over, and the status line did not say what was missing."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from forms.catalogue import load_catalogue

from .conftest import CLERK

#: an ID number whose check digit is right (the standard's worked example)
GOOD_ID = "11010519491231002X"


def open_form(qtbot: QtBot, make_terminal, code: str,  # type: ignore[no-untyped-def]
              size: tuple[int, int] = (1366, 768)) -> tuple[MainWindow, FormPage]:
    terminal = make_terminal("http://127.0.0.1:9")
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.open_item(next(i for i in load_catalogue() if i.code == code))
    page = window.form_page
    assert page is not None
    qtbot.waitUntil(lambda: window.ops.pending() == 0)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, page


def wheel_down(widget: QWidget, steps: int = 1) -> None:
    """A real wheel event over the middle of ``widget``, one notch (120) down per step."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    for _ in range(steps):
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)


def test_wheel_over_an_unfocused_combo_scrolls_the_form_and_keeps_its_value(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window, page = open_form(qtbot, make_terminal, "personal_registration", (1024, 600))
    combo = page.view.widget("household_type")
    assert isinstance(combo, QComboBox)
    page.view.set_value("household_type", "urban")
    window.catalogue.search_edit.setFocus()  # the focus is elsewhere, the pointer over the combo
    bar = page.view.verticalScrollBar()
    assert bar.maximum() > 0, "the form must be taller than its viewport for this test to mean anything"
    bar.setValue(0)

    wheel_down(combo, 3)

    assert page.view.value("household_type") == "urban"
    assert bar.value() > 0


def test_wheel_over_a_focused_combo_still_changes_it(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "personal_registration")
    combo = page.view.widget("household_type")
    assert isinstance(combo, QComboBox)
    page.view.set_value("household_type", "urban")
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)

    wheel_down(combo)

    assert page.view.value("household_type") == "rural"


def test_field_combos_do_not_take_focus_from_the_wheel(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "retirement_approval")
    combos = [w for w in page.view.findChildren(QComboBox)]
    assert combos
    assert all(c.focusPolicy() == Qt.FocusPolicy.StrongFocus for c in combos)


def test_status_line_names_the_missing_fields(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "personal_registration")
    page.view.set_value("name", "张三")
    page.view.set_value("id_number", GOOD_ID)
    page.view.set_value("ethnicity", page.view.widget("ethnicity").itemData(1))  # type: ignore[union-attr]
    page.view.set_value("insured_category", "flexible")
    page.view.set_value("address", "某县某镇")

    text = page.submit_hint.text()

    assert "请按提示填写完整表单" not in text
    assert text.startswith("还需填写：联系电话")
    assert "姓名" not in text and "公民身份号码" not in text  # given
    assert "性别" not in text  # worked out from the ID number


def test_status_line_names_a_wrong_check_digit(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "personal_registration")
    page.view.set_value("id_number", GOOD_ID[:17] + "1")

    text = page.submit_hint.text()

    assert "公民身份号码：第18位校验码" in text
    assert GOOD_ID[:17] not in text  # never the number itself


def test_status_line_shortens_a_long_list_with_a_count(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "personal_registration")
    problems = page.view.problems()
    empty_required = [f.label for f in page.form.fields() if f.key in problems and not f.derived_from]
    assert len(empty_required) > 4

    text = page.submit_hint.text()

    assert f"等{len(empty_required)}项" in text
    assert "、".join(empty_required[:4]) in text and empty_required[4] not in text


def test_status_line_names_missing_materials(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "retirement_approval")
    missing = page.materials.missing()
    assert missing

    assert "尚缺材料：" + missing[0].name in page.submit_hint.text()


def test_status_line_follows_a_field_filled_and_cleared(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    _window, page = open_form(qtbot, make_terminal, "personal_registration")
    phone = page.view.widget("phone")
    assert isinstance(phone, QLineEdit)
    phone.setText("13800000000")
    assert "联系电话" not in page.submit_hint.text()
    phone.clear()
    assert "联系电话" in page.submit_hint.text()


def test_wheel_over_a_date_box_in_any_scrolling_dialog_scrolls_it(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    window, _page = open_form(qtbot, make_terminal, "personal_registration")
    area = QScrollArea()  # a dialog's scrolling content, built without any guard of its own
    qtbot.addWidget(area)
    body = QWidget()
    column = QVBoxLayout(body)
    date_box = QDateEdit(QDate(2026, 12, 7))
    column.addWidget(date_box)
    column.addSpacing(2000)
    area.setWidget(body)
    area.resize(400, 300)
    area.show()
    qtbot.waitExposed(area)
    window.activateWindow()  # the focus is in the main window, the pointer over the date box

    wheel_down(date_box, 2)

    assert date_box.date() == QDate(2026, 12, 7)
    assert area.verticalScrollBar().value() > 0
