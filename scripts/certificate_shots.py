"""The certificate screen (参保证明打印, 缴费证明打印) and the PDF page it issues, for review at the screen size the
process runs under.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/certificate_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring) against a reference central process on loopback whose registry is the
synthetic one ``central seed`` makes (300 persons). Clerk 1001 (受理) reads an employee's card, issues a 参保证明
and a 缴费证明 over ten years (each page rasterised by PDFium as well), fills the agent part of a third, then
issues once more with the central system stopped.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from sqlalchemy import select

from app.cards import IdentityReading
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.certificate_page import CertificatePage
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from central.models import PersonRecordRow
from central.process import CentralServerProcess
from central.registry_seed import seed_registry
from central.store import CentralStore, add_terminal
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(done: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        pump(100)


def save_pdf_page(pdf: bytes, path: Path) -> Path:
    """The PDF's page as PDFium draws it (what a reader of the file sees), at 110 dpi."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    page.render(scale=110 / 72).to_pil().save(path)
    return path


def registry(central_db: Path) -> tuple[IdentityReading, IdentityReading]:
    """Seed the registry; an employee with a valid card, and another person to act as their agent."""
    with CentralStore.open(central_db) as store:
        seed_registry(store, persons=300, employers=20, seed=7)
        with store.reading() as session:
            people = list(session.scalars(select(PersonRecordRow).where(
                PersonRecordRow.insured_category == "employee", PersonRecordRow.card_status == "normal",
                PersonRecordRow.benefit_status == "none").order_by(PersonRecordRow.id_number).limit(2)))
    holder, agent = people
    return (IdentityReading(source="社保卡", name=holder.name, id_number=holder.id_number),
            IdentityReading(source="居民身份证", name=agent.name, id_number=agent.id_number))


def open_item(window: MainWindow, code: str) -> CertificatePage:
    window.open_item(next(i for i in window.terminal.catalogue if i.code == code))
    page = window.stack.currentWidget()
    assert isinstance(page, CertificatePage)
    return page


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        central_db = root / "central.sqlite3"
        card, agent = registry(central_db)
        server = CentralServerProcess.start(central_db, stderr_path=root / "central.log")
        secrets = SecretStore(file_keyring(root / "keyring"))
        secrets.set_terminal_token(add_terminal(central_db, "SHOT-01"))
        terminal = build_terminal(Settings(central_url=server.base_url, terminal_id="SHOT-01",
                                           office_name="铜川市社会保险经办中心", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  secrets, start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
            ops = OpRunner(app)
            window = MainWindow(terminal, clerk, ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(600)
            window._identity_read(card)
            page = open_item(window, "insurance_certificate_print")
            page.purpose_edit.setText("购房")
            pump(500)
            print(save_screenshot(window, out / f"{prefix}-insurance-read.png"))
            page.issue_button.click()
            wait_for(lambda: page.certificate is not None)
            pump(500)
            print(save_screenshot(window, out / f"{prefix}-insurance-issued.png"))
            if page.certificate is not None:
                print(save_pdf_page(page.certificate.pdf, out / f"{prefix}-insurance-pdf.png"))

            page = open_item(window, "payment_certificate_print")
            page.start_edit.setDate(page.end_edit.date().addYears(-10))
            page.insurance_boxes["injury"].setChecked(False)
            page.insurance_boxes["maternity"].setChecked(False)
            page.issue_button.click()
            wait_for(lambda: page.certificate is not None)
            pump(500)
            print(save_screenshot(window, out / f"{prefix}-payment-issued.png"))
            if page.certificate is not None:
                print(save_pdf_page(page.certificate.pdf, out / f"{prefix}-payment-pdf.png"))

            window.current_card = None
            page = open_item(window, "insurance_certificate_print")
            page.agent_box.setChecked(True)
            page.subject_edit.setText(card.id_number)
            page.arm_agent(True)
            window._identity_read(agent)
            page.relation_box.setCurrentIndex(page.relation_box.findData("child"))
            pump(400)
            print(save_screenshot(window, out / f"{prefix}-agent.png"))

            window.current_card = card
            page = open_item(window, "payment_certificate_print")
            window.a11y.set_scale(150)  # large text (issue 19): the screen must still fit 1366x768
            pump(800)
            print(save_screenshot(window, out / f"{prefix}-payment-150.png"))
            window.a11y.set_scale(100)
            pump(400)

            server.stop()
            page = open_item(window, "insurance_certificate_print")
            window._identity_read(card)
            page.issue_button.click()
            wait_for(lambda: "未能连接" in page.problem_label.text())
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-offline.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "certs"))
