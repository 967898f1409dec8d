"""IdReaderSession over a scripted link, and over pyserial on a real pty with the simulator."""

from __future__ import annotations

import pytest

from devices.idcard import errors as E
from devices.idcard.protocol import build_reply
from devices.idcard.serial_link import PySerialLink
from devices.idcard.session import IdReaderSession, format_sam_id
from devices.sim.idcard import DEFAULT_SAM_ID, encode_text

from .idcard_fakes import ScriptedLink, SimFactory, all_identities, identity, make_sim

__all__ = ["make_sim"]


def _read_reply(name: str = "zhang_wei") -> bytes:
    ident = identity(name)
    text, photo = encode_text(ident), ident.photo()
    return build_reply(0x90, (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + photo)


# --- scripted link (pure) ---------------------------------------------------------------------------

def test_find_card_answers() -> None:
    link = ScriptedLink([[build_reply(0x9F, bytes(4))], [build_reply(0x80)], [build_reply(0x60)]])
    session = IdReaderSession(link)
    assert session.find_card() is True
    assert session.find_card() is False
    with pytest.raises(E.SamSelfTestFailed):
        session.find_card()


def test_sam_id_format() -> None:
    assert format_sam_id(DEFAULT_SAM_ID) == "05.01-20101010-0000012345-0000678901"
    with pytest.raises(E.IdCardDataCorrupt):
        format_sam_id(b"\x00")


def test_timeout_is_bounded() -> None:
    session = IdReaderSession(ScriptedLink([]), timeout_scale=0.2)
    with pytest.raises(E.IdReaderTimeout):
        session.sam_status()


def test_garbled_reply_is_retried() -> None:
    bad = build_reply(0x90)[:-1] + b"\x00"
    link = ScriptedLink([[bad], [b"\x00", build_reply(0x90)[:6], build_reply(0x90)[6:]]])
    IdReaderSession(link, timeout_scale=0.2).sam_status()
    assert len(link.written) == 2


def test_reader_checksum_complaint_is_retried_then_given_up() -> None:
    link = ScriptedLink([[build_reply(0x10)]] * 3)
    with pytest.raises(E.IdReaderChecksumRejected):
        IdReaderSession(link, retries=2).sam_status()
    assert len(link.written) == 3


def test_garbled_read_refinds_and_reselects() -> None:
    torn = _read_reply()[:700]
    link = ScriptedLink([[torn], [build_reply(0x9F, bytes(4))], [build_reply(0x90, bytes(8))], [_read_reply()]])
    record = IdReaderSession(link, timeout_scale=0.2).read_card()
    assert record.id_number == "110101196503120018"
    assert [w[7:9] for w in link.written] == [b"\x30\x01", b"\x20\x01", b"\x20\x02", b"\x30\x01"]


def test_garbled_for_good() -> None:
    bad = build_reply(0x90)[:-1] + b"\x01"
    with pytest.raises(E.IdReaderGarbled):
        IdReaderSession(ScriptedLink([[bad]] * 3), timeout_scale=0.2).sam_status()


# --- pyserial on a pty --------------------------------------------------------------------------------

@pytest.mark.parametrize("ident", all_identities(), ids=lambda i: i.card_type)
def test_every_card_type_through_pyserial(make_sim: SimFactory, ident: object) -> None:
    sim = make_sim(ident)
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        session.sam_status()
        assert session.sam_id() == "05.01-20101010-0000012345-0000678901"
        session.reset()
        assert session.find_card()
        session.select_card()
        record = session.read_card()
    assert record.card_type == ident.card_type  # type: ignore[attr-defined]
    assert record.id_number == ident.id_number  # type: ignore[attr-defined]
    assert record.photo == ident.photo()  # type: ignore[attr-defined]


def test_fingerprint_read(make_sim: SimFactory) -> None:
    ident = identity("zhang_wei")
    fp_ident = type(ident)(**{**ident.__dict__, "fingerprint": True})
    sim = make_sim(fp_ident)
    with PySerialLink(sim.port) as link:
        record = IdReaderSession(link).read_present_card(fingerprint=True)
    assert record is not None and record.fingerprint is not None and len(record.fingerprint) == 1024


def test_no_card(make_sim: SimFactory) -> None:
    sim = make_sim()
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        assert session.find_card() is False
        assert session.read_present_card() is None
        with pytest.raises(E.IdCardSelectFailed):
            session.select_card()
        with pytest.raises(E.IdCardReadFailed):
            session.read_card()


@pytest.mark.parametrize("faults", [{"noise": 40}, {"torn_ms": 80}, {"bad_checksum": 1}, {"slow_sam_ms": 100},
                                    {"noise": 7, "torn_ms": 30, "bad_checksum": 2}],
                         ids=["noise", "torn", "bad-checksum", "slow-sam", "all-at-once"])
def test_recoverable_faults(make_sim: SimFactory, faults: dict[str, int]) -> None:
    sim = make_sim(identity("chan_ka_yan"), **faults)
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        session.sam_status()
        record = session.read_present_card()
    assert record is not None and record.pass_number == "H60123456"


@pytest.mark.parametrize(("faults", "error"), [
    ({"find_fail": 1}, None),
    ({"select_fail": 1}, E.IdCardSelectFailed),
    ({"read_fail": 1}, E.IdCardReadFailed),
    ({"bad_checksum": -1}, E.IdReaderGarbled),
])
def test_failing_faults(make_sim: SimFactory, faults: dict[str, int], error: type[Exception] | None) -> None:
    sim = make_sim(identity("zhang_wei"), **faults)
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        if error is None:
            assert session.find_card() is False  # 80 although a card lies there
            assert session.find_card() is True
            return
        with pytest.raises(error):
            session.read_present_card()
        if faults != {"bad_checksum": -1}:
            assert session.read_present_card() is not None  # the fault fired once


def test_sam_not_authorised(make_sim: SimFactory) -> None:
    sim = make_sim(identity("zhang_wei"), sam_unauthorised=True)
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        with pytest.raises(E.SamNotAuthorised) as info:
            session.sam_status()
        assert info.value.sw == 0x66
        with pytest.raises(E.SamNotAuthorised):
            session.read_present_card()


def test_slow_sam_beyond_budget_times_out(make_sim: SimFactory) -> None:
    sim = make_sim(identity("zhang_wei"), slow_sam_ms=600)
    with PySerialLink(sim.port) as link, pytest.raises(E.IdReaderTimeout):
        IdReaderSession(link, retries=0).find_card()


def test_port_closed_mid_read(make_sim: SimFactory) -> None:
    sim = make_sim(identity("zhang_wei"), close_mid_read=True)
    with PySerialLink(sim.port) as link:
        session = IdReaderSession(link)
        with pytest.raises((E.IdReaderPortLost, E.IdReaderGarbled)):
            session.read_present_card()
        with pytest.raises(E.IdReaderPortLost):
            session.find_card()


def test_missing_port() -> None:
    with pytest.raises(E.IdReaderNotFound):
        PySerialLink("/dev/does-not-exist-idreader")
