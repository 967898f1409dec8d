"""``sicounter gui``: the sign-in dialog first, everything else behind it.

The dialog must be on screen within a second of the process starting (bench/startup.py). Before it is
shown, this path loads only Qt, the settings and the dialog itself; the keyring, the database, the
sender, the devices and the main window's modules load on a thread of their own (app.startup) once the
dialog has been painted. A clerk who signs in before that is done waits in the dialog ("正在验证…"), and
the main window opens as soon as it is ready. A failure on the way (a broken settings file, no keyring,
a database that cannot be opened) closes the dialog and is shown in Chinese, as before any window
existed in earlier releases, with exit status 2. tests/app/test_startup.py holds the path light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.settings import Settings, load_settings
from app.startup import TerminalLoading, build_counter_terminal
from app.ui.errors import describe
from app.ui.ops import OpRunner
from app.ui.qt_app import make_application, quit_on_signals, run_main_window, tear_down
from app.ui.signin import SignInDialog
from core.errors import CounterError

if TYPE_CHECKING:
    from app.terminal import Terminal

#: started anyway if the dialog has not been painted by then (a platform that never exposes it)
START_AT_THE_LATEST_MS = 2000
#: what the loading thread imports after the terminal, so the main window opens at once after sign-in
MAIN_WINDOW_MODULE = "app.ui.main_window"


class _Failure(QObject):
    """Carries a loading failure from the loading thread to the GUI thread."""

    raised = Signal(object)


class OnceShown(QObject):
    """Runs ``action`` once, just after ``widget`` is first painted: it is then on screen.

    Starting the loading any earlier would compete with the dialog for the interpreter and the two
    cores of a counter PC. The event filter removes itself at the first paint."""

    def __init__(self, widget: QWidget, action: Callable[[], None],
                 at_the_latest_ms: int = START_AT_THE_LATEST_MS) -> None:
        super().__init__(widget)
        self._action: Callable[[], None] | None = action
        widget.installEventFilter(self)
        QTimer.singleShot(at_the_latest_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # after this paint reaches the screen
        return False

    def _run(self) -> None:
        action, self._action = self._action, None
        if action is not None:
            action()


def sign_in_stage(settings: Settings, ops: OpRunner, build: Callable[[Settings], Terminal] = build_counter_terminal,
                  ) -> tuple[SignInDialog, TerminalLoading]:
    """The sign-in dialog, shown, with the terminal's loading set to start once it is painted.

    A failure of the loading closes the dialog (rejected); ``TerminalLoading.failure`` then says why."""
    failure = _Failure(ops)
    loading = TerminalLoading(settings, build, then=lambda: importlib.import_module(MAIN_WINDOW_MODULE),
                              on_failure=failure.raised.emit)
    dialog = SignInDialog(loading, ops)
    dialog.resize(460, 360)
    failure.raised.connect(lambda _exc: dialog.reject())
    OnceShown(dialog, loading.start)
    dialog.show()
    return dialog, loading


def run_counter(config: Path) -> int:
    """Sign in, then the main window until it is closed; 2 when the terminal cannot start."""
    try:
        settings = load_settings(config)
    except CounterError as exc:
        return cannot_start(exc)
    app = make_application()
    quit_on_signals(app)
    ops = OpRunner(app)
    dialog, loading = sign_in_stage(settings, ops)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        failure = loading.failure()
        if failure is not None or not accepted or dialog.clerk is None or app.property("sicounterStopping"):
            loading.stop_waiting()  # a sign-in still waiting for the terminal gives up now
            ops.wait()
            if isinstance(failure, CounterError):
                dialog.hide()
                return cannot_start(failure)
            if failure is not None:
                raise failure
            tear_down(app, dialog)
            return 0
        return run_main_window(app, loading.terminal(), dialog.clerk, ops, dialog)
    finally:
        loading.close()


def cannot_start(exc: CounterError) -> int:
    """Before the main window exists: the clerk still must see why, in a dialog."""
    make_application()
    what, todo = describe(exc)
    QMessageBox.critical(None, "无法启动", f"{what}\n\n{todo}")
    return 2

