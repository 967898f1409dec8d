"""A provisional due date (预计) on the result page and in the case view, at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/due_date_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline) takes the sample retirement case as if on Sunday 20 December
2026 (20 working days: the due date falls in 2027, whose holiday schedule the shipped data lacks). The
result page shows its receipt; then the records list opens it read-only.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.demo_cases import retirement_case
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
            front = add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                              roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            accepted = retirement_case(terminal, front, now=datetime(2026, 12, 20, 1, 0, tzinfo=UTC))
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window._submitted(accepted)  # the page the clerk sees right after submitting
            pump(1200)
            print(save_screenshot(window, out / f"{prefix}-result.png"))
            window.open_case(accepted.view)
            pump(2500)
            case_dialog = window.case_dialog
            assert case_dialog is not None
            print(save_screenshot(case_dialog, out / f"{prefix}-case.png"))
            case_dialog.reject()
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "duedate"))
