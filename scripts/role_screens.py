"""Screenshots of the main window as each post sees it right after signing in (issue 16: the permission matrix).

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/role_screens.py OUT_DIR

A throwaway data directory with a file keyring and no central system; a front-desk clerk submits two cases,
then a window opens for an auditor-only clerk (稽核: the trail, no records list with names) and one for a
supervisor (业务主管: the records list, nothing to take or sign).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app import usecases
from app.demo_signature import demo_signature_png
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from forms.definitions import load_form
from local_db.clerks import Role

SIGNATURE = demo_signature_png()  # the demo applicant's signature (items that ask for one)

REGISTRATION = {"id_type": "01", "id_number": "11010519491231002X", "name": "李秀英", "ethnicity": "01",
                "phone": "13800138000", "address": "陕西省铜川市王益区红旗街1号", "insured_category": "employee",
                "employer_code": "61020200001", "work_start_date": "1968-07-01"}
OTHER = {**REGISTRATION, "id_number": "610202196503151236", "name": "王建国"}


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SecretStore(file_keyring(root / "keyring"))
        terminal = build_terminal(Settings(central_url="http://127.0.0.1:9", terminal_id="SHOT-01",
                                           office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  store, start_sender=False, start_devices=False)
        try:
            admin = usecases.init_admin(terminal, "9001", "系统管理员", "admin-pass-1")
            desk = usecases.create_clerk(terminal, admin, "1001", "张敏", "desk-pass-01", frozenset({Role.FRONT_DESK}))
            usecases.create_clerk(terminal, admin, "7001", "赵稽核", "audit-pass-1", frozenset({Role.AUDITOR}))
            usecases.create_clerk(terminal, admin, "8001", "钱主管", "super-pass-1", frozenset({Role.SUPERVISOR}))
            form = load_form("personal_registration")
            waiver = {"identity_document": "已由身份证阅读器读取并核验"}
            for values in (REGISTRATION, OTHER):
                usecases.submit_application(terminal, usecases.SubmitRequest(desk, form, values, waivers=waiver,
                    signature=SIGNATURE))
            ops = OpRunner(app)
            posts = (("7001", "audit-pass-1", "auditor"), ("8001", "super-pass-1", "supervisor"))
            for clerk_id, password, name in posts:
                clerk = usecases.sign_in(terminal, clerk_id, password)
                window = MainWindow(terminal, clerk, ops)
                window.resize(1366, 768)
                window.show()
                pump(1500)
                print(save_screenshot(window, out / f"{name}-window.png"))
                window.close()
                pump(200)
        finally:
            terminal.close()
    tear_down(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
