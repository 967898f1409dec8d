"""Screenshots of the auditor's screen (稽核) with a realistic trail, intact and then tampered with.

    xvfb-run -s "-screen 0 1600x1000x24" .venv/bin/python scripts/audit_screens.py OUT_DIR

A throwaway data directory with a file keyring and the reference central system as a child process
(the trail so far is sent to it before the auditor looks); three clerks sign in, submit, view, print, search the
records list, an administrator adds a clerk, one password is typed wrong; then the auditor opens the
trail, filters it by person, checks the chain; an entry is edited with raw SQL (triggers dropped, as an
intruder with the database key would) and the check runs again.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app import queries, usecases
from app.demo_signature import demo_signature_png
from app.queries import RecordFilter
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from central.process import CentralServerProcess
from central.store import add_terminal
from core.errors import AuthenticationError
from forms.definitions import load_form
from local_db.audit import stored_entries
from local_db.clerks import Role, add_clerk
from protocol.audit import entry_hash

SIGNATURE = demo_signature_png()  # the demo applicant's signature (items that ask for one)

PERSON = "11010519491231002X"
REGISTRATION = {"id_type": "01", "id_number": PERSON, "name": "李秀英", "ethnicity": "01", "phone": "13800138000",
                "address": "陕西省铜川市王益区红旗街1号", "insured_category": "employee",
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
        store.set_terminal_token(add_terminal(root / "central.sqlite3", "SHOT-01"))
        central = CentralServerProcess.start(root / "central.sqlite3", stderr_path=root / "central.log")
        terminal = build_terminal(Settings(central_url=central.base_url, terminal_id="SHOT-01",
                                           office_name="铜川市社会保险经办中心 · 3号窗口", data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  store, start_sender=False, start_devices=False)
        try:
            admin = usecases.init_admin(terminal, "9001", "系统管理员", "admin-pass-1")
            usecases.sign_in(terminal, "9001", "admin-pass-1")
            desk = usecases.create_clerk(terminal, admin, "1001", "张敏", "desk-pass-01", frozenset({Role.FRONT_DESK}))
            usecases.create_clerk(terminal, admin, "1002", "刘洋", "review-pass-1", frozenset({Role.REVIEW}))
            add_clerk(terminal.db, "7001", "赵稽核", "audit-pass-1", roles=frozenset({Role.AUDITOR}))
            with contextlib.suppress(AuthenticationError):
                usecases.sign_in(terminal, "1001", "typo-pass-00")
            usecases.sign_in(terminal, "1001", "desk-pass-01")
            form = load_form("personal_registration")
            waiver = {"identity_document": "已由身份证阅读器读取并核验"}
            usecases.save_draft(terminal, desk, form, REGISTRATION)
            first = usecases.submit_application(terminal, usecases.SubmitRequest(desk, form, REGISTRATION,
                                                                                  waivers=waiver, signature=SIGNATURE))
            usecases.submit_application(terminal, usecases.SubmitRequest(desk, form, OTHER, waivers=waiver,
                signature=SIGNATURE))
            queries.records(terminal, desk)
            queries.records(terminal, desk, RecordFilter(text=PERSON))
            queries.submission(terminal, desk, first.view.id)
            usecases.print_receipt(terminal, desk, first.receipt, root / "receipt.pdf")
            usecases.reset_password(terminal, admin, "1002", "review-pass-2")
            assert terminal.sender is not None
            terminal.sender.sync_once()  # the submissions and the trail so far go to the central system
            auditor = usecases.sign_in(terminal, "7001", "audit-pass-1")

            ops = OpRunner(app)
            window = MainWindow(terminal, auditor, ops)
            window.resize(1440, 900)
            window.show()
            pump(600)
            window.open_audit()
            pump(1200)
            print(save_screenshot(window, out / "trail-list.png"))
            page = window.audit_page
            assert page is not None
            page.person_edit.setText(PERSON)
            page.search()
            pump(1000)
            page.verify()
            pump(1000)
            print(save_screenshot(window, out / "trail-person-verified.png"))
            with terminal.db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
                conn.exec_driver_sql("UPDATE audit_log SET clerk_id = '1002' WHERE seq = 12")
            page.reset()
            pump(800)
            page.verify()
            pump(1000)
            print(save_screenshot(window, out / "trail-broken.png"))
            # the intruder chains every entry from 12 on anew: the chain holds again, the central copy does not
            entries = list(stored_entries(terminal.db))
            with terminal.db.engine.begin() as conn:
                prev = entries[10].hash
                for e in entries[11:]:
                    digest = entry_hash(prev, e.at, e.clerk_id, e.action, e.subject, e.person_key, e.detail)
                    conn.exec_driver_sql("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                                         (prev, digest, e.seq))
                    prev = digest
            page.verify()
            pump(1000)
            print(save_screenshot(window, out / "trail-rewritten.png"))
            window.close()
        finally:
            terminal.close()
            central.stop()
    tear_down(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "shots")))
