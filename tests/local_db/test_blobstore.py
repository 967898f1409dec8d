"""The encrypted blob store: round trips, tamper and truncation detection, no plaintext on disk."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from local_db import blobstore
from local_db.blobstore import CHUNK, BlobCorrupt, BlobStore, new_key

SECRET = "110105194912310021 王秀英".encode()


def _data(size: int) -> bytes:
    # compressible but varied, with a marker we can search the disk for
    return (SECRET * (size // len(SECRET) + 1))[:size]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_round_trip_at_chunk_boundaries(tmp_path: Path, size: int) -> None:
    store = BlobStore(tmp_path, new_key())
    data = os.urandom(size)
    ref = store.put(data)
    assert ref.sha256 == hashlib.sha256(data).hexdigest() and ref.size == size
    assert store.get(ref.sha256) == data
    assert store.exists(ref.sha256)


def test_streamed_input_in_odd_pieces_equals_whole(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key())
    data = os.urandom(2 * CHUNK + 5)
    pieces = [data[i:i + 333_333] for i in range(0, len(data), 333_333)]
    ref = store.put_chunks(pieces)
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert [len(c) for c in store.open_chunks(ref.sha256)] == [CHUNK, CHUNK, 5]


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key())
    first, second = store.put(b"abc"), store.put(b"abc")
    assert first == second
    assert len(list(tmp_path.rglob("*.blob"))) == 1
    assert not list(tmp_path.glob(".incoming-*"))


def test_no_plaintext_on_disk(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key())
    store.put(_data(CHUNK * 2 + 100))
    for path in tmp_path.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert b"110105194912310021" not in raw
            assert "王秀英".encode() not in raw


def test_other_key_cannot_read(tmp_path: Path) -> None:
    ref = BlobStore(tmp_path, new_key()).put(b"evidence")
    with pytest.raises(BlobCorrupt) as err:
        BlobStore(tmp_path, new_key()).get(ref.sha256)
    assert "无法解密" in err.value.user_message


@pytest.mark.parametrize("damage", ["flip", "truncate_chunk", "drop_last_chunk", "swap_chunks"])
def test_tampering_is_detected(tmp_path: Path, damage: str) -> None:
    store = BlobStore(tmp_path, new_key())
    ref = store.put(os.urandom(2 * CHUNK + 10))
    path = store.path_for(ref.sha256)
    raw = bytearray(path.read_bytes())
    header = len(blobstore.MAGIC) + 7
    sealed = CHUNK + 16
    if damage == "flip":
        raw[header + 100] ^= 1
    elif damage == "truncate_chunk":
        del raw[-5:]
    elif damage == "drop_last_chunk":
        del raw[header + 2 * sealed:]
    else:
        first, second = raw[header:header + sealed], raw[header + sealed:header + 2 * sealed]
        raw[header:header + 2 * sealed] = second + first
    path.write_bytes(bytes(raw))
    with pytest.raises(BlobCorrupt):
        store.get(ref.sha256)


def test_missing_blob_and_bad_name(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key())
    with pytest.raises(BlobCorrupt):
        store.get("0" * 64)
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


def test_leftover_temporary_file_is_swept(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key())
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / ".incoming-deadbeef").write_bytes(b"half a blob from a crash")
    store.put(b"next")
    assert not (tmp_path / ".incoming-deadbeef").exists()
