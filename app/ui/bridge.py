"""Re-emit the sender's events (raised on its own thread) as a Qt signal on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from sync.sender import SenderEvent


class SenderBridge(QObject):
    event = Signal(object)

    def __call__(self, ev: SenderEvent) -> None:
        # Emitting from the sender thread: Qt queues it to this object's (GUI) thread.
        self.event.emit(ev)
