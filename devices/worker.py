"""The plumbing every device thread needs, in one place: stop, generation, emit, start and join.

Each physical device has one I/O thread (DESIGN.md); what differs between devices is the loop it runs,
not the way it is started, stopped and heard. ``DeviceWorker`` holds the common part:

* a stop flag the loop waits on (``wait``), so ``stop()`` ends every wait at once;
* a generation counter: each device thread runs under the generation it was started with, and an
  event it emits after a newer generation took over (a restart, or the card watcher replacing a thread
  stuck on a mute card) is dropped, so a stale thread can never speak for the device;
* ``emit``, which never lets a listener's exception reach (and kill) the device thread;
* start, stop and a join bounded by a timeout, for the device thread and its companion threads (a
  watchdog), with the option to abandon a device thread stuck in a call nothing can interrupt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["DeviceWorker"]

E = TypeVar("E")

log = logging.getLogger(__name__)


class DeviceWorker(Generic[E]):
    """One device's thread plumbing; the device's loop is the ``target`` given to ``start``."""

    def __init__(self, on_event: Callable[[E], None], *, logger: logging.Logger | None = None,
                 describe: Callable[[E], str | None] | None = None) -> None:
        """``describe`` says what to log (at info) of an event that goes out; None logs nothing."""
        self._on_event = on_event
        self._log = logger or log
        self._describe = describe
        #: guards the generation; re-entrant, so an owner may hold it around its own state and a bump
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._companions: list[threading.Thread] = []

    # --- state ------------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        with self.lock:
            return self._generation

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @property
    def thread(self) -> threading.Thread | None:
        """The current device thread (None before ``start`` and after ``stop``)."""
        with self.lock:
            return self._thread

    @property
    def running(self) -> bool:
        thread = self.thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def current(self, generation: int) -> bool:
        """May a thread of ``generation`` go on? Not once stopped or replaced."""
        with self.lock:
            return generation == self._generation and not self._stop.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking at once on ``stop()``; True if stopping."""
        return self._stop.wait(seconds)

    # --- threads ----------------------------------------------------------------------------------

    def start(self, target: Callable[[int], None], *, name: str | Callable[[int], str]) -> int | None:
        """Start a device thread of a new generation running ``target(generation)``; its generation.

        None (and nothing started) while the current device thread runs and was not asked to stop.
        A thread left over from an earlier ``stop()`` that has not ended yet is stale from here on.
        """
        with self.lock:
            if self.running:
                return None
            self._stop.clear()
            generation = self.retire()
            self.spawn(generation, target, name=name)
            return generation

    def retire(self) -> int:
        """Begin a new generation: whatever a thread of an older one still emits is dropped. Returns it."""
        with self.lock:
            self._generation += 1
            return self._generation

    def spawn(self, generation: int, target: Callable[[int], None], *, name: str | Callable[[int], str]) -> None:
        """Start the device thread of ``generation`` (from ``retire``); it becomes the current one."""
        thread_name = name(generation) if callable(name) else name
        thread = threading.Thread(target=target, args=(generation,), name=thread_name, daemon=True)
        with self.lock:
            self._thread = thread
        thread.start()

    def companion(self, target: Callable[[], None], *, name: str) -> threading.Thread:
        """Start a helper thread (a watchdog) that lives as long as the worker and is joined on stop."""
        thread = threading.Thread(target=target, name=name, daemon=True)
        with self.lock:
            self._companions.append(thread)
        thread.start()
        return thread

    def request_stop(self) -> None:
        """Ask every thread to end (waits wake at once); does not wait for them."""
        self._stop.set()

    def join(self, timeout: float, *, abandon: bool = False) -> bool:
        """Wait up to ``timeout`` s in all for the threads to end; True if none is still alive.

        ``abandon``: do not wait for the device thread (it is stuck in a call nothing can interrupt,
        and ends on its own later); the caller makes sure it emits nothing more (``retire``).
        """
        with self.lock:
            device = None if abandon else self._thread
            threads = [t for t in (device, *self._companions) if t is not None]
        deadline = time.monotonic() + timeout
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        ended = not any(t.is_alive() for t in threads)
        if ended:
            with self.lock:
                if self._thread is device:
                    self._thread = None
                self._companions = [t for t in self._companions if t.is_alive()]
        return ended

    def stop(self, timeout: float) -> bool:
        """``request_stop`` and ``join``: True if every thread ended within ``timeout`` s."""
        self.request_stop()
        return self.join(timeout)

    # --- events -----------------------------------------------------------------------------------

    def emit(self, generation: int, event: E) -> bool:
        """Hand ``event`` of a thread of ``generation`` to the listener; False if that thread is stale.

        An event emitted while stopping still goes out (a last answer owed to a caller, say);
        the listener's exceptions are logged and swallowed: a bug in a window must not end the device.
        """
        with self.lock:
            if generation != self._generation:
                return False
        if self._describe is not None:
            text = self._describe(event)
            if text is not None:
                self._log.info("%s", text)
        try:
            self._on_event(event)
        except Exception:
            self._log.exception("device event listener failed on %r", getattr(event, "kind", event))
        return True
