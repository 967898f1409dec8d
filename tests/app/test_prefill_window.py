"""The lookup at the counter in the real window, against a real central process with a seeded registry.

A card read (the card reader's own event, published as the device layer publishes it) into an open form
looks the person up; the tests pick persons with the property they need from the central's registry
tables (``sicounter central seed``), so nothing here knows a value the registry did not make.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.device_registry import DeviceEvent, DeviceState
from app.terminal import Terminal
from app.ui.lookup_banner import OFFLINE_LINE
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from devices.card.sscard import SocialSecurityCardRecord
from local_db.clerks import Role, verify_clerk
from tests.app.conftest import CLERK, free_port

pytestmark = pytest.mark.e2e

#: small enough to seed in a second or two, large enough to hold every kind of person the tests pick
PERSONS, EMPLOYERS = 400, 20


@pytest.fixture
def seeded(central_db: Path, secrets_store: Any) -> Path:
    """The central database with its registry, seeded by the real command line (the terminal is enrolled)."""
    subprocess.run([sys.executable, "-m", "app", "central", "seed", "--db", str(central_db), "--persons",
                    str(PERSONS), "--employers", str(EMPLOYERS), "--seed", "7"], check=True, capture_output=True,
                   timeout=180)
    return central_db


def pick(db: Path, where: str, order: str = "id_number") -> dict[str, Any]:
    """One registry person matching ``where`` (SQL over registry_persons), the first by ID number, with the
    months their pension periods paid (实际缴费月数)."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(f"SELECT * FROM registry_persons p WHERE {where} ORDER BY {order} LIMIT 1").fetchone()
        assert row is not None, where
        paid = conn.execute("SELECT COALESCE(SUM(months), 0) FROM registry_contribution_periods "
                            "WHERE id_number = ? AND insurance = 'pension'", (row["id_number"],)).fetchone()[0]
    return dict(row) | {"paid_months": paid}


PAID = ("EXISTS (SELECT 1 FROM registry_contribution_periods c WHERE c.id_number = p.id_number "
        "AND c.insurance = 'pension')")


INSURED = ("EXISTS (SELECT 1 FROM registry_person_insurances i WHERE i.id_number = p.id_number "
           "AND i.status = 'insured') AND card_status = 'normal' AND benefit_status = 'none' AND phone IS NOT NULL "
           "AND address IS NOT NULL AND unit_number IS NOT NULL")


def card_of(person: dict[str, Any]) -> SocialSecurityCardRecord:
    """The person's social security card as the card layer decodes it."""
    return SocialSecurityCardRecord(
        card_number=person["card_number"] or "", card_id_code="610200D15600000500", region_code="610200",
        spec_version="3.00", issue_date=None, expiry_date=None, expired=False, ssn=person["id_number"],
        name=person["name"], name_raw=person["name"].encode("gbk"), name_undecodable=False, sex=person["sex"],
        ethnicity_code="01", birthplace_code=None, birth_date=date.fromisoformat(person["birth_date"]), apdu_count=14)


def read_card(terminal: Terminal, person: dict[str, Any]) -> None:
    terminal.events.publish(DeviceEvent(device="card_reader", state=DeviceState.READ, payload=card_of(person)))


@pytest.fixture
def window(qtbot: QtBot, seeded: Path, start_central: Any, make_terminal: Any) -> Iterator[MainWindow]:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    win = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    yield win
    win.detach()


def open_item(window: MainWindow, code: str) -> Any:
    window.open_item(next(i for i in window.terminal.catalogue if i.code == code))
    assert window.form_page is not None
    return window.form_page


def banner_text(page: Any) -> str:
    return str(page.lookup_slot.itemAt(0).widget().label.text())


def wait_answer(qtbot: QtBot, page: Any) -> None:
    qtbot.waitUntil(lambda: "正在查询" not in banner_text(page) and banner_text(page) != "", timeout=20000)


def test_a_card_read_fills_phone_address_and_employer_marked_as_the_central_systems(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, INSURED)
    page = open_item(window, "personal_registration")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    view = page.view
    assert view.value("phone") == person["phone"] and view.value("address") == person["address"]
    assert view.value("employer_code") == person["unit_number"]
    assert view.widget("phone").property("fromCentral") is True
    assert "已从中心系统（截至" in banner_text(page)
    provenance = view.provenance()
    assert provenance["from_central"]["phone"].startswith("中心系统（截至")  # type: ignore[index]
    assert provenance["lookups"]  # the lookup's id, kept with the case


def test_a_phone_the_clerk_typed_first_is_kept_and_one_changed_after_is_theirs(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, INSURED)
    page = open_item(window, "personal_registration")
    page.view.set_value("phone", "13900000001")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    assert page.view.value("phone") == "13900000001"
    assert page.view.value("address") == person["address"]
    page.view.set_value("address", "陕西省西安市雁塔区科技路 1 号")
    assert page.view.widget("address").property("fromCentral") is False
    assert "address" not in page.view.provenance().get("from_central", {})  # type: ignore[operator]


def test_a_second_registration_warns_and_asks_for_a_reason_at_submit(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, INSURED)
    page = open_item(window, "personal_registration")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    assert "已在中心系统参保登记" in banner_text(page)
    lookup = window.form_lookup
    assert lookup is not None
    asked: list[bool] = []
    assert page.before_submit(lambda: asked.append(True)) is False  # the dialog is open, nothing submitted
    dialog = lookup.dialog
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no second registration
    dialog.reason.setPlainText("灵活就业人员中断缴费后重新参保")
    ok.click()
    assert asked == [True]
    assert page.view.provenance()["duplicate_confirmed"] == {"reason": "灵活就业人员中断缴费后重新参保",
                                                              "clerk_id": CLERK.id}
    assert page.before_submit(lambda: None) is True  # asked once per form


def test_a_lost_card_read_at_the_window_stops_the_form(qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, "card_status = 'lost' AND card_number IS NOT NULL")
    page = open_item(window, "personal_change")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    assert "挂失" in banner_text(page) and "请持本人身份证办理补卡" in banner_text(page)
    assert page.stop is not None and not page.submit_button.isEnabled()
    assert page.stop.rstrip("。") in page.submit_hint.text()


def test_a_replaced_card_stops_the_form_too(qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, "card_status = 'replaced' AND card_number IS NOT NULL")
    page = open_item(window, "overpaid_refund")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    assert "补换" in banner_text(page) and page.stop is not None


def test_the_retirement_panel_counts_the_registrys_months_and_says_where_they_came_from(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    person = pick(seeded, f"benefit_status = 'none' AND card_status = 'normal' AND {PAID}",
                  "deemed_months DESC, id_number")  # months deemed too, where someone near retirement has them
    page = open_item(window, "retirement_approval")
    read_card(window.terminal, person)
    wait_answer(qtbot, page)
    view = page.view
    assert view.value("contribution_months") == str(person["paid_months"])
    assert view.value("deemed_contribution_months") == str(person["deemed_months"])
    total = person["paid_months"] + person["deemed_months"]
    assert f"{total} 个月" in page.rule_panel.row_texts()["累计缴费（含视同）"]
    sources = page.rule_panel.source_texts()
    assert sources["实际缴费月数"].startswith("中心系统（截至")
    view.set_value("contribution_months", str(person["paid_months"] + 12))  # the clerk's own figure
    assert page.rule_panel.source_texts()["实际缴费月数"] == "手工填写"


def test_the_survivor_panel_gets_the_deceaseds_pension_months(qtbot: QtBot, window: MainWindow,
                                                              seeded: Path) -> None:
    applicant = pick(seeded, "card_status = 'normal' AND benefit_status = 'none'")
    deceased = pick(seeded, "benefit_status = 'deceased' AND monthly_pension_fen IS NOT NULL "
                            "AND pension_paid_until IS NOT NULL")
    page = open_item(window, "death_benefit")
    read_card(window.terminal, applicant)
    wait_answer(qtbot, page)
    page.view.set_value("deceased_id_number", deceased["id_number"])
    qtbot.waitUntil(lambda: page.view.value("pension_paid_until") != "", timeout=20000)
    assert page.view.value("deceased_name") == deceased["name"]
    assert page.view.value("pension_paid_until") == deceased["pension_paid_until"]
    assert page.view.value("was_pensioner") == "yes" and page.view.value("pension_months") != ""
    sources = page.rule_panel.source_texts()
    assert sources["已领取养老金月数"].startswith("中心系统（截至")


def test_offline_one_quiet_line_and_the_form_goes_on_with_the_card(qtbot: QtBot, make_terminal: Any,
                                                                   seeded: Path) -> None:
    terminal = make_terminal(f"http://127.0.0.1:{free_port()}", start_sender=False, central_timeout=2.0)
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    person = pick(seeded, INSURED)
    page = open_item(window, "personal_registration")
    read_card(terminal, person)
    qtbot.waitUntil(lambda: OFFLINE_LINE in banner_text(page), timeout=20000)
    assert page.view.value("name") == person["name"] and page.view.value("phone") == ""
    assert page.stop is None and page.before_submit(lambda: None) is True
    window.detach()


def test_a_late_answer_for_a_form_closed_meanwhile_is_dropped(qtbot: QtBot, window: MainWindow,
                                                              seeded: Path) -> None:
    person = pick(seeded, INSURED)
    first = open_item(window, "personal_registration")
    read_card(window.terminal, person)
    first_lookup = window.form_lookup
    window.current_card = None  # the next form opens without the card
    second = open_item(window, "pension_transfer_provincial")
    qtbot.waitUntil(lambda: window.ops.pending() == 0, timeout=20000)
    assert first_lookup is not None and first_lookup.central == {}  # its answer came to a form no longer shown
    assert second.view.value("phone") == "" and not second.lookup_slot.itemAt(0).widget().isVisible()
    assert first is not second


def test_a_late_answer_for_the_person_read_before_is_dropped(qtbot: QtBot, window: MainWindow,
                                                              seeded: Path) -> None:
    first = pick(seeded, INSURED)
    second = pick(seeded, f"{INSURED} AND id_number > '{first['id_number']}' AND phone != '{first['phone']}'")
    page = open_item(window, "personal_change")
    read_card(window.terminal, first)
    read_card(window.terminal, second)  # the next applicant's card before the first answer came
    qtbot.waitUntil(lambda: window.ops.pending() == 0, timeout=20000)
    assert page.view.value("name") == second["name"] and page.view.value("phone") == second["phone"]
    assert len(window.form_lookup.lookup_ids) == 1  # type: ignore[union-attr]  # the first answer was dropped


def test_the_reviewer_sees_a_value_the_central_system_filled_as_its(make_terminal: Any) -> None:
    from app import queries, usecases
    from app.casefile import OriginKind
    from app.demo_cases import PROVENANCE, RETIREMENT_CASE
    from forms.definitions import load_form
    from local_db.clerks import add_clerk
    from tests.app.samples import SIGNATURE

    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    add_clerk(terminal.db, "2002", "复核柜员", "pass-2002-x", roles=frozenset({Role.REVIEW}))
    provenance = {**PROVENANCE, "from_central": {"phone": "中心系统（截至 2026-12-06）"}, "lookups": ["x"]}
    form = load_form("retirement_approval")
    waivers = {m.key: "原件当场查验无误，不另留存" for m in form.materials if m.is_required(RETIREMENT_CASE)}
    request = usecases.SubmitRequest(CLERK, form, RETIREMENT_CASE, provenance=provenance, waivers=waivers,
                                     signature=SIGNATURE)
    sid = usecases.submit_application(terminal, request).view.id
    case = queries.case_file(terminal, verify_clerk(terminal.db, "2002", "pass-2002-x"), sid)
    assert (case.field("phone").origin.kind, case.field("phone").origin.label) == (
        OriginKind.CENTRAL, "中心系统（截至 2026-12-06）")
    assert case.field("bank_name").origin.kind is OriginKind.TYPED


def pick_unit(db: Path, where: str) -> dict[str, Any]:
    """One registry employer matching ``where`` (SQL over registry_employers), the first by unit number."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(f"SELECT * FROM registry_employers WHERE {where} ORDER BY unit_number LIMIT 1").fetchone()
    assert row is not None, where
    return dict(row)


def type_and_leave(qtbot: QtBot, page: Any, key: str, value: str) -> None:
    """Type a value into a line edit and press Enter (its editingFinished, as leaving the field gives)."""
    from PySide6.QtCore import Qt

    editor = page.view.widget(key)
    editor.setFocus()
    editor.clear()
    qtbot.keyClicks(editor, value)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_typed_unit_number_fills_the_units_codes_and_name_on_an_employer_item(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    unit = pick_unit(seeded, "status = 'normal' AND arrears_fen = 0")
    page = open_item(window, "employer_change")
    type_and_leave(qtbot, page, "unit_number", unit["unit_number"])
    wait_answer(qtbot, page)
    view = page.view
    assert view.value("credit_code") == unit["uscc"] and view.value("employer_name") == unit["name"]
    assert view.widget("credit_code").property("fromCentral") is True
    text = banner_text(page)
    assert "正常参保" in text and "已从中心系统（截至" in text
    assert page.stop is None
    assert view.provenance()["from_central"]["employer_name"].startswith("中心系统")  # type: ignore[index]


def test_a_cancelled_unit_stops_a_base_declaration(qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    unit = pick_unit(seeded, "status = 'cancelled'")
    page = open_item(window, "contribution_base")
    type_and_leave(qtbot, page, "unit_number", unit["unit_number"])
    qtbot.waitUntil(lambda: page.stop is not None, timeout=20000)
    assert "已在中心系统注销" in page.stop and "已在中心系统注销" in banner_text(page)
    assert not page.submit_button.isEnabled()
    type_and_leave(qtbot, page, "unit_number", pick_unit(seeded, "status = 'normal'")["unit_number"])
    qtbot.waitUntil(lambda: page.stop is None and "正常参保" in banner_text(page), timeout=20000)
    # what the first unit filled went with it; the second's is there
    assert page.view.value("employer_name") != unit["name"]


def test_an_unknown_unit_number_is_said_and_a_credit_code_alone_finds_the_unit(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    page = open_item(window, "employer_change")
    type_and_leave(qtbot, page, "unit_number", "99999999999")
    wait_answer(qtbot, page)
    assert "中心系统中没有该单位的参保登记记录" in banner_text(page)
    unit = pick_unit(seeded, "status = 'normal'")
    type_and_leave(qtbot, page, "unit_number", "")
    type_and_leave(qtbot, page, "credit_code", unit["uscc"])
    qtbot.waitUntil(lambda: page.view.value("unit_number") == unit["unit_number"], timeout=20000)
    assert page.view.value("employer_name") == unit["name"]


def test_offline_an_employer_item_gets_one_quiet_line(qtbot: QtBot, make_terminal: Any, seeded: Path) -> None:
    terminal = make_terminal(f"http://127.0.0.1:{free_port()}", start_sender=False, central_timeout=2.0)
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    page = open_item(window, "employer_change")
    type_and_leave(qtbot, page, "unit_number", pick_unit(seeded, "status = 'normal'")["unit_number"])
    qtbot.waitUntil(lambda: "未能连接中心系统查询单位登记" in banner_text(page), timeout=20000)
    assert page.view.value("employer_name") == "" and page.stop is None
    window.detach()


def test_a_new_units_registration_does_not_look_its_credit_code_up(
        qtbot: QtBot, window: MainWindow, seeded: Path) -> None:
    """单位参保登记 registers a unit not yet known: "not registered" would be the wrong thing to say there."""
    page = open_item(window, "employer_registration")
    type_and_leave(qtbot, page, "credit_code", pick_unit(seeded, "status = 'normal'")["uscc"])
    qtbot.wait(1500)
    assert banner_text(page) == "" and page.view.value("employer_name") == "" and page.stop is None
