"""Finding the ID reader: list serial ports, probe each with SAM status at the usual rates.

``serial.tools.list_ports`` does not list pseudo-terminals (the simulator), so explicit
paths can be given too. The port and rate that answered are remembered by the caller
(``ReaderLocation``) and tried first next time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from core.errors import CounterError
from devices.idcard.protocol import SAM_STATUS
from devices.idcard.serial_link import PySerialLink, SerialLink
from devices.idcard.session import IdReaderSession

__all__ = ["PROBE_BAUDS", "ReaderLocation", "find_reader", "list_ports", "probe"]

log = logging.getLogger(__name__)

PROBE_BAUDS = (115200, 57600, 38400, 19200, 9600)

LinkFactory = Callable[[str, int], SerialLink]


@dataclass(frozen=True)
class ReaderLocation:
    port: str
    baud: int


def list_ports(extra: Iterable[str] = ()) -> list[str]:
    """Explicit paths first, then what pyserial lists; no duplicates."""
    ports = list(dict.fromkeys(extra))
    try:
        from serial.tools import list_ports as lp

        for info in lp.comports():
            if info.device not in ports:
                ports.append(str(info.device))
    except (ImportError, OSError):  # pragma: no cover - listing is best effort
        log.debug("serial port listing failed", exc_info=True)
    return ports


def _open(port: str, baud: int) -> SerialLink:
    return PySerialLink(port, baud)


def probe(port: str, bauds: Sequence[int] = PROBE_BAUDS, *, open_link: LinkFactory = _open,
          timeout_scale: float = 1.0) -> ReaderLocation | None:
    """The first rate at which ``port`` answers SAM status with any valid frame, else None.

    A reader answering 66 (SAM not authorised) is still a reader: it is found, and the
    status error surfaces when it is used.
    """
    for baud in bauds:
        try:
            link = open_link(port, baud)
        except CounterError:
            return None  # the port cannot be opened at all
        try:
            session = IdReaderSession(link, baud=baud, retries=0, timeout_scale=timeout_scale)
            session.exchange(SAM_STATUS)
            return ReaderLocation(port, baud)
        except CounterError as exc:
            log.debug("probe %s at %d: %s", port, baud, exc.detail)
        finally:
            link.close()
    return None


def find_reader(ports: Iterable[str], *, remembered: ReaderLocation | None = None,
                bauds: Sequence[int] = PROBE_BAUDS, open_link: LinkFactory = _open) -> ReaderLocation | None:
    """Probe ``remembered`` first (at its rate, then the others), then every other port."""
    order = list(ports)
    if remembered is not None:
        found = probe(remembered.port, (remembered.baud, *[b for b in bauds if b != remembered.baud]),
                      open_link=open_link)
        if found is not None:
            return found
        order = [p for p in order if p != remembered.port]
    for port in order:
        found = probe(port, bauds, open_link=open_link)
        if found is not None:
            return found
    return None
