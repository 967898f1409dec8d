"""Commands of the SAM protocol over a ``SerialLink``, with bounded waits and retries.

Each command waits at most its own budget: a fixed allowance for the SAM and the card
plus the reply's wire time at the link's baud, doubled. A reply that arrives damaged
(bad checksum, torn and never completed, a reader complaining of our checksum or
length) is retried up to ``retries`` times; a reply that simply never comes is a
timeout. Traffic is logged at debug level by size and status only, never content.
"""

from __future__ import annotations

import logging
import time

from core.errors import mask_id_number
from devices.idcard.decode import decode_read_payload
from devices.idcard.errors import (
    IdCardDataCorrupt,
    IdReaderChecksumRejected,
    IdReaderGarbled,
    IdReaderLengthRejected,
    IdReaderTimeout,
    error_for_sw3,
)
from devices.idcard.protocol import (
    FIND_CARD,
    READ_TEXT_PHOTO,
    READ_TEXT_PHOTO_FP,
    RESET_SAM,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    SW3_CARD_FOUND,
    SW3_NO_CARD,
    SW3_OK,
    Command,
    FrameParser,
    Reply,
    build_frame,
)
from devices.idcard.record import IdCardRecord
from devices.idcard.serial_link import SerialLink, wire_seconds

__all__ = ["IdReaderSession", "format_sam_id"]

log = logging.getLogger(__name__)

#: allowance for the SAM/card per command (seconds), on top of wire time
_ALLOWANCE = {
    RESET_SAM: 1.0, SAM_STATUS: 0.3, SAM_ID: 0.3, FIND_CARD: 0.3, SELECT_CARD: 0.3,
    READ_TEXT_PHOTO: 1.5, READ_TEXT_PHOTO_FP: 2.0,
}
#: largest reply expected (bytes), for the wire-time part of the budget
_REPLY_SIZE = {READ_TEXT_PHOTO: 1300, READ_TEXT_PHOTO_FP: 2330}


def format_sam_id(data: bytes) -> str:
    """The SAM's printed id from its 16 bytes: ``05.01-20101010-0000012345-0000678901``."""
    if len(data) < 16:
        raise IdCardDataCorrupt(f"SAM id of {len(data)} bytes")
    a = int.from_bytes(data[0:2], "little")
    b = int.from_bytes(data[2:4], "little")
    c = int.from_bytes(data[4:8], "little")
    d = int.from_bytes(data[8:12], "little")
    e = int.from_bytes(data[12:16], "little")
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


class IdReaderSession:
    """One reader on one link. Not thread-safe: use it from the device thread only."""

    def __init__(self, link: SerialLink, *, baud: int = 115200, retries: int = 2,
                 timeout_scale: float = 1.0) -> None:
        self.link = link
        self.baud = baud
        self.retries = retries
        self.timeout_scale = timeout_scale
        self._parser = FrameParser()
        #: bytes written and read by this session (for the benchmark's wire-time figure)
        self.bytes_out = 0
        self.bytes_in = 0

    def budget(self, command: Command) -> float:
        reply = _REPLY_SIZE.get(command, 64)
        return (_ALLOWANCE.get(command, 0.5) + 2 * wire_seconds(reply + 10, self.baud)) * self.timeout_scale

    def _exchange_once(self, command: Command, data: bytes) -> Reply:
        """Send once, wait for one reply. IdReaderGarbled if only damaged frames came."""
        self._parser.reset()
        rejected_before = self._parser.rejected
        frame = build_frame(command.cmd, command.param, data)
        self.link.write(frame)
        self.bytes_out += len(frame)
        deadline = time.monotonic() + self.budget(command)
        while (remaining := deadline - time.monotonic()) > 0:
            chunk = self.link.read(4096, min(remaining, 0.05))
            if not chunk:
                if self._parser.rejected > rejected_before and not self._parser.pending:
                    break  # a damaged frame and then silence: no point waiting out the budget
                continue
            self.bytes_in += len(chunk)
            replies = self._parser.feed(chunk)
            if replies:
                reply = replies[-1]
                log.debug("%s -> SW3 %02X, %d data bytes", command.name, reply.sw3, len(reply.payload))
                return reply
        if self._parser.rejected > rejected_before or self._parser.pending:
            raise IdReaderGarbled(f"{command.name}: damaged or incomplete reply", command=command.name)
        raise IdReaderTimeout(f"{command.name}: no reply within {self.budget(command):.2f} s", command=command.name)

    def exchange(self, command: Command, data: bytes = b"") -> Reply:
        """Send ``command`` and return its reply, retrying damaged replies."""
        attempt = 0
        while True:
            try:
                reply = self._exchange_once(command, data)
                if reply.sw3 in (0x10, 0x11):  # the reader got our frame damaged: send again
                    raise error_for_sw3(reply.sw3, command.name)
                return reply
            except (IdReaderGarbled, IdReaderChecksumRejected, IdReaderLengthRejected):
                attempt += 1
                if attempt > self.retries:
                    raise
                log.debug("%s: damaged exchange, retry %d", command.name, attempt)

    def _expect(self, command: Command, *ok: int) -> Reply:
        reply = self.exchange(command)
        if reply.sw3 not in ok:
            raise error_for_sw3(reply.sw3, command.name)
        return reply

    def sam_status(self) -> None:
        """Raise unless the SAM reports itself ready (90)."""
        self._expect(SAM_STATUS, SW3_OK)

    def sam_id(self) -> str:
        return format_sam_id(self._expect(SAM_ID, SW3_OK).payload)

    def reset(self) -> None:
        self._expect(RESET_SAM, SW3_OK)

    def find_card(self) -> bool:
        """True if a card is in the field (9F), False for 80 "no card"; other statuses raise."""
        reply = self.exchange(FIND_CARD)
        if reply.sw3 == SW3_CARD_FOUND:
            return True
        if reply.sw3 == SW3_NO_CARD:
            return False
        raise error_for_sw3(reply.sw3, FIND_CARD.name)

    def select_card(self) -> None:
        self._expect(SELECT_CARD, SW3_OK)

    def read_card(self, fingerprint: bool = False) -> IdCardRecord:
        """Read text + photo (+ fingerprint) of the selected card.

        A damaged read reply is retried after finding and selecting the card again,
        which readers require before a second read.
        """
        command = READ_TEXT_PHOTO_FP if fingerprint else READ_TEXT_PHOTO
        attempt = 0
        while True:
            try:
                reply = self._exchange_once(command, b"")
                if reply.sw3 in (0x10, 0x11):
                    raise error_for_sw3(reply.sw3, command.name)
                break
            except (IdReaderGarbled, IdReaderChecksumRejected, IdReaderLengthRejected):
                attempt += 1
                if attempt > self.retries:
                    raise
                log.debug("%s: damaged reply, find/select/read again (%d)", command.name, attempt)
                self.find_card()
                self.select_card()
        if reply.sw3 != SW3_OK:
            raise error_for_sw3(reply.sw3, command.name)
        record = decode_read_payload(reply.payload, fingerprint=fingerprint)
        log.debug("read %s card %s", record.card_type, mask_id_number(record.id_number))
        return record

    def read_present_card(self, fingerprint: bool = False) -> IdCardRecord | None:
        """Find, select and read; None if no card is on the reader."""
        if not self.find_card():
            return None
        self.select_card()
        return self.read_card(fingerprint)

    def close(self) -> None:
        self.link.close()
