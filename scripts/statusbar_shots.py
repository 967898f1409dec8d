"""The status bar at its longest, at 1366x768 and 1600x1000, 100/150/200 % text (issue 19 leftover).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/statusbar_shots.py OUT_DIR PREFIX [SCALES]

A throwaway terminal (file keyring, no devices started, no central system: the window then hears what
makes its status bar longest, through the same handlers the devices and the sync engine reach: the card
reader's service went away, the ID reader failed a read, the camera is ready at 13 megapixels, the
central system became unreachable, 12 cases wait to be sent, 3 for review, 2 were returned. Shot at
each scale; the full texts are in the tooltips.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.device_registry import CARD_READER, ID_READER, DeviceEvent, DeviceState
from app.queries import SyncStatus
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from core.errors import CardError, CentralUnreachable, DeviceDisconnected
from devices.camera.connection import Mode
from devices.camera.watch import CameraEvent
from local_db.clerks import Role, add_clerk, verify_clerk
from sync.events import Offline


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def longest_status(window: MainWindow) -> None:
    """Put the status bar into its longest state through the window's own event handlers."""
    window._on_device_event(DeviceEvent(device=CARD_READER, state=DeviceState.LOST, kind="service_down",
                                        error=DeviceDisconnected("pcscd stopped")))
    window._on_device_event(DeviceEvent(device=ID_READER, state=DeviceState.FAILED, error=CardError("checksum")))
    window._on_device_event(CameraEvent("opened", still_mode=Mode(4208, 3120)))
    window._on_sender_event(Offline(pending=12, error=CentralUnreachable("connection refused")))
    window._show_status(SyncStatus(pending=12, awaiting_review=3, returned=2,
                                   last_sync=datetime(2026, 12, 6, 23, 30, 1).astimezone(), last_error=None))


def main(out: Path, prefix: str, scales: list[int]) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                      roles=frozenset({Role.FRONT_DESK, Role.REVIEW, Role.SUPERVISOR, Role.AUDITOR}))
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(1200)
            longest_status(window)
            for scale in scales:
                window.a11y.set_scale(scale)
                window.go_home()
                pump(600)
                for text in window.status_strip.texts:
                    print(f"{scale} %: {text.objectName()}: {text.text()!r} "
                          f"({text.contentsRect().width()} px for {text.fontMetrics().horizontalAdvance(text.text())})")
                print(save_screenshot(window, out / f"{prefix}-{screen.width()}x{screen.height()}-{scale}.png"),
                      flush=True)
            window.a11y.set_scale(100)
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "statusbar",
                  [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 else [100, 150, 200]))
