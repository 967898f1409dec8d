"""The home page's workbench (issue 18) with a morning's worth of cases, at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/workbench_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline) holds cases of two clerks with due dates around a fixed
"today" (2026-12-30, so that the count runs into 2027, whose holiday schedule is not yet published):
overdue, due soon, waiting for a signature, returned, answered, drafts. Clerk 1001 (受理 and 复核) opens
the window; the overdue, due-soon and answers lists are shot.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from app.workbench import WorkList
from forms.idnumber import check_character
from local_db.clerks import Role, add_clerk, verify_clerk
from local_db.models import SubmissionState
from local_db.outbox import apply_status
from local_db.submissions import ApplicantData, DueData, create_submission, save_draft

TODAY = date(2026, 12, 30)
PEOPLE = ("李秀英", "王建国", "张桂兰", "刘志强", "陈美华", "杨德明", "赵淑珍", "黄海涛", "周玉梅", "吴国庆",
          "徐丽娟", "孙永福")


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def person(n: int) -> ApplicantData:
    body = f"6102021962{n:02d}01{n:02d}1"
    return ApplicantData(body + check_character(body), PEOPLE[n % len(PEOPLE)])


def sample_office(terminal: Terminal) -> None:
    """Cases of clerks 1001 and 1002 around ``TODAY``."""
    cases = [  # (item, due, state, clerk, answer)
        ("retirement_approval", date(2026, 12, 21), SubmissionState.ACCEPTED, "1001", None),
        ("personal_change", date(2026, 12, 28), SubmissionState.QUEUED, "1002", None),
        ("personal_registration", date(2026, 12, 30), SubmissionState.ACCEPTED, "1001", None),
        ("death_benefit", date(2026, 12, 31), SubmissionState.AWAITING_APPROVAL, "1002", None),
        ("pension_transfer_provincial", date(2027, 1, 4), SubmissionState.ACCEPTED, "1001", None),
        ("overpaid_refund", date(2027, 1, 12), SubmissionState.ACCEPTED, "1001", None),
        ("retirement_approval", date(2027, 1, 20), SubmissionState.AWAITING_APPROVAL, "1001", None),
        ("personal_registration", date(2027, 1, 8), SubmissionState.RETURNED, "1001",
         ("returned", "联系电话与社保卡预留不一致，请核实后更正。", datetime(2026, 12, 29, 7, 12, tzinfo=UTC))),
        ("benefit_suspension", date(2026, 12, 24), SubmissionState.RETURNED, "1001",
         ("returned", "缺少死亡医学证明原件扫描件。", datetime(2026, 12, 22, 3, 40, tzinfo=UTC))),
        ("personal_change", date(2027, 1, 5), SubmissionState.CLOSED, "1001",
         ("approved", None, datetime(2026, 12, 30, 1, 5, tzinfo=UTC))),
    ]
    for n, (item, due, state, clerk, answer) in enumerate(cases):
        waiting = state is SubmissionState.AWAITING_APPROVAL
        view = create_submission(
            terminal.db, item_code=item, form_version=1, terminal_id="SHOT-01", clerk_id=clerk, applicant=person(n),
            payload={}, counter_receipt_no=f"SHOT-01-2026{12 if n < 6 else 11}{n + 10:02d}-{n + 1:04d}",
            state=SubmissionState.AWAITING_APPROVAL if waiting else SubmissionState.QUEUED,
            due=DueData(due, due.year == 2027, 20))
        if state is SubmissionState.ACCEPTED:
            apply_status(terminal.db, view.id, status="accepted", reason=None, receipt_number=f"SB2026121{n}00{n}88",
                         at=datetime(2026, 12, 1 + n, 2, tzinfo=UTC))
        if answer is not None:
            status, reason, at = answer
            apply_status(terminal.db, view.id, status=status, reason=reason, receipt_number=f"SB2026120{n}00{n}77",
                         at=at)
    for n, item in ((20, "retirement_approval"), (21, "personal_registration")):
        save_draft(terminal.db, item_code=item, form_version=1, terminal_id="SHOT-01", clerk_id="1001",
                   payload={"id_number": person(n).id_number, "name": person(n).name})


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        terminal = build_terminal(Settings(terminal_id="SHOT-01", office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False)
        try:
            add_clerk(terminal.db, "1001", "王丽", "screenshot-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
            add_clerk(terminal.db, "1002", "李强", "other-pass-1", roles=frozenset({Role.FRONT_DESK}))
            sample_office(terminal)
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "1001", "screenshot-pass"), ops,
                                today=lambda: TODAY)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(1500)
            print(save_screenshot(window, out / f"{prefix}-overdue.png"))
            for name in (WorkList.DUE_SOON, WorkList.ANSWERS, WorkList.RETURNED, WorkList.DRAFTS):
                window.workbench.choose(name)
                pump(400)
                print(save_screenshot(window, out / f"{prefix}-{name.value}.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "workbench"))
