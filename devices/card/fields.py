"""Decoders for the encodings the social security card uses (DOMAIN.md §3).

Every decoder either returns a value or raises ``CardDataCorrupt``: a field is never
guessed. "Not recorded" (all 00 or all FF, as unpersonalised cards hold) is None.
The one exception is the name: bytes that are not GBK still give a displayable name
(with U+FFFD), because the clerk can correct a name but should see that it is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from devices.card.errors import CardDataCorrupt

__all__ = [
    "DecodedName",
    "decode_ascii",
    "decode_bcd_date",
    "decode_bcd_digits",
    "decode_bcd_region",
    "decode_ethnicity",
    "decode_name",
    "decode_sex",
]

_PADDING = b" \x00"
#: GB 3304 codes: 01..56 the nationalities, 97 other, 98 naturalised foreign origin
_ETHNICITY_CODES = frozenset([*range(1, 57), 97, 98])


def _unset(raw: bytes) -> bool:
    return raw == b"\x00" * len(raw) or raw == b"\xff" * len(raw)


def decode_bcd_digits(raw: bytes, *, field: str) -> str:
    """Packed BCD, two digits per byte, high nibble first; any nibble above 9 is corrupt."""
    digits = raw.hex()
    if not digits.isdigit():
        raise CardDataCorrupt(f"{field}: not BCD ({len(raw)} bytes)")
    return digits


def decode_bcd_date(raw: bytes, *, field: str) -> date | None:
    """A BCD YYYYMMDD date in 4 bytes; all 00/FF means "not recorded"."""
    if len(raw) != 4:
        raise CardDataCorrupt(f"{field}: a BCD date has 4 bytes, got {len(raw)}")
    if _unset(raw):
        return None
    digits = decode_bcd_digits(raw, field=field)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise CardDataCorrupt(f"{field}: not a calendar date") from None


def decode_bcd_region(raw: bytes, *, field: str) -> str | None:
    """A 6-digit administrative region code (GB/T 2260) in 3 BCD bytes; unset gives None."""
    if len(raw) != 3:
        raise CardDataCorrupt(f"{field}: a BCD region code has 3 bytes, got {len(raw)}")
    if _unset(raw):
        return None
    return decode_bcd_digits(raw, field=field)


def decode_ascii(raw: bytes, *, field: str) -> str:
    """Printable ASCII, padding (spaces/NULs) stripped; anything else is corrupt."""
    stripped = raw.rstrip(_PADDING)
    text = stripped.decode("ascii") if stripped.isascii() else ""
    if len(text) != len(stripped) or not text.isprintable():
        raise CardDataCorrupt(f"{field}: not printable ASCII")
    return text


@dataclass(frozen=True)
class DecodedName:
    """The holder's name: text for display, the card's bytes, and whether they were GBK."""

    text: str
    raw: bytes
    undecodable: bool


def decode_name(raw: bytes) -> DecodedName:
    """GBK, padded with spaces or NULs. Not GBK: keep the bytes, show U+FFFD, flag it."""
    text_bytes = raw.rstrip(_PADDING)
    try:
        return DecodedName(text_bytes.decode("gbk").strip(), raw, False)
    except UnicodeDecodeError:
        return DecodedName(text_bytes.decode("gbk", errors="replace").strip(), raw, True)


def decode_sex(raw: bytes) -> str | None:
    """'1' male, '2' female (GB 2261); '0'/'9' (unknown/unstated) or unset give None."""
    if len(raw) != 1:
        raise CardDataCorrupt(f"sex: 1 byte expected, got {len(raw)}")
    value = raw[0]
    if value == ord("1"):
        return "male"
    if value == ord("2"):
        return "female"
    if value in (ord("0"), ord("9"), 0x00, 0xFF, 0x20):
        return None
    raise CardDataCorrupt("sex: not a GB 2261 code")


def decode_ethnicity(raw: bytes) -> str | None:
    """A binary GB 3304 code in one byte, given as its two-digit form ("01".."56")."""
    if len(raw) != 1:
        raise CardDataCorrupt(f"ethnicity: 1 byte expected, got {len(raw)}")
    value = raw[0]
    if value in (0x00, 0xFF):
        return None
    if value not in _ETHNICITY_CODES:
        raise CardDataCorrupt(f"ethnicity: {value} is not a GB 3304 code")
    return f"{value:02d}"
