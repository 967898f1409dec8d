"""Framing of the SAM serial protocol: building commands, finding replies in a byte stream.

A frame is ``AA AA AA 96 69``, a 2-byte big-endian length counting everything after
itself, the body, and a checksum byte: the XOR of every byte from the length through
the body. A command's body is ``CMD PARAM data``; a reply's is ``SW1 SW2 SW3 data``.

``FrameScanner`` is streaming and never raises: it skips noise before a preamble,
joins frames torn across reads, and drops frames with an impossible length or a bad
checksum, resynchronising on the next preamble. A header that promises more bytes than
ever arrive (noise that happens to contain a preamble) is given up as soon as a later,
complete and valid frame is in the buffer, so it cannot swallow the real reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

__all__ = [
    "FIND_CARD", "MAX_BODY", "PREAMBLE", "READ_TEXT_PHOTO", "READ_TEXT_PHOTO_FP", "RESET_SAM", "SAM_ID",
    "SAM_STATUS", "SELECT_CARD", "SW3_CARD_FOUND", "SW3_NO_CARD", "SW3_OK", "Command", "FrameParser",
    "FrameScanner", "Reply", "build_frame", "build_reply", "checksum",
]

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
#: largest length field accepted: text 256 + photo 1024 + fingerprint 1024 + lengths, with room to spare
MAX_BODY = 4096
_MIN_LENGTH = 3  # two body bytes (CMD PARAM) + checksum; a reply needs 4

SW3_OK = 0x90
SW3_CARD_FOUND = 0x9F
SW3_NO_CARD = 0x80


@dataclass(frozen=True)
class Command:
    """A command's CMD and PARAM bytes, with a name for logs and errors."""

    cmd: int
    param: int
    name: str


RESET_SAM = Command(0x10, 0xFF, "reset SAM")
SAM_STATUS = Command(0x11, 0xFF, "SAM status")
SAM_ID = Command(0x12, 0xFF, "SAM id")
FIND_CARD = Command(0x20, 0x01, "find card")
SELECT_CARD = Command(0x20, 0x02, "select card")
READ_TEXT_PHOTO = Command(0x30, 0x01, "read text+photo")
READ_TEXT_PHOTO_FP = Command(0x30, 0x10, "read text+photo+fingerprint")


def checksum(data: bytes) -> int:
    """XOR of all bytes."""
    return reduce(lambda a, b: a ^ b, data, 0)


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([checksum(length + body)])


def build_frame(cmd: int, param: int, data: bytes = b"") -> bytes:
    """The full command frame, e.g. ``build_frame(0x20, 0x01)`` = ``AAAAAA96690003200122``."""
    if not (0 <= cmd <= 0xFF and 0 <= param <= 0xFF):
        raise ValueError("cmd and param are single bytes")
    if len(data) + 3 > MAX_BODY:
        raise ValueError("data too long for one frame")
    return _frame(bytes([cmd, param]) + data)


def build_reply(sw3: int, payload: bytes = b"", sw1: int = 0x00, sw2: int = 0x00) -> bytes:
    """A reply frame (what a reader sends; used by the simulator and tests)."""
    return _frame(bytes([sw1, sw2, sw3]) + payload)


@dataclass(frozen=True)
class Reply:
    """A reply's status bytes and its data."""

    sw1: int
    sw2: int
    sw3: int
    payload: bytes

    def __repr__(self) -> str:  # payloads carry personal data: show only their size
        return f"Reply(sw1={self.sw1:02X}, sw2={self.sw2:02X}, sw3={self.sw3:02X}, payload=<{len(self.payload)} bytes>)"


class FrameScanner:
    """Streaming frame finder: ``feed`` bytes, get the bodies of the complete valid frames."""

    def __init__(self, min_length: int = _MIN_LENGTH, max_length: int = MAX_BODY) -> None:
        self._buf = bytearray()
        self._min = min_length
        self._max = max_length
        #: frames dropped for a bad length or checksum, and noise bytes skipped (for retries and logs)
        self.rejected = 0
        self.skipped = 0

    @property
    def pending(self) -> int:
        """Bytes held waiting for the rest of a frame."""
        return len(self._buf)

    def reset(self) -> None:
        self._buf.clear()

    def _check(self, start: int) -> tuple[str, int]:
        """At a preamble at ``start``: ("ok", end) / ("bad", 0) / ("short", 0)."""
        buf = self._buf
        if len(buf) < start + 7:
            return "short", 0
        length = int.from_bytes(buf[start + 5:start + 7], "big")
        if not self._min <= length <= self._max:
            return "bad", 0
        end = start + 7 + length
        if len(buf) < end:
            return "short", 0
        if checksum(bytes(buf[start + 5:end - 1])) != buf[end - 1]:
            return "bad", 0
        return "ok", end

    def _later_valid(self, after: int) -> int:
        """Position of a later preamble starting a complete valid frame, or -1."""
        pos = self._buf.find(PREAMBLE, after)
        while pos >= 0:
            if self._check(pos)[0] == "ok":
                return pos
            pos = self._buf.find(PREAMBLE, pos + 1)
        return -1

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buf += chunk
        bodies: list[bytes] = []
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                # keep a tail that may be the start of a preamble
                keep = 0
                for n in range(min(len(PREAMBLE) - 1, len(self._buf)), 0, -1):
                    if self._buf.endswith(PREAMBLE[:n]):
                        keep = n
                        break
                self.skipped += len(self._buf) - keep
                del self._buf[:len(self._buf) - keep]
                return bodies
            if start:
                self.skipped += start
                del self._buf[:start]
            state, end = self._check(0)
            if state == "ok":
                bodies.append(bytes(self._buf[7:end - 1]))
                del self._buf[:end]
            elif state == "bad":
                self.rejected += 1
                del self._buf[:1]
            else:
                later = self._later_valid(1)
                if later < 0:
                    return bodies
                self.rejected += 1
                del self._buf[:later]


class FrameParser:
    """Streaming reply parser: ``feed(chunk) -> list[Reply]``; never raises on any input."""

    def __init__(self) -> None:
        self._scanner = FrameScanner(min_length=4)

    @property
    def rejected(self) -> int:
        return self._scanner.rejected

    @property
    def pending(self) -> int:
        return self._scanner.pending

    def reset(self) -> None:
        self._scanner.reset()

    def feed(self, chunk: bytes) -> list[Reply]:
        return [Reply(b[0], b[1], b[2], b[3:]) for b in self._scanner.feed(chunk)]
