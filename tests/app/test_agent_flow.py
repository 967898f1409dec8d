"""Issue 19 item 5: the agent (代办人) flow through the submit use case, the receipt, the case file and view,
and the window's card path (a real simulated ID reader on a pseudo-terminal, the agent armed by F7).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app import usecases
from app.casefile import OriginKind, build_case_file
from app.demo_cases import AGENT_ID as DEMO_AGENT_ID
from app.demo_cases import retirement_case
from app.receipt_render import receipt_pdf
from app.terminal import Terminal
from app.ui.case_view import CaseView
from app.ui.operations import OpContext
from app.ui.ops import OpRunner
from app.ui.pages import AGENT_READ_KEY
from app.ui.shortcuts import SHORTCUTS
from app.usecases.receipts import saved_receipt
from core.errors import ValidationError
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data
from forms.definitions import load_form
from forms.idnumber import check_character
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.forms.test_form_items import VALID

from .samples import REGISTRATION, SIGNATURE, WAIVER
from .test_e2e_registration import CLERK, sign_in
from .test_receipt_render import pdf_pages

AGENT_ID = "61020319900708242" + check_character("61020319900708242")
AGENT = {"agent_name": "王小梅", "agent_id_number": AGENT_ID, "agent_relation": "child"}
#: every required material waived with a reason: these tests are about the agent, not the camera
WAIVERS = {key: WAIVER for key in ("identity_document", "agent_identity_document", "authorisation")}
MASKED = AGENT_ID[:3] + "*" * 13 + AGENT_ID[-2:]


def submit(terminal: Terminal, values: dict[str, str], waivers: dict[str, str] | None = None,
           provenance: dict[str, Any] | None = None) -> usecases.Accepted:
    form = terminal.reference.form("personal_registration")
    return usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, values, provenance=provenance, waivers=WAIVERS if waivers is None else waivers,
        signature=SIGNATURE))


def test_submit_refuses_an_agent_without_a_relation(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(usecases.FormInvalid) as caught:
        submit(terminal, REGISTRATION | AGENT | {"agent_relation": ""})
    assert caught.value.problems == {"agent_relation": "请填写与申请人关系"}


def test_submit_refuses_an_agent_without_the_agents_id_copy(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    without_copy = {k: v for k, v in WAIVERS.items() if k != "agent_identity_document"}
    with pytest.raises(ValidationError) as caught:
        submit(terminal, REGISTRATION | AGENT, without_copy)
    assert caught.value.user_message == "缺少必需材料：代办人居民身份证（代办时）"


def test_submit_refuses_another_relative_without_the_authorisation(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    without = {k: v for k, v in WAIVERS.items() if k != "authorisation"}
    with pytest.raises(ValidationError) as caught:
        submit(terminal, REGISTRATION | AGENT | {"agent_relation": "relative"}, without)
    assert "授权委托书" in caught.value.user_message


def test_submit_accepts_a_guardian_with_the_guardianship_instead_of_the_authorisation(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    waivers = {k: v for k, v in WAIVERS.items() if k != "authorisation"} | {"guardianship_proof": WAIVER}
    accepted = submit(terminal, REGISTRATION | AGENT | {"agent_relation": "guardian"}, waivers)
    assert "（监护人，" in (accepted.receipt.agent_text() or "")


def test_the_receipt_pdf_says_who_acted_for_whom(qapp: QApplication, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, REGISTRATION | AGENT)
    [text] = pdf_pages(receipt_pdf(accepted.receipt))
    flat = re.sub(r"\s", "", text)
    assert f"代办人王小梅（子女，证件号码{MASKED}）代{REGISTRATION['name']}办理" in flat
    assert AGENT_ID not in flat


def test_a_reprinted_receipt_keeps_the_relation(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, REGISTRATION | AGENT)
    again = saved_receipt(terminal, CLERK, accepted.view.id)  # what a reprint prints
    assert again.agent_text() == accepted.receipt.agent_text()
    assert "（子女，" in (again.agent_text() or "")


def test_a_units_receipt_says_the_agent_acted_for_the_unit(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    form = terminal.reference.form("employer_registration")
    values = VALID["employer_registration"] | AGENT | {"agent_relation": "employer_staff"}
    waivers = {m.key: WAIVER for m in form.materials if m.is_required(values)}
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(CLERK, form, values, waivers=waivers))
    assert accepted.receipt.agent_text() == (f"代办人 王小梅（单位经办人，证件号码 {MASKED}）"
                                             f"代 {values['employer_name']} 办理")
    assert saved_receipt(terminal, CLERK, accepted.view.id).agent_text() == accepted.receipt.agent_text()


def test_a_typed_agent_id_is_recorded_as_typed(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, REGISTRATION | AGENT, provenance={"from_device": {}})
    case = build_case_file(accepted.view, load_form("personal_registration"))
    assert case.acting_for == f"代办人 王小梅（子女，证件号码 {MASKED}）代 {REGISTRATION['name']} 办理"
    assert case.agent_id_origin is not None and case.agent_id_origin.kind is OriginKind.TYPED


def test_a_case_without_an_agent_names_none(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    accepted = submit(terminal, REGISTRATION, {"identity_document": WAIVER})
    case = build_case_file(accepted.view, load_form("personal_registration"))
    assert case.acting_for is None and case.agent_id_origin is None
    assert accepted.receipt.agent_text() is None


def test_the_case_view_shows_who_acted_and_that_the_agents_id_was_read(qtbot: QtBot, make_terminal: Any) -> None:
    terminal: Terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    front = ClerkInfo("2001", "受理柜员", frozenset({Role.FRONT_DESK}))
    reviewer = ClerkInfo("2002", "复核柜员", frozenset({Role.REVIEW}))
    for clerk in (front, reviewer):
        add_clerk(terminal.db, clerk.id, clerk.name, f"pass-{clerk.id}-x", roles=clerk.roles)
    sid = retirement_case(terminal, front).view.id  # the demo case: the agent's ID card read by the reader
    ops = OpRunner()
    view = CaseView(OpContext(terminal, ops), reviewer, sid)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.case is not None, timeout=15000)
    masked = DEMO_AGENT_ID[:3] + "*" * 13 + DEMO_AGENT_ID[-2:]
    expected = f"代办人 王小梅（子女，证件号码 {masked}）代 王建国 办理；代办人证件号码：身份证阅读器"
    assert expected in [label.text() for label in view.findChildren(QLabel)]
    ops.wait()


# -- the card path in the window ------------------------------------------------------------------------

@pytest.fixture
def id_reader() -> Iterator[SimulatedIdReader]:
    reader = SimulatedIdReader().start()
    yield reader
    reader.stop()


@pytest.mark.e2e
def test_the_agents_id_card_read_after_f7_fills_the_agent_and_is_recorded(
        qtbot: QtBot, make_terminal: Any, id_reader: SimulatedIdReader) -> None:
    terminal = make_terminal("http://127.0.0.1:9", id_reader="real", id_reader_port=id_reader.port)
    ops = OpRunner()
    window = sign_in(qtbot, terminal, ops)
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=15000)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    page = window.form_page
    assert page is not None and page.agent_button is not None
    assert AGENT_READ_KEY == "F7" and "F7" in shortcut_keys("agent_card")  # bound once, by the registry
    assert "F7" in page.agent_button.text()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(page.view, Qt.Key.Key_F7)  # the key, not the button: every action reachable by keyboard
    qtbot.waitUntil(lambda: page.agent_armed, timeout=5000)
    agent = Identity.from_dict(sample_identity_data("zhang_wei"))
    id_reader.lay(agent)
    qtbot.waitUntil(lambda: page.view.value("agent_id_number") == agent.id_number, timeout=15000)
    assert page.view.value("agent_name") == agent.name and page.view.value("id_number") == ""
    provenance = page.view.provenance()
    assert provenance["from_device"] == {"agent_name": "居民身份证", "agent_id_number": "居民身份证"}  # type: ignore[comparison-overlap]
    values = page.view.values() | {k: v for k, v in REGISTRATION.items()} | {"agent_relation": "child"}
    accepted = submit(terminal, values, provenance=provenance)
    case = build_case_file(accepted.view, load_form("personal_registration"))
    assert case.agent_id_origin is not None and case.agent_id_origin.kind is OriginKind.ID_READER
    assert case.acting_for is not None and case.acting_for.startswith(f"代办人 {agent.name}（子女，证件号码 ")
    ops.wait()


def shortcut_keys(name: str) -> tuple[str, ...]:
    return next(s.keys for s in SHORTCUTS if s.action == name)
