"""The administrator's view of reference data in the real window (issue 16, item 3): a signed update
that weakens a form waits in a dialog until 确认生效; a refused data set is said in the notice bar.
Real central process, real HTTP. ``SICOUNTER_SHOTS=DIR`` saves screenshots of both.
"""

from __future__ import annotations

import json
import os
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.terminal import Terminal
from app.ui.admin_window import AdminWindow
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.reference_alerts import ReferenceAlertBar
from forms.definitions import TIER_LABELS, load_form
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role, add_clerk

from .conftest import CLERK, make_central_key
from .samples import RETIREMENT

ADMIN = ClerkInfo("9001", "王管理员", frozenset({Role.ADMIN}))


def weakened_reference(tmp_path: Path) -> Path:
    """Reference files where retirement_approval v3 drops review and death_benefit v3 a required material."""
    directory = tmp_path / "reference-src"
    shutil.copytree(Path(str(files("resources"))) / "forms", directory / "forms")
    for code, change in (("retirement_approval", lambda f: f.update(review={"tier": "none"})),
                         ("death_benefit", lambda f: f.update(materials=f["materials"][:-1]))):
        path = directory / "forms" / f"{code}.json"
        form = json.loads(path.read_text(encoding="utf-8"))
        change(form)
        form["version"] += 1
        path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    return directory


def styled() -> None:
    """With ``SICOUNTER_SHOTS``, the window looks as the counter shows it (style sheet, font)."""
    if os.environ.get("SICOUNTER_SHOTS"):
        from app.ui.qt_app import make_application

        make_application()


def shoot(widget: Any, name: str) -> None:
    directory = os.environ.get("SICOUNTER_SHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(directory) / f"trust-{name}.png"))


def test_an_administrator_confirms_a_held_back_update_in_the_window(qtbot: QtBot, start_central: Any,
                                                                    make_terminal: Any, tmp_path: Path) -> None:
    server = start_central(extra_args=("--reference-dir", str(weakened_reference(tmp_path))))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, ADMIN.id, ADMIN.name, "admin-pass-1", roles=ADMIN.roles)
    assert terminal.sender is not None and terminal.sender.pull_reference() == ["forms"]

    styled()
    clerks_window = MainWindow(terminal, CLERK, OpRunner())  # a business clerk is not asked
    qtbot.addWidget(clerks_window)
    qtbot.wait(300)
    assert clerks_window.findChild(ReferenceAlertBar) is None

    window = AdminWindow(terminal, ADMIN, OpRunner())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    bar = window.reference_alerts
    assert bar is not None
    qtbot.waitUntil(lambda: bar.button.isVisible(), timeout=10000)
    assert bar.button.text() == "参考数据待确认（2）"
    assert "2 项表单定义更新会降低审核要求" in bar.label.text()
    shoot(window, "admin-notice")

    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    dialog = bar.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=10000)
    texts = [dialog.list.item(i).text() for i in range(2)]
    lowered = f"审核级别由“{TIER_LABELS[load_form('retirement_approval').review.tier]}”降为“无需复核”"
    assert any("retirement_approval" in t and lowered in t for t in texts)
    assert any("death_benefit" in t and "删除了材料" in t for t in texts)
    shoot(dialog, "pending-dialog")

    terminal.reference.forget()
    assert terminal.reference.form("retirement_approval").review_tier(RETIREMENT) == "review_approval"
    row = next(i for i, p in enumerate(dialog.pending) if p.key == "retirement_approval")
    dialog.list.setCurrentRow(row)
    button = dialog.findChild(QPushButton, "confirmReferenceButton")
    assert button is not None and button.text() == "确认生效"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.list.count() == 1 and "已确认生效" in dialog.message.text(), timeout=10000)
    assert terminal.reference.form("retirement_approval").review_tier(RETIREMENT) == "none"
    shipped = load_form("death_benefit").version
    assert terminal.reference.form("death_benefit").version == shipped  # not confirmed: the old one in force
    [entry] = [e for e in terminal.audit.find(terminal.db) if e.action == AuditAction.REFERENCE_CONFIRM.value]
    assert entry.clerk_id == ADMIN.id and entry.subject == "forms/retirement_approval"
    shoot(dialog, "pending-dialog-after")
    dialog.reject()
    qtbot.waitUntil(lambda: bar.button.text() == "参考数据待确认（1）", timeout=10000)


def test_a_refused_data_set_is_said_in_the_window(qtbot: QtBot, start_central: Any, make_terminal: Any,
                                                  tmp_path: Path) -> None:
    server = start_central()
    other = make_central_key(tmp_path / "other-keyring")
    terminal: Terminal = make_terminal(server.base_url, start_sender=False, signing_key=other.public_key)
    styled()
    window = AdminWindow(terminal, ADMIN, OpRunner())
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    clerks_window = MainWindow(terminal, CLERK, OpRunner())  # a business clerk hears of it in the notice bar
    qtbot.addWidget(clerks_window)
    assert terminal.sender is not None and terminal.sender.pull_reference() == []
    qtbot.waitUntil(lambda: "未被采用" in clerks_window.notice.label.text(), timeout=10000)
    assert "签名无效" in clerks_window.notice.label.text()
    bar = window.reference_alerts
    assert bar is not None  # the administrator's summary, beside the notice every clerk sees
    qtbot.waitUntil(lambda: "已拒收中心系统下发的参考数据" in bar.label.text() and "统计指标（00）" in bar.label.text(),
                    timeout=10000)
    assert "表单定义" in bar.label.text() and "节假日安排" in bar.label.text() and not bar.button.isVisible()
    shoot(window, "refused-notice")


def test_an_untrusted_certificate_is_said_in_the_status_bar(qtbot: QtBot, make_terminal: Any, tmp_path: Path,
                                                            central_db: Path, central_key: Any) -> None:
    from central.process import CentralServerProcess
    from tests.sync.test_tls import make_ca, make_server_cert

    ca_file, ca, ca_key = make_ca(tmp_path, "office")
    cert, key = make_server_cert(tmp_path, ca, ca_key)
    with CentralServerProcess.start(central_db, stderr_path=tmp_path / "tls.log", ca_file=ca_file,
                                    extra_args=(*central_key.serve_args(), "--tls-cert", str(cert),
                                                "--tls-key", str(key))) as server:
        terminal: Terminal = make_terminal(server.base_url)  # the system's trust store: not the office's CA
        styled()
        window = MainWindow(terminal, CLERK, OpRunner())
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: window.error_label.full_text() == "中心系统证书无法验证", timeout=15000)
        assert "未连接中心系统" in window.conn_label.full_text()
        notice = window.notice.label.text()
        assert "无法验证中心系统的证书" in notice and "central_ca_file" in notice
        shoot(window, "untrusted-statusbar")
