"""Home-visit mode (上门服务) with old reference data, at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/home_visit_shots.py OUT_DIR PREFIX

A throwaway laptop (file keyring, a central address nothing answers at: it is out at an applicant's home)
last checked its reference data nine days ago, more than the default seven of ``reference_warn_days``. The
clerk has switched home-visit mode on for 城关镇幸福村 and taken the sample retirement case with an agent.
Shots: the home page with the badge and the amber age warning, the age's tooltip, the result page, the
records list (［上门］), switching the mode on again (the place dialog), and the receipt as printed.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QTimer
from PySide6.QtWidgets import QToolTip

from app.demo_cases import retirement_case
from app.receipt_render import receipt_image
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.usecases.home_visit import switch_home_visit
from local_db import syncstate
from local_db.clerks import Role, add_clerk, verify_clerk
from sync.reference import VERSION


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        secrets = SecretStore(file_keyring(root / "keyring"))
        secrets.set_terminal_token("screenshot-token")  # a sender that finds no network: offline, as out on a visit
        now = datetime.now(UTC)
        terminal = build_terminal(Settings(central_url="http://127.0.0.1:9", terminal_id="LAPTOP-07",
                                           office_name="城关镇社会保障服务所", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  secrets, start_retention=False)
        try:
            front = add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                              roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            syncstate.set_values(terminal.db, {
                syncstate.REFERENCE_CHECKED: (now - timedelta(days=9)).isoformat(timespec="seconds"),
                VERSION + "forms": "3", VERSION + "holidays": "2", VERSION + "figures-61": "4"})
            switch_home_visit(terminal, front, True, "城关镇幸福村")
            accepted = retirement_case(terminal, front, now=now)
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(2500)
            print(save_screenshot(window, out / f"{prefix}-home.png"))
            label = window.home_visit.age_label
            QToolTip.showText(label.mapToGlobal(QPoint(0, -8)), label.toolTip(), label)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-age-tooltip.png"))
            QToolTip.hideText()
            window._submitted(accepted)  # the page the clerk sees right after submitting
            pump(1200)
            print(save_screenshot(window, out / f"{prefix}-result.png"))
            window.open_records()
            pump(1500)
            print(save_screenshot(window, out / f"{prefix}-records.png"))
            window.go_home()
            window.home_visit.switch(False)  # back at the office; then leaving again: the dialog
            for _ in range(50):
                pump(200)
                state = window.home_visit.state
                if state is not None and not state.visit.on:
                    break
            window.home_visit.badge.click()
            pump(800)
            dialog = window.home_visit.dialog
            assert dialog is not None
            dialog.place_edit.setText("城关镇红旗社区")
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-switch-on.png"))
            dialog.reject()
            path = out / f"{prefix}-receipt.png"
            receipt_image(accepted.receipt, dpi=110).save(str(path))
            print(path.resolve())
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "visit"))
