"""Under an ID-number field the window names the region the number's first six digits stand for, once the
number is whole and valid, so the clerk can confirm it with the applicant (a transposed digit in the region
part often still makes a valid number); it goes away while the number is incomplete or wrong."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.terminal import Terminal
from forms.idnumber import check_character

from .test_required_in_window import form_page


def test_the_region_shows_under_a_valid_number_and_goes_with_it(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = form_page(qtbot, make_terminal, "personal_registration")
    note = page.view.findChild(QLabel, "note_id_number")
    assert note is not None and note.isHidden()
    page.view.set_value("id_number", "3604261984")  # incomplete
    assert note.isHidden()
    page.view.set_value("id_number", "36042619840101001" + check_character("36042619840101001"))
    assert not note.isHidden() and note.text() == "号码归属地：江西省九江市德安县"
    page.view.set_value("id_number", "36042619840101001" + ("1" if check_character("36042619840101001") != "1"
                                                           else "2"))  # wrong check character
    assert note.isHidden()
    page.view.set_value("id_number", "11010519491231002X")
    assert not note.isHidden() and note.text() == "号码归属地：北京市朝阳区"


def test_the_agents_number_has_its_own_note(qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    page = form_page(qtbot, make_terminal, "personal_registration")
    note = page.view.findChild(QLabel, "note_agent_id_number")
    assert note is not None
    page.view.set_value("agent_id_number", "36042619840101001" + check_character("36042619840101001"))
    assert not note.isHidden() and "德安县" in note.text()
