"""Noticing that nobody has used the application for a while, so that the window can lock itself.

An event filter on the application sees every keyboard, mouse and wheel event of every window of the
program (dialogs included) and notes when it came; a timer looks now and then whether ``limit``
seconds have passed since. Time comes from ``clock`` (monotonic seconds), the seam a test turns
forward instead of waiting five minutes; a test may also call ``check`` instead of waiting for the timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

#: what counts as the clerk being there
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.InputMethod,
})
#: how often the timer looks (a lock comes at most this late)
CHECK_INTERVAL_MS = 5000

Clock = Callable[[], float]


class IdleWatch(QObject):
    """Emits ``idle`` once when no input came for ``limit_seconds``; ``reset`` starts counting again.

    A limit of 0 (the setting ``idle_lock_minutes = 0``) turns the watch off.
    """

    idle = Signal()

    def __init__(self, limit_seconds: float, parent: QObject | None = None, *, clock: Clock = time.monotonic,
                 interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self.limit = limit_seconds
        self._clock = clock
        self._last = clock()
        self._fired = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        if self.limit > 0 and app is not None:
            app.installEventFilter(self)
            self._timer.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def idle_for(self) -> float:
        """Seconds since the last input."""
        return self._clock() - self._last

    def reset(self) -> None:
        """Count from now (after an unlock), and fire again after the next idle stretch."""
        self._last = self._clock()
        self._fired = False

    def check(self) -> None:
        """Emit ``idle`` if the limit has passed since the last input (once per idle stretch)."""
        if self._stopped:
            return
        if self.limit > 0 and not self._fired and self.idle_for() >= self.limit:
            self._fired = True
            self.idle.emit()

    def stop(self) -> None:
        """No more checks and no more filtering (the window is going away)."""
        self._stopped = True
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and not self._fired:
            self._last = self._clock()
        return False
