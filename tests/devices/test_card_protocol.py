"""Pure tests of TLV, field decoding, APDU building, the channel and the read sequence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.errors import CardError
from devices.card import errors as card_errors
from devices.card.apdu import CardChannel, read_record, select_by_name, select_file, with_le
from devices.card.errors import (
    CardApplicationMissing,
    CardDataCorrupt,
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
from devices.card.sscard import read_social_security_card
from devices.card.tlv import Tlv, parse_record
from devices.sim.sscard import Faults, Holder

from .fakes import AppletConnection, ScriptedConnection

TODAY = date(2026, 1, 15)
H = bytes.fromhex

HEALTHY_SEQUENCE = [
    "00A404000F7378312E73682EC9E7BBE1B1A3D5CF",
    "00A4000002EF05", "00B2010012", "00B2030006", "00B2050006", "00B2060006", "00B207000B",
    "00A4000002EF06", "00B2080014", "00B2090020", "00B20A0003", "00B20B0003", "00B20C0005", "00B20D0006",
]


# --- TLV ---------------------------------------------------------------------------------------------

def test_tlv_parses_one_record() -> None:
    assert parse_record(H("0703414243"), expected_tag=0x07) == Tlv(0x07, b"ABC")
    assert parse_record(H("0900")) == Tlv(0x09, b"")


def test_tlv_long_length_forms() -> None:
    assert parse_record(H("4E8103") + b"xyz") == Tlv(0x4E, b"xyz")
    assert parse_record(H("4E820002") + b"xy") == Tlv(0x4E, b"xy")


@pytest.mark.parametrize("raw", ["", "07", "0704414243", "070341424344", "078341", "0781", "0782FF"])
def test_tlv_rejects_bad_lengths(raw: str) -> None:
    with pytest.raises(CardDataCorrupt):
        parse_record(H(raw))


def test_tlv_rejects_other_tag() -> None:
    with pytest.raises(CardDataCorrupt, match="expected 08"):
        parse_record(H("0703414243"), expected_tag=0x08)


# --- field encodings ---------------------------------------------------------------------------------

def test_bcd_dates() -> None:
    assert decode_bcd_date(H("19491231"), field="d") == date(1949, 12, 31)
    assert decode_bcd_date(H("00000000"), field="d") is None
    assert decode_bcd_date(H("FFFFFFFF"), field="d") is None
    for bad in ("194A1231", "20231340", "20230229", "191231"):
        with pytest.raises(CardDataCorrupt):
            decode_bcd_date(H(bad), field="d")


def test_bcd_region() -> None:
    assert decode_bcd_region(H("610202"), field="r") == "610202"
    assert decode_bcd_region(H("000000"), field="r") is None
    for bad in ("61020A", "6102"):
        with pytest.raises(CardDataCorrupt):
            decode_bcd_region(H(bad), field="r")


def test_ascii_strips_padding_and_rejects_binary() -> None:
    assert decode_ascii(b"3.00", field="v") == "3.00"
    assert decode_ascii(b"A01234\x00\x00 ", field="v") == "A01234"
    with pytest.raises(CardDataCorrupt):
        decode_ascii(b"A0\x01", field="v")
    with pytest.raises(CardDataCorrupt):
        decode_ascii("李".encode("gbk"), field="v")


def test_name_gbk_padded_with_spaces_or_nuls() -> None:
    raw = "李秀英".encode("gbk") + b" " * 20 + b"\x00" * 4
    name = decode_name(raw)
    assert (name.text, name.raw, name.undecodable) == ("李秀英", raw, False)


def test_name_not_gbk_is_kept_and_flagged() -> None:
    raw = H("C0EEFFD3A2") + b" " * 25
    name = decode_name(raw)
    assert name.undecodable
    assert name.raw == raw
    assert name.text.startswith("李") and "\ufffd" in name.text


def test_sex_and_ethnicity() -> None:
    assert decode_sex(b"1") == "male"
    assert decode_sex(b"2") == "female"
    assert decode_sex(b"9") is None
    with pytest.raises(CardDataCorrupt):
        decode_sex(b"M")
    assert decode_ethnicity(b"\x01") == "01"
    assert decode_ethnicity(b"\x38") == "56"
    assert decode_ethnicity(b"\x00") is None
    for bad in (b"\x39", b"\x01\x02"):
        with pytest.raises(CardDataCorrupt):
            decode_ethnicity(bad)


# --- APDUs and the channel ---------------------------------------------------------------------------

def test_command_builders() -> None:
    assert select_by_name(H("7378312E73682EC9E7BBE1B1A3D5CF")).hex().upper() == HEALTHY_SEQUENCE[0]
    assert select_file(0xEF05) == H("00A4000002EF05")
    assert select_file(0xEF06, p1=0x02) == H("00A4020002EF06")
    assert read_record(0x08, 0x04, 0x14) == H("00B2080414")
    assert with_le(H("00B2080414"), 0x20) == H("00B2080420")
    assert with_le(H("00A4040002AABB00"), 0x10) == H("00A4040002AABB10")
    assert with_le(H("00A4000002EF05"), 0x10) is None


def test_channel_fetches_61xx_with_get_response() -> None:
    conn = ScriptedConnection([(b"", 0x6105), (b"abc", 0x6102), (b"de", 0x9000)])
    channel = CardChannel(conn)
    assert channel.transmit(H("00A4040002AABB")) == (b"abcde", 0x9000)
    assert conn.sent[1:] == [H("00C0000005"), H("00C0000002")]
    assert channel.apdu_count == 3


def test_channel_resends_with_the_le_of_6cxx() -> None:
    conn = ScriptedConnection([(b"", 0x6C0B), (b"x" * 11, 0x9000)])
    channel = CardChannel(conn)
    assert channel.transmit(read_record(7, 0, 0)) == (b"x" * 11, 0x9000)
    assert conn.sent == [H("00B2070000"), H("00B207000B")]
    assert channel.apdu_count == 2


def test_channel_leaves_61xx_alone_when_asked() -> None:
    conn = ScriptedConnection([(b"", 0x6112)])
    channel = CardChannel(conn)
    assert channel.transmit(H("00A4000002EF05"), fetch_response=False) == (b"", 0x6112)
    assert channel.apdu_count == 1


def test_channel_gives_up_on_endless_61xx() -> None:
    conn = ScriptedConnection([(b"a", 0x6101)] * 40)
    with pytest.raises(CardDataCorrupt):
        CardChannel(conn, max_response_chunks=4).transmit(H("00A4040002AABB"))


# --- the read sequence, against the simulator's chip -------------------------------------------------

def test_healthy_card_reads_every_field_in_14_apdus(li: Holder) -> None:
    conn = AppletConnection(li)
    record = read_social_security_card(conn, today=TODAY)
    assert [a.hex().upper() for a in conn.sent] == HEALTHY_SEQUENCE
    assert record.apdu_count == 14
    assert record.to_json_dict() == {
        "card_number": "A01234567", "card_id_code": "110105D15600000503A1B2C3D4E5F607", "region_code": "110105",
        "spec_version": "3.00", "issue_date": "2021-06-01", "expiry_date": "2031-06-01", "expired": False,
        "ssn": "11010519491231002X", "name": "李秀英",
        "name_raw": ("李秀英".encode("gbk") + b" " * 24).hex(), "name_undecodable": False,
        "sex": "female", "ethnicity_code": "01", "birthplace_code": "110105", "birth_date": "1949-12-31",
        "apdu_count": 14,
    }
    json.dumps(record.to_json_dict())


def test_record_repr_hides_ssn_and_name(li: Holder) -> None:
    text = repr(read_social_security_card(AppletConnection(li), today=TODAY))
    assert "11010519491231002X" not in text and "秀英" not in text
    assert "110*************2X" in text


def test_record_number_only_card_costs_one_extra_apdu(li: Holder) -> None:
    conn = AppletConnection(li, Faults(record_number_only=True))
    record = read_social_security_card(conn, today=TODAY)
    assert record.apdu_count == 15
    reads = [a for a in conn.sent if a[1] == 0xB2]
    assert reads[0][3] == 0x00 and all(a[3] == 0x04 for a in reads[1:])
    assert record.ssn == li.ssn


def test_card_wanting_p1_02_is_selected_with_it(li: Holder) -> None:
    conn = AppletConnection(li, Faults(select_p1_02=True))
    record = read_social_security_card(conn, today=TODAY)
    selects = [a.hex().upper() for a in conn.sent if a[1] == 0xA4]
    assert selects[1:] == ["00A4000002EF05", "00A4020002EF05", "00A4020002EF06"]
    assert record.apdu_count == 15


def test_t0_card_reads_without_extra_apdus(li: Holder) -> None:
    record = read_social_security_card(AppletConnection(li, Faults(t0=True)), today=TODAY)
    assert record.apdu_count == 14 and record.name == "李秀英"


@pytest.mark.parametrize(("fault", "error", "sw"), [
    ("missing_app", CardApplicationMissing, 0x6A82),
    ("security", CardSecurityNotSatisfied, 0x6982),
    ("corrupt_tlv", CardDataCorrupt, None),
    ("truncated", CardDataCorrupt, None),
    ("bad_bcd", CardDataCorrupt, None),
])
def test_faults_raise_their_error(li: Holder, fault: str, error: type[CardError], sw: int | None) -> None:
    with pytest.raises(error) as caught:
        read_social_security_card(AppletConnection(li, Faults(**{fault: True})), today=TODAY)
    assert caught.value.sw == sw


def test_record_missing_in_both_modes() -> None:
    conn = ScriptedConnection([(b"", 0x9000), (b"", 0x9000), (b"", 0x6A83), (b"", 0x6A83)])
    with pytest.raises(CardRecordNotFound) as caught:
        read_social_security_card(conn, today=TODAY)
    assert caught.value.sw == 0x6A83
    assert [a[3] for a in conn.sent[2:]] == [0x00, 0x04]


def test_other_status_words_are_unexpected() -> None:
    with pytest.raises(UnexpectedCardStatus) as caught:
        read_social_security_card(ScriptedConnection([(b"", 0x6F00)]), today=TODAY)
    assert caught.value.sw == 0x6F00


def test_expired_is_decided_by_today(li: Holder) -> None:
    assert not read_social_security_card(AppletConnection(li), today=date(2031, 6, 1)).expired
    assert read_social_security_card(AppletConnection(li), today=date(2031, 6, 2)).expired


def test_every_error_has_its_own_message_and_a_hint() -> None:
    classes = [getattr(card_errors, name) for name in card_errors.__all__]
    messages = [cls.user_message for cls in classes]
    assert len(set(messages)) == len(messages)
    assert all(cls.hint for cls in classes)
    assert card_errors.CardRemoved.user_message == "读卡过程中社保卡被拔出，未读取任何信息。请重新插卡"
