"""The 办件查询 page, for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/records_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline) holds 240 records of made-up people over three weeks, in
every state, with the central system's numbers, reasons and due dates (one provisional). Clerk 1001
(受理 and 业务主管) opens the page, pages to page 2, searches by the last four characters of an ID number,
and opens a pending case with a 催办 recorded.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from sqlalchemy import update

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.usecases.remind import remind
from forms.idnumber import check_character
from local_db.clerks import Role, add_clerk, verify_clerk
from local_db.models import Submission, SubmissionState
from local_db.submissions import ApplicantData, create_submission

SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["秀英", "建国", "丽", "强", "桂兰", "伟", "芳", "志明", "海燕", "军"]
STATES = [SubmissionState.ACCEPTED, SubmissionState.CLOSED, SubmissionState.RETURNED, SubmissionState.QUEUED,
          SubmissionState.ACCEPTED, SubmissionState.REVIEW_ELSEWHERE, SubmissionState.CLOSED, SubmissionState.DRAFT]
ITEMS = ["personal_registration", "retirement_approval"]


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def id_number(n: int) -> str:
    body = f"610202{1950 + n % 40}0{1 + n % 9}1{n % 10}{n % 1000:03d}"
    return body + check_character(body)


def fill(terminal: object) -> list[str]:
    from app.terminal import Terminal

    assert isinstance(terminal, Terminal)
    ids = []
    start = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    for n in range(240):
        ids.append(create_submission(
            terminal.db, item_code=ITEMS[n % 3 == 0], form_version=1, terminal_id="SHOT-01",
            clerk_id="1001" if n % 4 else "1003",
            applicant=ApplicantData(id_number(n), SURNAMES[n % 10] + GIVEN[(n // 10) % 10]), payload={},
            counter_receipt_no=f"SHOT01-{start + timedelta(hours=2 * n):%Y%m%d}-{n % 12 + 1:04d}").id)
    with terminal.db.sessions.begin() as s:
        for n, sid in enumerate(ids):
            state = STATES[n % len(STATES)]
            received = start + timedelta(hours=2 * n)
            sent = state not in (SubmissionState.QUEUED, SubmissionState.DRAFT)
            s.execute(update(Submission).where(Submission.id == sid).values(
                created_at=received, state=state.value,
                receipt_number=f"SB{received:%Y%m%d}{n:06d}" if sent else None,
                status_reason="联系电话有误，请核实后更正。" if state is SubmissionState.RETURNED else None,
                due_date=(date(2026, 12, 1) + timedelta(days=n % 30)) if state is not SubmissionState.DRAFT else None,
                due_provisional=n % 17 == 0, time_limit_days=20))
    return ids


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass",
                      roles=frozenset({Role.FRONT_DESK, Role.SUPERVISOR}))
            add_clerk(terminal.db, "1003", "赵敏", "other-pass", roles=frozenset({Role.FRONT_DESK}))
            ids = fill(terminal)
            clerk = verify_clerk(terminal.db, "1001", "screenshot-pass")
            remind(terminal, clerk, ids[4], "申请人来电询问办理进度")
            ops = OpRunner(app)
            window = MainWindow(terminal, clerk, ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            print(save_screenshot(window, out / f"{prefix}-home.png"))
            window.open_records()
            pump(1500)
            print(save_screenshot(window, out / f"{prefix}-page1.png"))
            window.records_page.next_page_button.click()
            pump(1200)
            window.records.selectRow(3)
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-page2.png"))
            page = window.records_page
            page.id_edit.setText(id_number(4)[-4:])
            page.search()
            pump(1200)
            window.records.selectRow(0)
            pump(300)
            print(save_screenshot(window, out / f"{prefix}-search-id.png"))
            record = window.records.selected()
            if record is not None:
                window.open_case(record)
                pump(2500)
                if window.case_dialog is not None:
                    print(save_screenshot(window.case_dialog, out / f"{prefix}-case.png"))
                    window.case_dialog.reject()
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "records"))
