"""Re-emit background events (sender, devices; raised on their threads) as a Qt signal on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class EventBridge(QObject):
    event = Signal(object)

    def __call__(self, ev: object) -> None:
        # Emitting from a background thread: Qt queues it to this object's (GUI) thread.
        self.event.emit(ev)
