"""The certificate screen in the real window (issue 20): a card read before or after choosing 参保证明打印 is the
subject, 出具证明 shows the page issued by the real central process, 另存为PDF writes exactly the registered file;
an agent needs their own card and the authorisation; offline the screen says why nothing was issued."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from app.cards import IdentityReading
from app.terminal import Terminal
from app.ui.certificate_page import CertificatePage
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from central.process import CentralServerProcess
from tests.central.registry_rows import AGENT, HOLDER, add_registry

from .conftest import CLERK, free_port

CARD = IdentityReading(source="社保卡", name="王建国", id_number=HOLDER)
AGENT_CARD = IdentityReading(source="居民身份证", name="王小梅", id_number=AGENT)


def _window(qtbot: QtBot, terminal: Terminal) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _open(window: MainWindow, code: str) -> CertificatePage:
    item = next(i for i in window.terminal.catalogue if i.code == code)
    window.open_item(item)
    page = window.stack.currentWidget()
    assert isinstance(page, CertificatePage)
    return page


def test_the_card_read_first_is_the_subject_and_the_issued_page_is_saved_as_registered(
        qtbot: QtBot, start_central: Callable[..., CentralServerProcess], central_db: Path,
        make_terminal: Callable[..., Terminal], tmp_path: Path) -> None:
    add_registry(central_db)
    server = start_central()
    window = _window(qtbot, make_terminal(server.base_url, start_sender=False))
    window._identity_read(CARD)  # the card laid on the reader at the home page
    page = _open(window, "insurance_certificate_print")
    assert page.subject_edit.text() == HOLDER and page.issue_button.isEnabled()
    assert not page.print_button.isEnabled()
    page.issue_button.click()
    qtbot.waitUntil(lambda: page.certificate is not None, timeout=30000)
    assert page.certificate is not None and not page.preview.pixmap().isNull()
    assert page.certificate.code_text in page.problem_label.text()
    target = tmp_path / "saved.pdf"
    page.save_pdf(target)
    qtbot.waitUntil(target.is_file, timeout=15000)
    answer = httpx.post(f"{server.base_url}/verify/{page.certificate.code}", content=target.read_bytes(),
                        params={"format": "json"}).json()
    assert answer["result"] == "valid"
    assert not page.issue_button.isEnabled()  # issued once for this choice
    page.insurance_boxes["maternity"].setChecked(False)  # another choice: the shown certificate is put away
    assert page.certificate is None and page.preview.pixmap().isNull()
    assert page.issue_button.isEnabled() and not page.print_button.isEnabled()


def test_the_screen_refuses_without_the_persons_card_and_takes_an_authorised_agent(
        qtbot: QtBot, start_central: Callable[..., CentralServerProcess], central_db: Path,
        make_terminal: Callable[..., Terminal]) -> None:
    add_registry(central_db)
    server = start_central()
    window = _window(qtbot, make_terminal(server.base_url, start_sender=False))
    page = _open(window, "payment_certificate_print")
    assert not page.issue_button.isEnabled() and "本人" in page.problem_label.text()
    page.agent_box.setChecked(True)
    page.subject_edit.setText(HOLDER)
    assert "代办人" in page.problem_label.text()
    page.arm_agent(True)
    window._identity_read(AGENT_CARD)  # routed to the screen: the agent's read, armed
    assert page.agent_reading == AGENT_CARD and page.subject_edit.text() == HOLDER
    page.relation_box.setCurrentIndex(page.relation_box.findData("child"))
    assert "授权委托书" in page.problem_label.text() and not page.issue_button.isEnabled()
    page.authorisation_box.setChecked(True)
    assert page.issue_button.isEnabled()
    page.issue_button.click()
    qtbot.waitUntil(lambda: page.certificate is not None, timeout=30000)
    assert page.certificate is not None and page.certificate.presence == "agent"


def test_offline_the_screen_says_a_certificate_needs_the_central_system(
        qtbot: QtBot, make_terminal: Callable[..., Terminal]) -> None:
    window = _window(qtbot, make_terminal(f"http://127.0.0.1:{free_port()}", start_sender=False,
                                          central_timeout=2.0))
    page = _open(window, "insurance_certificate_print")
    window._identity_read(CARD)
    page.issue_button.click()
    qtbot.waitUntil(lambda: "未能连接中心系统" in page.problem_label.text(), timeout=20000)
    assert page.certificate is None and page.issue_button.isEnabled() and not page.save_button.isEnabled()

