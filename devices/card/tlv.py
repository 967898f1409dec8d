"""TLV records as the social security card returns them: tag, length, value.

Each READ RECORD answer is one record holding one data element. The parser is
strict: a record is accepted only if its length byte accounts for exactly the bytes
that came back, so a truncated or padded answer is never half-read. Anything
malformed raises ``CardDataCorrupt`` and nothing else (property-tested).
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.card.errors import CardDataCorrupt

__all__ = ["Tlv", "parse_record", "record_value"]


@dataclass(frozen=True)
class Tlv:
    """One data element: a one-byte tag and its value."""

    tag: int
    value: bytes


def _length(data: bytes) -> tuple[int, int]:
    """Return (value length, header size) for the BER length at data[1:]."""
    first = data[1]
    if first < 0x80:
        return first, 2
    count = first & 0x7F
    if count not in (1, 2):
        raise CardDataCorrupt(f"unsupported TLV length form 0x{first:02X}")
    if len(data) < 2 + count:
        raise CardDataCorrupt("record truncated inside its length field")
    return int.from_bytes(data[2:2 + count], "big"), 2 + count


def record_value(data: bytes, tag: int) -> bytes:
    """The value of a record that must carry ``tag`` (the reader's per-APDU path: a
    one-byte length that fits exactly is checked inline, anything else fully)."""
    if len(data) >= 2 and data[0] == tag and data[1] == len(data) - 2 and data[1] < 0x80:
        return data[2:]
    return parse_record(data, expected_tag=tag).value


def parse_record(data: bytes, *, expected_tag: int | None = None) -> Tlv:
    """Parse one record; the declared length must match the bytes received exactly."""
    if len(data) < 2:
        raise CardDataCorrupt(f"record of {len(data)} bytes has no TLV header")
    tag = data[0]
    if expected_tag is not None and tag != expected_tag:
        raise CardDataCorrupt(f"record has tag {tag:02X}, expected {expected_tag:02X}")
    length, header = _length(data)
    available = len(data) - header
    if available < length:
        raise CardDataCorrupt(f"record {tag:02X} truncated: declares {length} bytes, has {available}")
    if available > length:
        raise CardDataCorrupt(f"record {tag:02X} declares {length} bytes but {available} follow")
    return Tlv(tag, bytes(data[header:]))
