"""Decoding a read reply into an ``IdCardRecord``; the optional WLT photo decoder seam.

Text fields are UTF-16LE, padded with spaces (some readers pad with NULs); the card
type is the flag at byte 248 of the 256-byte text block. Layouts (offset, length in bytes):

* resident ID (flag space/absent) and HK/Macau/Taiwan permit ('J'): DOMAIN.md §4 table;
  'J' keeps the pass number (220, 18) and issue count (238, 4) and has no ethnicity.
* old foreign permanent resident card ('I'): English name (0, 120), sex (120, 2),
  card number (122, 30), nationality code (152, 6), Chinese name (158, 30), valid from
  (188, 16), valid to (204, 16), birth (220, 16), version (236, 4), authority code (240, 8).
* 2023 foreign permanent resident card ('Y'): Chinese name (0, 30), sex (30, 2), issue
  count (32, 4), birth (36, 16), English name (52, 70 + continuation 220, 22), card
  number (122, 36), issuer (158, 30), valid from (188, 16), valid to (204, 16),
  nationality code (242, 6). This is our reading of vendors' SDK notes; check it
  against a real card before relying on the English name continuation (a space
  exactly at the break is lost to the padding strip).

The 1024-byte photo stays raw (WLT); ``load_photo_decoder`` finds an optional vendor
decoder registered under the entry point group ``sicounter.wlt_decoders``.
"""

from __future__ import annotations

import logging
from datetime import date
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from devices.idcard.errors import IdCardDataCorrupt
from devices.idcard.ethnicity import ethnicity_name
from devices.idcard.record import CardType, IdCardRecord, Sex

__all__ = [
    "PHOTO_LENGTH", "TEXT_LENGTH", "PhotoDecoder", "card_type_of", "decode_read_payload", "decode_text",
    "field_text", "load_photo_decoder", "parse_card_date",
]

log = logging.getLogger(__name__)

TEXT_LENGTH = 256
PHOTO_LENGTH = 1024
ENTRY_POINT_GROUP = "sicounter.wlt_decoders"
LONG_TERM = "长期"

_FLAGS: dict[str, CardType] = {"J": "hkmt_permit", "I": "foreign_old", "Y": "foreign_2023"}
_SEX: dict[str, Sex] = {"1": "male", "2": "female"}


def field_text(text: bytes, offset: int, length: int) -> str:
    """A UTF-16LE field with its space/NUL padding removed (undecodable units replaced)."""
    raw = text[offset:offset + length]
    return raw.decode("utf-16-le", errors="replace").strip(" \x00\u3000")


def card_type_of(text: bytes) -> CardType:
    flag = field_text(text, 248, 2)
    return _FLAGS.get(flag, "resident")


def parse_card_date(value: str) -> date | None:
    """YYYYMMDD -> date; anything else (blank, 长期, damaged) -> None."""
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _opt(value: str) -> str | None:
    return value or None


def decode_text(text: bytes, photo: bytes, fingerprint: bytes | None = None) -> IdCardRecord:
    """The record from the 256-byte text block (and the raw photo/fingerprint)."""
    if len(text) != TEXT_LENGTH:
        raise IdCardDataCorrupt(f"text block is {len(text)} bytes, expected {TEXT_LENGTH}")
    kind = card_type_of(text)

    def f(offset: int, length: int) -> str:
        return field_text(text, offset, length)

    if kind == "foreign_old":
        name_en = f(0, 120)
        sex_code = f(120, 2)
        valid_to_text = f(204, 16)
        return IdCardRecord(
            card_type=kind, name=f(158, 30) or name_en, name_en=_opt(name_en), sex=_SEX.get(sex_code),
            sex_code=sex_code, ethnicity_code=None, ethnicity=None, birth_date=parse_card_date(f(220, 16)),
            address=None, id_number=f(122, 30), issuer=_opt(f(240, 8)), valid_from=parse_card_date(f(188, 16)),
            valid_to=parse_card_date(valid_to_text), valid_long_term=valid_to_text == LONG_TERM,
            nationality=_opt(f(152, 6)), pass_number=None, issue_count=None, photo=photo,
            fingerprint=fingerprint,
        )
    if kind == "foreign_2023":
        sex_code = f(30, 2)
        valid_to_text = f(204, 16)
        name_en = f(52, 70) + f(220, 22)  # the name runs on without a separator
        return IdCardRecord(
            card_type=kind, name=f(0, 30) or name_en, name_en=_opt(name_en), sex=_SEX.get(sex_code),
            sex_code=sex_code, ethnicity_code=None, ethnicity=None, birth_date=parse_card_date(f(36, 16)),
            address=None, id_number=f(122, 36), issuer=_opt(f(158, 30)), valid_from=parse_card_date(f(188, 16)),
            valid_to=parse_card_date(valid_to_text), valid_long_term=valid_to_text == LONG_TERM,
            nationality=_opt(f(242, 6)), pass_number=None, issue_count=_opt(f(32, 4)), photo=photo,
            fingerprint=fingerprint,
        )
    sex_code = f(30, 2)
    valid_to_text = f(204, 16)
    ethnicity_code = _opt(f(32, 4)) if kind == "resident" else None
    permit = kind == "hkmt_permit"
    return IdCardRecord(
        card_type=kind, name=f(0, 30), name_en=None, sex=_SEX.get(sex_code), sex_code=sex_code,
        ethnicity_code=ethnicity_code, ethnicity=ethnicity_name(ethnicity_code),
        birth_date=parse_card_date(f(36, 16)), address=_opt(f(52, 70)), id_number=f(122, 36),
        issuer=_opt(f(158, 30)), valid_from=parse_card_date(f(188, 16)), valid_to=parse_card_date(valid_to_text),
        valid_long_term=valid_to_text == LONG_TERM, nationality="CHN" if kind == "resident" else None,
        pass_number=_opt(f(220, 18)) if permit else None, issue_count=_opt(f(238, 4)) if permit else None,
        photo=photo, fingerprint=fingerprint,
    )


def decode_read_payload(payload: bytes, *, fingerprint: bool) -> IdCardRecord:
    """A 30 01 / 30 10 reply's data: lengths (2 bytes BE each), then text, photo, [fingerprint]."""
    head = 6 if fingerprint else 4
    if len(payload) < head:
        raise IdCardDataCorrupt(f"read reply of {len(payload)} bytes has no length header")
    text_len = int.from_bytes(payload[0:2], "big")
    photo_len = int.from_bytes(payload[2:4], "big")
    fp_len = int.from_bytes(payload[4:6], "big") if fingerprint else 0
    if len(payload) != head + text_len + photo_len + fp_len:
        raise IdCardDataCorrupt(
            f"read reply lengths {text_len}+{photo_len}+{fp_len} do not match {len(payload) - head} data bytes")
    text = payload[head:head + text_len]
    photo = payload[head + text_len:head + text_len + photo_len]
    fp = payload[head + text_len + photo_len:] if fingerprint else None
    return decode_text(text, photo, fp or None)


@runtime_checkable
class PhotoDecoder(Protocol):
    """A vendor WLT decoder: 1024 raw bytes in, a PNG or BMP image out."""

    def decode(self, wlt: bytes) -> bytes: ...


def load_photo_decoder() -> PhotoDecoder | None:
    """The first decoder registered under ``sicounter.wlt_decoders``, or None (the default).

    An entry point may name a class or factory (called without arguments) or an object
    that already has ``decode``. A decoder that fails to load is logged and skipped.
    """
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
            decoder = obj() if isinstance(obj, type) or not hasattr(obj, "decode") else obj
        except Exception:  # a broken plug-in must never stop reading cards
            log.warning("WLT decoder %s failed to load", ep.name, exc_info=True)
            continue
        if isinstance(decoder, PhotoDecoder):
            return decoder
        log.warning("WLT decoder %s has no decode(wlt) method", ep.name)
    return None
