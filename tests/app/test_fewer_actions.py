"""What the clerk no longer enters at the window: 常住地址 from the ID card, 参保身份 from the base typed.

The real window with the simulated ID card reader on a pseudo-terminal; nothing here is timed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.ui.ops import OpRunner
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data

from .test_e2e_registration import choose, sign_in


@pytest.fixture
def id_reader() -> Iterator[SimulatedIdReader]:
    reader = SimulatedIdReader().start()
    yield reader
    reader.stop()


def test_a_card_read_before_the_item_suggests_the_address_and_puts_the_cursor_in_the_phone(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal, id_reader: SimulatedIdReader) -> None:
    terminal = make_terminal("http://127.0.0.1:9", id_reader="real", id_reader_port=id_reader.port)
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=15000)
    applicant = Identity.from_dict(sample_identity_data("zhang_wei"))
    id_reader.lay(applicant)
    qtbot.waitUntil(lambda: window.current_card is not None, timeout=15000)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None
    view = page.view
    assert view.value("household_address") == applicant.address
    assert view.value("address") == applicant.address  # suggested: the same unless the clerk changes it
    address = view.widget("address")
    assert isinstance(address, QLineEdit) and not address.isReadOnly()
    assert "已按证件预填（可修改）：常住地址" in page.card_label.text()
    # the window's focus child (whether or not the test platform made the window active)
    qtbot.waitUntil(lambda: window.focusWidget() is view.widget("phone"), timeout=5000)
    ops.wait()


def test_no_employer_means_a_flexible_worker_and_an_employer_code_an_employee(  # type: ignore[no-untyped-def]
        qtbot: QtBot, make_terminal) -> None:
    terminal = make_terminal("http://127.0.0.1:9")
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None
    view = page.view
    base = view.widget("contribution_base")
    assert isinstance(base, QLineEdit)
    employer = view.widget("employer_code")
    assert isinstance(employer, QLineEdit)
    assert view.value("insured_category") == "flexible"  # no employer named: registers as a flexible worker
    qtbot.keyClicks(employer, "61020200001")
    assert view.value("insured_category") == "employee"  # an employer's code implies an employee
    employer.clear()
    assert view.value("insured_category") == "flexible"  # the implication goes with the value that made it
    choose(view.widget("insured_category"), "employee")  # type: ignore[arg-type]
    qtbot.keyClicks(employer, "6")
    employer.clear()
    assert view.value("insured_category") == "employee"  # a choice the clerk made is never changed
    ops.wait()
