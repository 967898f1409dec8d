"""The 办事指南 and the 一次性告知书, for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/guide_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline): the retirement item's guide opened from the catalogue, the
registration form's guide, then a registration with the identity document missing and an agent named:
the 一次性告知 dialog, and the printed notice (its first page as an image, 150 dpi).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.document_render import document_image, guide_document, notice_document
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
            pump(800)
            retirement = next(i for i in terminal.catalogue if i.form_code == "retirement_approval")
            window.show_guide(retirement)
            pump(800)
            assert window.guide_dialog is not None
            print(save_screenshot(window.guide_dialog, out / f"{prefix}-guide-catalogue.png"))
            guide_image = document_image(guide_document(window.guide_dialog.guide, terminal.settings.office_name))
            guide_image.save(str(out / f"{prefix}-guide-printed.png"))
            window.guide_dialog.reject()
            registration = next(i for i in terminal.catalogue if i.form_code == "personal_registration")
            window.open_item(registration)
            page = window.form_page
            assert page is not None
            for key, value in (("id_number", "11010519491231002X"), ("name", "李秀英"), ("phone", "13800138000"),
                               ("agent_name", "王强")):
                page.view.set_value(key, value)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-form-buttons.png"))
            page.show_guide()
            pump(800)
            assert page.guide_dialog is not None
            print(save_screenshot(page.guide_dialog, out / f"{prefix}-guide-form.png"))
            page.guide_dialog.reject()
            window.inform()
            pump(800)
            dialog = window.inform_dialog
            assert dialog is not None
            dialog.note.setPlainText("户口簿原件请本人携带")
            pump(300)
            print(save_screenshot(dialog, out / f"{prefix}-inform-dialog.png"))
            dialog.confirm_button.click()
            for _ in range(50):
                pump(100)
                if window.last_notice is not None:
                    break
            assert window.last_notice is not None
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-inform-print.png"))
            if window.notice_print_dialog is not None:
                window.notice_print_dialog.reject()
            image = document_image(notice_document(window.last_notice))
            image.save(str(out / f"{prefix}-notice-printed.png"))
            print(out / f"{prefix}-notice-printed.png")
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-after-inform.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "guide"))
