"""Reading a social security card (社会保障卡) without a PSAM: the fields a counter needs.

The sequence (DOMAIN.md §3): SELECT the application by name, SELECT EF05 and READ
RECORD its tags 01 03 05 06 07, SELECT EF06 and READ RECORD 08 09 0A 0B 0C 0D.
On a well-behaved card that is exactly 14 APDUs; every extra APDU is a reaction to
something the card said:

* READ RECORD asks for exactly the record's specified length (tag + length + value),
  so T=0 and T=1 cards both answer at once; a card whose record differs answers
  ``6Cxx`` and the channel asks again with its length.
* Addressing: records are read by identifier (P1 = tag, P2 = 00) first. A card that
  refuses that mode (``6A83``/``6A86``/``6B00``) gets the same tag as a record number
  (P2 = 04; on these cards record n holds tag n), and the mode that worked is kept for
  the rest of the read. Each file may switch mode once; a tag refused in both modes is
  ``CardRecordNotFound``. A record-number-only card thus costs one extra APDU per read.
* SELECT EF uses P1=00; a card refusing it (``6A82``/``6A86``/``6A87``) is asked again
  with P1=02, which is then kept for EF06 too.
* ``61xx`` after a SELECT means "selected"; the FCI it offers is not fetched.

Nothing is returned unless every field was read and decoded: a card pulled or
corrupted mid-read raises, it never yields half a record. (Checking the SSN against
GB 11643 and the holder's other data is app/'s business, not the reader's.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from core.errors import CardError, mask_id_number
from devices.card.apdu import (
    AID_SOCIAL_SECURITY,
    READ_BY_IDENTIFIER,
    READ_BY_NUMBER,
    SW_OK,
    CardChannel,
    read_record,
    select_by_name,
    select_file,
)
from devices.card.errors import (
    CardApplicationMissing,
    CardRecordNotFound,
    CardSecurityNotSatisfied,
    UnexpectedCardStatus,
)
from devices.card.fields import (
    decode_ascii,
    decode_bcd_date,
    decode_bcd_region,
    decode_ethnicity,
    decode_name,
    decode_sex,
)
from devices.card.tlv import record_value

if TYPE_CHECKING:  # the pure layers must not load pyscard
    from devices.card.connection import CardConnection

__all__ = ["EF05", "EF05_RECORDS", "EF06", "EF06_RECORDS", "SocialSecurityCardRecord", "read_social_security_card"]

EF05 = 0xEF05
EF06 = 0xEF06
#: (tag, specified value length) of the records read, in reading order
EF05_RECORDS = ((0x01, 16), (0x03, 4), (0x05, 4), (0x06, 4), (0x07, 9))
EF06_RECORDS = ((0x08, 18), (0x09, 30), (0x0A, 1), (0x0B, 1), (0x0C, 3), (0x0D, 4))

_OTHER_MODE_WORTH_TRYING = frozenset({0x6A83, 0x6A86, 0x6B00})
#: every READ RECORD this module sends, built once: (tag, P2) -> APDU with the record's Le
_READ_COMMANDS = {(tag, mode): read_record(tag, mode, length + 2)
                  for tag, length in EF05_RECORDS + EF06_RECORDS for mode in (READ_BY_IDENTIFIER, READ_BY_NUMBER)}
_SELECT_P1_REFUSED = frozenset({0x6A82, 0x6A86, 0x6A87})


@dataclass(frozen=True, repr=False)
class SocialSecurityCardRecord:
    """What the card says about its holder and itself, decoded but not cross-checked."""

    card_number: str
    card_id_code: str
    region_code: str
    spec_version: str
    issue_date: date | None
    expiry_date: date | None
    expired: bool
    ssn: str
    name: str
    name_raw: bytes
    name_undecodable: bool
    sex: str | None
    ethnicity_code: str | None
    birthplace_code: str | None
    birth_date: date | None
    apdu_count: int

    def __repr__(self) -> str:
        # Records end up in logs and tracebacks: never with a full ID number or name.
        return (f"SocialSecurityCardRecord(card_number={self.card_number!r}, region_code={self.region_code!r}, "
                f"ssn={mask_id_number(self.ssn)!r}, name={self.name[:1] + '*' * (len(self.name) - 1)!r}, "
                f"expired={self.expired}, apdu_count={self.apdu_count})")

    def to_json_dict(self) -> dict[str, Any]:
        """Plain JSON types: dates as ISO strings, the raw name bytes as hex."""
        return {
            "card_number": self.card_number,
            "card_id_code": self.card_id_code,
            "region_code": self.region_code,
            "spec_version": self.spec_version,
            "issue_date": _iso(self.issue_date),
            "expiry_date": _iso(self.expiry_date),
            "expired": self.expired,
            "ssn": self.ssn,
            "name": self.name,
            "name_raw": self.name_raw.hex(),
            "name_undecodable": self.name_undecodable,
            "sex": self.sex,
            "ethnicity_code": self.ethnicity_code,
            "birthplace_code": self.birthplace_code,
            "birth_date": _iso(self.birth_date),
            "apdu_count": self.apdu_count,
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _status_error(sw: int, what: str) -> CardError:
    detail = f"{what}: SW {sw:04X}"
    if sw == 0x6A82:
        return CardApplicationMissing(detail, sw=sw)
    if sw == 0x6982:
        return CardSecurityNotSatisfied(detail, sw=sw)
    if sw in _OTHER_MODE_WORTH_TRYING:
        return CardRecordNotFound(detail, sw=sw)
    return UnexpectedCardStatus(detail, sw=sw)


class _CardReader:
    """One pass over one card; remembers what the card accepted (P1 of SELECT, READ RECORD mode)."""

    def __init__(self, channel: CardChannel) -> None:
        self._channel = channel
        self._select_p1 = 0x00
        self._mode = READ_BY_IDENTIFIER

    def select_application(self) -> None:
        _, sw = self._channel.transmit(select_by_name(AID_SOCIAL_SECURITY), fetch_response=False)
        if sw != SW_OK and sw >> 8 != 0x61:
            raise _status_error(sw, "SELECT social security application")

    def _select(self, fid: int) -> None:
        _, sw = self._channel.transmit(select_file(fid, p1=self._select_p1), fetch_response=False)
        if sw != SW_OK and sw >> 8 != 0x61 and sw in _SELECT_P1_REFUSED and self._select_p1 == 0x00:
            self._select_p1 = 0x02
            _, sw = self._channel.transmit(select_file(fid, p1=self._select_p1), fetch_response=False)
        if sw != SW_OK and sw >> 8 != 0x61:
            raise _status_error(sw, f"SELECT {fid:04X}")

    def read_file(self, fid: int, records: tuple[tuple[int, int], ...]) -> dict[int, bytes]:
        """SELECT ``fid`` and return the value of each (tag, length) record."""
        self._select(fid)
        switched = False
        values: dict[int, bytes] = {}
        for tag, _length in records:
            while True:
                data, sw = self._channel.transmit(_READ_COMMANDS[tag, self._mode])
                if sw == SW_OK:
                    values[tag] = record_value(data, tag)
                    break
                if sw in _OTHER_MODE_WORTH_TRYING and not switched:
                    switched = True
                    self._mode = READ_BY_NUMBER if self._mode == READ_BY_IDENTIFIER else READ_BY_IDENTIFIER
                    continue
                raise _status_error(sw, f"READ RECORD {tag:02X} of {fid:04X} (P2={self._mode:02X})")
        return values


def read_social_security_card(conn: CardConnection, *, today: date) -> SocialSecurityCardRecord:
    """Read and decode the card behind ``conn``; ``today`` decides whether it has expired."""
    channel = CardChannel(conn)
    reader = _CardReader(channel)
    reader.select_application()
    ef05 = reader.read_file(EF05, EF05_RECORDS)
    ef06 = reader.read_file(EF06, EF06_RECORDS)

    card_id_code = ef05[0x01].hex().upper()
    expiry = decode_bcd_date(ef05[0x06], field="expiry date")
    name = decode_name(ef06[0x09])
    return SocialSecurityCardRecord(
        card_number=decode_ascii(ef05[0x07], field="card number"),
        card_id_code=card_id_code,
        region_code=card_id_code[:6],
        spec_version=decode_ascii(ef05[0x03], field="spec version"),
        issue_date=decode_bcd_date(ef05[0x05], field="issue date"),
        expiry_date=expiry,
        expired=expiry is not None and today > expiry,
        ssn=decode_ascii(ef06[0x08], field="social security number"),
        name=name.text,
        name_raw=name.raw,
        name_undecodable=name.undecodable,
        sex=decode_sex(ef06[0x0A]),
        ethnicity_code=decode_ethnicity(ef06[0x0B]),
        birthplace_code=decode_bcd_region(ef06[0x0C], field="birthplace"),
        birth_date=decode_bcd_date(ef06[0x0D], field="birth date"),
        apdu_count=channel.apdu_count,
    )
