"""The applicant's signature (issue 19) at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/signature_shots.py OUT_DIR PREFIX [witness]

A throwaway terminal (file keyring, offline). 个人参保登记 filled in and its ID card waived: the form with the
signature step still open (提交 disabled, the line naming the missing signature); the signature window with a
signature drawn on the pad (strokes fed as a pen would, with pressure); the form once signed; the result
page after 提交; the receipt as printed (rendered at 100 dpi), with the signature in its box; and the case
view, scrolled to the signature. With
``witness``: the applicant cannot sign; the 申请人无法签字 window filled in (over the signature window), and the
signature window, the receipt and the rest with a witness signing instead.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPointF, QTimer
from PySide6.QtWidgets import QComboBox

from app.receipt_render import receipt_image
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.form_view import FormView
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.ui.signature_pad import SignaturePad
from local_db.clerks import Role, add_clerk, verify_clerk

REGISTRATION = {"id_type": "01", "id_number": "11010519491231002X", "name": "李秀英", "ethnicity": "01",
                "phone": "13800138000", "address": "陕西省铜川市王益区红旗街1号", "insured_category": "employee",
                "employer_code": "61020200001", "work_start_date": "1968-07-01"}


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


def sign(pad: SignaturePad) -> None:
    """Three strokes that look like a hurried signature, pressure rising and falling along each."""
    box = pad.rect()
    w, h = box.width(), box.height()

    def stroke(points: list[tuple[float, float]]) -> None:
        n = len(points)
        for i, (x, y) in enumerate(points):
            at = QPointF(box.x() + x * w, box.y() + y * h)
            pressure = 0.25 + 0.6 * math.sin(math.pi * (i + 1) / (n + 1))
            if i == 0:
                pad.begin_stroke(at, pressure)
            else:
                pad.extend_stroke(at, pressure)
        pad.end_stroke()

    stroke([(0.12 + t * 0.0025, 0.3 + 0.35 * t / 60 + 0.05 * math.sin(t / 4)) for t in range(60)])
    stroke([(0.2 + t * 0.006 + 0.03 * math.cos(t / 3), 0.5 + 0.18 * math.sin(t / 3.2)) for t in range(80)])
    stroke([(0.28 + t * 0.0075, 0.78 - t * 0.0012 + 0.02 * math.sin(t / 2)) for t in range(70)])


def main(out: Path, prefix: str, witness: bool = False) -> int:
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
            window.open_item(next(i for i in terminal.catalogue if i.code == "personal_registration"))
            page = window.form_page
            assert page is not None
            fill(page.view, REGISTRATION)
            page.materials.waive("identity_document", "已由身份证阅读器读取并核验")
            pump(600)
            print(save_screenshot(window, out / f"{prefix}-form-unsigned.png"))
            page.signature.ask()
            pump(600)
            dialog = page.signature.dialog
            assert dialog is not None
            if witness:
                asked = page.signature.ask_witness()
                asked.reason.setCurrentText("视力残疾")
                asked.name.setText("赵敏")
                pump(400)
                print(save_screenshot(asked, out / f"{prefix}-witness.png"))
                asked.confirm()
                pump(400)
            sign(dialog.panel.pad)
            pump(400)
            print(save_screenshot(dialog, out / f"{prefix}-dialog.png"))
            dialog.panel.confirm()
            pump(400)
            print(save_screenshot(window, out / f"{prefix}-form-signed.png"))
            window.submit()
            for _ in range(40):
                pump(250)
                if window.result.receipt is not None:
                    break
            print(save_screenshot(window, out / f"{prefix}-result.png"))
            receipt = window.result.receipt
            assert receipt is not None and receipt.signature_png is not None
            path = out / f"{prefix}-receipt.png"
            receipt_image(receipt, dpi=100).save(str(path))
            print(path.resolve())
            if window.result.submission_id is not None:  # the case as a reviewer opens it
                from app.ui.case_view import CaseView

                case = CaseView(window.ctx, window.clerk, window.result.submission_id)
                case.resize(screen.width(), screen.height())
                case.show()
                for _ in range(40):
                    pump(250)
                    if case.signature_box.isVisible():
                        break
                case.details_area.ensureWidgetVisible(case.signature_box)
                pump(300)
                print(save_screenshot(case, out / f"{prefix}-case.png"))
                case.close()
            window.close()
            ops.wait()
        finally:
            terminal.close()
            tear_down(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "signature", witness="witness" in sys.argv[3:]))
