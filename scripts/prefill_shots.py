"""The lookup at the counter (issue 20, item 3), for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/prefill_shots.py OUT_DIR PREFIX

A throwaway central system (a child process) with a seeded registry (``central seed --persons 400``) and a
terminal enrolled with it (file keyring). A social security card is read into: 个人参保登记 of an insured
person (fills and the duplicate warning, then the confirmation at 提交), a form with a lost card (the stop),
退休核准 (the panel with the registry's months), 死亡待遇 (the deceased looked up); 单位参保信息变更 and
缴费基数申报 with a typed unit number (a unit owing contributions; a cancelled one, the stop); and once more with
the central system stopped (the quiet offline line).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from app.device_registry import DeviceEvent, DeviceState
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from central.process import CentralServerProcess
from central.signing import generate, keyring_backend
from central.store import add_terminal
from devices.card.sscard import SocialSecurityCardRecord
from local_db.clerks import Role, add_clerk, verify_clerk


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def pick(db: Path, where: str) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        order = "" if "ORDER BY" in where else " ORDER BY id_number"
        row = conn.execute(f"SELECT * FROM registry_persons p WHERE {where}{order} LIMIT 1").fetchone()
    if row is None:
        raise SystemExit(f"nobody in the registry with {where}")
    return dict(row)


def read_card(terminal: Terminal, person: dict[str, Any]) -> None:
    record = SocialSecurityCardRecord(
        card_number=person["card_number"] or "", card_id_code="610200D15600000500", region_code="610200",
        spec_version="3.00", issue_date=None, expiry_date=None, expired=False, ssn=person["id_number"],
        name=person["name"], name_raw=person["name"].encode("gbk"), name_undecodable=False, sex=person["sex"],
        ethnicity_code="01", birthplace_code=None, birth_date=date.fromisoformat(person["birth_date"]), apdu_count=14)
    terminal.events.publish(DeviceEvent(device="card_reader", state=DeviceState.READ, payload=record))


def open_item(window: MainWindow, code: str) -> None:
    window.open_item(next(i for i in window.terminal.catalogue if i.code == code))


INSURED = ("EXISTS (SELECT 1 FROM registry_person_insurances i WHERE i.id_number = p.id_number "
           "AND i.status = 'insured') AND card_status = 'normal' AND benefit_status = 'none' AND phone IS NOT NULL "
           "AND unit_number IS NOT NULL")


def shoot(window: MainWindow, terminal: Terminal, db: Path, out: Path, prefix: str) -> None:
    window.current_card = None
    open_item(window, "personal_registration")
    read_card(terminal, pick(db, INSURED))
    pump(2500)
    print(save_screenshot(window, out / f"{prefix}-registration-duplicate.png"))
    page = window.form_page
    if page is not None and page.before_submit is not None and not page.before_submit(lambda: None):
        pump(500)
        lookup = window.form_lookup
        if lookup is not None and lookup.dialog is not None:
            lookup.dialog.reason.setPlainText("灵活就业人员中断缴费后重新参保")
            pump(300)
            print(save_screenshot(lookup.dialog, out / f"{prefix}-duplicate-dialog.png"))
            lookup.dialog.reject()
    window.current_card = None
    open_item(window, "personal_change")
    read_card(terminal, pick(db, "card_status = 'lost' AND card_number IS NOT NULL"))
    pump(2500)
    print(save_screenshot(window, out / f"{prefix}-lost-card.png"))
    window.current_card = None
    open_item(window, "retirement_approval")
    read_card(terminal, pick(db, "benefit_status = 'none' AND card_status = 'normal' AND unit_number IS NOT NULL "
                                 "ORDER BY deemed_months DESC, id_number"))
    pump(2500)
    print(save_screenshot(window, out / f"{prefix}-retirement.png"))
    window.current_card = None
    open_item(window, "death_benefit")
    read_card(terminal, pick(db, "card_status = 'normal' AND benefit_status = 'none' AND phone IS NOT NULL"))
    pump(2000)
    page = window.form_page
    if page is not None:
        page.view.set_value("deceased_id_number", pick(db, "benefit_status = 'deceased' AND "
                                                           "monthly_pension_fen IS NOT NULL")["id_number"])
    pump(2500)
    print(save_screenshot(window, out / f"{prefix}-survivor.png"))
    for code, where, name in (("employer_change", "status = 'normal' AND arrears_fen > 0", "employer-change"),
                              ("contribution_base", "status = 'cancelled'", "employer-cancelled")):
        window.current_card = None
        open_item(window, code)
        page = window.form_page
        if page is not None:  # the unit number typed and the field left, as the clerk does
            with sqlite3.connect(db) as conn:
                unit = conn.execute(f"SELECT unit_number FROM registry_employers WHERE {where} "
                                    "ORDER BY unit_number LIMIT 1").fetchone()
            page.view.set_value("unit_number", unit[0] if unit else "")
            page.view.widget("unit_number").editingFinished.emit()
        pump(2500)
        print(save_screenshot(window, out / f"{prefix}-{name}.png"))


def main(out: Path, prefix: str) -> int:
    app = make_application()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "central.sqlite3"
        subprocess.run([sys.executable, "-m", "app", "central", "seed", "--db", str(db), "--persons", "400",
                        "--employers", "20", "--seed", "7"], check=True, timeout=300)
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(db, "SHOT-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))
        server = CentralServerProcess.start(db, stderr_path=root / "central.log",
                                            extra_args=("--keyring-dir", str(root / "central-keyring")))
        terminal = build_terminal(Settings(central_url=server.base_url, terminal_id="SHOT-01", central_timeout=3.0,
                                           central_signing_key=signer.public_key_text(),
                                           office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  store, start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
            ops = OpRunner(app)
            window = MainWindow(terminal, clerk, ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            shoot(window, terminal, db, out, prefix)
            server.stop()  # offline: the same read says it could not ask and goes on with the card
            window.current_card = None
            open_item(window, "personal_registration")
            read_card(terminal, pick(db, INSURED))
            pump(5000)
            print(save_screenshot(window, out / f"{prefix}-offline.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "prefill"))
