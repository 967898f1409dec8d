"""Re-emit background events (sender, devices; raised on their threads) as a Qt signal on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class EventBridge(QObject):
    #: not ``event``: that name is QObject's virtual that receives every QEvent
    arrived = Signal(object)

    def __call__(self, ev: object) -> None:
        # Emitting from a background thread: Qt queues it to this object's (GUI) thread.
        self.arrived.emit(ev)
