"""``sicounter gui`` shows its sign-in dialog first and loads the rest behind it (app.ui.launch, app.startup).

What the dialog's path imports is checked in a fresh interpreter (this test process has everything
loaded already); no test here measures time: bench/startup.py does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from app.secrets import SecretStore
from app.settings import DeviceSettings, Settings, save_settings
from app.startup import StillStarting, TerminalLoading
from app.terminal import Terminal, build_terminal
from app.ui.launch import sign_in_stage
from app.ui.ops import OpRunner
from core.errors import DatabaseUnreadable
from local_db.clerks import Role, add_clerk

from .conftest import CLERK, PASSWORD

ROOT = Path(__file__).resolve().parents[2]

#: what the sign-in dialog needs none of; each costs tens to hundreds of milliseconds to import
HEAVY = ["cv2", "numpy", "smartcard", "serial", "alembic", "sqlalchemy", "sqlcipher3", "httpx", "keyring",
         "fastapi", "cryptography", "app.terminal", "app.usecases", "app.receipt_render", "app.ui.main_window",
         "devices.scan.pipeline", "sync.engine", "protocol.models"]

SIGN_IN_PATH = """
import json, sys
from pathlib import Path

import app.cli  # what `sicounter` and `python -m app` import first
app.cli.build_parser()  # `sicounter gui` parses its arguments before the dialog: every command's parser is built
from app.settings import load_settings
from app.startup import StillStarting
from app.ui.launch import sign_in_stage
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application

heavy = json.loads(sys.argv[2])
app = make_application()  # app.ui.launch.run_counter, up to its dialog.exec()
dialog, loading = sign_in_stage(load_settings(Path(sys.argv[1])), OpRunner(app))
shown = dialog.isVisible()
before = sorted(m for m in heavy if m in sys.modules)
for _ in range(2000):  # the event loop paints the dialog; the loading starts behind it
    app.processEvents()
    try:
        loading.terminal(timeout=0.05)
        break
    except StillStarting:
        pass
after = sorted(m for m in heavy if m in sys.modules)
failure = loading.failure()
loading.close()
print(json.dumps({"shown": shown, "before": before, "after": after, "failure": repr(failure)}))
"""


def _settings(tmp_path: Path) -> Settings:
    return Settings(central_url="http://127.0.0.1:9", terminal_id="T-START", office_name="测试大厅",
                    data_dir=tmp_path / "data",
                    devices=DeviceSettings(card_reader="off", id_reader="off", camera="off"))


def _with_clerk(settings: Settings, secrets: SecretStore) -> None:
    terminal = build_terminal(settings, secrets, start_sender=False, start_devices=False)
    try:
        add_clerk(terminal.db, CLERK.id, CLERK.name, PASSWORD, roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    finally:
        terminal.close()


def test_the_sign_in_path_imports_nothing_heavy_and_the_rest_loads_behind_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.os_keyring_stand_in import FileBackend

    keys = tmp_path / "keyring.json"
    monkeypatch.setenv("SICOUNTER_TEST_KEYRING", str(keys))
    settings = _settings(tmp_path)
    _with_clerk(settings, SecretStore(FileBackend()))
    config = tmp_path / "settings.toml"
    save_settings(settings, config)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SICOUNTER_TEST_KEYRING": str(keys),
           "PYTHON_KEYRING_BACKEND": "tests.os_keyring_stand_in.FileBackend"}
    done = subprocess.run([sys.executable, "-c", SIGN_IN_PATH, str(config), json.dumps(HEAVY)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["shown"] is True
    assert report["before"] == []
    assert report["failure"] == "None"
    # behind the dialog: the terminal (keyring, database) and the main window's modules, but no migration
    assert {"app.terminal", "app.ui.main_window", "sqlalchemy", "keyring"} <= set(report["after"])
    assert "alembic" not in report["after"]


def _gated(secrets: SecretStore, gate: threading.Event) -> Callable[[Settings], Terminal]:
    def build(settings: Settings) -> Terminal:
        assert gate.wait(30), "the test never opened the gate"
        return build_terminal(settings, secrets, start_sender=False)
    return build


def test_a_clerk_quicker_than_the_loading_signs_in_once_it_is_done(
        qtbot: QtBot, tmp_path: Path, secrets_store: SecretStore) -> None:
    settings = _settings(tmp_path)
    _with_clerk(settings, secrets_store)
    gate = threading.Event()
    ops = OpRunner()
    dialog, loading = sign_in_stage(settings, ops, build=_gated(secrets_store, gate))
    try:
        qtbot.addWidget(dialog)
        assert dialog.isVisible() and dialog.findChild(QLabel, "signInOffice").text() == "测试大厅"
        qtbot.keyClicks(dialog.clerk_edit, CLERK.id)
        qtbot.keyClicks(dialog.password_edit, PASSWORD)
        qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
        qtbot.wait(300)  # the loading has started (the dialog is painted) and waits at the gate
        assert dialog.clerk is None and dialog.isVisible() and "正在验证" in dialog.message.text()
        gate.set()
        qtbot.waitUntil(lambda: dialog.clerk == CLERK, timeout=30000)
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert loading.terminal(timeout=0).settings is settings
    finally:
        gate.set()
        ops.wait()
        loading.close()


def test_a_wrong_password_is_refused_as_before(qtbot: QtBot, tmp_path: Path, secrets_store: SecretStore) -> None:
    settings = _settings(tmp_path)
    _with_clerk(settings, secrets_store)
    ops = OpRunner()
    gate = threading.Event()
    dialog, loading = sign_in_stage(settings, ops, build=_gated(secrets_store, gate))
    gate.set()
    try:
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.clerk_edit, CLERK.id)
        qtbot.keyClicks(dialog.password_edit, "wrong-password")
        qtbot.mouseClick(dialog.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "工号或密码错误" in dialog.message.text(), timeout=30000)
        assert dialog.clerk is None and dialog.isVisible()
    finally:
        ops.wait()
        loading.close()


def test_a_terminal_that_cannot_load_closes_the_dialog_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    def unreadable(settings: Settings) -> Terminal:
        raise DatabaseUnreadable(str(settings.database_path()), "not an SQLite file")

    ops = OpRunner()
    dialog, loading = sign_in_stage(_settings(tmp_path), ops, build=unreadable)
    try:
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30000)
        assert dialog.result() == QDialog.DialogCode.Rejected
        failure = loading.failure()
        assert isinstance(failure, DatabaseUnreadable) and "无法读取" in failure.user_message
        with pytest.raises(DatabaseUnreadable):
            loading.terminal(timeout=0)
    finally:
        ops.wait()
        loading.close()


def test_waiting_for_the_terminal_is_bounded_and_ends_when_the_program_closes(tmp_path: Path) -> None:
    gate = threading.Event()

    def never(settings: Settings) -> Terminal:
        gate.wait(30)
        raise DatabaseUnreadable("-", "the test is over")

    loading = TerminalLoading(_settings(tmp_path), never)
    loading.start()
    with pytest.raises(StillStarting):
        loading.terminal(timeout=0.1)
    waiter: list[BaseException] = []
    thread = threading.Thread(target=lambda: _catch(lambda: loading.terminal(), waiter))
    thread.start()
    loading.stop_waiting()
    thread.join(10)
    assert not thread.is_alive() and isinstance(waiter[0], StillStarting)
    gate.set()
    loading.close()


def _catch(fn: Callable[[], object], into: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as exc:
        into.append(exc)
