"""Run named operations off the GUI thread and get the answer back on it.

Widgets never touch the database or the network themselves: they hand a plain
function to ``OpRunner.run`` and receive its result (or its exception) in a
slot on the GUI thread, so the window never blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

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
    """Owns a thread pool; ``pending()`` lets tests wait until all ops are done."""

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

    def pending(self) -> int:
        return len(self._relays)

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)
