"""Benchmark: how many deliberate clerk actions a 个人参保登记 takes when the applicant's ID card was read.

Run: ``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/clerk_actions.py [--json] [--keep DIR]``
(an X display: Qt's offscreen platform loses the window's keyboard focus mid-flow). Exits 1 when
the count is above the limit (4, issue 19 item 7).

It drives the real window in demo conditions: a throwaway data directory with a file keyring, the
reference central system as a child process on loopback, the demo's simulated ID card reader (a
pseudo-terminal speaking the SAM protocol) and its simulated document camera. Every mouse press and
key press reaches the window through Qt's own event delivery (QTest), and an event filter on the
application counts them:

* a click on a widget is one action;
* typing a field's value is one action, together with the click or Tab that put the cursor there;
* any other key press (Enter, Esc, Space, a shortcut) is one action;
* laying a document under the camera is one action (turning the ID card over belongs to laying it,
  as the issue counts "lay the ID under the camera" once);
* the ID card read before the item is chosen is "card already read" and not counted.

The flow is what a clerk does for a flexible worker (灵活就业人员) who brings an ID card: read the
card, choose the item, type the phone number (参保身份 shows 灵活就业人员: no employer's code was
named, and the base is chosen when paying, seed 004), lay the ID card under the camera (the capture
opens by itself, takes the front, then the back, composes the ID copy and attaches it), submit. The
stored submission is checked: the ID copy is attached.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

LIMIT = 4
#: the object name of the signature window (``app/ui/signature_dialog.py``): input there is the applicant's
APPLICANT_WINDOW = "signatureDialog"
PHONE = "13800138000"
CLERK_ID, CLERK_PASSWORD = "1001", "bench-pass-2718"
_NOT_TYPING = {Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape}


@dataclass
class Action:
    kind: str  # click | type | key | lay
    target: str
    detail: str = ""
    widget: QWidget | None = field(default=None, repr=False)

    def describe(self) -> str:
        return f"{self.kind:5} {self.target}" + (f" ({self.detail})" if self.detail else "")


def _typing_target(widget: QWidget) -> bool:
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox)


def _name(widget: QWidget) -> str:
    probe: QWidget | None = widget
    while probe is not None and not probe.objectName():
        probe = probe.parentWidget()
    return probe.objectName() if probe is not None else type(widget).__name__


class ActionCounter(QObject):
    """Counts the clerk's deliberate actions as Qt delivers the input events (an application event filter)."""

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[Action] = []
        self.notes: list[str] = []
        self._last_press: tuple[int, QWidget] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget):
            return False
        if watched.window().objectName() == APPLICANT_WINDOW:
            return False  # the applicant's own window (the signature pad): their act, not the clerk's
        if event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._press(watched, event)
        elif (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
              and QApplication.focusWidget() in (watched, None)):  # once, where it lands (not its parents)
            self._key(watched, event)
        return False

    def _press(self, widget: QWidget, event: QMouseEvent) -> None:
        stamp = event.timestamp()
        last = self._last_press
        if last is not None and last[0] == stamp and widget.isAncestorOf(last[1]):
            return  # the same press, passed on to a parent
        self._last_press = (stamp, widget)
        target, detail = _name(widget), ""
        if isinstance(widget, QAbstractButton):
            detail = widget.text()
        view = widget.parentWidget()
        if isinstance(view, QAbstractItemView) and view.viewport() is widget:
            index = view.indexAt(event.position().toPoint())
            detail = str(index.data()) if index.isValid() else ""
            target = _name(view)
        self.actions.append(Action("click", target, detail, widget))

    def _key(self, widget: QWidget, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        text = event.text()
        if _typing_target(widget) and text and text.isprintable() and key not in _NOT_TYPING:
            last = self.actions[-1] if self.actions else None
            if last is not None and last.widget is widget and last.kind == "type":
                last.detail += text
                return
            if last is not None and last.widget is widget and last.kind in ("click", "key"):
                self.actions[-1] = Action("type", _name(widget), text, widget)  # focusing it was part of typing
                return
            self.actions.append(Action("type", _name(widget), text, widget))
            return
        if key == Qt.Key.Key_Tab:  # a Tab that is followed by typing becomes part of it (see _key above)
            self.actions.append(Action("key", "Tab", "", QApplication.focusWidget()))
            return
        self.actions.append(Action("key", _key_name(key), _name(widget), widget))

    def physical(self, what: str) -> None:
        """Something the clerk does with their hands outside the screen (laying a document)."""
        self.actions.append(Action("lay", what))

    def note(self, what: str) -> None:
        """A step that happens but is not counted, said in the report."""
        self.notes.append(what)


def _key_name(key: Qt.Key) -> str:
    return str(key.name).removeprefix("Key_")


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for: {what}")
        pump(20)


def click(widget: QWidget, pos: QPoint | None = None) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pos if pos is not None else widget.rect().center())


def sign_as_applicant(dialog: QWidget) -> None:
    """Strokes on the pad with the mouse (a pen arrives as the same press-move-release), then 确认."""
    pad = dialog.panel.pad  # type: ignore[attr-defined]
    width, height = pad.width(), pad.height()
    for row in (0.4, 0.6):
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(int(width * 0.15), int(height * row)))
        for step in range(1, 21):
            x = int(width * (0.15 + 0.035 * step))
            y = int(height * (row + (0.12 if step % 2 else -0.12)))
            QTest.mouseMove(pad, QPoint(x, y))
            pump(5)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           QPoint(int(width * 0.85), int(height * row)))
    click(dialog.panel.confirm_button)  # type: ignore[attr-defined]


def registration(window: object, devices: object, counter: ActionCounter) -> str:
    """The clerk's flow; returns the stored submission's id."""
    from app.demo_devices import DemoCardDevices
    from app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(devices, DemoCardDevices)
    holder = next(h for h in devices.id_holders() if h == "张伟")
    devices.lay_id_card(holder)  # the applicant hands over the ID card; it lies on the reader
    wait_for(lambda: window.current_card is not None, "the ID card read")
    counter.note(f"ID card read on the reader before the item was chosen ({window.current_card.source})"
                 if window.current_card else "ID card read")

    catalogue = window.catalogue
    catalogue.reveal()
    lst = catalogue.list
    row = next(r for r in range(lst.count()) if lst.item(r).text().endswith("个人参保登记"))
    lst.scrollToItem(lst.item(row))
    click(lst.viewport(), lst.visualItemRect(lst.item(row)).center())  # 1: choose the item
    wait_for(lambda: window.form_page is not None and window.stack.currentWidget() is window.form_page,
             "the form")
    page = window.form_page
    assert page is not None
    wait_for(lambda: QApplication.focusWidget() is page.view.widget("phone"), "the cursor in 联系电话")
    QTest.keyClicks(QApplication.focusWidget(), PHONE)  # 2: type the phone number

    wait_for(lambda: page.view.value("insured_category") == "flexible", "参保身份 without an employer")

    devices.place_document("id_front")  # 3: lay the ID card under the camera
    counter.physical("lay the ID card under the camera")
    wait_for(lambda: window.capture_dialog is not None, "the capture opening by itself")
    dialog = window.capture_dialog
    assert dialog is not None
    wait_for(lambda: "已拍人像面" in dialog.status.text() and dialog.busy() == 0, "the front taken, the back asked for")
    devices.place_document("id_back")  # the same card, turned over: part of laying it
    counter.note("ID card turned over when the window asked (part of laying the ID)")
    wait_for(lambda: window.capture_dialog is None, "the ID copy composed, attached and the capture closed")
    wait_for(page.submit_button.isEnabled, "submit allowed")

    click(page.submit_button)  # 4: submit (the item asks for the applicant's signature: the pad opens first)
    wait_for(lambda: page.signature.dialog is not None and page.signature.dialog.isVisible(), "the signature pad")
    sign_as_applicant(page.signature.dialog)
    counter.note("the applicant signed on the pad and pressed 确认 (the applicant's act; the submission then goes on)")
    wait_for(lambda: window.result.submission_id is not None, "the submission stored")
    return window.result.submission_id or ""


def run(keep: Path | None) -> dict[str, object]:
    from app.demo_devices import DemoCardDevices
    from app.secrets import SecretStore, file_keyring
    from app.settings import DeviceSettings, Settings
    from app.terminal import build_terminal
    from app.ui.main_window import MainWindow
    from app.ui.ops import OpRunner
    from app.ui.qt_app import make_application, tear_down
    from central.process import CentralServerProcess
    from central.signing import generate, keyring_backend
    from central.store import add_terminal
    from local_db.clerks import Role, add_clerk, verify_clerk
    from local_db.submissions import get_submission

    app = make_application()
    root = Path(tempfile.mkdtemp(prefix="clerk-actions-")) if keep is None else keep
    root.mkdir(parents=True, exist_ok=True)
    counter = ActionCounter()
    try:
        store = SecretStore(file_keyring(root / "keyring"))
        store.set_terminal_token(add_terminal(root / "central.sqlite3", "BENCH-01"))
        signer, _made = generate(keyring_backend(root / "central-keyring"))
        devices = DemoCardDevices(root / "demo")
        port = devices.start_id_reader()
        with CentralServerProcess.start(root / "central.sqlite3", stderr_path=root / "central.log",
                                        extra_args=("--keyring-dir", str(root / "central-keyring"))) as server:
            terminal = build_terminal(Settings(
                central_url=server.base_url, terminal_id="BENCH-01", central_signing_key=signer.public_key_text(),
                office_name="演示服务大厅（模拟数据）", data_dir=root / "data", province_code="61",
                devices=DeviceSettings(card_reader="off", id_reader="simulated", id_reader_port=port,
                                       camera="simulated")), store, camera_backend=devices.camera_backend)
            try:
                add_clerk(terminal.db, CLERK_ID, "演示柜员", CLERK_PASSWORD,
                          roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
                devices.clear_desk()
                ops = OpRunner(app)
                window = MainWindow(terminal, verify_clerk(terminal.db, CLERK_ID, CLERK_PASSWORD), ops)
                window.resize(1600, 1000)
                window.show()
                window.activateWindow()  # the clerk's window has the keyboard, as at the counter
                wait_for(lambda: QApplication.activeWindow() is window, "the window active")
                pump(300)
                app.installEventFilter(counter)
                try:
                    submission_id = registration(window, devices, counter)
                finally:
                    app.removeEventFilter(counter)
                view = get_submission(terminal.db, submission_id)
                assert view is not None
                attachments = [(a.material_key, a.pages) for a in view.attachments]
                values = dict(view.payload)
                window.close()
                ops.wait()
                tear_down(app, window)
            finally:
                terminal.close()
                devices.close()
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return {
        "actions": [a.describe() for a in counter.actions],
        "not_counted": counter.notes,
        "count": len(counter.actions),
        "limit": LIMIT,
        "ratio": round(len(counter.actions) / LIMIT, 2),
        "submission": {"id": submission_id, "attachments": attachments,
                       "insured_category": values.get("insured_category"), "address": values.get("address")},
        "machine": f"{platform.node()} · {platform.machine()} · Python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line at the end")
    parser.add_argument("--keep", type=Path, help="keep the data directory here (to look at the submission)")
    args = parser.parse_args(argv)
    result = run(args.keep)
    print("个人参保登记 with the ID card already read — deliberate clerk actions:")
    for n, action in enumerate(result["actions"], 1):  # type: ignore[arg-type]
        print(f"  {n}. {action}")
    for note in result["not_counted"]:  # type: ignore[union-attr]
        print(f"  (not counted) {note}")
    print(f"count {result['count']} / limit {LIMIT} = {result['ratio']}")
    print(f"stored: {result['submission']}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0 if int(result["count"]) <= LIMIT else 1  # type: ignore[call-overload]


if __name__ == "__main__":
    sys.exit(main())
