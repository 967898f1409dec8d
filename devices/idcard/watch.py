"""Watching an ID card reader: one device thread polls, events go out.

The device thread is the only one touching the serial port. It finds the reader
(the given port, or every listed port plus explicit paths, probed with SAM status at
the usual rates; the last port that answered is tried first), then polls find card
every ``poll_interval`` s. A card that appears is selected and read once; while it
lies there find card keeps answering 9F and nothing is read again; only after an 80
("no card") may the next card be read. A port that fails (or stops answering) is
reported, closed, and looked for again every ``rescan_interval`` s.

The thread is a ``devices.worker.DeviceWorker``'s; the events are ``IdCardEvent``s, the ID
reader's ``DeviceEvent`` (``payload`` is the record). Delivered on the device thread (the UI
re-emits them as Qt signals):

* ``reader`` the reader was found on ``port``
* ``read`` a card was read (``record``), or ``read_failed`` with ``error``
* ``removed`` the card left the reader
* ``reader_lost`` the port failed or vanished (``error``); it is being looked for again
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from core.errors import CounterError, DeviceError, mask_id_number
from devices.events import DeviceEvent, DeviceState
from devices.idcard.discovery import PROBE_BAUDS, ReaderLocation, find_reader, list_ports
from devices.idcard.errors import IdReaderGarbled, IdReaderPortLost, IdReaderTimeout
from devices.idcard.record import IdCardRecord
from devices.idcard.serial_link import PySerialLink, SerialLink
from devices.idcard.session import IdReaderSession
from devices.worker import DeviceWorker

__all__ = ["ID_READER", "IdCardEvent", "IdCardEventKind", "IdCardWatcher"]

log = logging.getLogger(__name__)

IdCardEventKind = Literal["reader", "read", "removed", "read_failed", "reader_lost"]

#: consecutive unanswered polls after which the reader counts as lost
_LOST_AFTER = 3


#: the ID reader's name in the device vocabulary (and its key in the app's registry and settings)
ID_READER = "id_reader"

_STATES: dict[str, DeviceState] = {
    "reader": DeviceState.READY, "read": DeviceState.READ, "removed": DeviceState.READY,
    "read_failed": DeviceState.FAILED, "reader_lost": DeviceState.LOST,
}


@dataclass(frozen=True, init=False)
class IdCardEvent(DeviceEvent):
    """Something that happened to the ID reader or a card on it; ``payload`` is the card's record."""

    port: str | None = None

    def __init__(self, kind: IdCardEventKind, *, port: str | None = None, record: IdCardRecord | None = None,
                 error: CounterError | None = None) -> None:
        super().__init__(device=ID_READER, state=_STATES[kind], kind=kind, payload=record, error=error)
        object.__setattr__(self, "port", port)

    @property
    def record(self) -> IdCardRecord | None:
        return self.payload if isinstance(self.payload, IdCardRecord) else None


class IdCardWatcher:
    """Polls one ID reader on its own thread; ``start()``, then ``stop()``."""

    def __init__(self, on_event: Callable[[IdCardEvent], None], *, port: str | None = None,
                 baud: int | None = None, poll_interval: float = 0.3, rescan_interval: float = 1.0,
                 extra_ports: Callable[[], Iterable[str]] | Iterable[str] = (), scan_system_ports: bool = True,
                 fingerprint: bool = False, remembered: ReaderLocation | None = None,
                 open_link: Callable[[str, int], SerialLink] = PySerialLink) -> None:
        self._port = port
        self._bauds = (baud,) if baud else PROBE_BAUDS
        self.poll_interval = poll_interval
        self.rescan_interval = rescan_interval
        self._extra = extra_ports
        self._scan_system = scan_system_ports and port is None
        self._fingerprint = fingerprint
        self._open_link = open_link
        #: where the reader answered last (tried first when looking again)
        self.remembered = remembered
        self._worker: DeviceWorker[IdCardEvent] = DeviceWorker(on_event, logger=log)

    @property
    def running(self) -> bool:
        return self._worker.running

    def start(self) -> None:
        self._worker.start(self._run, name="idcard-watcher")

    def stop(self, timeout: float = 5.0) -> None:
        self._worker.stop(timeout)

    def _candidates(self) -> list[str]:
        extra = list(self._extra() if callable(self._extra) else self._extra)
        if self._port is not None:
            extra.insert(0, self._port)
        return list_ports(extra) if self._scan_system else list(dict.fromkeys(extra))

    def _connect(self, generation: int) -> IdReaderSession | None:
        location = find_reader(self._candidates(), remembered=self.remembered, bauds=self._bauds,
                               open_link=self._open_link)
        if location is None:
            return None
        try:
            link = self._open_link(location.port, location.baud)
        except CounterError:
            return None
        self.remembered = location
        log.info("ID reader on %s at %d baud", location.port, location.baud)
        self._worker.emit(generation, IdCardEvent("reader", port=location.port))
        return IdReaderSession(link, baud=location.baud)

    def _run(self, generation: int) -> None:
        session: IdReaderSession | None = None
        present = False
        silent = 0
        while self._worker.current(generation):
            if session is None:
                session = self._connect(generation)
                if session is None:
                    self._worker.wait(self.rescan_interval)
                    continue
                present, silent = False, 0
            port = self.remembered.port if self.remembered else None
            try:
                found = session.find_card()
                silent = 0
            except (IdReaderTimeout, IdReaderGarbled) as exc:
                silent += 1
                if silent < _LOST_AFTER:
                    self._worker.wait(self.poll_interval)
                    continue
                self._lose(generation, session, port, IdReaderPortLost(f"{port}: {exc.detail}", port=port))
                session = None
                continue
            except IdReaderPortLost as exc:
                self._lose(generation, session, port, exc)
                session = None
                continue
            except DeviceError as exc:  # a status such as 66 on find: nothing to read now
                log.debug("find card on %s: %s", port, exc.detail)
                found = False
            if found and not present:
                present = True
                try:
                    session.select_card()
                    record = session.read_card(self._fingerprint)
                except IdReaderPortLost as exc:
                    self._worker.emit(generation, IdCardEvent("read_failed", port=port, error=exc))
                    self._lose(generation, session, port, exc)
                    session = None
                    continue
                except CounterError as exc:
                    log.info("ID card read on %s failed: %s", port, exc.detail)
                    self._worker.emit(generation, IdCardEvent("read_failed", port=port, error=exc))
                else:
                    log.info("ID card read on %s: %s", port, mask_id_number(record.id_number))
                    self._worker.emit(generation, IdCardEvent("read", port=port, record=record))
            elif not found and present:
                present = False
                self._worker.emit(generation, IdCardEvent("removed", port=port))
            self._worker.wait(self.poll_interval)
        if session is not None:
            session.close()

    def _lose(self, generation: int, session: IdReaderSession, port: str | None, error: CounterError) -> None:
        session.close()
        log.warning("ID reader on %s lost: %s", port, error.detail)
        self._worker.emit(generation, IdCardEvent("reader_lost", port=port, error=error))


