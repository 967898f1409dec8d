"""The supervisor's statistics screen, for review at the screen size the process runs under.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/stats_shots.py OUT_DIR PREFIX

A throwaway terminal (file keyring, offline) holds a quarter of a window's work written straight into its
tables: three clerks, eight items of the catalogue, returns and corrections, late answers, waivers and
one-time notices, and the applicants' 好差评 ratings of about 60 % of the cases. The supervisor (业务主管)
opens 业务统计 from the header; shots of November by day and item, and of the quarter by week and clerk.
"""

from __future__ import annotations

import random
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from sqlalchemy import insert

from app.reports import Grouping, Period
from app.secrets import SecretStore, file_keyring
from app.settings import DeviceSettings, Settings
from app.terminal import Terminal, build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, save_screenshot, tear_down
from local_db.clerks import Role, add_clerk, verify_clerk
from local_db.models import CaseRating, InformedNotice, Submission

TODAY = date(2026, 12, 6)
TERMINAL = "SHOT-01"


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def fill(terminal: Terminal) -> None:
    """About 1,800 cases from October to 6 December on working days, and their notices."""
    rng = random.Random(6)
    items = [item.code for item in terminal.catalogue[:8]]
    clerks = ["1001", "1002", "1003"]
    rows: list[dict[str, object]] = []
    notices: list[dict[str, object]] = []
    day = date(2026, 10, 8)
    now = datetime(2026, 12, 6, 10, tzinfo=UTC)
    while day <= TODAY:
        if day.weekday() < 5:
            for _ in range(rng.randint(20, 40)):
                created = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                    hours=rng.uniform(0.5, 9.5))  # 08:30..17:30 Beijing
                answered = created + timedelta(days=rng.uniform(1, 18))
                due = day + timedelta(days=rng.choice((7, 14, 28)))
                done = answered if answered < now else None
                returned = done is not None and rng.random() < 0.1
                sid = str(uuid.uuid4())
                rows.append(dict(id=sid, case_id=sid, case_version=1, item_code=rng.choice(items), form_version=1,
                                 version=1, terminal_id=TERMINAL, clerk_id=rng.choice(clerks), payload={},
                                 state="returned" if returned else "closed" if done else "queued",
                                 created_at=created, updated_at=created, due_date=due, answered_at=done,
                                 closed_at=done if done and not returned else None,
                                 waiver_count=rng.choice((0, 0, 0, 0, 1))))
            for _ in range(rng.randint(0, 4)):
                notices.append(dict(id=str(uuid.uuid4()), notice_no=f"GZ-{len(notices):05d}",
                                    item_code=rng.choice(items), form_version=1, terminal_id=TERMINAL,
                                    clerk_id=rng.choice(clerks), missing=[],
                                    created_at=datetime(day.year, day.month, day.day, 3, tzinfo=UTC)))
        day += timedelta(days=1)
    rated = [dict(id=str(uuid.uuid4()), submission_id=row["id"], clerk_id=row["clerk_id"], level=level,
                  reasons=["slow"] if level <= 2 else [], created_at=row["created_at"])
             for row in rows if rng.random() < 0.6
             for level in rng.choices((5, 4, 3, 2, 1), (70, 20, 6, 3, 1))]
    with terminal.db.sessions.begin() as s:
        s.execute(insert(Submission), rows)
        s.execute(insert(InformedNotice), notices)
        s.execute(insert(CaseRating), rated)


def main(out: Path, prefix: str) -> int:
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        terminal = build_terminal(Settings(terminal_id=TERMINAL, office_name="铜川市社会保险经办中心 · 3号窗口",
                                           data_dir=root / "data",
                                           devices=DeviceSettings(card_reader="off", id_reader="off", camera="off")),
                                  SecretStore(file_keyring(root / "keyring")), start_sender=False)
        try:
            for staff, name in (("1001", "王丽"), ("1002", "李强"), ("1003", "赵敏")):
                add_clerk(terminal.db, staff, name, "screenshot-pass", roles=frozenset({Role.FRONT_DESK}))
            add_clerk(terminal.db, "6001", "张主管", "super-pass", roles=frozenset({Role.SUPERVISOR}))
            fill(terminal)
            ops = OpRunner(app)
            window = MainWindow(terminal, verify_clerk(terminal.db, "6001", "super-pass"), ops)
            screen = window.screen().availableGeometry()
            window.resize(screen.width(), screen.height())
            window.show()
            pump(800)
            window.open_stats()
            page = window.stats_page
            assert page is not None
            page.today = lambda: TODAY
            for name, period, grouping, since, until in (
                    ("day-item", Period.DAY, Grouping.ITEM, date(2026, 11, 1), date(2026, 11, 30)),
                    ("week-clerk", Period.WEEK, Grouping.CLERK, date(2026, 10, 1), TODAY),
                    ("month-window", Period.MONTH, Grouping.WINDOW, date(2026, 10, 1), TODAY)):
                page.choose(period, grouping, since, until)
                page.run_report()
                pump(2000)
                print(save_screenshot(window, out / f"{prefix}-{name}.png"))
            window.close()
            ops.wait()
            tear_down(app, window)
        finally:
            terminal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/screenshots"),
                  sys.argv[2] if len(sys.argv) > 2 else "stats"))
