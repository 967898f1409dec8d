"""Screenshots of the session screens (issue 16): the sign-in lockout, the lock screen, clerk management.

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/session_screenshots.py OUT_DIR [PREFIX]

A throwaway data directory with a file keyring; no central system (none is needed for these screens).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QComboBox, QWidget

from app import usecases
from app.secrets import SecretStore, file_keyring
from app.settings import Settings
from app.terminal import build_terminal
from app.ui.admin_window import AdminWindow
from app.ui.clerk_admin import CreateClerkDialog
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application
from app.ui.signin import SignInDialog
from devices.scan.pipeline import ColourMode, ScannedPage
from local_db.clerks import Role, add_clerk

OFFICE = "铜川市社会保险经办中心 · 3号窗口"


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(widget: QWidget, path: Path) -> None:
    pump(300)
    widget.grab().save(str(path))
    print(path)


def page(shade: int) -> ScannedPage:
    image = np.full((1100, 780, 3), shade, np.uint8)
    return ScannedPage(image=image, jpeg=cv2.imencode(".jpg", image)[1].tobytes(), dpi=100,
                       size_mm=(198.0, 279.0), mode=ColourMode.COLOUR)


def main(out: Path, prefix: str) -> int:
    app = make_application()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SecretStore(file_keyring(root / "keyring"))
        terminal = build_terminal(Settings(central_url="http://127.0.0.1:9", terminal_id="SHOT-01",
                                           office_name=OFFICE, data_dir=root / "data"), store, start_sender=False)
        try:
            clerk = add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                              roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            admin = add_clerk(terminal.db, "9001", "赵强", "admin-pass-1", roles=frozenset({Role.ADMIN}))
            add_clerk(terminal.db, "1002", "陈静", "second-pass-2", roles=frozenset({Role.REVIEW, Role.APPROVAL}))
            add_clerk(terminal.db, "1003", "刘洋", "third-pass-3", roles=frozenset({Role.AUDITOR}))
            add_clerk(terminal.db, "1004", "孙伟", "fourth-pass-4", roles=frozenset({Role.FRONT_DESK}))
            usecases.disable_clerk(terminal, admin, "1004")
            ops = OpRunner(app)

            # 1. the sign-in dialog after too many wrong passwords (an unknown number says the same)
            dialog = SignInDialog(terminal, ops, clerk_id="1002")
            dialog.resize(460, 360)
            dialog.show()
            for _ in range(terminal.settings.signin_max_failures):
                dialog.password_edit.setText("wrong-password")
                dialog._submit()
                while not dialog.button.isEnabled():
                    pump(50)
            shoot(dialog, out / f"{prefix}-signin-lockout.png")
            dialog.hide()

            # 2. an open form with personal data and scans, then the lock screen over it
            window = MainWindow(terminal, clerk, ops)
            window.resize(1440, 900)
            window.show()
            window.catalogue.search_edit.setText("grcbdj")
            window.catalogue._choose_first()
            form = window.form_page
            assert form is not None
            for key, value in (("id_number", "11010519491231002X"), ("name", "李秀英"), ("phone", "13800138000"),
                               ("address", "陕西省铜川市王益区红旗街1号")):
                form.view.set_value(key, value)
            combo = form.view.widget("ethnicity")
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(combo.findData("01"))
            form.materials.set_pages("identity_document", [page(235), page(225)])
            shoot(window, out / f"{prefix}-form-before-lock.png")
            window.guard.lock("idle")
            shoot(window, out / f"{prefix}-lock-screen.png")
            window.guard.lock_screen.password_edit.setText("wrong-password")
            window.guard.lock_screen._submit()
            while not window.guard.lock_screen.unlock_button.isEnabled():
                pump(50)
            shoot(window, out / f"{prefix}-lock-wrong-password.png")
            for _ in range(terminal.settings.signin_max_failures - 1):
                window.guard.lock_screen.password_edit.setText("wrong-password")
                window.guard.lock_screen._submit()
                while not window.guard.lock_screen.unlock_button.isEnabled():
                    pump(50)
            shoot(window, out / f"{prefix}-lock-lockout.png")
            window.detach()
            window.hide()

            # 3. the administrator's clerk management, and a refused creation
            admin_window = AdminWindow(terminal, admin, ops)
            admin_window.resize(1280, 760)
            admin_window.show()
            while len(admin_window.clerks.clerks) < 5:
                pump(50)
            admin_window.clerks.select("1002")
            shoot(admin_window, out / f"{prefix}-clerk-admin.png")
            admin_window.clerks.open_create()
            create = admin_window.clerks.dialog
            assert isinstance(create, CreateClerkDialog)
            create.id_edit.setText("1001")
            create.name_edit.setText("冒名者")
            create.password_edit.setText("1001")
            create.again_edit.setText("1001")
            create.role_checks.boxes[Role.REVIEW].setChecked(True)
            create._ok()
            while not create.buttons.isEnabled():
                pump(50)
            shoot(create, out / f"{prefix}-clerk-create-refused.png")
            create.password_edit.setText("another-pass-1")
            create.again_edit.setText("another-pass-1")
            create._ok()
            while not create.buttons.isEnabled():
                pump(50)
            shoot(create, out / f"{prefix}-clerk-create-taken.png")
            create.reject()
            admin_window.detach()
            ops.wait()
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "sessions"))
