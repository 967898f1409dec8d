"""Watching social security card readers: one device thread, events out.

The device thread is the only one that talks to pcscd for the watcher (Electrum's
device manager pattern): it lists the readers, waits in ``SCardGetStatusChange`` with
a short timeout (so ``stop()`` is prompt and no wait is unbounded), and reads each
inserted card itself. Hot-plug works by re-enumerating every cycle and comparing with
the last list; no PC/SC context or card connection is kept across a removal or a
pcscd restart (a context of a pcscd that stopped is dead for good; a new one is made
when pcscd answers again).

A mute card blocks the read inside pyscard for good (see ``devices.card.reading``).
A watchdog thread, which never touches pyscard, sees the read overrun ``read_timeout``,
reports ``read_failed`` with ``CardMute`` and starts a new device thread that carries
on with what the old one knew; the old one is abandoned and ends silently once its
call returns (when the card is pulled). Each outcome is claimed under a lock, so a
read finishing just at its deadline yields exactly one event, never two.

The threads, their generations and the emitting are ``devices.worker.DeviceWorker``'s; the
events are ``CardEvent``s, the card reader's ``DeviceEvent`` (``payload`` is the record).

Events, in order (delivered on the device or watchdog thread; the UI re-emits them as
Qt signals so its handlers run on the GUI thread):

* ``readers`` the reader list changed (also once at start, and () on service loss)
* ``inserted`` a card arrived in a watched reader, then exactly one of
* ``read`` with the record, or ``read_failed`` with the error (``CardRemoved`` if the
  card was pulled mid-read: never half a record; ``CardMute`` past ``read_timeout``)
* ``removed`` the card left
* ``service_down`` pcscd is not (or no longer) running; ``service_up`` it is back.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Literal

from core.errors import CounterError, DeviceError, mask_id_number
from devices.card.connection import PcscConnection
from devices.card.errors import CardMute, PcscUnavailable, ReaderUnavailable
from devices.card.monitor import PcscMonitor, ReaderMonitor, ReaderStatus
from devices.card.reading import DEFAULT_READ_TIMEOUT, ClosableCardConnection, read_card_unbounded
from devices.card.sscard import SocialSecurityCardRecord
from devices.events import DeviceEvent, DeviceState
from devices.worker import DeviceWorker

__all__ = ["CARD_READER", "CardEvent", "CardEventKind", "CardWatcher"]

log = logging.getLogger(__name__)

CardEventKind = Literal["readers", "inserted", "read", "removed", "read_failed", "service_down", "service_up"]

#: the card reader's name in the device vocabulary (and its key in the app's registry and settings)
CARD_READER = "card_reader"

_STATES: dict[str, DeviceState] = {
    "inserted": DeviceState.BUSY, "read": DeviceState.READ, "removed": DeviceState.READY,
    "read_failed": DeviceState.FAILED, "service_down": DeviceState.LOST, "service_up": DeviceState.READY,
}


@dataclass(frozen=True, init=False)
class CardEvent(DeviceEvent):
    """Something that happened to a reader, a card or pcscd; ``payload`` is the card's record."""

    reader: str | None = None
    readers: tuple[str, ...] = ()

    def __init__(self, kind: CardEventKind, *, reader: str | None = None, readers: tuple[str, ...] = (),
                 record: SocialSecurityCardRecord | None = None, error: CounterError | None = None) -> None:
        state = _STATES[kind] if kind != "readers" else DeviceState.READY if readers else DeviceState.ABSENT
        super().__init__(device=CARD_READER, state=state, kind=kind, payload=record, error=error)
        object.__setattr__(self, "reader", reader)
        object.__setattr__(self, "readers", readers)

    @property
    def record(self) -> SocialSecurityCardRecord | None:
        return self.payload if isinstance(self.payload, SocialSecurityCardRecord) else None


def _describe(event: CardEvent) -> str:
    return (f"card event {event.kind} reader={event.reader!r}"
            + (f" ssn={mask_id_number(event.record.ssn)}" if event.record else "")
            + (f" error={type(event.error).__name__}: {event.error.detail}" if event.error else ""))


@dataclass
class _Knowledge:
    """What a device thread knows; handed on to its successor when it gets stuck."""

    readers: tuple[str, ...] | None = None
    status: dict[str, ReaderStatus] = field(default_factory=dict)
    service_up: bool | None = None


@dataclass(frozen=True)
class _Read:
    generation: int
    reader: str
    deadline: float
    knowledge: _Knowledge


def _thread_name(generation: int) -> str:
    return f"card-watcher-{generation}"


class CardWatcher:
    """Follows the readers (or just ``reader``) and reads each card inserted, once."""

    def __init__(self, on_event: Callable[[CardEvent], None], *, reader: str | None = None,
                 poll_interval: float = 0.25, today: Callable[[], date] = date.today,
                 read_timeout: float = DEFAULT_READ_TIMEOUT,
                 open_monitor: Callable[[], ReaderMonitor] = PcscMonitor.open,
                 open_connection: Callable[[str], ClosableCardConnection] = PcscConnection.open) -> None:
        self._reader = reader
        self._poll_interval = poll_interval
        self._today = today
        self._read_timeout = read_timeout
        self._open_monitor = open_monitor
        self._open_connection = open_connection
        self._worker: DeviceWorker[CardEvent] = DeviceWorker(on_event, logger=log, describe=_describe)
        #: the read in progress (guarded by the worker's lock, claimed by the reader or the watchdog)
        self._reading: _Read | None = None
        self._started = False

    @property
    def running(self) -> bool:
        return self._worker.running

    def start(self) -> None:
        """Start the device thread and its watchdog (once per watcher)."""
        if self._started:
            raise RuntimeError("CardWatcher.start() called twice")
        self._started = True
        self._worker.start(partial(self._run, knowledge=_Knowledge()), name=_thread_name)
        self._worker.companion(self._watch_reads, name="card-watchdog")

    def stop(self, timeout: float = 2.0) -> bool:
        """End the threads, waiting up to ``timeout`` s; True if none will emit again.

        A device thread blocked in a read of a mute card is abandoned (it emits nothing
        more and ends when the card leaves); any other wait ends within ``poll_interval``."""
        with self._worker.lock:
            self._worker.retire()  # whatever a thread still finishes is stale now
            stuck = self._reading is not None
            self._reading = None
            self._worker.request_stop()
        return self._worker.join(timeout, abandon=stuck)

    # --- threads -----------------------------------------------------------------------------------

    def _current(self, generation: int) -> bool:
        return self._worker.current(generation)

    def _emit(self, generation: int, event: CardEvent) -> None:
        self._worker.emit(generation, event)

    def _watch_reads(self) -> None:
        """The watchdog: replaces a device thread whose read overran its deadline."""
        interval = min(self._poll_interval, 0.1)
        while not self._worker.wait(interval):
            with self._worker.lock:
                reading = self._reading
                if reading is None or time.monotonic() < reading.deadline:
                    continue
                self._reading = None
                generation = self._worker.retire()  # the stuck thread's generation is over
            error = CardMute(f"card in {reading.reader!r} gave no answer within {self._read_timeout:g} s")
            self._emit(generation, CardEvent("read_failed", reader=reading.reader, error=error))
            with self._worker.lock:
                if self._current(generation):
                    self._worker.spawn(generation, partial(self._run, knowledge=reading.knowledge),
                                       name=_thread_name)

    def _run(self, generation: int, knowledge: _Knowledge) -> None:
        monitor: ReaderMonitor | None = None
        try:
            while self._current(generation):
                if monitor is None:
                    monitor = self._connect(generation, knowledge)
                    if monitor is None:
                        self._worker.wait(self._poll_interval)
                        continue
                try:
                    self._cycle(generation, knowledge, monitor)
                except PcscUnavailable as exc:
                    with contextlib.suppress(Exception):
                        monitor.close()
                    monitor = None
                    knowledge.service_up = False
                    self._emit(generation, CardEvent("service_down", error=exc))
                    self._take_readers(generation, knowledge, ())
                except ReaderUnavailable:
                    continue  # a reader vanished between listing and waiting: list again
                except Exception:
                    log.exception("card watcher cycle failed; retrying")
                    self._worker.wait(self._poll_interval)
        finally:
            if monitor is not None:
                with contextlib.suppress(Exception):
                    monitor.close()

    def _connect(self, generation: int, knowledge: _Knowledge) -> ReaderMonitor | None:
        """A PC/SC context, or None (with ``service_down`` once) while pcscd is away."""
        try:
            monitor = self._open_monitor()
        except PcscUnavailable as exc:
            if knowledge.service_up is not False:
                knowledge.service_up = False
                self._emit(generation, CardEvent("service_down", error=exc))
            return None
        if knowledge.service_up is False:
            self._emit(generation, CardEvent("service_up"))
        knowledge.service_up = True
        return monitor

    def _cycle(self, generation: int, knowledge: _Knowledge, monitor: ReaderMonitor) -> None:
        """Re-enumerate, then wait (bounded) for a reader to change, and act on it."""
        self._take_readers(generation, knowledge, tuple(monitor.list_readers()))
        watched = [r for r in knowledge.readers or () if self._reader is None or r == self._reader]
        known = {r: knowledge.status[r].state if r in knowledge.status else 0 for r in watched}
        for status in monitor.wait_for_change(known, self._poll_interval):
            if not self._current(generation):
                return
            self._on_status(generation, knowledge, status)

    def _take_readers(self, generation: int, knowledge: _Knowledge, current: tuple[str, ...]) -> None:
        """Take ``current`` as the reader list; a reader that vanished took its card with it."""
        if current == knowledge.readers:
            return
        for reader in list(knowledge.status):
            if reader not in current and knowledge.status.pop(reader).present:
                self._emit(generation, CardEvent("removed", reader=reader))
        knowledge.readers = current
        self._emit(generation, CardEvent("readers", readers=current))

    def _on_status(self, generation: int, knowledge: _Knowledge, status: ReaderStatus) -> None:
        reader = status.reader
        if status.gone:
            return  # the next cycle's enumeration reports it
        previous = knowledge.status.get(reader)
        knowledge.status[reader] = status
        was_present = previous is not None and previous.present
        if previous is not None and was_present and (
                not status.present or status.event_count != previous.event_count):
            self._emit(generation, CardEvent("removed", reader=reader))
            was_present = False
        if status.present and not was_present:
            self._emit(generation, CardEvent("inserted", reader=reader))
            self._read(generation, knowledge, reader)

    def _read(self, generation: int, knowledge: _Knowledge, reader: str) -> None:
        """Read the card on this thread, under the watchdog's eye; emit its one outcome."""
        with self._worker.lock:
            if not self._current(generation):
                return
            claim = _Read(generation, reader, time.monotonic() + self._read_timeout,
                          _Knowledge(knowledge.readers, dict(knowledge.status), knowledge.service_up))
            self._reading = claim
        event: CardEvent
        try:
            record = read_card_unbounded(reader, today=self._today(), open_connection=self._open_connection)
            event = CardEvent("read", reader=reader, record=record)
        except CounterError as exc:
            event = CardEvent("read_failed", reader=reader, error=exc)
        except Exception as exc:  # a bug in a layer below: still one event, and the thread lives on
            log.exception("unexpected error reading the card in %r", reader)
            event = CardEvent("read_failed", reader=reader, error=DeviceError(f"unexpected: {exc!r}"))
        with self._worker.lock:
            mine = self._reading is claim
            if mine:
                self._reading = None
        if not mine:
            return  # the watchdog reported this read and a successor took over
        self._emit(generation, event)
        if isinstance(event.error, PcscUnavailable):
            raise event.error
