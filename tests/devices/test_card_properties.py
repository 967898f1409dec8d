"""Property tests: whatever bytes a card sends, the reader fails only in our own terms."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import CounterError
from devices.card.errors import CardDataCorrupt
from devices.card.fields import decode_bcd_date, decode_bcd_region, decode_ethnicity, decode_name, decode_sex
from devices.card.sscard import read_social_security_card
from devices.card.tlv import Tlv, parse_record, record_value
from devices.sim.holders import demo_holder_data
from devices.sim.sscard import Holder

from .fakes import AppletConnection, ScriptedConnection


@given(st.binary(max_size=300), st.one_of(st.none(), st.integers(0, 255)))
def test_tlv_parsing_raises_nothing_but_card_data_corrupt(data: bytes, tag: int | None) -> None:
    try:
        record = parse_record(data, expected_tag=tag)
    except CardDataCorrupt:
        return
    assert tag is None or record.tag == tag
    assert len(record.value) <= len(data) - 2


@given(st.integers(0, 255), st.binary(max_size=300))
def test_tlv_round_trip(tag: int, value: bytes) -> None:
    if len(value) < 0x80:
        header = bytes([tag, len(value)])
    elif len(value) < 0x100:
        header = bytes([tag, 0x81, len(value)])
    else:
        header = bytes([tag, 0x82]) + len(value).to_bytes(2, "big")
    assert parse_record(header + value) == Tlv(tag, value)


@given(st.binary(max_size=8))
def test_decoders_raise_nothing_but_card_data_corrupt(raw: bytes) -> None:
    for decode in (lambda b: decode_bcd_date(b, field="f"), lambda b: decode_bcd_region(b, field="f"),
                   decode_sex, decode_ethnicity):
        with contextlib.suppress(CardDataCorrupt):
            decode(raw)


@given(st.binary(max_size=40))
def test_any_name_bytes_give_a_name(raw: bytes) -> None:
    name = decode_name(raw)
    assert name.raw == raw
    assert isinstance(name.text, str)


_responses = st.lists(
    st.tuples(st.binary(max_size=40),
              st.one_of(st.sampled_from([0x9000, 0x6A82, 0x6A83, 0x6A86, 0x6B00, 0x6982, 0x6C0B, 0x6105]),
                        st.integers(0, 0xFFFF))),
    max_size=30)


@given(_responses)
def test_a_card_answering_anything_gives_a_record_or_our_error(responses: list[tuple[bytes, int]]) -> None:
    with contextlib.suppress(CounterError):
        read_social_security_card(ScriptedConnection(responses), today=date(2026, 1, 1))


def _healthy_transcript() -> list[tuple[bytes, int]]:
    """The (data, sw) answers of a healthy card to a full read, in order."""
    holder = Holder.from_dict(demo_holder_data("li_xiuying"))
    recorder = AppletConnection(holder)
    read_social_security_card(recorder, today=date(2026, 1, 1))
    replay = AppletConnection(holder)
    return [replay.transmit(apdu) for apdu in recorder.sent]


_TRANSCRIPT = _healthy_transcript()


@given(st.integers(0, len(_TRANSCRIPT) - 1), st.binary(max_size=40))
def test_one_corrupted_answer_gives_a_record_or_our_error(index: int, data: bytes) -> None:
    responses = list(_TRANSCRIPT)
    responses[index] = (data, 0x9000)
    try:
        record = read_social_security_card(ScriptedConnection(responses), today=date(2026, 1, 1))
    except CounterError:
        return
    assert record.apdu_count == len(_TRANSCRIPT)


@given(st.binary(max_size=40), st.integers(0, 255))
def test_record_value_fast_path_agrees_with_parse_record(data: bytes, tag: int) -> None:
    try:
        expected = parse_record(data, expected_tag=tag).value
    except CardDataCorrupt:
        with pytest.raises(CardDataCorrupt):
            record_value(data, tag)
        return
    assert record_value(data, tag) == expected
