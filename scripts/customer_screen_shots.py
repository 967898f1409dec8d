"""Screenshots of the applicant's screen beside the clerk's window, each on its own display.

    xvfb-run -a -s "-screen 0 1366x768x24 -screen 1 1024x768x24" .venv/bin/python scripts/customer_screen_shots.py OUT
    xvfb-run -a -s "-screen 0 1600x1000x24 -screen 1 1366x768x24" .venv/bin/python scripts/customer_screen_shots.py OUT

(run with QT_QPA_PLATFORM=xcb). The clerk's window is maximised on the first display, the customer screen
covers the second (``customer_screen = "auto"``). Saved: the customer screen's welcome, the welcome with an
item chosen, a form being filled (with an agent), the rating panel and a poor rating's reasons, each named
with the applicant display's size, and the clerk's window at the same moments, named with its size.
Throwaway data directory, a file keyring, the reference central server as a child process.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.customer_screen import CustomerScreen, make_customer_screen
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, tear_down
from app.ui.rating_panel import RatingPanel
from app.ui.session_host import SessionHost, show_maximised
from app.ui.theme import Look, apply_look, current_look
from central.process import CentralServerProcess
from central.signing import generate, keyring_backend
from central.store import add_terminal
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def size_of(screen: QScreen) -> str:
    return f"{screen.size().width()}x{screen.size().height()}"


def shoot(screen: QScreen, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    screen.grabWindow(0).save(str(path))
    print(path.resolve(), flush=True)


def main(out: Path) -> int:
    app = make_application()
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        print("run under an X server with two screens (see the docstring)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(root / "central.sqlite3", "SHOT-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))
        with CentralServerProcess.start(root / "central.sqlite3", stderr_path=root / "central.log",
                                        extra_args=("--keyring-dir", str(root / "central-keyring"))) as server:
            settings = Settings(central_url=server.base_url, terminal_id="SHOT-01",
                                central_signing_key=signer.public_key_text(),
                                office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                customer_screen="auto",
                                devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
            terminal = build_terminal(settings, store)
            try:
                add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                          roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
                customer = make_customer_screen(settings.customer_screen)
                assert customer is not None
                host = SessionHost(terminal, OpRunner(app), present=show_maximised, quit=lambda: None,
                                   customer=customer)
                window = host.start(verify_clerk(terminal.db, "1001", "screenshot-pass"))
                assert isinstance(window, MainWindow)
                walk(window, customer, screens[0], screens[1], out)
                last = host.close()
                host.ops.wait()
                tear_down(app, *([last] if last is not None else []))
            finally:
                terminal.close()
    return 0


def walk(window: MainWindow, customer: CustomerScreen, clerk: QScreen, applicant: QScreen, out: Path) -> None:
    at, clerk_at = size_of(applicant), size_of(clerk)
    pump(1500)
    shoot(applicant, out / f"screen-customer-welcome-{at}.png")
    shoot(clerk, out / f"screen-clerk-home-{clerk_at}.png")

    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    pump(500)
    shoot(applicant, out / f"screen-customer-item-chosen-{at}.png")

    page = window.form_page
    assert page is not None
    view = page.view
    for key, value in (("id_number", "11010519491231002X"), ("name", "李秀英"), ("ethnicity", "01"),
                       ("phone", "13800138000"), ("household_address", "陕西省铜川市王益区红旗街1号"),
                       ("address", "陕西省铜川市王益区红旗街1号"), ("household_type", "urban"),
                       ("insured_category", "employee"), ("employer_code", "61020200001"),
                       ("work_start_date", "1968-07-01"), ("agent_name", "张三"), ("agent_relation", "child"),
                       ("agent_phone", "13912345678")):
        view.set_value(key, value)
    page.materials.waive("identity_document", "已由身份证阅读器读取并核验")
    pump(600)
    shoot(applicant, out / f"screen-customer-form-{at}.png")
    shoot(clerk, out / f"screen-clerk-form-{clerk_at}.png")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    normal = current_look(app)
    apply_look(app, Look(normal.scale, True))  # the applicant who needs it reads this screen too
    pump(600)
    shoot(applicant, out / f"screen-customer-form-contrast-{at}.png")
    apply_look(app, normal)
    pump(300)

    view.set_value("agent_name", "")
    view.set_value("agent_relation", "")
    view.set_value("agent_phone", "")
    pump(300)
    window.submit()  # the item asks for a signature: the pad opens on the applicant's screen first
    pump(600)
    dialog = page.signature.dialog
    assert dialog is not None
    shoot(applicant, out / f"screen-customer-sign-{at}.png")
    pad = dialog.panel.pad
    for row in (0.35, 0.6):
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(pad.width() * 0.2), int(pad.height() * row)))
        for step in range(1, 25):
            QTest.mouseMove(pad, QPoint(int(pad.width() * (0.2 + 0.025 * step)),
                                        int(pad.height() * (row + (0.1 if step % 3 else -0.1)))))
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           QPoint(int(pad.width() * 0.8), int(pad.height() * row)))
    pump(300)
    shoot(applicant, out / f"screen-customer-signed-{at}.png")
    dialog.panel.confirm_button.click()  # the applicant's 确认: the case is submitted without another click
    for _ in range(100):
        pump(100)
        if isinstance(customer.panel(), RatingPanel):
            break
    panel = customer.panel()
    assert isinstance(panel, RatingPanel), "no rating panel after the submit"
    pump(500)
    shoot(applicant, out / f"screen-customer-rating-{at}.png")
    shoot(clerk, out / f"screen-clerk-result-{clerk_at}.png")
    panel.choose(2)
    panel.reason_buttons["slow"].setChecked(True)
    pump(400)
    shoot(applicant, out / f"screen-customer-rating-reasons-{at}.png")
    panel.submit()
    pump(300)
    shoot(applicant, out / f"screen-customer-thanks-{at}.png")


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots")))
