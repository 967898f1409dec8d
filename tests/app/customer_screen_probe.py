"""Run the real counter window with the customer screen on whatever X display ``DISPLAY`` names, and print
where each window ended up as JSON (``test_customer_screen_displays.py`` runs this in a subprocess under an
Xvfb with one or two screens).

    python tests/app/customer_screen_probe.py MODE DATA_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication, QScreen

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.customer_screen import make_customer_screen
from app.ui.main_window import MainWindow
from app.ui.qt_app import make_application, tear_down
from app.ui.session_host import SessionHost, show_maximised
from local_db.clerks import ClerkInfo, Role, add_clerk

ID_NUMBER = "11010519491231002X"
CLERK = ClerkInfo("1001", "测试柜员", frozenset({Role.FRONT_DESK}))


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def rect(screen: QScreen | None) -> list[int] | None:
    if screen is None:
        return None
    g = screen.geometry()
    return [g.x(), g.y(), g.width(), g.height()]


def main(mode: str, data_dir: Path) -> int:
    app = make_application()
    settings = Settings(terminal_id="PROBE-01", office_name="测试大厅", data_dir=data_dir,
                        customer_screen=mode,  # type: ignore[arg-type]
                        devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))
    terminal = build_terminal(settings, SecretStore(file_keyring(data_dir / "keyring")), start_sender=False)
    add_clerk(terminal.db, CLERK.id, CLERK.name, "probe-pass-1", roles=CLERK.roles)
    customer = make_customer_screen(settings.customer_screen)
    host = SessionHost(terminal, _runner(), present=show_maximised, quit=lambda: None, customer=customer)
    window = host.start(CLERK)
    assert isinstance(window, MainWindow)
    window.open_item(next(i for i in terminal.catalogue if i.code == "personal_registration"))
    page = window.form_page
    assert page is not None
    page.view.set_value("id_number", ID_NUMBER)
    page.view.set_value("name", "李秀英")
    pump(800)
    screens = QGuiApplication.screens()
    out: dict[str, object] = {
        "screens": [rect(s) for s in screens],
        "main_screen": screens.index(window.screen()) if window.screen() in screens else None,
    }
    if customer is not None:
        out |= {"customer_screen": screens.index(customer.screen()), "customer_rect": rect(customer.screen()),
                "customer_geometry": [customer.geometry().x(), customer.geometry().y(), customer.width(),
                                      customer.height()],
                "full_screen": customer.isFullScreen(), "visible": customer.isVisible(),
                "shows_name": "李秀英" in customer.shown_text(),
                "shows_full_id": ID_NUMBER in customer.shown_text()}
    print(json.dumps(out), flush=True)
    last = host.close()
    host.ops.wait()
    terminal.close()
    tear_down(app, *([last] if last is not None else []))
    return 0


def _runner():  # type: ignore[no-untyped-def]
    from app.ui.ops import OpRunner

    return OpRunner()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
