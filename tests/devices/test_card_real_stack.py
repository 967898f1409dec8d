"""Reading virtual cards through the real stack: pyscard -> pcscd -> vpcd -> devices.sim.

Each test inserts a simulated card (``make_card``) into the session's pcscd and reads
it with the production code path (``read_card`` = PcscConnection + read + deadline).
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from core.errors import CardError
from devices.card.apdu import CardChannel, read_record, select_by_name, select_file
from devices.card.connection import PcscConnection, list_readers
from devices.card.errors import (
    CardApplicationMissing,
    CardDataCorrupt,
    CardMute,
    CardRemoved,
    CardSecurityNotSatisfied,
    NoCard,
    ReaderUnavailable,
)
from devices.card.reading import read_card
from devices.card.sscard import read_social_security_card
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import Holder

from .conftest import TODAY, CardFactory, wait_card, wait_until

AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")


def test_pcscd_lists_both_vpcd_readers(running_pcscd_process: PcscdProcess) -> None:
    assert set(running_pcscd_process.readers) <= set(list_readers())


def test_every_field_of_a_healthy_card(make_card: CardFactory, reader: str, li: Holder) -> None:
    card = make_card(li)
    record = read_card(reader, today=TODAY)
    assert record.card_number == "A01234567"
    assert record.card_id_code == "110105D15600000503A1B2C3D4E5F607"
    assert record.region_code == "110105"
    assert record.spec_version == "3.00"
    assert record.issue_date == date(2021, 6, 1)
    assert record.expiry_date == date(2031, 6, 1)
    assert record.expired is False
    assert record.ssn == "11010519491231002X"
    assert record.name == "李秀英"
    assert record.name_raw == "李秀英".encode("gbk").ljust(30, b" ")
    assert record.name_undecodable is False
    assert record.sex == "female"
    assert record.ethnicity_code == "01"
    assert record.birthplace_code == "110105"
    assert record.birth_date == date(1949, 12, 31)
    assert record.apdu_count == 14 == len(card.commands)
    # identifier mode only: no READ RECORD with P2=04 reached the card
    assert all(c[3] == 0x00 for c in card.commands if c[1] == 0xB2)


def test_second_holder(make_card: CardFactory, reader: str, wang: Holder) -> None:
    make_card(wang)
    record = read_card(reader, today=TODAY)
    assert (record.name, record.ssn, record.sex, record.birth_date) == (
        "王建国", "610202196503150137", "male", date(1965, 3, 15))
    assert (record.region_code, record.birthplace_code, record.spec_version) == ("610202", "610202", "2.00")


def test_record_number_mode(make_card: CardFactory, reader: str) -> None:
    card = make_card(record_number_only=True)
    record = read_card(reader, today=TODAY)
    assert record.ssn == "11010519491231002X" and record.name == "李秀英"
    reads = [c for c in card.commands if c[1] == 0xB2]
    assert [c[3] for c in reads] == [0x00] + [0x04] * 11
    assert record.apdu_count == 15


def test_select_with_p1_02(make_card: CardFactory, reader: str) -> None:
    card = make_card(select_p1_02=True)
    assert read_card(reader, today=TODAY).birth_date == date(1949, 12, 31)
    assert [c[2] for c in card.commands if c[1] == 0xA4] == [0x04, 0x00, 0x02, 0x02]


def test_t0_card_reads_correctly(make_card: CardFactory, reader: str) -> None:
    card = make_card(t0=True)
    record = read_card(reader, today=TODAY)
    assert record.name == "李秀英" and record.apdu_count == 14 == len(card.commands)


def test_t0_quirks_61xx_and_6cxx_over_the_real_stack(make_card: CardFactory, reader: str) -> None:
    make_card(t0=True)
    with PcscConnection.open(reader) as conn:
        assert conn.atr[:2] == bytes([0x3B, 0x6C])  # a T=0 ATR
        channel = CardChannel(conn)
        fci, sw = channel.transmit(select_by_name(AID))  # 61xx -> GET RESPONSE
        assert sw == 0x9000 and fci[0] == 0x6F and AID in fci
        assert channel.apdu_count == 2
        assert channel.transmit(select_file(0xEF06), fetch_response=False)[1] >> 8 == 0x61
        data, sw = channel.transmit(read_record(0x08, 0x00, 0x00))  # Le=00 -> 6C14 -> resend
        assert (data, sw) == (b"\x08\x12" + b"11010519491231002X", 0x9000)
        assert channel.apdu_count == 5


def test_invalid_gbk_name_is_flagged_not_fatal(make_card: CardFactory, reader: str, li: Holder) -> None:
    raw = bytes.fromhex("C0EEFFD3A2")
    make_card(Holder.from_dict({**_holder_json(li), "name_gbk_hex": raw.hex()}))
    record = read_card(reader, today=TODAY)
    assert record.name_undecodable is True
    assert record.name_raw == raw.ljust(30, b" ")
    assert record.name.startswith("李") and "\ufffd" in record.name
    assert record.to_json_dict()["name_raw"] == raw.ljust(30, b" ").hex()


def test_expired_card(make_card: CardFactory, reader: str) -> None:
    make_card()
    record = read_card(reader, today=date(2032, 1, 1))
    assert record.expired is True and record.expiry_date == date(2031, 6, 1)


@pytest.mark.parametrize(("fault", "error", "sw"), [
    ({"missing_app": True}, CardApplicationMissing, 0x6A82),
    ({"security": True}, CardSecurityNotSatisfied, 0x6982),
    ({"corrupt_tlv": True}, CardDataCorrupt, None),
    ({"truncated": True}, CardDataCorrupt, None),
    ({"bad_bcd": True}, CardDataCorrupt, None),
])
def test_card_faults(make_card: CardFactory, reader: str, fault: dict[str, bool], error: type[CardError],
                     sw: int | None) -> None:
    make_card(**fault)
    with pytest.raises(error) as caught:
        read_card(reader, today=TODAY)
    assert caught.value.sw == sw
    assert caught.value.user_message and caught.value.hint


@pytest.mark.parametrize("after", [1, 5, 13])
def test_card_pulled_mid_read_gives_an_error_not_half_a_record(make_card: CardFactory, reader: str,
                                                               after: int) -> None:
    card = make_card(remove_after=after)
    with pytest.raises(CardRemoved) as caught:
        read_card(reader, today=TODAY)
    assert caught.value.user_message == "读卡过程中社保卡被拔出，未读取任何信息。请重新插卡"
    assert len(card.commands) == after + 1


def test_slow_card_still_reads(make_card: CardFactory, reader: str) -> None:
    make_card(slow_ms=60)
    record = read_card(reader, today=TODAY, timeout=10.0)
    assert record.ssn == "11010519491231002X" and record.apdu_count == 14


def test_mute_card_fails_rather_than_hangs(make_card: CardFactory, reader: str) -> None:
    card = make_card(mute=True)
    started = time.monotonic()
    with pytest.raises(CardMute) as caught:
        read_card(reader, today=TODAY, timeout=1.0)
    assert time.monotonic() - started < 10.0  # generous: the point is "returns", not "how fast"
    assert caught.value.user_message == CardMute.user_message
    # Pulling the mute card frees pcscd (and the abandoned worker); the reader works again.
    card.remove()
    wait_card(reader, False)
    wait_until(lambda: not any(t.name.startswith("card-read") for t in threading.enumerate()),
               what="the abandoned read thread to end")
    make_card()
    assert read_card(reader, today=TODAY).ssn == "11010519491231002X"


def test_no_card_in_reader(running_pcscd_process: PcscdProcess, reader: str) -> None:
    wait_card(reader, False)
    with pytest.raises(NoCard):
        PcscConnection.open(reader)


def test_unknown_reader() -> None:
    with pytest.raises(ReaderUnavailable):
        PcscConnection.open("No Such Reader 00 00")


def test_second_vpcd_reader_is_independent(make_card: CardFactory, running_pcscd_process: PcscdProcess,
                                           wang: Holder) -> None:
    from devices.sim.sscard import VirtualCard

    other_reader = running_pcscd_process.readers[1]
    card = VirtualCard(wang, port=running_pcscd_process.port + 1)
    card.insert()
    try:
        wait_card(other_reader, True)
        assert read_card(other_reader, today=TODAY).name == "王建国"
    finally:
        card.close()
        wait_card(other_reader, False)


def test_connection_reads_with_direct_calls_too(make_card: CardFactory, reader: str) -> None:
    make_card()
    with PcscConnection.open(reader) as conn:
        assert read_social_security_card(conn, today=TODAY).card_number == "A01234567"
        assert conn.atr[0] == 0x3B


def _holder_json(holder: Holder) -> dict[str, str]:
    return {"name": holder.name, "ssn": holder.ssn, "sex": holder.sex, "ethnicity_code": holder.ethnicity_code,
            "birthplace_code": holder.birthplace_code, "birth_date": holder.birth_date.isoformat(),
            "card_number": holder.card_number, "card_id_code": holder.card_id_code,
            "spec_version": holder.spec_version, "issue_date": holder.issue_date.isoformat(),
            "expiry_date": holder.expiry_date.isoformat()}
