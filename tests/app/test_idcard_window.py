"""The resident ID card in the real window: pyserial on a real pseudo-terminal -> our SAM simulator.

Laying an ID card on the reader fills the open form (address included); with
the agent button armed, the next card fills the 代办人 section instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.ui.ops import OpRunner
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data

from .test_e2e_registration import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def id_reader() -> Iterator[SimulatedIdReader]:
    reader = SimulatedIdReader().start()
    yield reader
    reader.stop()


def identity(name: str) -> Identity:
    return Identity.from_dict(sample_identity_data(name))


def test_id_card_fills_the_form_and_the_agent_section(qtbot: QtBot, make_terminal,  # type: ignore[no-untyped-def]
                                                      id_reader: SimulatedIdReader) -> None:
    terminal = make_terminal("http://127.0.0.1:9", id_reader="real", id_reader_port=id_reader.port)
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=15000)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None
    view = page.view

    applicant = identity("zhang_wei")
    id_reader.lay(applicant)
    qtbot.waitUntil(lambda: view.value("id_number") == applicant.id_number, timeout=15000)
    assert view.value("name") == applicant.name
    assert view.value("household_address") == applicant.address  # the card's address is the 户籍地址
    assert view.value("ethnicity") == applicant.ethnicity_code
    assert view.value("sex") == ("male" if applicant.sex_code == "1" else "female")
    name = view.widget("name")
    assert isinstance(name, QLineEdit) and name.isReadOnly()
    assert "居民身份证" in page.card_label.text()
    assert view.provenance()["from_device"]["household_address"] == "居民身份证"

    # the same card lying there is not read again; a different person's card after lifting is
    id_reader.lift()
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=15000)
    assert page.agent_button is not None
    qtbot.mouseClick(page.agent_button, Qt.MouseButton.LeftButton)
    agent = identity("chan_ka_yan")  # a Hong Kong resident acting as agent, with a residence permit
    id_reader.lay(agent)
    qtbot.waitUntil(lambda: view.value("agent_id_number") == agent.id_number, timeout=15000)
    assert view.value("agent_name") == agent.name
    assert view.value("id_number") == applicant.id_number  # the applicant is untouched
    assert "代办人：已读取港澳台居民居住证" in page.card_label.text()
    ops.wait()


def test_failed_id_read_is_said_and_fills_nothing(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    from devices.sim.idcard import IdFaults

    reader = SimulatedIdReader(faults=IdFaults(read_fail=-1)).start()  # every read answers 41
    try:
        terminal = make_terminal("http://127.0.0.1:9", id_reader="real", id_reader_port=reader.port)
        ops = OpRunner()
        window = sign_in(qtbot, terminal, ops)
        window.catalogue.search_edit.setText("grcbdj")
        window.catalogue._choose_first()
        page = window.form_page
        assert page is not None
        qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=15000)
        reader.lay(identity("zhang_wei"))
        qtbot.waitUntil(lambda: window.notice.property("tone") == "error" and window.notice.isVisible(),
                        timeout=15000)
        assert "身份证" in window.notice.label.text()
        assert page.view.value("id_number") == ""
        ops.wait()
    finally:
        reader.stop()
