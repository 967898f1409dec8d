"""One program, one clerk's session after another: the window of whoever is signed in, without a restart.

Each session gets a window of its own, built for that clerk's roles: a business clerk's ``MainWindow``
(with what the roles do not allow hidden) or an administrator's ``AdminWindow`` (no business at all).
When a session ends (``session_ended``) the host opens the next one: the clerk who took over at the
lock screen, or, after a sign-out, the sign-in dialog again. The previous window is destroyed, not
reused, so nothing of the previous clerk (the open form, a card read, a list of names, a dialog) can
survive into the next session. Closing the window ends the session too, and ``close`` puts that on
the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMainWindow

from app.customer_view import welcome_view
from app.permissions import Role
from app.ui.admin_window import AdminWindow
from app.ui.customer_screen import CustomerScreen
from app.ui.idle import Clock
from app.ui.main_window import MainWindow
from app.ui.operations import OpContext
from app.ui.operations import session as session_ops
from app.ui.ops import OpRunner
from app.ui.signin import SignInDialog
from app.usecases import ClerkInfo

if TYPE_CHECKING:
    from app.terminal import Terminal
    from app.ui.demo_panel import DemoDevices

SessionWindow = MainWindow | AdminWindow


def show_maximised(window: QMainWindow) -> None:
    """A counter PC runs this all day: use the whole screen."""
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.availableGeometry())
    window.showMaximized()


def quit_application() -> None:
    QApplication.exit(0)


class SessionHost(QObject):
    """Opens each session's window; ``started`` with the new window, ``signing_in`` with the dialog."""

    started = Signal(object)
    signing_in = Signal(object)

    def __init__(self, terminal: Terminal, ops: OpRunner, demo: DemoDevices | None = None, *,
                 clock: Clock | None = None, present: Callable[[QMainWindow], None] = show_maximised,
                 quit: Callable[[], None] = quit_application, customer: CustomerScreen | None = None) -> None:
        super().__init__(ops)
        self.terminal, self.ops, self.demo = terminal, ops, demo
        self.ctx = OpContext(terminal, ops)
        self._clock, self._present, self._quit = clock, present, quit
        self.window: SessionWindow | None = None
        self.sign_in_dialog: SignInDialog | None = None
        #: the applicant's screen, shared by every session's window (each follows it anew)
        self.customer = customer

    def start(self, clerk: ClerkInfo) -> SessionWindow:
        """The window of this clerk's session, shown."""
        window: SessionWindow
        if Role.ADMIN in clerk.roles:
            window = AdminWindow(self.terminal, clerk, self.ops, clock=self._clock)
        else:
            window = MainWindow(self.terminal, clerk, self.ops, self.demo, clock=self._clock, customer=self.customer)
        window.session_ended.connect(self._ended)
        self._present(window)
        previous, self.window = self.window, window
        if previous is not None:
            self._dispose(previous)
        self.started.emit(window)
        return window

    def _ended(self, next_clerk: ClerkInfo | None) -> None:
        if next_clerk is not None:
            self.start(next_clerk)
            return
        if self.customer is not None:  # nobody signed in: nothing of the last session on the applicant's side
            self.customer.show_welcome(welcome_view(self.terminal.settings.office_name))
        dialog = SignInDialog(self.terminal, self.ops)
        dialog.resize(460, 360)
        dialog.accepted.connect(lambda: dialog.clerk is not None and self.start(dialog.clerk))
        dialog.rejected.connect(self._quit)
        dialog.finished.connect(lambda _r: setattr(self, "sign_in_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.sign_in_dialog = dialog
        dialog.show()  # before the window goes, so the program never has no window
        if self.window is not None:
            self._dispose(self.window)
            self.window = None
        self.signing_in.emit(dialog)

    @staticmethod
    def _dispose(window: SessionWindow) -> None:
        window.detach()
        window.hide()
        window.deleteLater()

    def close(self) -> SessionWindow | None:
        """The program is ending: the open session ends on the trail (the window closed), its window detached.

        Returns that window for the caller to destroy with the application (``tear_down``).
        """
        window, self.window = self.window, None
        if self.customer is not None:
            self.customer.close()
            self.customer.deleteLater()  # with the application's teardown (``tear_down`` deletes what is posted)
            self.customer = None
        if window is not None:
            if not window.guard.over:
                window.guard.over = True
                session_ops.sign_out(parent=None, clerk=window.clerk, reason="close").run_in_background(self.ctx)
            window.detach()
        return window
