"""A signed-in clerk's session in a window: the idle lock, unlocking, signing out, another clerk taking over.

The guard holds the window's content and the lock screen in one stack: locked, the content (form,
records, notices, the header) is not shown at all, the status bar is hidden and every dialog of the
window is hidden until the unlock, so a screenshot of a locked window shows nothing personal. Only the
same clerk's password unlocks (``app.usecases.unlock_session``: a wrong one counts toward the lockout).
Another clerk may sign in at the lock screen ("切换柜员"): the window's open form is parked first as a
draft of the clerk who filled it, scans included (``park``, which the window provides), then the
session ends with the new clerk named, and the window's owner (``SessionHost``) opens their window.
Signing out parks the same way and ends the session with nobody named. Every step is audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMainWindow, QStackedWidget, QWidget

from app.ui.errors import show_error
from app.ui.idle import Clock, IdleWatch
from app.ui.lock_screen import LockScreen
from app.ui.operations import OpContext
from app.ui.operations import session as session_ops
from app.ui.signin import SignInDialog
from app.usecases import ClerkInfo

#: the window keeps its open form as a draft: (why, then with the draft's id or None, or on failure)
Park = Callable[[str, Callable[[str | None], None], Callable[[BaseException], None]], None]


class SessionGuard(QObject):
    """The lock over one window's content; ``ended`` when the session is over.

    ``ended`` carries the clerk who took the window over, or None after a sign-out (sign in again).
    """

    ended = Signal(object)

    def __init__(self, window: QMainWindow, content: QWidget, ctx: OpContext, clerk: ClerkInfo, *,
                 park: Park | None = None, clock: Clock | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.content = content
        self.ctx = ctx
        self.clerk = clerk
        self._park = park
        self.frame = QStackedWidget()
        self.frame.setObjectName("sessionFrame")
        self.lock_screen = LockScreen(clerk, ctx.terminal.settings.office_name)
        self.frame.addWidget(content)
        self.frame.addWidget(self.lock_screen)
        self.frame.setCurrentWidget(content)
        self.watch = IdleWatch(ctx.terminal.settings.idle_lock_minutes * 60, self, clock=clock or time.monotonic)
        self.watch.idle.connect(lambda: self.lock("idle"))
        self.lock_screen.unlock_requested.connect(self._unlock)
        self.lock_screen.switch_requested.connect(self.ask_switch)
        #: dialogs of the window hidden by the lock, shown again by the unlock
        self._hidden: list[QWidget] = []
        self.switch_dialog: SignInDialog | None = None
        self.over = False

    @property
    def locked(self) -> bool:
        return self.frame.currentWidget() is self.lock_screen

    def lock(self, reason: str = "manual") -> None:
        """Cover everything now (``idle``: the idle watch; ``manual``: the clerk's 锁定 button)."""
        if self.locked or self.over:
            return
        self._hidden = [d for d in self.window.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden:
            dialog.hide()
        self.frame.setCurrentWidget(self.lock_screen)
        self.window.statusBar().hide()
        self.lock_screen.reset()
        session_ops.lock(parent=self.window, clerk=self.clerk, reason=reason).run_in_background(self.ctx)

    def _unlock(self, password: str) -> None:
        session_ops.unlock(parent=self.window, clerk=self.clerk, password=password) \
            .success(lambda _c: self._open()).failure(self.lock_screen.refused).run_in_background(self.ctx)

    def _open(self) -> None:
        self.frame.setCurrentWidget(self.content)
        self.window.statusBar().show()
        for dialog in self._hidden:
            dialog.show()
        self._hidden = []
        self.watch.reset()

    def ask_switch(self) -> None:
        """Another clerk signs in over the locked window (the sign-in dialog, with its own lockout)."""
        dialog = SignInDialog(self.ctx.terminal, self.ctx.runner, self.window)
        dialog.setWindowTitle(self.tr("切换柜员 - 社会保险经办柜台终端"))
        dialog.accepted.connect(lambda: self._switch_to(dialog.clerk))
        dialog.finished.connect(lambda _r: setattr(self, "switch_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.switch_dialog = dialog
        dialog.open()

    def _switch_to(self, clerk: ClerkInfo | None) -> None:
        if clerk is None or self.over:
            return
        if clerk.id == self.clerk.id:  # the clerk themself, through the other door: an unlock
            self._open()
            return
        self.lock_screen.set_busy(True, self.tr("正在暂存未完成的表单…"))

        def parked(draft_id: str | None) -> None:
            session_ops.switch_clerk(parent=self.window, previous=self.clerk, new=clerk, parked_draft=draft_id) \
                .success(lambda _r: self._end(clerk)).failure(self.lock_screen.refused).run_in_background(self.ctx)

        self._keep_form("switch", parked, self.lock_screen.refused)

    def sign_out(self) -> None:
        """End the session (the open form kept as a draft first) and go back to the sign-in dialog."""
        if self.over:
            return

        def parked(_draft_id: str | None) -> None:
            session_ops.sign_out(parent=self.window, clerk=self.clerk) \
                .success(lambda _r: self._end(None)).run_in_background(self.ctx)

        self._keep_form("sign_out", parked, lambda exc: show_error(self.window, exc))

    def _keep_form(self, reason: str, then: Callable[[str | None], None],
                   failed: Callable[[BaseException], None]) -> None:
        if self._park is None:
            then(None)
        else:
            self._park(reason, then, failed)

    def _end(self, next_clerk: ClerkInfo | None) -> None:
        self.over = True
        self.watch.stop()
        self.ended.emit(next_clerk)

    def stop(self) -> None:
        """No more idle checks (the window is going away)."""
        self.watch.stop()
