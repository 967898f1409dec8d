"""Walk the real window through its screens and save a screenshot of each, for review.

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py OUT_DIR

Uses a throwaway data directory, a file keyring in it, and the reference central
server as a child process, exactly as the demo does.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QDialogButtonBox, QLineEdit

from app.demo_devices import sample_holders
from app.demo_signature import demo_signature_png
from app.receipt_render import receipt_image
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.ui.capture_dialog import CaptureDialog
from app.ui.form_view import FormView
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from central.process import CentralServerProcess
from central.signing import generate, keyring_backend
from central.store import add_terminal
from devices.sim.idcard import Identity, SimulatedIdReader
from devices.sim.identities import sample_identity_data
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import VirtualCard
from devices.sim.sscard_applet import Faults
from local_db.clerks import Role, add_clerk, verify_clerk

SIGNATURE = demo_signature_png()  # the demo applicant's signature (items that ask for one)


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def type_into(widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def main(out: Path) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(root / "central.sqlite3", "SHOT-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))  # the central signs its reference data
        with CentralServerProcess.start(root / "central.sqlite3", stderr_path=root / "central.log",
                                        extra_args=("--keyring-dir", str(root / "central-keyring"))) as server:
            terminal = build_terminal(Settings(central_url=server.base_url, terminal_id="SHOT-01",
                                               central_signing_key=signer.public_key_text(),
                                               office_name="铜川市社会保险经办中心 · 3号窗口",
                                               data_dir=root / "data"), store)
            try:
                add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                          roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
                window, ops = signed_in(app, terminal)
                pump(1200)
                print(save_screenshot(window, out / "01-home.png"))

                window.catalogue.search_edit.setText("grcbdj")
                window.catalogue._choose_first()
                pump(400)
                print(save_screenshot(window, out / "02-form-empty.png"))

                page = window.form_page
                assert page is not None
                view = page.view
                type_into(view.widget("id_number"), "110105194912310025")  # type: ignore[arg-type]
                type_into(view.widget("name"), "李秀英")  # type: ignore[arg-type]
                type_into(view.widget("phone"), "1380013800")  # type: ignore[arg-type]
                pump(400)
                print(save_screenshot(window, out / "03-form-errors.png"))

                fill_valid(view)
                pump(300)
                print(save_screenshot(window, out / "04-form-valid.png"))  # still waiting for the ID material
                page.materials.waive_buttons["identity_document"].click()
                dialog = page.materials.waive_dialog
                assert dialog is not None
                dialog.reason.setPlainText("已由身份证阅读器读取并核验，不另留复印件")
                pump(300)
                print(save_screenshot(dialog, out / "04b-waive-dialog.png"))
                dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
                pump(300)
                print(save_screenshot(window, out / "04c-form-ready.png"))
                window.form_page.signature.take(SIGNATURE)  # type: ignore[union-attr]  # the applicant signs
                window.submit()
                pump(2500)
                print(save_screenshot(window, out / "05-accepted.png"))
                receipt = window.result.receipt
                assert receipt is not None
                path = out / "05b-receipt.png"
                receipt_image(receipt, dpi=110).save(str(path))
                print(path)
                window.result.print_receipt()
                pump(600)
                if window.result.print_dialog is not None:
                    print(save_screenshot(window.result.print_dialog, out / "05c-print-dialog.png"))
                    window.result.print_dialog.reject()
                window.open_records()  # 办件查询
                pump(800)
                print(save_screenshot(window, out / "06-home-records.png"))
                window.go_home()
                for item in terminal.catalogue:  # every other form the catalogue links, as the clerk first sees it
                    if item.form_code and item.form_code != "personal_registration":
                        window.open_item(item)
                        pump(400)
                        print(save_screenshot(window, out / f"20-form-{item.form_code}.png"))
                shoot_rule_panels(window, terminal, out)
                window.close()
                ops.wait()
            finally:
                terminal.close()
            shoot_card_screens(app, root, server.base_url, store, out)
            shoot_id_card_screens(app, root, server.base_url, store, out)
            shoot_capture_screens(app, root, server.base_url, store, out)
        shoot_sync_screens(app, root, out)
    tear_down(app)
    return 0


def _fill(view: FormView, values: dict[str, str]) -> None:
    for key, value in values.items():
        widget = view.widget(key)
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(widget.findData(value))
        else:
            view.set_value(key, value)


def shoot_rule_panels(window: MainWindow, terminal: Terminal, out: Path) -> None:
    """The retirement and survivor forms filled in, with what the rules say beside them."""
    item = next(i for i in terminal.catalogue if i.code == "retirement_approval")
    window.open_item(item)
    page = window.form_page
    assert page is not None
    _fill(page.view, {"id_type": "01", "id_number": "610202196503151236", "name": "王建国",
                      "insured_category": "employee", "retirement_type": "flexible_early",
                      "retirement_month": "2025-03", "work_start_date": "1985-07-01",
                      "contribution_months": "168", "deemed_contribution_months": "",
                      "avg_contribution_index": "1.15", "account_balance": "86500"})
    pump(400)
    print(save_screenshot(window, out / "21-retirement-panel.png"))
    item = next(i for i in terminal.catalogue if i.code == "death_benefit")
    window.open_item(item)
    page = window.form_page
    assert page is not None
    _fill(page.view, {"deceased_id_number": "610202194803151212", "deceased_name": "张桂兰",
                      "death_date": "2025-05-20", "death_cause": "illness", "was_pensioner": "yes",
                      "pension_months": "42", "pension_paid_until": "2025-07", "monthly_pension": "3120.50",
                      "contribution_months": "345", "id_type": "01", "id_number": "11010519491231002X",
                      "name": "李秀英", "relation_to_deceased": "child"})
    pump(400)
    print(save_screenshot(window, out / "22-survivor-panel.png"))


def _terminal(root: Path, central_url: str, store: SecretStore, devices: DeviceSettings,
              camera_backend: object | None = None) -> Terminal:
    return build_terminal(Settings(central_url=central_url, terminal_id="SHOT-01",
                                   office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                   devices=devices), store, camera_backend=camera_backend)  # type: ignore[arg-type]


def signed_in(app: QApplication, terminal: Terminal) -> tuple[MainWindow, OpRunner]:
    """The window of clerk 1001, shown at the size every screenshot has."""
    ops = OpRunner(app)
    window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops)
    window.resize(1440, 900)
    window.show()
    return window, ops


def open_registration(app: QApplication, terminal: Terminal) -> tuple[MainWindow, OpRunner]:
    """The signed-in window with 个人参保登记 open, as every device screen starts."""
    window, ops = signed_in(app, terminal)
    window.catalogue.search_edit.setText("grcbdj")
    window.catalogue._choose_first()
    return window, ops


def fill_valid(view: FormView) -> None:
    """A complete, valid registration."""
    view.set_value("id_number", "11010519491231002X")
    view.set_value("phone", "13800138000")
    view.set_value("address", "陕西省铜川市王益区红旗街1号")
    view.set_value("name", "李秀英")
    for key, value in (("ethnicity", "01"), ("insured_category", "employee"), ("household_type", "urban")):
        combo = view.widget(key)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(combo.findData(value))
    view.set_value("employer_code", "61020200001")  # an employee names the employer and the date work began
    view.set_value("work_start_date", "1968-07-01")


def shoot_card_screens(app: QApplication, root: Path, central_url: str, store: SecretStore, out: Path) -> None:
    """A card read into the form, and a failed read, through a private pcscd and the virtual card."""
    with PcscdProcess.start(root / "pcscd", port=39425):
        terminal = _terminal(root, central_url, store, DeviceSettings(card_reader="auto"))
        holders = sample_holders()
        try:
            window, ops = open_registration(app, terminal)
            pump(1500)
            card = VirtualCard(holders["王建国"], port=39425)
            card.insert()
            pump(2500)
            print(save_screenshot(window, out / "07-form-from-card.png"))
            card.remove()
            pump(1500)
            print(save_screenshot(window, out / "08-card-removed.png"))
            bad = VirtualCard(holders["李秀英"], Faults(missing_app=True), port=39425)
            bad.insert()
            pump(2500)
            print(save_screenshot(window, out / "09-card-failed.png"))
            bad.remove()
            card.close()
            bad.close()
            window.close()
            ops.wait()
        finally:
            terminal.close()


def shoot_id_card_screens(app: QApplication, root: Path, central_url: str, store: SecretStore, out: Path) -> None:
    """An ID card read into the form, then an agent's permit into the 代办人 section."""
    with SimulatedIdReader() as reader:
        terminal = _terminal(root, central_url, store,
                             DeviceSettings(card_reader="off", id_reader="real", id_reader_port=reader.port))
        try:
            window, ops = open_registration(app, terminal)
            pump(1500)
            reader.lay(Identity.from_dict(sample_identity_data("zhang_wei")))
            pump(2500)
            print(save_screenshot(window, out / "10-form-from-id-card.png"))
            reader.lift()
            pump(1200)
            page = window.form_page
            assert page is not None
            page.arm_agent(True)
            reader.lay(Identity.from_dict(sample_identity_data("chan_ka_yan")))
            pump(2500)
            page.view.ensureWidgetVisible(page.view.widget("agent_phone"))
            pump(300)
            print(save_screenshot(window, out / "11-agent-from-permit.png"))
            window.close()
            ops.wait()
        finally:
            terminal.close()


def shoot_capture_screens(app: QApplication, root: Path, central_url: str, store: SecretStore, out: Path) -> None:
    """The capture dialog on the simulated 8 MP document camera: an ID copy, then a two-page letter.

    Each material's sealed PDF is read back from the blob store (decrypted) and its pages are saved as
    PNG files, so the pages themselves can be looked at.
    """
    import io

    import cv2
    import numpy as np
    import pikepdf

    from devices.sim.camera import SimulatedCameraBackend
    from local_db.submissions import get_submission

    camera = SimulatedCameraBackend()
    desk = camera.camera()
    desk.place_document(22, "id_front")
    terminal = _terminal(root, central_url, store,
                         DeviceSettings(card_reader="off", id_reader="off", camera="simulated"), camera)

    def shoot(dialog: CaptureDialog, wait_ms: int = 3500) -> None:
        dialog.capture()
        pump(wait_ms)

    try:
        window, ops = open_registration(app, terminal)
        pump(800)
        window.open_capture("identity_document")  # an ID copy: front, then back
        dialog = window.capture_dialog
        assert dialog is not None
        dialog.auto_check.setChecked(False)  # these shots take each page by hand (see capture_shots.py)
        dialog.auto_close = False
        pump(2500)
        print(save_screenshot(dialog, out / "12-capture-id-front.png"))
        shoot(dialog)
        desk.place_document(23, "id_back")
        pump(1500)
        shoot(dialog)
        print(save_screenshot(dialog, out / "13-capture-id-copy.png"))
        dialog.done_button.click()
        pump(300)
        window.open_capture("authorisation")  # a letter of two pages
        dialog = window.capture_dialog
        assert dialog is not None
        dialog.auto_check.setChecked(False)
        desk.place_document(24, "a4_text")
        pump(2500)
        shoot(dialog)
        desk.place_document(25, "certificate")
        pump(1500)
        shoot(dialog)
        print(save_screenshot(dialog, out / "14-capture-pages.png"))
        dialog.done_button.click()
        pump(300)
        page = window.form_page
        assert page is not None
        fill_valid(page.view)
        pump(300)
        print(save_screenshot(window, out / "15-form-with-materials.png"))
        page.signature.take(SIGNATURE)  # the applicant signs
        window.submit()
        pump(3000)
        print(save_screenshot(window, out / "16-accepted-with-materials.png"))
        submitted = get_submission(terminal.db, window.result.submission_id or "")
        assert submitted is not None and terminal.blobs is not None
        for attachment in submitted.attachments:
            with pikepdf.open(io.BytesIO(terminal.blobs.get(attachment.sha256))) as pdf:
                for number, pdf_page in enumerate(pdf.pages, start=1):
                    for image in pdf_page.get_images().values():
                        pixels = pikepdf.PdfImage(image).as_pil_image()
                        small = cv2.resize(np.asarray(pixels.convert("RGB"))[:, :, ::-1], None, fx=0.5, fy=0.5,
                                           interpolation=cv2.INTER_AREA)
                        path = out / f"17-attached-{attachment.material_key}-{number}.png"
                        cv2.imwrite(str(path), small)
                        print(path)
        window.close()
        ops.wait()
    finally:
        terminal.close()



def shoot_sync_screens(app: QApplication, root: Path, out: Path) -> None:
    """A day's backlog taken offline drains when the network returns; a returned case is corrected;
    key business waits for a second clerk. The network is the loopback fault proxy, switched off and on."""
    import os

    from app import usecases
    from central.faultproxy import FaultProxy
    from forms.definitions import load_form
    from forms.idnumber import check_character
    from local_db.submissions import ApplicantData, AttachmentData, create_submission, pending_count
    from sync.engine import Backoff

    central_db = root / "central-sync.sqlite3"
    store = SecretStore(file_keyring(root / "keyring-sync"))
    store.set_terminal_token(add_terminal(central_db, "SHOT-02"))
    review = ("--review", "alternate", "--review-delay", "0.5",
              "--return-reason", "联系电话与户籍信息不一致，请核实后更正。")
    signer, _made = generate(keyring_backend(root / "central-keyring"))
    review = (*review, "--keyring-dir", str(root / "central-keyring"))
    with CentralServerProcess.start(central_db, stderr_path=root / "central-sync.log", extra_args=review) as server, \
            FaultProxy(server.base_url, bandwidth=400_000) as proxy:
        proxy.set_offline(True)
        terminal = build_terminal(Settings(central_url=proxy.url, terminal_id="SHOT-02",
                                           central_signing_key=signer.public_key_text(),
                                           office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data-sync",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  store, backoff=Backoff(base=0.5, cap=2.0), start_devices=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            add_clerk(terminal.db, "1002", "赵敏", "review-pass", roles=frozenset({Role.REVIEW}))
            assert terminal.blobs is not None
            for n in range(36):  # what a township clerk brings back after two days without a network
                body = f"6102021960{n % 12 + 1:02d}{n % 28 + 1:02d}{n:03d}"
                ref = terminal.blobs.put(os.urandom(120_000 + 9_000 * n))
                number = body + check_character(body)
                payload = {"id_type": "01", "id_number": number, "name": f"申请人{n + 1:02d}", "ethnicity": "01",
                           "sex": "male" if int(number[16]) % 2 else "female",
                           "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                           "phone": f"139{n:08d}", "address": "陕西省铜川市耀州区锦阳路8号",
                           "insured_category": "flexible", "_waivers": {}}
                create_submission(terminal.db, item_code="personal_registration", form_version=3,
                                  terminal_id="SHOT-02", clerk_id="1001",
                                  applicant=ApplicantData(number, f"申请人{n + 1:02d}"), payload=payload,
                                  attachments=[AttachmentData("identity_document", ref.sha256, ref.size)])
            window, ops = signed_in(app, terminal)
            pump(2500)
            print(save_screenshot(window, out / "30-backlog-offline.png"))
            proxy.set_offline(False)
            window.terminal.send_now()
            for _ in range(200):  # catch it half-way
                pump(100)
                window.refresh()
                if 0 < pending_count(terminal.db) <= 20:
                    break
            pump(300)
            window.open_records()  # 办件查询
            window.refresh()
            pump(300)
            table = window.records
            boundary = next((row for row, record in enumerate(table.records)
                             if record.state.value != "queued"), 0)  # newest first: where sent ones begin
            table.scrollToItem(table.item(max(0, boundary - 6), 0), QAbstractItemView.ScrollHint.PositionAtTop)
            pump(200)
            print(save_screenshot(window, out / "31-backlog-draining.png"))
            for _ in range(600):
                pump(100)
                if pending_count(terminal.db) == 0:
                    break
            terminal.send_now()  # "立即同步": the reviewer's decisions come back
            pump(3000)
            terminal.send_now()
            pump(1500)
            window.refresh()
            pump(800)
            print(save_screenshot(window, out / "32-backlog-drained-with-returns.png"))
            returned = next(r for r in window.records.records if r.state.value == "returned")
            window.open_correction(returned)
            pump(600)
            print(save_screenshot(window, out / "33-correcting-returned.png"))
            window.go_home()
            birth = "61020219650315123"
            values = {"id_type": "01", "id_number": birth + check_character(birth), "name": "王建国",
                      "insured_category": "employee", "retirement_type": "normal", "retirement_month": "2025-04",
                      "work_start_date": "1985-07-01", "contribution_months": "420", "bank_name": "中国工商银行",
                      "bank_account": "6222021234567890123", "account_holder": "王建国", "phone": "13912345678",
                      "address": "铜川市王益区红旗街1号", "employer_name": "铜川市王益区建材有限公司",
                      "employer_credit_code": "91610202MA6YB7QX47"}
            accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
                window.clerk, load_form("retirement_approval"), values,
                waivers={"identity_document": "已由身份证阅读器读取并核验"}, signature=SIGNATURE))
            window.result.show_submission(accepted.view, "城镇职工基本养老保险退休核准", receipt=accepted.receipt)
            window.stack.setCurrentWidget(window.result)
            pump(400)
            window.open_approval(accepted.view)
            pump(600)
            dialog = window.approval_dialog
            assert dialog is not None
            dialog.clerk_edit.setText("1002")
            dialog.password_edit.setText("wrong-pass")
            dialog.button.click()
            pump(1500)
            print(save_screenshot(dialog, out / "34-second-clerk-approval.png"))
            dialog.reject()
            window.close()
            ops.wait()
        finally:
            terminal.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots")))
