"""Property tests: FrameParser never raises and recovers a valid frame after any garbage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.protocol import PREAMBLE, FrameParser, Reply, build_reply

payloads = st.binary(max_size=300)
sw3s = st.integers(0, 255)


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, last = [], 0
    for p in [*points, len(data)]:
        out.append(data[last:p])
        last = p
    return out


@given(st.binary(max_size=2000), st.lists(st.integers(0, 4000), max_size=20))
@settings(max_examples=300)
def test_never_raises(data: bytes, cuts: list[int]) -> None:
    parser = FrameParser()
    for chunk in _chunks(data, cuts):
        for reply in parser.feed(chunk):
            assert isinstance(reply, Reply)


@given(st.binary(max_size=500).filter(lambda g: PREAMBLE not in g), sw3s, payloads,
       st.lists(st.integers(0, 2000), max_size=10))
@settings(max_examples=300)
def test_valid_frame_after_arbitrary_garbage_is_found(garbage: bytes, sw3: int, payload: bytes,
                                                      cuts: list[int]) -> None:
    # (garbage may end in any part of a preamble: no false preamble can span into the frame)
    parser = FrameParser()
    out: list[Reply] = []
    for chunk in _chunks(garbage + build_reply(sw3, payload), cuts):
        out += parser.feed(chunk)
    assert out == [Reply(0, 0, sw3, payload)]
    assert parser.pending == 0


def _segment() -> st.SearchStrategy[bytes]:
    bad_checksum = st.builds(lambda s, p: build_reply(s, p)[:-1] + bytes([build_reply(s, p)[-1] ^ 0x5A]),
                             sw3s, st.binary(max_size=40))
    bad_length = st.builds(lambda n: PREAMBLE + n.to_bytes(2, "big"), st.sampled_from([0, 1, 2, 3, 4097, 65535]))
    return st.one_of(st.binary(max_size=50), st.just(PREAMBLE), st.just(PREAMBLE[:3]), bad_checksum, bad_length)


@given(st.lists(_segment(), max_size=8), st.integers(500, 4096), sw3s, payloads,
       st.lists(st.integers(0, 2000), max_size=10))
@settings(max_examples=300)
def test_desync_recovery_after_broken_frames(segments: list[bytes], promised: int, sw3: int, payload: bytes,
                                             cuts: list[int]) -> None:
    """Damaged frames, stray preambles and a header promising more bytes than ever come: the
    real reply still gets through, and is the last thing delivered."""
    garbage = b"".join(segments) + PREAMBLE + promised.to_bytes(2, "big")
    parser = FrameParser()
    out: list[Reply] = []
    for chunk in _chunks(garbage + build_reply(sw3, payload), cuts):
        out += parser.feed(chunk)
    assert out and out[-1] == Reply(0, 0, sw3, payload)
