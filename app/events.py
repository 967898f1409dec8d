"""One fan-out for what background threads report (the sync engine, the devices), replayed to late listeners.

The sync engine and the device watchers publish from their own threads; the window (and the capture
dialog) subscribe when they open. A listener that subscribes after the reader or the sender reported
must still show their current state, so the hub remembers the latest event of each *slot* (the
composition root decides what a slot is: the latest of each type, the sender's connection state
apart from its activity) and replays those under the same lock as publishing, so no event reaches a
listener twice or out of order.

Qt-free: a window re-emits what it hears as a Qt signal (``app/ui/bridge.py``), so its handlers run on
the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

E = TypeVar("E")


def slot_by_type(event: object) -> object:
    """The default slot: the latest event of each type is replayed."""
    return type(event)


class EventHub(Generic[E]):
    """Hands events from background threads to every listener; replays the latest per slot on subscribe.

    Threading: listeners are called under one re-entrant delivery lock, on the publishing thread. They
    only hand the event over (a Qt signal, a queue) and never wait for another thread, so holding the
    lock costs nothing and makes ``unsubscribe`` a barrier.
    """

    def __init__(self, slot: Callable[[E], object] = slot_by_type) -> None:
        """``slot`` names the replay slot of an event (hashable): a new event replaces the one kept in its slot."""
        self._slot = slot
        self._listeners: list[Callable[[E], None]] = []
        self._last: dict[object, E] = {}
        self._lock = threading.Lock()
        #: held while listeners are called, so that unsubscribe waits for a call in flight
        self._delivery = threading.RLock()

    def subscribe(self, listener: Callable[[E], None]) -> None:
        """Subscribe, and hear at once the latest event of each slot (the current state).

        A window that opens after the reader or the sender reported must still
        show their state. Replaying here and publishing hold one delivery lock,
        so each event reaches each listener exactly once, and in order.
        """
        with self._delivery:
            with self._lock:
                self._listeners.append(listener)
                latest = list(self._last.values())
            for event in latest:
                listener(event)

    def unsubscribe(self, listener: Callable[[E], None]) -> None:
        """Unsubscribe. A barrier: once this returns, no thread is calling ``listener`` or will again,
        so the Qt object behind it may be destroyed."""
        with self._delivery, self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def listening(self, listener: Callable[[E], None]) -> bool:
        with self._lock:
            return listener in self._listeners

    def publish(self, event: E) -> None:
        """Hand an event from a background thread to every listener (the UI re-emits it as a signal).

        Listeners are called under the delivery lock (see ``unsubscribe``); they only hand the
        event over and never wait for another thread. Re-entrant: a listener may publish.
        """
        with self._delivery:
            with self._lock:
                self._last[self._slot(event)] = event
                listeners = list(self._listeners)
            for listener in listeners:
                listener(event)
