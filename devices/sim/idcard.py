"""A simulated resident ID card reader answering the SAM protocol on a pseudo-terminal.

``SimulatedIdReader(identity).start()`` opens a pty pair; ``port`` is the slave path,
which pyserial opens like a real port. Replies are paced to the configured baud
(10 bits a byte, both directions); ``lay(identity)`` / ``lift()`` put a card on the
reader and take it off. ``IdFaults`` makes the reader misbehave the way real ones do.
The pty has no real baud rate, so the simulator answers at whatever rate the host set.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import select
import threading
import time
import tty
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from core.files import SIMULATOR_DATA_LIMIT, read_text_bounded
from devices.idcard.protocol import FrameScanner, build_reply

__all__ = ["DEFAULT_SAM_ID", "IdFaults", "Identity", "SimulatedIdReader", "encode_text", "gb11643_check"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_FLAG = {"resident": " ", "hkmt_permit": "J", "foreign_old": "I", "foreign_2023": "Y"}


def gb11643_check(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Identity:
    """A card's content, as in the JSON samples under ``devices/sim/identities``."""

    card_type: str
    name: str
    id_number: str
    sex_code: str = "1"
    birth_date: str = ""
    ethnicity_code: str = ""
    address: str = ""
    issuer: str = ""
    valid_from: str = ""
    valid_to: str = ""
    name_en: str = ""
    nationality: str = ""
    pass_number: str = ""
    issue_count: str = ""
    version: str = ""
    fingerprint: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown identity fields: {', '.join(sorted(unknown))}")
        if data.get("card_type") not in _FLAG:
            raise ValueError(f"card_type must be one of {', '.join(_FLAG)}")
        return cls(**data)

    @classmethod
    def load(cls, path: Path) -> Identity:
        return cls.from_dict(json.loads(read_text_bounded(path, SIMULATOR_DATA_LIMIT, "身份证模拟数据文件")))

    def photo(self) -> bytes:
        """1024 stand-in WLT bytes, fixed per identity."""
        seed = hashlib.sha256(("photo:" + self.id_number).encode()).digest()
        out = b"WLf\x00" + b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(32))
        return out[:1024]

    def fingerprint_data(self) -> bytes:
        if not self.fingerprint:
            return b""
        seed = hashlib.sha256(("fp:" + self.id_number).encode()).digest()
        return b"".join(hashlib.sha256(seed + bytes([i])).digest() for i in range(32))


def _put(buf: bytearray, offset: int, length: int, text: str) -> None:
    raw = text.encode("utf-16-le")[:length]
    buf[offset:offset + len(raw)] = raw


def encode_text(identity: Identity) -> bytes:
    """The 256-byte UTF-16LE text block of ``identity`` (layouts as in ``devices.idcard.decode``)."""
    buf = bytearray(" ".encode("utf-16-le") * 128)
    i = identity
    if i.card_type == "foreign_old":
        for off, ln, val in ((0, 120, i.name_en), (120, 2, i.sex_code), (122, 30, i.id_number),
                             (152, 6, i.nationality), (158, 30, i.name), (188, 16, i.valid_from),
                             (204, 16, i.valid_to), (220, 16, i.birth_date), (236, 4, i.version),
                             (240, 8, i.issuer)):
            _put(buf, off, ln, val)
    elif i.card_type == "foreign_2023":
        en_head, en_tail = i.name_en[:35], i.name_en[35:].strip()
        for off, ln, val in ((0, 30, i.name), (30, 2, i.sex_code), (32, 4, i.issue_count),
                             (36, 16, i.birth_date), (52, 70, en_head), (122, 36, i.id_number),
                             (158, 30, i.issuer), (188, 16, i.valid_from), (204, 16, i.valid_to),
                             (220, 22, en_tail), (242, 6, i.nationality)):
            _put(buf, off, ln, val)
    else:
        for off, ln, val in ((0, 30, i.name), (30, 2, i.sex_code), (32, 4, i.ethnicity_code),
                             (36, 16, i.birth_date), (52, 70, i.address), (122, 36, i.id_number),
                             (158, 30, i.issuer), (188, 16, i.valid_from), (204, 16, i.valid_to)):
            _put(buf, off, ln, val)
        if i.card_type == "hkmt_permit":
            _put(buf, 220, 18, i.pass_number)
            _put(buf, 238, 4, i.issue_count)
    _put(buf, 248, 2, _FLAG[i.card_type])
    return bytes(buf)


@dataclass
class IdFaults:
    """Misbehaviour; counts are how many times the fault still fires (-1: always)."""

    noise: int = 0            # noise bytes before every reply
    torn_ms: int = 0          # split every reply in two writes with this pause
    bad_checksum: int = 0     # corrupt the checksum of the next N read replies
    find_fail: int = 0        # answer 80 to the next N find-card commands although a card lies there
    select_fail: int = 0      # answer 81 to the next N select-card commands
    read_fail: int = 0        # answer 41 to the next N reads
    sam_unauthorised: bool = False  # 66 to SAM status and reads
    slow_sam_ms: int = 0      # delay before every reply
    close_mid_read: bool = False    # send half a read reply, then the port vanishes

    _NAMES = ("noise", "torn_ms", "bad_checksum", "find_fail", "select_fail", "read_fail",
              "sam_unauthorised", "slow_sam_ms", "close_mid_read")

    @classmethod
    def parse(cls, specs: Iterable[str]) -> IdFaults:
        """From CLI specs such as ``noise=8``, ``torn-ms=50``, ``sam-unauthorised``."""
        faults = cls()
        for spec in specs:
            name, _, value = spec.partition("=")
            name = name.strip().replace("-", "_")
            if name not in cls._NAMES:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(cls._NAMES)}")
            if name in ("sam_unauthorised", "close_mid_read"):
                setattr(faults, name, value.lower() not in ("0", "false", "no"))
            else:
                setattr(faults, name, int(value) if value else 1)
        return faults


def _take(faults: IdFaults, name: str) -> bool:
    left: int = getattr(faults, name)
    if left == 0:
        return False
    if left > 0:
        setattr(faults, name, left - 1)
    return True


@dataclass
class SimStats:
    commands: list[tuple[int, int]] = field(default_factory=list)
    bytes_in: int = 0
    bytes_out: int = 0
    reads: int = 0


#: prints as 05.01-20101010-0000012345-0000678901
DEFAULT_SAM_ID = (5).to_bytes(2, "little") + (1).to_bytes(2, "little") + (20101010).to_bytes(4, "little") + \
    (12345).to_bytes(4, "little") + (678901).to_bytes(4, "little")


class SimulatedIdReader:
    """The reader. ``start()`` it, point pyserial at ``port``, ``stop()`` it when done."""

    def __init__(self, identity: Identity | None = None, *, baud: int = 115200,
                 faults: IdFaults | None = None, sam_id: bytes = DEFAULT_SAM_ID) -> None:
        self.baud = baud
        self.faults = faults or IdFaults()
        self.stats = SimStats()
        self._sam_id = sam_id
        self._identity = identity
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master = -1
        self._slave = -1
        self.port = ""
        #: monotonic time the current card was laid (for the benchmark)
        self.laid_at: float | None = None

    # --- card ------------------------------------------------------------------------------------

    def lay(self, identity: Identity) -> None:
        with self._lock:
            self._identity = identity
            self.laid_at = time.monotonic()

    def lift(self) -> None:
        with self._lock:
            self._identity = None
            self.laid_at = None

    @property
    def card(self) -> Identity | None:
        with self._lock:
            return self._identity

    # --- life cycle ------------------------------------------------------------------------------

    def start(self) -> SimulatedIdReader:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"sim-idreader {self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self._close_fds()

    def vanish(self) -> None:
        """The port disappears (USB adapter pulled): the pty is closed."""
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _close_fds(self) -> None:
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1

    def __enter__(self) -> SimulatedIdReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the reader's loop -----------------------------------------------------------------------

    def _pace(self, n: int) -> None:
        time.sleep(n * 10 / self.baud)

    def _run(self) -> None:
        scanner = FrameScanner()
        master = self._master
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(master, 4096)
            except OSError:
                return
            self.stats.bytes_in += len(chunk)
            self._pace(len(chunk))
            for body in scanner.feed(chunk):
                if len(body) < 2:
                    continue
                if not self._answer(body[0], body[1]):
                    return

    def _write(self, data: bytes) -> bool:
        """Paced write in small chunks; False if the pty is gone."""
        step = 64
        try:
            for start in range(0, len(data), step):
                piece = data[start:start + step]
                self._pace(len(piece))
                os.write(self._master, piece)
        except OSError:
            return False
        self.stats.bytes_out += len(data)
        return True

    def _reply(self, frame: bytes) -> bool:
        f = self.faults
        if f.slow_sam_ms:
            time.sleep(f.slow_sam_ms / 1000)
        if f.noise:
            noise = hashlib.sha256(frame).digest() * (f.noise // 32 + 1)
            frame = noise[:f.noise].replace(b"\xaa", b"\x55") + frame
        if f.torn_ms and len(frame) > 8:
            half = len(frame) // 2
            if not self._write(frame[:half]):
                return False
            time.sleep(f.torn_ms / 1000)
            return self._write(frame[half:])
        return self._write(frame)

    def _answer(self, cmd: int, param: int) -> bool:
        self.stats.commands.append((cmd, param))
        f = self.faults
        card = self.card
        if (cmd, param) == (0x11, 0xFF):
            return self._reply(build_reply(0x66 if f.sam_unauthorised else 0x90))
        if (cmd, param) == (0x12, 0xFF):
            return self._reply(build_reply(0x90, self._sam_id))
        if (cmd, param) == (0x10, 0xFF):
            return self._reply(build_reply(0x90))
        if (cmd, param) == (0x20, 0x01):
            if card is None or _take(f, "find_fail"):
                return self._reply(build_reply(0x80))
            return self._reply(build_reply(0x9F, bytes(4)))
        if (cmd, param) == (0x20, 0x02):
            if card is None or _take(f, "select_fail"):
                return self._reply(build_reply(0x81))
            return self._reply(build_reply(0x90, bytes(8)))
        if cmd == 0x30 and param in (0x01, 0x10):
            if f.sam_unauthorised:
                return self._reply(build_reply(0x66))
            if card is None or _take(f, "read_fail"):
                return self._reply(build_reply(0x41))
            text, photo = encode_text(card), card.photo()
            payload = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
            fp = card.fingerprint_data() if param == 0x10 else b""
            if param == 0x10:
                payload += len(fp).to_bytes(2, "big")
            frame = build_reply(0x90, payload + text + photo + fp)
            self.stats.reads += 1
            if _take(f, "bad_checksum"):
                frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
            if f.close_mid_read:
                self._write(frame[:len(frame) // 2])
                self._stop.set()
                self._close_fds()
                return False
            return self._reply(frame)
        return self._reply(build_reply(0x21))

