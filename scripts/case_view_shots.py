"""The reviewer's case view with its scans, for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/case_view_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline) holds the sample retirement case (``app/demo_cases.py``):
card read with a corrected name, the agent read from her ID card, two photographed materials, one
waiver. Clerk 1002 (复核) opens it for review; then the records list opens an accepted case read-only.
"""

from __future__ import annotations

import sys
import tempfile
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
            front = add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            add_clerk(terminal.db, "1002", "李强", "review-pass", roles=frozenset({Role.REVIEW}))
            accepted = retirement_case(terminal, front)
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1002", "review-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window.open_approval(accepted.view)
            dialog = window.approval_dialog
            assert dialog is not None and dialog.case_view is not None
            pump(2500)
            print(save_screenshot(dialog, out / f"{prefix}-review.png"))
            view = dialog.case_view
            view.reveal("id_number")
            view.open_scan("authorisation")
            pump(1000)
            view.scans.show_page(1)
            pump(600)
            print(save_screenshot(dialog, out / f"{prefix}-review-revealed.png"))
            view.open_scan("identity_document")
            pump(800)
            view.scans._zoom(1)
            pump(800)
            print(save_screenshot(dialog, out / f"{prefix}-review-idcopy-zoomed.png"))
            dialog.reject()
            pump(300)
            window.open_case(accepted.view)
            pump(2500)
            case_dialog = window.case_dialog
            assert case_dialog is not None
            print(save_screenshot(case_dialog, out / f"{prefix}-records-case.png"))
            bar = case_dialog.view.details_area.verticalScrollBar()
            bar.setValue(bar.maximum())
            pump(300)
            print(save_screenshot(case_dialog, out / f"{prefix}-records-case-materials.png"))
            case_dialog.reject()
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "caseview"))
