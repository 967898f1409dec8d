"""The agent (代办人) flow of issue 19 at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/agent_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline). Clerk 1001 opens 个人参保登记, types the applicant, arms the
agent's card read (F7) and the agent's resident ID card is read (a reading as the reader delivers it), the
relation is chosen; shots: the form with the agent section filled and the card banner, the result page
with who acted for whom, and the receipt (150 dpi) with the agent line.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QComboBox

from app import usecases
from app.cards import IdentityReading
from app.demo_signature import demo_signature_png
from app.receipt_render import receipt_image
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.form_view import FormView
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from forms.idnumber import check_character
from local_db.clerks import Role, add_clerk, verify_clerk

APPLICANT = {"id_number": "11010519491231002X", "name": "李秀英", "ethnicity": "01", "phone": "13800138000",
             "address": "陕西省铜川市王益区红旗街1号", "household_type": "urban", "insured_category": "flexible",
             "contribution_base": "4500"}
AGENT_BODY = "61020319900708242"
AGENT_READING = IdentityReading(source="居民身份证", name="王小梅", id_number=AGENT_BODY + check_character(AGENT_BODY),
                                values={"id_number": AGENT_BODY + check_character(AGENT_BODY), "name": "王小梅",
                                        "sex": "female", "birth_date": "1990-07-08", "ethnicity": "01",
                                        "address": "陕西省铜川市王益区红旗街1号院3单元402室"})
WAIVER = "原件当场查验无误，已由阅读器读取"


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
            clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
            ops = OpRunner(app)
            window = MainWindow(terminal, clerk, ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window.open_item(next(i for i in terminal.catalogue if i.code == "personal_registration"))
            page = window.form_page
            assert page is not None
            fill(page.view, APPLICANT)
            page.arm_agent(True)  # what F7 does
            page.apply_identity(AGENT_READING)
            fill(page.view, {"agent_relation": "child", "agent_phone": "13709190627"})
            page.view.ensureWidgetVisible(page.view.widget("agent_phone"), 50, 120)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-form.png"))
            accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
                clerk, page.form, page.view.values(), provenance=page.view.provenance(),
                waivers={"identity_document": WAIVER, "agent_identity_document": WAIVER,
                         "authorisation": "委托书原件已查验（截图演示）"},
                signature=demo_signature_png()))
            window._submitted(accepted)
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-result.png"))
            receipt = out / f"{prefix}-receipt.png"
            receipt_image(accepted.receipt, dpi=110).save(str(receipt))
            print(receipt)
            window.close()
            ops.wait()
        finally:
            terminal.close()
            tear_down(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "agent"))
