"""Large text, high contrast and the shortcut overview (issue 19, item 4), at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/a11y_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline, no devices); clerk 1001 (受理 and 复核) opens the window. Shot:
the home page and a registration form at 150 % and 200 %, the form in high contrast at 150 %, the records
page at 200 % (it scrolls sideways), and the 快捷键 overview (Ctrl+/).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(1200)
            registration = next(i for i in terminal.catalogue if i.code == "personal_registration")

            def shoot(name: str) -> None:
                pump(500)
                print(save_screenshot(window, out / f"{prefix}-{name}.png"), flush=True)

            for scale in (150, 200):
                window.a11y.set_scale(scale)
                window.go_home()
                shoot(f"home-{scale}")
                window.open_item(registration)
                page = window.form_page
                assert page is not None
                page.view.set_value("id_number", "11010519491231002X")
                page.view.set_value("name", "李秀英")
                page.view.set_value("phone", "1380013")  # half typed: the field says what is wrong
                shoot(f"form-{scale}")
            window.open_records()
            shoot("records-200")
            window.a11y.set_scale(150)
            window.a11y.set_high_contrast(True)
            window.open_item(registration)
            page = window.form_page
            assert page is not None
            page.view.set_value("name", "李秀英")
            page.view.set_value("phone", "1380013")
            page.view.widget("address").setFocus()
            shoot("contrast-form-150")
            window.go_home()
            shoot("contrast-home-150")
            window.a11y.set_high_contrast(False)
            window.a11y.set_scale(100)
            window.a11y.show_shortcuts()
            shoot("shortcuts")
            window.a11y.set_scale(150)
            shoot("shortcuts-150")
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "a11y"))
