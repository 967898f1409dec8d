"""How old the reference data is (issue 19 item 6): counted from the last successful check with the central
system, on a controllable clock; amber after ``reference_warn_days``, red after twice that; fresh again after
a sync with the real central process. The window's status bar and the home-visit badge say it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from app.reference_age import AgeLevel, ReferenceKind, reference_age
from app.secrets import SecretStore
from app.settings import Settings
from app.terminal import Terminal, build_terminal
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from local_db.clerks import Role, add_clerk
from sync.engine import Backoff

from .conftest import CLERK, PASSWORD, TERMINAL_ID, CentralKey

#: the controllable clock: a Monday morning, and days after it
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def laptop(data_dir: Path, secrets: SecretStore, key: CentralKey, url: str, clock: Clock,
           warn_days: int = 7) -> Terminal:
    settings = Settings(central_url=url, terminal_id=TERMINAL_ID, central_signing_key=key.public_key,
                        data_dir=data_dir, reference_warn_days=warn_days, office_name="测试大厅")
    terminal = build_terminal(settings, secrets, backoff=Backoff(base=0.05, cap=0.5), start_sender=False,
                              start_devices=False, clock=clock)
    add_clerk(terminal.db, CLERK.id, CLERK.name, PASSWORD, roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    return terminal


def test_reference_data_never_checked_is_a_warning_not_yet_red(data_dir: Path, secrets_store: SecretStore,
                                                               central_key: CentralKey) -> None:
    terminal = laptop(data_dir, secrets_store, central_key, "http://127.0.0.1:9", Clock(MONDAY))
    try:
        age = reference_age(terminal, now=MONDAY)
        assert age.checked_at is None and age.days is None and age.level is AgeLevel.WARN
        forms = age.kind(ReferenceKind.FORMS)
        assert forms.version is None and forms.taken_at is None  # the shipped data
        assert age.kind(ReferenceKind.HOLIDAYS).last_year is not None
    finally:
        terminal.close()


def test_reference_data_ages_from_fresh_to_warning_to_red_and_is_fresh_after_a_sync(
        data_dir: Path, secrets_store: SecretStore, central_key: CentralKey, start_central: Any) -> None:
    server = start_central()
    clock = Clock(MONDAY)
    terminal = laptop(data_dir, secrets_store, central_key, server.base_url, clock)
    try:
        assert terminal.sender is not None
        summary = terminal.sender.sync_once()  # checked with the central system on Monday
        assert summary.error is None
        checked = reference_age(terminal, now=MONDAY + timedelta(hours=3))
        assert checked.checked_at == MONDAY and checked.days == 0 and checked.level is AgeLevel.FRESH
        assert checked.kind(ReferenceKind.FORMS).version is not None  # taken from the central system
        assert reference_age(terminal, now=MONDAY + timedelta(days=6, hours=23)).level is AgeLevel.FRESH
        week = reference_age(terminal, now=MONDAY + timedelta(days=7))
        assert week.days == 7 and week.level is AgeLevel.WARN
        assert reference_age(terminal, now=MONDAY + timedelta(days=14)).level is AgeLevel.STALE
        # back online after a fortnight: nothing changed at the central system, the check alone makes it fresh
        clock.now = MONDAY + timedelta(days=15)
        assert terminal.sender.sync_once().reference_updated == []
        again = reference_age(terminal, now=clock.now + timedelta(hours=1))
        assert again.checked_at == clock.now and again.level is AgeLevel.FRESH
    finally:
        terminal.close()


def test_a_failed_check_does_not_make_the_data_fresh(data_dir: Path, secrets_store: SecretStore,
                                                     central_key: CentralKey, start_central: Any) -> None:
    server = start_central()
    clock = Clock(MONDAY)
    terminal = laptop(data_dir, secrets_store, central_key, server.base_url, clock, warn_days=3)
    try:
        assert terminal.sender is not None and terminal.sender.sync_once().error is None
        server.stop()  # out of reach: the laptop is at the applicant's home
        clock.now = MONDAY + timedelta(days=4)
        assert terminal.sender.sync_once().error is not None
        age = reference_age(terminal, now=clock.now)
        assert age.checked_at == MONDAY and age.days == 4 and age.level is AgeLevel.WARN
    finally:
        terminal.close()


def test_the_window_warns_of_old_reference_data_with_what_to_do(qtbot: QtBot, data_dir: Path,
                                                                secrets_store: SecretStore, central_key: CentralKey,
                                                                start_central: Any) -> None:
    server = start_central()
    clock = Clock(MONDAY)
    terminal = laptop(data_dir, secrets_store, central_key, server.base_url, clock)
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops)
    qtbot.addWidget(window)
    try:
        assert terminal.sender is not None and terminal.sender.sync_once().error is None
        panel = window.home_visit
        label = panel.age_label
        panel.now = lambda: MONDAY + timedelta(hours=2)
        panel.refresh()
        qtbot.waitUntil(lambda: label.full_text() == "基础数据今日已核对", timeout=10000)
        assert label.property("tone") == "ok" and "立即同步" not in label.toolTip()
        panel.now = lambda: MONDAY + timedelta(days=3)
        panel.refresh()
        qtbot.waitUntil(lambda: label.full_text() == "基础数据 3 天未更新", timeout=10000)
        assert label.property("tone") == "ok"
        panel.now = lambda: MONDAY + timedelta(days=8)
        panel.refresh()
        qtbot.waitUntil(lambda: label.full_text() == "基础数据 8 天未更新", timeout=10000)
        assert label.property("tone") == "warn"
        for tip in (label.toolTip(), panel.badge.toolTip()):
            assert "请连接网络后点击“立即同步”" in tip
            assert "表单定义：中心下发第" in tip and "节假日安排" in tip and "政策规则与年度指标" in tip
        panel.now = lambda: MONDAY + timedelta(days=14)
        panel.refresh()
        qtbot.waitUntil(lambda: label.property("tone") == "error", timeout=10000)
    finally:
        window.detach()
        ops.wait()
        terminal.close()
