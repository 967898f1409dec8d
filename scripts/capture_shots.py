"""Capture without clicks (issue 19 item 7): the countdown ring, the ID card's back prompt, the result.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/capture_shots.py OUT_DIR PREFIX
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/capture_shots.py OUT_DIR PREFIX

A throwaway offline terminal with the simulated document camera; clerk 1001 opens 个人参保登记 and
the ID card is laid under the camera. The dialog's clock is slowed (a frame counts 0.03 s) so that the
ring is caught part-way; everything else is the real dialog and the real preview detection.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.scans import scan_options
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.capture_dialog import CaptureDialog
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from devices.sim.camera import SimulatedCameraBackend
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def pump_until(condition: object, limit_ms: int = 30000) -> bool:
    waited = 0
    while not condition() and waited < limit_ms:  # type: ignore[operator]
        pump(20)
        waited += 20
    return bool(condition())  # type: ignore[operator]


class SlowClock:
    """Each preview frame counts ``step`` seconds: the 0.7 s hold lasts long enough to be photographed."""

    def __init__(self, step: float) -> None:
        self.step, self.now = step, 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def main(out: Path, prefix: str) -> int:
    app = make_application()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        camera = SimulatedCameraBackend()
        desk = camera.camera()
        desk.place(None)
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off",
                                                                  camera="simulated")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False,
                                  camera_backend=camera)  # type: ignore[arg-type]
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window.catalogue.search_edit.setText("grcbdj")
            window.catalogue._choose_first()
            pump(500)
            page = window.form_page
            assert page is not None

            # the ID card under the camera; the dialog (slow clock) counts down on the front
            window.desk_watch.follow(False)
            dialog = CaptureDialog(terminal, ops, page.form.materials, "identity_document", scan_options(terminal),
                                   parent=window, clock=SlowClock(0.03), close_after_ms=None)
            window.capture_dialog = dialog
            dialog.attached.connect(page.materials.follow("identity_document"))
            dialog.open()
            pump(1200)
            print(save_screenshot(dialog, out / f"{prefix}-capture-01-place-front.png"))
            desk.place_document(41, "id_front")
            pump_until(lambda: 0.35 < (dialog.preview.progress or 0.0) < 0.75)
            print(save_screenshot(dialog, out / f"{prefix}-capture-02-countdown.png"))
            pump_until(lambda: "已拍人像面" in dialog.status.text() and dialog.busy() == 0)
            pump(600)
            print(save_screenshot(dialog, out / f"{prefix}-capture-03-turn-over.png"))
            desk.place_document(42, "id_back")
            pump_until(lambda: dialog.page_list.count() == 1 and dialog.busy() == 0)
            pump(600)
            print(save_screenshot(dialog, out / f"{prefix}-capture-04-id-copy-attached.png"))
            dialog.accept()
            window.capture_dialog = None
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-capture-05-form-with-id-copy.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "shot"))
