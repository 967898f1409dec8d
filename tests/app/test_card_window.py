"""The social security card in the real window: pyscard -> real pcscd -> vpcd -> our virtual card.

Inserting a card fills the open form and locks what it filled; the clerk may
correct it only with a reason, which travels with the submission; removing the
card or a failed read is said in plain Chinese.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.demo_devices import sample_holders
from app.ui.ops import OpRunner
from devices.sim.sscard import VirtualCard
from devices.sim.sscard_applet import Faults
from tests.app.samples import SIGNATURE

from .test_e2e_registration import WAIVER, fill_contact_and_insurance, sign_in, type_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def card_port(pcscd_vpcd: int) -> int:
    return pcscd_vpcd


@pytest.fixture
def cards(card_port: int) -> Iterator[list[VirtualCard]]:
    made: list[VirtualCard] = []
    yield made
    for card in made:
        card.remove()
        card.close()


def insert(cards: list[VirtualCard], port: int, holder: str = "李秀英", faults: Faults | None = None) -> VirtualCard:
    card = VirtualCard(sample_holders()[holder], faults, port=port)
    card.insert()
    cards.append(card)
    return card


def central_payloads(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "app", "central", "list-submissions", "--db", str(db), "--json",
                          "--include-payload"], capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def test_card_fills_locks_and_records_an_override(qtbot: QtBot, start_central, make_terminal, central_db,  # type: ignore[no-untyped-def]
                                                  cards, card_port) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, card_reader="auto")
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["card_reader"].full_text(), timeout=15000)

    # a card inserted on the home screen becomes the current applicant
    card = insert(cards, card_port)
    qtbot.waitUntil(lambda: window.current_card is not None, timeout=15000)
    assert "李秀英" in window.notice.label.text()

    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None
    view = page.view
    assert view.value("id_number") == "11010519491231002X" and view.value("name") == "李秀英"
    assert view.value("sex") == "female" and view.value("birth_date") == "1949-12-31"
    assert view.value("ethnicity") == "01"
    name = view.widget("name")
    assert isinstance(name, QLineEdit) and name.isReadOnly()
    assert page.card_banner.isVisible() and "申请人：已读取社保卡" in page.card_label.text()

    # correcting a card value needs a reason, which is recorded
    qtbot.mouseClick(page.override_button, Qt.MouseButton.LeftButton)
    dialog = page.override_dialog
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setPlainText("卡内姓名与身份证不一致，按身份证更正")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not name.isReadOnly()
    name.clear()
    type_text(qtbot, name, "李秀瑛")
    fill_contact_and_insurance(qtbot, page)
    page.signature.take(SIGNATURE)  # the applicant signs (issue 19)
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已受理" in window.result.status.text(), timeout=20000)

    [record] = central_payloads(central_db)
    payload = record["payload"]
    assert payload["name"] == "李秀瑛"
    provenance = payload["_provenance"]
    assert provenance["from_device"]["id_number"] == "社保卡"
    assert provenance["overrides"][0]["reason"] == "卡内姓名与身份证不一致，按身份证更正"
    assert "name" in provenance["overrides"][0]["fields"]
    assert payload["_waivers"] == {"identity_document": WAIVER}  # the reviewer sees why no copy was taken

    card.remove()
    qtbot.waitUntil(lambda: "拔出" in window.notice.label.text(), timeout=15000)
    assert window.current_card is None
    ops.wait()


def test_card_inserted_into_open_form_and_failed_read(qtbot: QtBot, make_terminal, cards, card_port) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9", card_reader="auto")
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["card_reader"].full_text(), timeout=15000)

    bad = insert(cards, card_port, faults=Faults(missing_app=True))
    qtbot.waitUntil(lambda: window.notice.isVisible() and "社保" in window.notice.label.text()
                    and window.notice.property("tone") == "error", timeout=15000)
    assert "读卡失败" in window.device_indicators["card_reader"].full_text()
    assert page.view.value("id_number") == ""  # nothing half-filled
    bad.remove()

    first = insert(cards, card_port, holder="王建国")
    qtbot.waitUntil(lambda: page.view.value("name") == "王建国", timeout=15000)
    assert page.view.value("sex") == "male"
    first.remove()

    # an agent (代办人) acting for the applicant: the next read fills the agent section only
    assert page.agent_button is not None
    qtbot.mouseClick(page.agent_button, Qt.MouseButton.LeftButton)
    assert page.agent_armed
    insert(cards, card_port, holder="李秀英")
    qtbot.waitUntil(lambda: page.view.value("agent_id_number") == "11010519491231002X", timeout=15000)
    assert page.view.value("agent_name") == "李秀英"
    assert page.view.value("name") == "王建国"  # the applicant is untouched
    assert not page.agent_armed  # one read only
    assert "代办人：已读取社保卡" in page.card_label.text() and "申请人：已读取社保卡" in page.card_label.text()
    agent_name = page.view.widget("agent_name")
    assert isinstance(agent_name, QLineEdit) and agent_name.isReadOnly()
    assert page.view.provenance()["from_device"]["agent_id_number"] == "社保卡"
    ops.wait()
