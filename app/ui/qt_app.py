"""Starting the Qt side: application object, look, language, sign-in, main window."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.display import load_display
from app.ui.ops import OpRunner
from app.ui.signin import SignInDialog
from app.ui.theme import Look, apply_look

if TYPE_CHECKING:  # the main window and the terminal load behind the sign-in dialog (app.ui.launch)
    from app.terminal import Terminal
    from app.ui.demo_panel import DemoDevices
    from app.usecases import ClerkInfo

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("sicounter")
    app.setApplicationDisplayName("社会保险经办柜台终端")
    apply_look(app, Look())  # the font and the style sheet at 100 %; the terminal's own look once it is known
    install_translator(app)
    install_qt_translator(app)
    return app


def install_qt_translator(app: QApplication, lang: str | None = None) -> QTranslator | None:
    """Qt's own texts (OK/Cancel, the print dialog) in the clerk's language, from Qt's translations.

    Without it every standard dialog button says "OK" and "Cancel" in a Chinese window.
    """
    lang = lang or os.environ.get("SICOUNTER_LANG") or QLocale.system().name()
    if lang.lower().startswith("en"):
        return None  # Qt's source texts are English
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_zh_CN", folder):
        log.warning("Qt's Chinese translation not found in %s", folder)
        return None
    app.installTranslator(translator)
    return translator


def install_translator(app: QApplication, lang: str | None = None) -> QTranslator | None:
    """Chinese is the source language and the default; English from resources/i18n for an English locale.

    ``SICOUNTER_LANG`` (zh or en) overrides the system locale.
    """
    lang = lang or os.environ.get("SICOUNTER_LANG") or QLocale.system().name()
    if not lang.lower().startswith("en"):  # Chinese for zh, C, POSIX and everything else
        return None
    qm = resources.files("resources") / "i18n" / "sicounter_en.qm"
    translator = QTranslator(app)
    if not (qm.is_file() and translator.load(str(qm))):
        log.warning("English translation not found at %s", qm)
        return None
    app.installTranslator(translator)
    return translator


def quit_on_signals(app: QApplication) -> None:
    """SIGINT/SIGTERM end the program cleanly (the sender stops, the database closes).

    ``exit`` rather than ``quit``: it leaves every running loop, the sign-in
    dialog's included; the property covers a signal between two loops.
    """
    def stop(*_: object) -> None:
        app.setProperty("sicounterStopping", True)
        app.exit(0)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    timer = QTimer(app)  # Python runs signal handlers only between bytecodes: wake it up
    timer.timeout.connect(lambda: None)
    timer.start(250)


def save_screenshot(widget: QWidget, path: Path) -> Path:
    """The whole screen where there is one (dialogs included), else the widget."""
    path.parent.mkdir(parents=True, exist_ok=True)
    screen = widget.screen() or QApplication.primaryScreen()
    pixmap = screen.grabWindow(0) if screen is not None else None
    if pixmap is None or pixmap.isNull():
        pixmap = widget.grab()
    pixmap.save(str(path))
    return path.resolve()


def run_gui(terminal: Terminal, *, clerk_id: str = "", sign_in_hint: str = "",
            screenshot_dir: Path | None = None,
            auto_sign_in: Callable[[SignInDialog], None] | None = None,
            demo: DemoDevices | None = None) -> int:
    """Sign in, then run the main window until it is closed.

    With ``screenshot_dir`` (a headless demo) the sign-in dialog and the main
    window are photographed and the paths printed; ``auto_sign_in`` then fills
    the dialog so the main window can be shown without a person present.
    """
    app = make_application()
    prefs = load_display(terminal.settings)  # the sign-in dialog already as large and contrasted as chosen here
    apply_look(app, Look(prefs.text_scale, prefs.high_contrast))
    quit_on_signals(app)
    ops = OpRunner(app)
    dialog = SignInDialog(terminal, ops, clerk_id=clerk_id, hint=sign_in_hint)
    dialog.resize(460, 360)
    if screenshot_dir is not None:
        def shoot_dialog() -> None:
            print(f"screenshot: {save_screenshot(dialog, screenshot_dir / 'signin.png')}", flush=True)
            if auto_sign_in is not None:
                auto_sign_in(dialog)
        QTimer.singleShot(1500, shoot_dialog)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if not accepted or dialog.clerk is None or app.property("sicounterStopping"):
        ops.wait()
        tear_down(app, dialog)
        return 0
    return run_main_window(app, terminal, dialog.clerk, ops, dialog, demo=demo, screenshot_dir=screenshot_dir)


def run_main_window(app: QApplication, terminal: Terminal, clerk: ClerkInfo, ops: OpRunner, dialog: SignInDialog,
                    *, demo: DemoDevices | None = None, screenshot_dir: Path | None = None) -> int:
    """The signed-in clerk's window, maximised, then each next clerk's, until closed; then all is torn down.

    Signing out shows the sign-in dialog again and another clerk may take over a locked window
    (``SessionHost``), so the program runs until a window or the sign-in dialog is closed.
    """
    from app.ui.customer_screen import make_customer_screen
    from app.ui.session_host import SessionHost

    host = SessionHost(terminal, ops, demo, customer=make_customer_screen(terminal.settings.customer_screen))
    host.start(clerk)
    if screenshot_dir is not None:
        def shoot() -> None:
            shown = host.window  # the session's window then (a sign-out may have replaced it)
            if shown is not None:
                print(f"screenshot: {save_screenshot(shown, screenshot_dir / 'main.png')}", flush=True)

        QTimer.singleShot(2500, shoot)
    code = app.exec()
    last = host.close()
    ops.wait()
    tear_down(app, *([last] if last is not None else []), dialog)
    return int(code)


def tear_down(app: QApplication, *widgets: QWidget) -> None:
    """Destroy the widgets, then the application, in that order, before Python exits.

    Left to the interpreter's shutdown, PySide destroys them in no set order
    and the process can crash on the way out.
    """
    for widget in widgets:
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    shiboken6.delete(app)
