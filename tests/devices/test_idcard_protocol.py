"""Framing of the SAM protocol and the SW3 -> error table (pure, no port)."""

from __future__ import annotations

import pytest

from core.errors import CardError, CounterError, DeviceError
from devices.idcard import errors as E
from devices.idcard.protocol import (
    FIND_CARD,
    PREAMBLE,
    READ_TEXT_PHOTO,
    READ_TEXT_PHOTO_FP,
    RESET_SAM,
    SAM_ID,
    SAM_STATUS,
    SELECT_CARD,
    FrameParser,
    FrameScanner,
    Reply,
    build_frame,
    build_reply,
    checksum,
)


@pytest.mark.parametrize(("command", "hex_frame"), [
    (FIND_CARD, "AAAAAA96690003200122"),
    (SELECT_CARD, "AAAAAA96690003200221"),
    (READ_TEXT_PHOTO, "AAAAAA96690003300132"),
    (READ_TEXT_PHOTO_FP, "AAAAAA96690003301023"),
    (SAM_ID, "AAAAAA9669000312FFEE"),
    (SAM_STATUS, "AAAAAA9669000311FFED"),
    (RESET_SAM, "AAAAAA9669000310FFEC"),
])
def test_command_frames_match_the_protocol_table(command: object, hex_frame: str) -> None:
    assert build_frame(command.cmd, command.param).hex().upper() == hex_frame  # type: ignore[attr-defined]


def test_build_frame_with_data_and_limits() -> None:
    frame = build_frame(0x01, 0x02, b"\x03\x04")
    assert frame[:5] == PREAMBLE and frame[5:7] == b"\x00\x05"
    assert frame[-1] == checksum(frame[5:-1])
    with pytest.raises(ValueError):
        build_frame(0x100, 0)
    with pytest.raises(ValueError):
        build_frame(0, 0, bytes(5000))


def test_parser_reads_a_reply() -> None:
    frame = build_reply(0x90, b"hello")
    assert FrameParser().feed(frame) == [Reply(0, 0, 0x90, b"hello")]


def test_parser_skips_noise_and_joins_torn_frames() -> None:
    frame = build_reply(0x9F, bytes(4))
    parser = FrameParser()
    stream = b"\x00\xaa\xaa\x13\x96" + frame
    out: list[Reply] = []
    for i in range(len(stream)):
        out += parser.feed(stream[i:i + 1])
    assert out == [Reply(0, 0, 0x9F, bytes(4))]
    assert parser.pending == 0


def test_parser_two_frames_in_one_chunk() -> None:
    parser = FrameParser()
    assert [r.sw3 for r in parser.feed(build_reply(0x80) + build_reply(0x9F, bytes(4)))] == [0x80, 0x9F]


def test_bad_checksum_is_dropped_and_the_next_frame_found() -> None:
    bad = bytearray(build_reply(0x90, b"x" * 10))
    bad[-1] ^= 0x55
    parser = FrameParser()
    assert parser.feed(bytes(bad) + build_reply(0x9F)) == [Reply(0, 0, 0x9F, b"")]
    assert parser.rejected == 1


@pytest.mark.parametrize("length", [b"\x00\x00", b"\x00\x03", b"\xff\xff"])
def test_impossible_lengths_are_rejected_without_losing_sync(length: bytes) -> None:
    parser = FrameParser()
    assert parser.feed(PREAMBLE + length + build_reply(0x90)) == [Reply(0, 0, 0x90, b"")]


def test_header_promising_more_than_arrives_does_not_swallow_the_reply() -> None:
    parser = FrameParser()
    assert parser.feed(PREAMBLE + b"\x02\x00\x00\x00") == []
    assert parser.feed(build_reply(0x90, b"ok")) == [Reply(0, 0, 0x90, b"ok")]


def test_partial_preamble_kept_across_chunks() -> None:
    frame = build_reply(0x90)
    parser = FrameParser()
    assert parser.feed(b"\x01\x02" + frame[:3]) == []
    assert parser.pending == 3
    assert parser.feed(frame[3:]) == [Reply(0, 0, 0x90, b"")]


def test_scanner_accepts_command_frames() -> None:
    assert FrameScanner().feed(build_frame(0x20, 0x01)) == [b"\x20\x01"]


def test_reply_repr_hides_payload() -> None:
    assert "secret" not in repr(Reply(0, 0, 0x90, b"secret"))


SW3_TABLE = {
    0x91: E.IdFieldEmpty, 0x10: E.IdReaderChecksumRejected, 0x11: E.IdReaderLengthRejected,
    0x21: E.IdReaderCommandRejected, 0x23: E.IdReaderUnauthorised, 0x24: E.IdReaderUnknownError,
    0x31: E.IdCardAuthenticationFailed, 0x32: E.SamAuthenticationFailed, 0x33: E.IdCardInformationCheckFailed,
    0x40: E.IdCardUnknownType, 0x41: E.IdCardReadFailed, 0x47: E.RandomNumberFailed, 0x60: E.SamSelfTestFailed,
    0x66: E.SamNotAuthorised, 0x80: E.NoIdCard, 0x81: E.IdCardSelectFailed,
}


@pytest.mark.parametrize(("sw3", "cls"), sorted(SW3_TABLE.items()))
def test_every_sw3_has_its_own_error(sw3: int, cls: type[E.IdReaderStatusError]) -> None:
    error = E.error_for_sw3(sw3, "read")
    assert type(error) is cls and error.sw == sw3
    assert isinstance(error, CardError) and isinstance(error, DeviceError)
    assert error.user_message and error.hint


def test_sw3_messages_are_distinct() -> None:
    messages = [cls.user_message for cls in SW3_TABLE.values()]
    assert len(set(messages)) == len(messages)


def test_unknown_sw3() -> None:
    error = E.error_for_sw3(0x55)
    assert type(error) is E.UnexpectedReaderStatus and error.sw == 0x55


@pytest.mark.parametrize("cls", [E.IdReaderNotFound, E.IdReaderPortLost, E.IdReaderTimeout, E.IdReaderGarbled,
                                 E.IdCardDataCorrupt])
def test_transport_errors_have_chinese_messages(cls: type[CounterError]) -> None:
    error = cls("detail")
    assert isinstance(error, DeviceError)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.user_message + error.hint)
