"""Run named operations off the GUI thread and get the answer back on it.

Widgets never touch the database or the network themselves: they hand a plain
function to ``OpRunner.run`` and receive its result (or its exception) in a
slot on the GUI thread, so the window never blocks. Widgets do not call ``run``
directly either: they run named operations (``app/ui/operations/``), which use
it, and which announce what they changed through ``changed`` so that every
view can refresh itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.changes import OpChanges

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Carries one operation's outcome from a pool thread to the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the caller's failure slot
            if not hasattr(exc, "user_message"):
                log.exception("operation failed")
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class OpRunner(QObject):
    """Owns a thread pool; ``pending()`` lets tests wait until all ops are done.

    ``changed(changes, initiator)`` is emitted on the GUI thread after an operation changed data
    (``initiator`` is the widget that ran it, or None for the sync engine); views connect to it.
    """

    changed = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._relays: set[_Relay] = set()

    def run(self, fn: Callable[[], Any], on_success: Callable[[Any], None],
            on_failure: Callable[[BaseException], None]) -> None:
        # Lives on the GUI thread, so its signals queue across threads. Removed with
        # deleteLater: deleting it from inside its own signal's slot would destroy the
        # sender mid-emission. No Qt parent: its slots hold the handlers (and this runner),
        # so destroying the relay may free the last reference to the runner; a runner that
        # were its parent would then delete it a second time, from inside its destructor.
        relay = _Relay()
        self._relays.add(relay)

        def done(handler: Callable[[Any], None]) -> Callable[[Any], None]:
            def slot(value: Any) -> None:
                self._relays.discard(relay)
                relay.deleteLater()
                handler(value)
            return slot

        relay.succeeded.connect(done(on_success))
        relay.failed.connect(done(on_failure))
        self._pool.start(_Job(fn, relay))

    def report(self, changes: OpChanges, initiator: object | None = None) -> None:
        """Tell every view what changed (an operation finished, or the sync engine reported)."""
        if changes:
            self.changed.emit(changes, initiator)

    def pending(self) -> int:
        return len(self._relays)

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)
