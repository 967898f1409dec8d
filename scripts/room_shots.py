"""Every form page, the home page and the dialogs at the screen size the process runs under (issue 18, item 4).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/room_shots.py OUT_DIR PREFIX
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/room_shots.py OUT_DIR PREFIX

The window fills the screen (as maximised on a township laptop). A throwaway offline terminal with the
simulated document camera holds the sample retirement case; clerk 1001 (受理) walks the catalogue and
every form, clerk 1002 (复核) opens the case for review and read-only.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QComboBox

from app.demo_cases import retirement_case
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.usecases import record_item_use, set_favourite
from devices.sim.camera import SimulatedCameraBackend
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        camera = SimulatedCameraBackend()
        camera.camera().place_document(22, "id_front")
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off",
                                                                  camera="simulated")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False,
                                  camera_backend=camera)  # type: ignore[arg-type]
        try:
            front = add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            add_clerk(terminal.db, "1002", "李强", "review-pass", roles=frozenset({Role.REVIEW}))
            accepted = retirement_case(terminal, front)
            set_favourite(terminal, front, "retirement_approval", True)
            set_favourite(terminal, front, "personal_registration", True)
            for code in ("death_benefit", "personal_change", "retirement_approval"):
                record_item_use(terminal, front, code)
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(1200)
            print(save_screenshot(window, out / f"{prefix}-01-home.png"))
            for n, item in enumerate(i for i in terminal.catalogue if i.form_code):
                window.open_item(item)
                pump(500)
                print(save_screenshot(window, out / f"{prefix}-1{n}-form-{item.form_code}.png"))
            retirement = next(i for i in terminal.catalogue if i.code == "retirement_approval")
            window.open_item(retirement)
            page = window.form_page
            assert page is not None
            for key, value in {"id_type": "01", "id_number": "610202196503151236", "name": "王建国",
                               "insured_category": "employee", "retirement_type": "flexible_early",
                               "retirement_month": "2025-03", "work_start_date": "1985-07-01",
                               "contribution_months": "168", "avg_contribution_index": "1.15",
                               "account_balance": "86500"}.items():
                widget = page.view.widget(key)
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(widget.findData(value))
                else:
                    page.view.set_value(key, value)
            pump(500)
            print(save_screenshot(window, out / f"{prefix}-20-retirement-filled.png"))
            window.catalogue.reveal()
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-21-retirement-catalogue-open.png"))
            window.open_capture("identity_document")
            dialog = window.capture_dialog
            assert dialog is not None
            pump(2500)
            print(save_screenshot(dialog, out / f"{prefix}-30-capture.png"))
            dialog.reject()
            pump(300)
            window.close()
            ops.wait()
            reviewer = MainWindow(terminal, verify_clerk(terminal.db, "1002", "review-pass"), ops)
            reviewer.resize(screen.width(), screen.height())
            reviewer.show()
            pump(1000)
            reviewer.open_approval(accepted.view)
            approval = reviewer.approval_dialog
            assert approval is not None
            pump(2500)
            print(save_screenshot(approval, out / f"{prefix}-31-approval.png"))
            approval.reject()
            pump(300)
            reviewer.open_case(accepted.view)
            pump(2500)
            case_dialog = reviewer.case_dialog
            assert case_dialog is not None
            print(save_screenshot(case_dialog, out / f"{prefix}-32-case-view.png"))
            case_dialog.reject()
            reviewer.close()
            ops.wait()
            tear_down(app, reviewer)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "room"))
