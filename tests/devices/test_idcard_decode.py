"""Decoding the text block of every card type, the record, and the WLT decoder seam."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from devices.idcard import decode as decode_mod
from devices.idcard.decode import (
    card_type_of,
    decode_read_payload,
    decode_text,
    field_text,
    load_photo_decoder,
    parse_card_date,
)
from devices.idcard.errors import IdCardDataCorrupt
from devices.idcard.ethnicity import ETHNICITIES
from devices.sim.idcard import encode_text, gb11643_check
from devices.sim.identities import SAMPLE_IDENTITIES, sample_identity_data

from .idcard_fakes import identity

PHOTO = bytes(range(256)) * 4


def test_resident_card() -> None:
    rec = decode_text(encode_text(identity("zhang_wei")), PHOTO)
    assert rec.card_type == "resident"
    assert rec.name == "张伟" and rec.sex == "male" and rec.sex_code == "1"
    assert rec.ethnicity_code == "01" and rec.ethnicity == "汉族"
    assert rec.birth_date == date(1965, 3, 12)
    assert rec.address is not None and rec.address.startswith("北京市东城区")
    assert rec.id_number == "110101196503120018"
    assert rec.issuer == "北京市公安局东城分局"
    assert rec.valid_from == date(2015, 6, 8) and rec.valid_to is None and rec.valid_long_term
    assert rec.pass_number is None and rec.name_en is None and rec.photo == PHOTO


def test_hkmt_permit() -> None:
    rec = decode_text(encode_text(identity("chan_ka_yan")), PHOTO)
    assert rec.card_type == "hkmt_permit"
    assert rec.name == "陈嘉欣" and rec.sex == "female"
    assert rec.pass_number == "H60123456" and rec.issue_count == "01"
    assert rec.ethnicity is None and rec.valid_to == date(2026, 3, 1) and not rec.valid_long_term


def test_old_foreign_card() -> None:
    rec = decode_text(encode_text(identity("john_smith")), PHOTO)
    assert rec.card_type == "foreign_old"
    assert rec.name == "史密斯" and rec.name_en == "SMITH, JOHN WILLIAM"
    assert rec.id_number == "USA110070042001" and rec.nationality == "USA"
    assert rec.birth_date == date(1970, 4, 20) and rec.valid_to == date(2026, 5, 9)
    assert rec.address is None


def test_2023_foreign_card_with_long_english_name() -> None:
    rec = decode_text(encode_text(identity("anna_mueller")), PHOTO)
    assert rec.card_type == "foreign_2023"
    assert rec.name == "穆安娜" and rec.name_en == "MUELLER, ANNA KATHARINA ELISABETH MARIA"
    assert rec.id_number == "936276198509020046" and rec.nationality == "DEU" and rec.sex == "female"
    assert rec.birth_date == date(1985, 9, 2) and rec.issue_count == "00"


def test_nul_padding_and_absent_flag() -> None:
    text = bytearray(256)  # all NULs: flag absent -> resident
    text[0:4] = "王五".encode("utf-16-le")
    assert card_type_of(bytes(text)) == "resident"
    assert field_text(bytes(text), 0, 30) == "王五"


def test_dates() -> None:
    assert parse_card_date("20240229") == date(2024, 2, 29)
    assert parse_card_date("20230229") is None
    assert parse_card_date("长期") is None and parse_card_date("") is None


def test_read_payload_layout_and_errors() -> None:
    text = encode_text(identity("zhang_wei"))
    payload = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + PHOTO
    assert decode_read_payload(payload, fingerprint=False).photo == PHOTO
    fp = b"F" * 1024
    with_fp = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + PHOTO + fp
    assert decode_read_payload(with_fp, fingerprint=True).fingerprint == fp
    with pytest.raises(IdCardDataCorrupt):
        decode_read_payload(payload[:-1], fingerprint=False)
    with pytest.raises(IdCardDataCorrupt):
        decode_read_payload(b"\x00", fingerprint=False)
    with pytest.raises(IdCardDataCorrupt):
        decode_text(text[:200], PHOTO)


def test_json_dict_never_holds_raw_bytes_and_repr_masks() -> None:
    rec = decode_text(encode_text(identity("zhang_wei")), PHOTO, b"fp")
    data = rec.to_json_dict()
    json.dumps(data)
    assert data["photo"]["length"] == 1024 and len(data["photo"]["sha256"]) == 64
    assert data["fingerprint"]["length"] == 2
    assert data["valid_long_term"] is True and data["birth_date"] == "1965-03-12"
    text = repr(rec) + str(rec)
    assert "110101196503120018" not in text and "张伟" not in text


def test_sample_resident_numbers_are_valid() -> None:
    for name in SAMPLE_IDENTITIES:
        data = sample_identity_data(name)
        if data["card_type"] in ("resident", "hkmt_permit", "foreign_2023"):
            number = data["id_number"]
            assert gb11643_check(number[:17]) == number[17], name
    assert gb11643_check("11010519491231002") == "X"


def test_ethnicity_table() -> None:
    assert len(ETHNICITIES) == 58 and ETHNICITIES["56"] == "基诺族" and ETHNICITIES["98"] == "外国血统中国籍人士"


class _FakeEntryPoint:
    def __init__(self, name: str, obj: Any) -> None:
        self.name, self._obj = name, obj

    def load(self) -> Any:
        if isinstance(self._obj, Exception):
            raise self._obj
        return self._obj


class _Decoder:
    def decode(self, wlt: bytes) -> bytes:
        return b"\x89PNG" + wlt[:4]


def test_no_photo_decoder_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_mod, "entry_points", lambda group: [])
    assert load_photo_decoder() is None


def test_photo_decoder_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = [_FakeEntryPoint("broken", ImportError("no vendor lib")), _FakeEntryPoint("vendor", _Decoder)]
    monkeypatch.setattr(decode_mod, "entry_points", lambda group: eps if group == "sicounter.wlt_decoders" else [])
    decoder = load_photo_decoder()
    assert decoder is not None and decoder.decode(PHOTO).startswith(b"\x89PNG")


def test_real_entry_point_lookup_does_not_fail() -> None:
    decoder = load_photo_decoder()
    assert decoder is None or hasattr(decoder, "decode")
