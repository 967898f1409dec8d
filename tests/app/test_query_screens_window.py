"""The query screens in the real window (issue 20), through a real central process with a seeded registry.

个人一站式查询 by an ID card on the simulated reader (pyserial on a real pseudo-terminal) and by a typed number
with a reason; a lost card in red; the full number shown only on request and audited; 单位一站式查询 by credit
code; 人员信息核验 一致 and 不一致; 死亡上报查询 of a deceased person; offline; and every tile opens a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget
from pytestqt.qtbot import QtBot

from app.person_query import Focus
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.person_query_page import PersonQueryPage
from app.ui.query_common import Banner, QueryScreen
from central.process import CentralServerProcess
from core.errors import mask_id_number
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data
from local_db.audit import AuditAction, AuditQuery
from tests.central.registry_helpers import employer_where, person_where, seed_db

from .conftest import CLERK, CentralKey, make_central_key

pytestmark = pytest.mark.e2e
WAIT = 20000
#: the counter's date in these tests (the window's ``today``)
TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def central_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded registry for the module (each test has its own terminal, token and trail)."""
    db = tmp_path_factory.mktemp("queries") / "central.sqlite3"
    seed_db(db, persons=300, employers=20)
    return db


@pytest.fixture(scope="module")
def central_key(tmp_path_factory: pytest.TempPathFactory) -> CentralKey:
    return make_central_key(tmp_path_factory.mktemp("central-keyring"))


@pytest.fixture(scope="module")
def server(central_db: Path, central_key: CentralKey,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServerProcess]:
    started = CentralServerProcess.start(central_db, stderr_path=tmp_path_factory.mktemp("log") / "central.log",
                                         extra_args=central_key.serve_args())
    yield started
    started.stop()


@pytest.fixture
def id_reader() -> Iterator[SimulatedIdReader]:
    reader = SimulatedIdReader().start()
    yield reader
    reader.stop()


def registry_person(central_db: Path, id_number: str) -> dict[str, str]:
    from sqlalchemy import select

    from central.models import PersonRecordRow
    from central.store import CentralStore

    with CentralStore.open(central_db) as store, store.reading() as session:
        row = session.scalar(select(PersonRecordRow).where(PersonRecordRow.id_number == id_number))
        assert row is not None
        return {"name": row.name, "sex": row.sex, "birth_date": row.birth_date}


def id_card(central_db: Path, id_number: str, **changes: str) -> Identity:
    """The resident ID card of a registered person, as the simulated reader lays it (``changes``: a forged one)."""
    person = registry_person(central_db, id_number)
    data = sample_identity_data("zhang_wei") | {
        "name": person["name"], "id_number": id_number, "sex_code": "1" if person["sex"] == "male" else "2",
        "birth_date": person["birth_date"].replace("-", "")}
    return Identity.from_dict(data | changes)


def open_tile(window: MainWindow, code: str) -> QueryScreen:
    item = next(i for i in window.terminal.catalogue if i.code == code)
    window.open_item(item)
    screen = window.query_screen
    assert screen is not None and window.stack.currentWidget() is screen
    return screen


def typed_query(qtbot: QtBot, screen: QueryScreen, key: str, reason: str) -> None:
    screen.entry.setText(key)
    screen.search_button.click()
    dialog = screen.reason_dialog
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no reason, no query
    dialog.note.setText("查")
    assert not ok.isEnabled()
    dialog.note.setText(reason)
    assert ok.isEnabled()
    ok.click()


def shown_text(screen: QueryScreen) -> str:
    from PySide6.QtWidgets import QLabel

    labels = screen.findChildren(QLabel)
    return "\n".join(label.text() for label in labels if label.isVisibleTo(screen))


def table_column(screen: QueryScreen, name: str, column: int) -> list[str]:
    table = screen.findChild(QTableWidget, name)
    assert table is not None
    return [table.item(r, column).text() for r in range(table.rowCount())]


@pytest.fixture
def window(qtbot: QtBot, make_terminal: Any, server: CentralServerProcess) -> Iterator[MainWindow]:
    terminal = make_terminal(server.base_url, start_sender=False)
    ops = OpRunner()
    win = MainWindow(terminal, CLERK, ops, today=lambda: TODAY)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    ops.wait()


def test_person_query_by_id_card_shows_the_registry_record(qtbot: QtBot, make_terminal: Any,
                                                           server: CentralServerProcess, central_db: Path,
                                                           id_reader: SimulatedIdReader) -> None:
    terminal = make_terminal(server.base_url, id_reader="real", id_reader_port=id_reader.port, start_sender=False)
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=WAIT)
    number = person_where(central_db, insured_category="employee", card_status="normal", benefit_status="none")
    screen = open_tile(window, "personal_query")
    id_reader.lay(id_card(central_db, number))
    qtbot.waitUntil(lambda: "已查询到" in screen.banner.headline.text(), timeout=WAIT)
    text = shown_text(screen)
    assert registry_person(central_db, number)["name"] in text
    assert mask_id_number(number) in text and number not in text
    assert "企业职工基本养老保险" in table_column(screen, "insuranceTable", 0)
    assert table_column(screen, "periodTable", 0)  # the contribution history is listed
    found, _n = terminal.audit.search(terminal.db, AuditQuery(actions=frozenset({AuditAction.LOOKUP.value})))
    assert [entry.detail.get("reason") for entry in found] == ["id_card_read"]
    ops.wait()


def test_person_query_by_typed_number_insists_on_a_reason(qtbot: QtBot, window: MainWindow,
                                                          central_db: Path) -> None:
    number = person_where(central_db, card_status="normal")
    screen = open_tile(window, "personal_query")
    typed_query(qtbot, screen, number, "本人到场，未带证件")
    qtbot.waitUntil(lambda: "已查询到" in screen.banner.headline.text(), timeout=WAIT)
    found, _n = window.terminal.audit.search(window.terminal.db,
                                             AuditQuery(actions=frozenset({AuditAction.LOOKUP.value})))
    assert [entry.detail.get("reason") for entry in found] == ["typed"]


def test_a_mistyped_number_is_refused_before_any_lookup(window: MainWindow) -> None:
    screen = open_tile(window, "personal_query")
    screen.entry.setText("110101196503070015")
    screen.search_button.click()
    assert screen.reason_dialog is None
    assert screen.entry_problem.text()


def test_a_lost_card_is_red_on_the_person_query(qtbot: QtBot, window: MainWindow, central_db: Path) -> None:
    number = person_where(central_db, card_status="lost")
    screen = open_tile(window, "personal_query")
    typed_query(qtbot, screen, number, "核实社保卡状态")
    qtbot.waitUntil(lambda: "已查询到" in screen.banner.headline.text(), timeout=WAIT)
    card = screen.findChild(Banner, "queryCardBanner")
    assert card is not None and card.property("tone") == "error"
    assert "已挂失" in card.headline.text()


def test_the_full_number_is_shown_only_on_request_and_audited(qtbot: QtBot, window: MainWindow,
                                                              central_db: Path) -> None:
    number = person_where(central_db, card_status="normal")
    screen = open_tile(window, "personal_query")
    assert isinstance(screen, PersonQueryPage)
    typed_query(qtbot, screen, number, "本人到场，未带证件")
    qtbot.waitUntil(lambda: screen.reveal_button is not None, timeout=WAIT)
    assert number not in shown_text(screen)
    assert screen.reveal_button is not None
    screen.reveal_button.click()
    qtbot.waitUntil(lambda: number in shown_text(screen), timeout=WAIT)
    found, _n = window.terminal.audit.search(window.terminal.db,
                                             AuditQuery(actions=frozenset({AuditAction.SHOW_ID_NUMBER.value})))
    assert len(found) == 1 and found[0].detail == {"screen": "personal_query"}
    assert found[0].person_key is not None


def test_employer_query_by_credit_code(qtbot: QtBot, window: MainWindow, central_db: Path) -> None:
    unit = employer_where(central_db, status="normal")
    screen = open_tile(window, "employer_query")
    typed_query(qtbot, screen, unit.uscc, "单位经办人持介绍信办理")
    qtbot.waitUntil(lambda: "已查询到" in screen.banner.headline.text(), timeout=WAIT)
    text = shown_text(screen)
    assert unit.name in text and unit.unit_number in text
    ids = table_column(screen, "staffTable", 1)
    assert ids and all("*" in masked for masked in ids)


def test_verification_of_an_id_card_that_matches_the_registry(qtbot: QtBot, make_terminal: Any,
                                                              server: CentralServerProcess, central_db: Path,
                                                              id_reader: SimulatedIdReader) -> None:
    terminal = make_terminal(server.base_url, id_reader="real", id_reader_port=id_reader.port, start_sender=False)
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=WAIT)
    screen = open_tile(window, "identity_verification")
    good = person_where(central_db, card_status="normal", benefit_status="none")
    id_reader.lay(id_card(central_db, good))
    qtbot.waitUntil(lambda: "核验结果" in screen.banner.headline.text(), timeout=WAIT)
    assert screen.banner.headline.text() == "核验结果：一致"
    assert set(table_column(screen, "verificationTable", 3)) == {"✔ 一致"}

    id_reader.lift()
    qtbot.waitUntil(lambda: "就绪" in window.device_indicators["id_reader"].full_text(), timeout=WAIT)
    other = person_where(central_db, card_status="lost")
    id_reader.lay(id_card(central_db, other, name="冒名"))
    qtbot.waitUntil(lambda: "不一致" in screen.banner.headline.text(), timeout=WAIT)
    results = dict(zip(table_column(screen, "verificationTable", 0), table_column(screen, "verificationTable", 3),
                       strict=True))
    assert results["姓名"] == "✘ 不一致" and results["社保卡状态"] == "✘ 不一致"
    assert results["出生日期"] == "✔ 一致"
    ops.wait()


def test_death_report_query_of_a_deceased_person(qtbot: QtBot, window: MainWindow, central_db: Path) -> None:
    number = person_where(central_db, benefit_status="deceased")
    screen = open_tile(window, "death_report_query")
    assert isinstance(screen, PersonQueryPage) and screen.focus is Focus.DEATH
    typed_query(qtbot, screen, number, "家属前来办理丧葬补助金")
    qtbot.waitUntil(lambda: "死亡上报查询" in screen.banner.headline.text(), timeout=WAIT)
    assert "已有死亡上报记录" in screen.banner.headline.text()
    assert screen.banner.property("tone") == "error"


def test_queries_offline_say_the_central_system_is_needed(qtbot: QtBot, make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False, central_timeout=2.0)
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops, today=lambda: TODAY)
    qtbot.addWidget(window)
    screen = open_tile(window, "employer_query")
    typed_query(qtbot, screen, "61020000123", "单位经办人持介绍信办理")
    qtbot.waitUntil(lambda: "需要连接中心系统" in screen.banner.headline.text(), timeout=WAIT)
    assert "本机不保存" in screen.banner.body.text()
    assert screen.banner.property("tone") == "warn"
    ops.wait()


def test_every_tile_opens_a_form_or_a_working_screen(window: MainWindow) -> None:
    for item in window.terminal.catalogue:
        window.go_home()
        window.open_item(item)
        current = window.stack.currentWidget()
        assert current is not window.home, item.code
        assert current in (window.query_screen, window.form_page, getattr(window, "certificate_page", None),
                           getattr(window, "batch_page", None)), item.code
    window.go_home()
    assert window.query_screen is None  # leaving a query drops what it showed


def test_one_query_tile_opens_straight_from_another(window: MainWindow) -> None:
    first = open_tile(window, "personal_query")
    second = open_tile(window, "employer_query")
    assert window.stack.indexOf(first) == -1 and window.stack.currentWidget() is second
    third = open_tile(window, "employer_query")  # the same tile again: a fresh screen
    assert third is not second and window.stack.indexOf(second) == -1


def test_a_card_read_before_the_screen_is_offered_not_looked_up(qtbot: QtBot, window: MainWindow,
                                                               central_db: Path) -> None:
    from tests.app.query_samples import reading

    number = person_where(central_db, card_status="normal")
    window._identity_read(reading(id_number=number))  # the card read on the home page, before the tile
    screen = open_tile(window, "personal_query")
    assert screen.read_button.isVisible() or screen.read_button.isVisibleTo(screen)
    assert screen.banner.isHidden()  # nothing was looked up unasked
    screen.read_button.click()
    qtbot.waitUntil(lambda: "已查询到" in screen.banner.headline.text(), timeout=WAIT)


def unit_with_staff_due(central_db: Path, through: str) -> tuple[str, str, int]:
    """(unit number, name, how many due) of the first unit with staff due by ``through``."""
    from sqlalchemy import select

    from central.models import EmployerRecordRow
    from central.query_api import due_persons
    from central.store import CentralStore

    with CentralStore.open(central_db) as store, store.reading() as session:
        for unit in session.scalars(select(EmployerRecordRow).order_by(EmployerRecordRow.unit_number)):
            due = due_persons(session, unit.unit_number, through)
            if due:
                return unit.unit_number, unit.name, len(due)
    raise AssertionError("no unit with staff due")


def test_age_confirmation_of_a_unit_lists_its_staff_due(qtbot: QtBot, window: MainWindow, central_db: Path) -> None:
    from app.retirement_due import through_month
    from app.ui.age_confirmation_page import AgeConfirmationPage

    screen = open_tile(window, "age_confirmation_query")
    assert isinstance(screen, AgeConfirmationPage)
    screen.horizon.setCurrentIndex(screen.horizon.findData(24))
    unit_number, name, count = unit_with_staff_due(central_db, through_month(TODAY, 24))
    typed_query(qtbot, screen, unit_number, "单位经办人持介绍信办理")
    qtbot.waitUntil(lambda: screen.due is not None and not screen.busy, timeout=WAIT)
    assert name in screen.banner.headline.text() and f"{count} 人" in screen.banner.headline.text()
    masked = table_column(screen, "dueTable", 1)
    assert len(masked) == count and all("*" in m for m in masked)


def test_age_confirmation_of_a_person_answers_first(qtbot: QtBot, window: MainWindow, central_db: Path) -> None:
    number = person_where(central_db, benefit_status="none", card_status="normal")
    screen = open_tile(window, "age_confirmation_query")
    typed_query(qtbot, screen, number, "本人到场，未带证件")
    qtbot.waitUntil(lambda: screen.banner.headline.text().startswith("到龄确认查询："), timeout=WAIT)
    assert "法定退休年龄" in screen.banner.body.text()
