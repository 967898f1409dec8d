"""The simulator's own pieces: identities, faults, text encoding, pacing."""

from __future__ import annotations

import pytest

from devices.idcard.serial_link import PySerialLink, wire_seconds
from devices.idcard.session import IdReaderSession
from devices.sim.idcard import Identity, IdFaults, encode_text

from .idcard_fakes import SimFactory, identity, make_sim

__all__ = ["make_sim"]


def test_fault_specs() -> None:
    faults = IdFaults.parse(["noise=8", "torn-ms=50", "bad-checksum", "find_fail=-1", "sam-unauthorised",
                             "close-mid-read=no"])
    assert faults == IdFaults(noise=8, torn_ms=50, bad_checksum=1, find_fail=-1, sam_unauthorised=True)
    with pytest.raises(ValueError):
        IdFaults.parse(["explode"])


def test_identity_validation() -> None:
    with pytest.raises(ValueError):
        Identity.from_dict({"card_type": "resident", "name": "x", "id_number": "1", "colour": "red"})
    with pytest.raises(ValueError):
        Identity.from_dict({"card_type": "passport", "name": "x", "id_number": "1"})


def test_text_block_layout() -> None:
    text = encode_text(identity("chan_ka_yan"))
    assert len(text) == 256
    assert text[248:250] == "J".encode("utf-16-le")
    assert text[0:6] == "陈嘉欣".encode("utf-16-le") and text[6:8] == b" \x00"
    assert encode_text(identity("zhang_wei"))[248:250] == b" \x00"


def test_photo_is_fixed_per_identity() -> None:
    a, b = identity("zhang_wei"), identity("anna_mueller")
    assert len(a.photo()) == 1024 and a.photo() == identity("zhang_wei").photo() and a.photo() != b.photo()


def test_read_at_another_baud(make_sim: SimFactory) -> None:
    sim = make_sim(identity("zhang_wei"), baud=38400)
    with PySerialLink(sim.port, 38400) as link:
        session = IdReaderSession(link, baud=38400)
        session.read_card()
    # (the pacing itself is measured by bench/idcard_read.py: tests assert no wall-clock times)
    assert session.bytes_in == 1295 and wire_seconds(session.bytes_in, 38400) > 0.3
    assert sim.stats.reads == 1 and sim.stats.commands == [(0x30, 0x01)]
