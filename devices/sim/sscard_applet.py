"""The card side of a simulated social security card: APDU in, response APDU out.

This is the "chip": it knows the holder's records and answers the way a card's
operating system does, with ISO 7816-4 status words for everything it does not like
(unknown CLA 6E00, unknown INS 6D00, wrong P1/P2 6A86, unknown file 6A82, unknown
record 6A83, wrong length 6700, wrong Le 6Cxx, no current EF 6986). It is written
independently of ``devices.card`` (its own encoders, its own constants) so that a
mistake shared by the reader and the simulator cannot hide.

Transport behaviour (mute, slow, pulled out) is the link's business: ``sscard``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Faults", "HolderRecords", "SocialSecurityApplet", "encode_holder_records"]

_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
_MF, _APP = 0x3F00, 0xADF1  # the application's own FID is never used by readers
_EF05, _EF06 = 0xEF05, 0xEF06
_HISTORICAL = b"SSCARD-SIM01"


@dataclass(frozen=True)
class Faults:
    """What is wrong with a simulated card (all off = a healthy card)."""

    mute: bool = False                # answers power-up and ATR, never an APDU
    slow_ms: int = 0                  # delay before each APDU answer
    missing_app: bool = False         # SELECT of the application: 6A82
    security: bool = False            # READ RECORD in EF06: 6982 (needs PSAM authentication)
    corrupt_tlv: bool = False         # record 07 declares fewer bytes than it holds
    truncated: bool = False           # record 08 comes back cut short, with 9000
    remove_after: int | None = None   # answer this many APDUs, then be pulled out
    t0: bool = False                  # T=0 ATR; SELECT answers 61xx; READ RECORD Le=00 answers 6Cxx
    record_number_only: bool = False  # READ RECORD by identifier (P2=00): 6A86
    select_p1_02: bool = False        # SELECT EF with P1=00: 6A82, only P1=02 works
    bad_bcd: bool = False             # the birth date is not BCD

    @classmethod
    def parse(cls, specs: list[str]) -> Faults:
        """``["mute", "slow_ms=200", "remove_after=5"]`` -> Faults; unknown names raise ValueError."""
        values: dict[str, bool | int] = {}
        known = {f.name: f.type for f in cls.__dataclass_fields__.values()}
        for spec in specs:
            name, sep, text = spec.partition("=")
            name = name.strip().replace("-", "_")
            if name not in known:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(sorted(known))}")
            if "bool" in str(known[name]):
                if sep and text.strip().lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                    raise ValueError(f"fault {name} takes no value or true/false")
                values[name] = not sep or text.strip().lower() in ("1", "true", "yes", "on")
            else:
                if not sep:
                    raise ValueError(f"fault {name} needs a value: {name}=N")
                number = int(text)
                if number < 0:
                    raise ValueError(f"fault {name} must not be negative")
                values[name] = number
        return cls(**values)  # type: ignore[arg-type]


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag, len(value)]) + value


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits)


def _bcd_date(value: date | None) -> bytes:
    return b"\x00" * 4 if value is None else _bcd(value.strftime("%Y%m%d"))


def _ascii(text: str, width: int) -> bytes:
    raw = text.encode("ascii")
    if len(raw) > width:
        raise ValueError(f"{text!r} is longer than {width} bytes")
    return raw.ljust(width, b" ")


@dataclass(frozen=True)
class HolderRecords:
    """The values a card stores, already in card encoding (see ``encode_holder_records``)."""

    card_id_code: bytes
    spec_version: str
    issue_date: date | None
    expiry_date: date | None
    card_number: str
    ssn: str
    name_gbk: bytes
    sex: str                 # "1" or "2"
    ethnicity: int           # binary GB 3304 code
    birthplace_code: str     # 6 digits
    birth_date: date | None
    card_type: str = "3"
    extra: dict[int, bytes] = field(default_factory=dict)


def encode_holder_records(data: HolderRecords, faults: Faults) -> dict[int, dict[int, bytes]]:
    """Build the TLV records of EF05 and EF06 (record number n holds tag n)."""
    ef05 = {
        0x01: _tlv(0x01, data.card_id_code),
        0x02: _tlv(0x02, _ascii(data.card_type, 1)),
        0x03: _tlv(0x03, _ascii(data.spec_version, 4)),
        0x04: _tlv(0x04, bytes.fromhex("D15600000500000000000000")),
        0x05: _tlv(0x05, _bcd_date(data.issue_date)),
        0x06: _tlv(0x06, _bcd_date(data.expiry_date)),
        0x07: _tlv(0x07, _ascii(data.card_number, 9)),
    }
    if len(data.name_gbk) > 30:
        raise ValueError("the name field holds 30 bytes")
    birth = _bcd_date(data.birth_date)
    if faults.bad_bcd:
        birth = bytes([birth[0], 0x4A]) + birth[2:]
    ef06 = {
        0x08: _tlv(0x08, _ascii(data.ssn, 18)),
        0x09: _tlv(0x09, data.name_gbk.ljust(30, b" ")),
        0x0A: _tlv(0x0A, _ascii(data.sex, 1)),
        0x0B: _tlv(0x0B, bytes([data.ethnicity])),
        0x0C: _tlv(0x0C, _bcd(data.birthplace_code)),
        0x0D: _tlv(0x0D, birth),
    }
    if faults.corrupt_tlv:
        ef05[0x07] = bytes([0x07, 5]) + ef05[0x07][2:]
    for tag, raw in data.extra.items():
        (ef05 if tag < 0x08 else ef06)[tag] = _tlv(tag, raw)
    return {_EF05: ef05, _EF06: ef06}


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


class SocialSecurityApplet:
    """The card's command interpreter. Not thread-safe: the link feeds it one APDU at a time."""

    def __init__(self, records: dict[int, dict[int, bytes]], faults: Faults) -> None:
        self._files = records
        self._faults = faults
        self._df = _MF
        self._ef: int | None = None
        self._pending = b""

    @property
    def atr(self) -> bytes:
        """A T=0 ATR (TS T0 TB1 TC1 + history) for ``t0``, otherwise T=1 (with TCK)."""
        if self._faults.t0:
            return bytes([0x3B, 0x60 | len(_HISTORICAL), 0x00, 0x00]) + _HISTORICAL
        body = bytes([0x80 | len(_HISTORICAL), 0x80, 0x01]) + _HISTORICAL
        tck = 0
        for byte in body:
            tck ^= byte
        return b"\x3B" + body + bytes([tck])

    def reset(self) -> None:
        """Power-up or reset: back to the MF, nothing selected, nothing pending."""
        self._df, self._ef, self._pending = _MF, None, b""

    def process(self, apdu: bytes) -> bytes:
        """Answer one command APDU with response data + SW1 SW2."""
        pending, self._pending = self._pending, b""
        if len(apdu) < 4:
            return _sw(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        if cla != 0x00:
            return _sw(0x6E00)
        if ins not in (0xA4, 0xB2, 0xC0):
            return _sw(0x6D00)
        parsed = _parse_body(apdu[4:])
        if parsed is None:
            return _sw(0x6700)
        data, le = parsed
        if ins == 0xA4:
            return self._select(p1, p2, data, le)
        if ins == 0xB2:
            return self._read_record(p1, p2, data, le)
        return self._get_response(p1, p2, data, le, pending)

    def _answer(self, response: bytes, le: int | None) -> bytes:
        """Data for a command that has some: T=0 offers it with 61xx, T=1 returns it if asked."""
        if self._faults.t0:
            self._pending = response
            return _sw(0x6100 | len(response))
        if le is None:
            return _sw(0x9000)
        if le != 256 and le != len(response):
            return _sw(0x6C00 | len(response))
        return response + _sw(0x9000)

    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 == 0x04:
            if p2 not in (0x00, 0x0C):
                return _sw(0x6A86)
            if data != _AID or self._faults.missing_app:
                return _sw(0x6A82)
            self._df, self._ef = _APP, None
            fci = bytes([0x6F, 2 + len(_AID), 0x84, len(_AID)]) + _AID
            return _sw(0x9000) if p2 == 0x0C else self._answer(fci, le)
        if p1 not in (0x00, 0x02) or p2 not in (0x00, 0x0C):
            return _sw(0x6A86)
        if len(data) != 2:
            return _sw(0x6700)
        fid = int.from_bytes(data, "big")
        if fid == _MF and p1 == 0x00:
            self._df, self._ef = _MF, None
            return _sw(0x9000)
        if self._df != _APP or fid not in self._files or (p1 == 0x00 and self._faults.select_p1_02):
            return _sw(0x6A82)
        self._ef = fid
        fcp = bytes([0x62, 0x04, 0x83, 0x02]) + data
        return _sw(0x9000) if p2 == 0x0C else self._answer(fcp, le)

    def _read_record(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if data or le is None:
            return _sw(0x6700)
        if self._ef is None:
            return _sw(0x6986)
        if p2 == 0x00:
            if self._faults.record_number_only:
                return _sw(0x6A86)
        elif p2 != 0x04 or p1 == 0x00:
            return _sw(0x6A86)
        if self._faults.security and self._ef == _EF06:
            return _sw(0x6982)
        record = self._files[self._ef].get(p1)
        if record is None:
            return _sw(0x6A83)
        if self._faults.truncated and p1 == 0x08:
            return record[: len(record) // 2] + _sw(0x9000)
        if le == 256:
            return _sw(0x6C00 | len(record)) if self._faults.t0 else record + _sw(0x9000)
        if le != len(record):
            return _sw(0x6C00 | len(record))
        return record + _sw(0x9000)

    def _get_response(self, p1: int, p2: int, data: bytes, le: int | None, pending: bytes) -> bytes:
        if p1 or p2:
            return _sw(0x6A86)
        if data or le is None:
            return _sw(0x6700)
        if not pending:
            return _sw(0x6985)
        if le != 256 and le > len(pending):
            self._pending = pending
            return _sw(0x6C00 | len(pending))
        chunk, rest = pending[:le], pending[le:]
        if rest:
            self._pending = rest
            return chunk + _sw(0x6100 | min(len(rest), 0xFF))
        return chunk + _sw(0x9000)


def _parse_body(body: bytes) -> tuple[bytes, int | None] | None:
    """Split a short APDU body into (data, Le); None if its lengths do not add up."""
    if not body:
        return b"", None
    if len(body) == 1:
        return b"", body[0] or 256
    lc = body[0]
    if lc == 0 or len(body) < 1 + lc:
        return None
    rest = body[1 + lc:]
    if len(rest) > 1:
        return None
    return body[1:1 + lc], (rest[0] or 256) if rest else None
