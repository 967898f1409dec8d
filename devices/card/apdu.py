"""Command APDUs and the channel that hides transport quirks from the card logic.

A T=0 card cannot return data in the same exchange as a case 4 command, and a card
told the wrong Le refuses with the right one: it answers ``61xx`` ("xx bytes waiting,
fetch them with GET RESPONSE") or ``6Cxx`` ("say Le=xx and ask again"). ``CardChannel``
deals with both so that ``sscard`` reads as a plain list of commands, and it counts
every APDU it sends, which is how the read proves it sends none it does not need.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from devices.card.errors import CardDataCorrupt

if TYPE_CHECKING:  # the pure layers must not load pyscard
    from devices.card.connection import CardConnection

__all__ = [
    "AID_SOCIAL_SECURITY",
    "READ_BY_IDENTIFIER",
    "READ_BY_NUMBER",
    "SW_OK",
    "CardChannel",
    "get_response",
    "read_record",
    "select_by_name",
    "select_file",
    "with_le",
]

log = logging.getLogger(__name__)

SW_OK = 0x9000
#: "sx1.sh." + GBK "社会保障": the social security application's DF name
AID_SOCIAL_SECURITY = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
#: READ RECORD P2: P1 is a record identifier (here: the data element's tag), first occurrence
READ_BY_IDENTIFIER = 0x00
#: READ RECORD P2: P1 is a record number in the current EF
READ_BY_NUMBER = 0x04


def _byte(name: str, value: int) -> int:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{name} must be one byte, got {value}")
    return value


def select_by_name(name: bytes) -> bytes:
    """SELECT a DF by its name (case 3: the FCI is not asked for)."""
    if not 1 <= len(name) <= 16:
        raise ValueError("a DF name has 1 to 16 bytes")
    return bytes([0x00, 0xA4, 0x04, 0x00, len(name)]) + name


def select_file(fid: int, *, p1: int = 0x00) -> bytes:
    """SELECT an elementary file by its two-byte identifier (P1=00, or 02 = child of the current DF)."""
    if not 0 <= fid <= 0xFFFF:
        raise ValueError("a file identifier has two bytes")
    return bytes([0x00, 0xA4, _byte("P1", p1), 0x00, 0x02]) + fid.to_bytes(2, "big")


def read_record(p1: int, p2: int, le: int) -> bytes:
    """READ RECORD (case 2); Le=0 means "up to 256 bytes"."""
    return bytes([0x00, 0xB2, _byte("P1", p1), _byte("P2", p2), _byte("Le", le)])


def get_response(le: int) -> bytes:
    """GET RESPONSE for the ``le`` bytes a ``61xx`` announced (0 = 256)."""
    return bytes([0x00, 0xC0, 0x00, 0x00, _byte("Le", le)])


def with_le(apdu: bytes, le: int) -> bytes | None:
    """The same short command with its Le replaced by ``le``; None if it has no Le."""
    if len(apdu) == 5:  # case 2: header + Le
        return apdu[:4] + bytes([le])
    if len(apdu) > 5 and len(apdu) == 6 + apdu[4]:  # case 4: header + Lc + data + Le
        return apdu[:-1] + bytes([le])
    return None


class CardChannel:
    """Sends commands over a ``CardConnection``, resolving ``61xx``/``6Cxx``, counting APDUs."""

    def __init__(self, connection: CardConnection, *, max_response_chunks: int = 16) -> None:
        self._connection = connection
        self._max_chunks = max_response_chunks
        self._trace = log.isEnabledFor(logging.DEBUG)  # decided once: this sits on every APDU's path
        self.apdu_count = 0

    def transmit(self, apdu: bytes, *, fetch_response: bool = True) -> tuple[bytes, int]:
        """Send ``apdu``; return all its response data and the final status word.

        With ``fetch_response=False`` a ``61xx`` is returned as is: after a SELECT it
        already means "selected", and fetching an FCI nobody reads costs an APDU."""
        if not self._trace:  # the common case, kept short: it runs once per APDU
            self.apdu_count += 1
            data, sw = self._connection.transmit(apdu)
            if sw == SW_OK:
                return data, sw
            if sw >> 8 == 0x6C:
                data, sw = self._resend(apdu, sw)
        else:
            data, sw = self._exchange(apdu)
        if not fetch_response or sw >> 8 != 0x61:
            return data, sw
        chunks = [data]
        while sw >> 8 == 0x61:
            if len(chunks) > self._max_chunks:
                raise CardDataCorrupt(f"card keeps announcing more data after {self._max_chunks} GET RESPONSE")
            data, sw = self._exchange(get_response(sw & 0xFF))
            chunks.append(data)
        return b"".join(chunks), sw

    def _exchange(self, apdu: bytes) -> tuple[bytes, int]:
        """One command, resent once with the Le the card asked for on ``6Cxx``."""
        data, sw = self._send(apdu)
        if sw >> 8 == 0x6C:
            data, sw = self._resend(apdu, sw)
        return data, sw

    def _resend(self, apdu: bytes, sw: int) -> tuple[bytes, int]:
        again = with_le(apdu, sw & 0xFF)
        return (b"", sw) if again is None else self._send(again)

    def _send(self, apdu: bytes) -> tuple[bytes, int]:
        self.apdu_count += 1
        if not self._trace:
            return self._connection.transmit(apdu)
        # Header and lengths only: response data holds personal data and is never logged.
        log.debug("> %s (%d bytes)", apdu[:4].hex(), len(apdu))
        data, sw = self._connection.transmit(apdu)
        log.debug("< %d bytes, SW %04X", len(data), sw)
        return data, sw
