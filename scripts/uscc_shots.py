"""Credit codes and ID numbers checked against python-stdnum's tables, in the form (issue 20, item 6).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/uscc_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline, no devices); clerk 1001 opens 单位参保登记 and types a credit
code with a wrong check character and a legal representative's ID number whose place code does not exist;
the fields say which character is wrong. Shot at the screen's size.
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
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(1000)
            item = next(i for i in terminal.catalogue if i.form_code == "employer_registration")
            window.open_item(item)
            page = window.form_page
            assert page is not None
            page.view.set_value("credit_code", "91110000600037341M")  # the check character should be L
            page.view.set_value("legal_rep_id_number", "990426199112010074")  # no province 99
            page.view.set_value("employer_name", "铜川市某机械有限公司")
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-{screen.width()}x{screen.height()}.png"), flush=True)
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "uscc"))
