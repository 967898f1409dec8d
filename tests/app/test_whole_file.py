"""A file the clerk asked for appears whole or not at all (``app.whole_file``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.whole_file import write_bytes_whole, write_whole


def test_the_target_does_not_exist_while_it_is_written(tmp_path: Path) -> None:
    target = tmp_path / "名单（标注错误）.xlsx"
    seen: list[bool] = []

    def write(part: Path) -> None:
        part.write_bytes(b"PK\x03\x04 first half")
        seen.append(target.exists())
        with part.open("ab") as out:
            out.write(b" second half")

    write_whole(target, write)
    assert seen == [False]
    assert target.read_bytes() == b"PK\x03\x04 first half second half"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_failed_write_leaves_the_earlier_file_and_no_part(tmp_path: Path) -> None:
    target = tmp_path / "统计.csv"
    target.write_bytes(b"earlier export")

    def write(part: Path) -> None:
        part.write_bytes(b"half of a new one")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_whole(target, write)
    assert target.read_bytes() == b"earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_bytes_replace_an_earlier_file(tmp_path: Path) -> None:
    target = tmp_path / "回执.pdf"
    target.write_bytes(b"old")
    write_bytes_whole(target, b"%PDF-1.4 new")
    assert target.read_bytes() == b"%PDF-1.4 new"
