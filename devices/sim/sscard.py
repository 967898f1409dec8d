"""A virtual social security card that plugs into pcscd's ``vpcd`` reader driver.

vpcd (Debian package ``vsmartcard-vpcd``) is a PC/SC reader whose "slot" is a TCP
port: a virtual card connects to it as a client (= inserted) and disconnects
(= removed). Every message either way is a 2-byte big-endian length and that many
bytes. From vpcd, a 1-byte message is a control code (00 power off, 01 power on,
02 reset, 04 "send your ATR", answered with the ATR); anything longer is a command
APDU, answered with the response APDU. vpcd waits for an answer without any timeout.

So pyscard -> pcscd -> vpcd -> this card crosses the same stack a real reader does.

Latency note (measured on Debian 12, vpcd 3.3): vpcd writes each message in two
send() calls and does not set TCP_NODELAY, so the second half waits for our ACK,
which Linux delays by up to 40 ms; every APDU then took 48 ms instead of 0.2 ms.
The card re-arms TCP_QUICKACK after every read, which removes that delay.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import struct
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from core.errors import DeviceNotFound, mask_id_number
from core.files import SIMULATOR_DATA_LIMIT, read_text_bounded
from devices.sim.sscard_applet import Faults, HolderRecords, SocialSecurityApplet, encode_holder_records

__all__ = ["DEFAULT_VPCD_PORT", "Faults", "Holder", "VirtualCard", "VpcdUnavailable"]

log = logging.getLogger(__name__)

#: vpcd's port for reader "Virtual PCD 00 00" in our reader configuration (0x9A01)
DEFAULT_VPCD_PORT = 39425
_TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class VpcdUnavailable(DeviceNotFound):
    """Nobody listens on the vpcd port: pcscd with the vpcd driver is not running."""

    user_message = "虚拟读卡器（vpcd）未运行，无法插入模拟社保卡。"
    hint = "请先启动带 vpcd 驱动的读卡服务（pcscd），并确认端口号一致。"


@dataclass(frozen=True)
class Holder:
    """A card holder as the demo and tests describe one (JSON, see ``devices/sim/holders``)."""

    name: str
    name_gbk: bytes
    ssn: str
    sex: str                 # "male" / "female"
    ethnicity_code: str      # "01".."56"
    birthplace_code: str     # 6 digits
    birth_date: date
    card_number: str
    card_id_code: str        # 32 hex digits, the first 6 are the issuing region
    spec_version: str
    issue_date: date
    expiry_date: date

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Holder:
        """From the JSON form; ``name_gbk_hex`` instead of ``name`` injects arbitrary name bytes."""
        if "name_gbk_hex" in data:
            raw = bytes.fromhex(str(data["name_gbk_hex"]))
            name = raw.decode("gbk", errors="replace")
        else:
            name = str(data["name"])
            raw = name.encode("gbk")
        sex = str(data["sex"])
        if sex not in ("male", "female"):
            raise ValueError("sex must be 'male' or 'female'")
        card_id = str(data["card_id_code"]).upper()
        if len(bytes.fromhex(card_id)) != 16:
            raise ValueError("card_id_code must be 32 hex digits")
        return cls(name=name, name_gbk=raw, ssn=str(data["ssn"]), sex=sex,
                   ethnicity_code=str(data["ethnicity_code"]), birthplace_code=str(data["birthplace_code"]),
                   birth_date=date.fromisoformat(str(data["birth_date"])), card_number=str(data["card_number"]),
                   card_id_code=card_id, spec_version=str(data["spec_version"]),
                   issue_date=date.fromisoformat(str(data["issue_date"])),
                   expiry_date=date.fromisoformat(str(data["expiry_date"])))

    @classmethod
    def load(cls, path: Path) -> Holder:
        """Read a holder JSON file."""
        return cls.from_dict(json.loads(read_text_bounded(path, SIMULATOR_DATA_LIMIT, "持卡人数据文件")))

    def __repr__(self) -> str:
        return f"Holder(ssn={mask_id_number(self.ssn)!r}, card_number={self.card_number!r})"

    def card_records(self) -> HolderRecords:
        """The holder's data as the card encodes it."""
        return HolderRecords(
            card_id_code=bytes.fromhex(self.card_id_code), spec_version=self.spec_version,
            issue_date=self.issue_date, expiry_date=self.expiry_date, card_number=self.card_number,
            ssn=self.ssn, name_gbk=self.name_gbk, sex="1" if self.sex == "male" else "2",
            ethnicity=int(self.ethnicity_code), birthplace_code=self.birthplace_code, birth_date=self.birth_date)


class VirtualCard:
    """One virtual card, inserted into (connected to) vpcd on ``port``, served on its own thread."""

    def __init__(self, holder: Holder, faults: Faults | None = None, *, host: str = "127.0.0.1",
                 port: int = DEFAULT_VPCD_PORT) -> None:
        self.holder = holder
        self.faults = faults or Faults()
        self.host = host
        self.port = port
        self._records = encode_holder_records(holder.card_records(), self.faults)
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._pulled = threading.Event()
        #: command APDUs received since the last insert (answered or not), in order
        self.commands: list[bytes] = []

    @property
    def inserted(self) -> bool:
        """True while connected to vpcd (False after remove(), a fault pull, or pcscd stopping)."""
        thread = self._thread
        return thread is not None and thread.is_alive()

    def insert(self, *, timeout: float = 5.0) -> None:
        """Connect to vpcd, which is what "inserting the card" is for vpcd."""
        with self._lock:
            if self.inserted:
                return
            try:
                sock = socket.create_connection((self.host, self.port), timeout=timeout)
            except OSError as exc:
                raise VpcdUnavailable(f"vpcd not listening on {self.host}:{self.port}: {exc}") from exc
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
            self._pulled.clear()
            self.commands = []
            applet = SocialSecurityApplet(self._records, self.faults)
            self._thread = threading.Thread(target=self._serve, args=(sock, applet),
                                            name=f"virtual-card:{self.port}", daemon=True)
            self._thread.start()
        log.info("virtual card %s inserted on port %d", mask_id_number(self.holder.ssn), self.port)

    def remove(self, *, timeout: float = 5.0) -> None:
        """Disconnect from vpcd: the card leaves the reader."""
        with self._lock:
            sock, thread = self._sock, self._thread
            self._sock = None
            self._pulled.set()
            if sock is not None:
                _shutdown(sock)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait_out(self, timeout: float = 5.0) -> bool:
        """Wait until vpcd has dropped the card's connection; True when it has.

        vpcd closes the link on its own schedule (pcscd stopping, a reader
        reset), so whoever expects that must wait for the serving thread.
        """
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        return not self.inserted

    def close(self) -> None:
        """Remove the card and release everything; the object may be inserted again."""
        self.remove()

    def _serve(self, sock: socket.socket, applet: SocialSecurityApplet) -> None:
        try:
            while True:
                message = _receive(sock)
                if message is None:
                    return
                if len(message) == 1:
                    self._control(sock, applet, message[0])
                    continue
                self.commands.append(message)
                if self.faults.remove_after is not None and len(self.commands) > self.faults.remove_after:
                    log.info("virtual card pulled out after %d APDUs", self.faults.remove_after)
                    return
                if self.faults.mute:
                    continue
                if self.faults.slow_ms and self._pulled.wait(self.faults.slow_ms / 1000):
                    return
                _send(sock, applet.process(message))
        except OSError as exc:
            if not self._pulled.is_set():
                log.info("virtual card link closed: %s", exc)
        finally:
            _shutdown(sock)

    @staticmethod
    def _control(sock: socket.socket, applet: SocialSecurityApplet, code: int) -> None:
        if code == 0x04:
            _send(sock, applet.atr)
        elif code in (0x00, 0x01, 0x02):  # power off / on / reset: the chip starts over
            applet.reset()
        else:
            log.warning("unknown vpcd control code %02X", code)


def _receive(sock: socket.socket) -> bytes | None:
    """One vpcd message, or None when vpcd closed the connection."""
    header = _read_exact(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _read_exact(sock, length) if length else b""


def _read_exact(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        chunk = sock.recv(size - len(buffer))
        if not chunk:
            return None
        if _TCP_QUICKACK is not None:
            sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)
        buffer += chunk
    return bytes(buffer)


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
