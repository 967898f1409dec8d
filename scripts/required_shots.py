"""The fields a situation makes necessary (issue 18, item 7), at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/required_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline). Personal registration with 单位职工 chosen and the 单位编号
still empty (its star, the disabled submit and the line naming it); the retirement form for a woman
enterprise employee before her post is chosen (the panel says it cannot tell her age) and after
(工人岗位), scrolled so that the question and the panel are both in view.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QComboBox

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.form_view import FormView
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from forms.idnumber import check_character
from local_db.clerks import Role, add_clerk, verify_clerk

WOMAN = "61020219760315124"
REGISTRATION = {"id_number": "11010519491231002X", "name": "李秀英", "ethnicity": "01", "phone": "13800138000",
                "address": "陕西省铜川市王益区红旗街1号", "household_type": "urban", "insured_category": "employee"}
RETIREMENT = {"id_number": WOMAN + check_character(WOMAN), "name": "王秀兰", "insured_category": "employee",
              "retirement_type": "normal", "retirement_month": "2026-11", "work_start_date": "1994-07-01",
              "contribution_months": "372", "employer_name": "铜川市王益区建材有限公司",
              "employer_credit_code": "91610202MA6YB7QX47"}


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def fill(view: FormView, values: dict[str, str]) -> None:
    for key, value in values.items():
        widget = view.widget(key)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        else:
            view.set_value(key, value)


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
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), OpRunner(app))
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window.open_item(next(i for i in terminal.catalogue if i.code == "personal_registration"))
            page = window.form_page
            assert page is not None
            fill(page.view, REGISTRATION)
            page.view.ensureWidgetVisible(page.view.widget("employer_code"), 50, 200)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-registration-employee.png"))
            window.open_item(next(i for i in terminal.catalogue if i.code == "retirement_approval"))
            page = window.form_page
            assert page is not None
            fill(page.view, RETIREMENT)
            page.view.ensureWidgetVisible(page.view.widget("female_post"), 50, 250)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-retirement-post-asked.png"))
            fill(page.view, {"female_post": "worker"})
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-retirement-post-worker.png"))
            window.close()
        finally:
            terminal.close()
            tear_down(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
