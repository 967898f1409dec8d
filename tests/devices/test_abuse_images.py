"""Abuse suite (issue 17, item 3 for images): careless or hostile image files given to ``sicounter scan``.

Every file here is built in the test: decompression bombs whose header declares a huge image in a few
kilobytes (a PNG of 20000×20000 and 40000×40000 one-bit pixels, a JPEG, a TIFF and a WebP with huge sizes),
a multi-page TIFF, a truncated PNG, a text file, a FIFO, a directory, a file above the size cap. Each runs
the real CLI as a subprocess and must end with exit status 2, a Chinese message naming the file, no
traceback, and a peak memory of the child under ``RSS_BOUND`` (its ``VmHWM``, watched in ``/proc``):
decoding the 20000×20000 PNG as colour alone would take 1.2 GB.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from devices.scan.imagecheck import MAX_FILE_BYTES, MAX_PIXELS, ImageRefused, load_image

ROOT = Path(__file__).resolve().parents[2]
#: the scan CLI's peak resident memory while refusing a file: Python with NumPy, OpenCV and Pillow loaded
#: is about 100 MB; one decoded 20000×20000 colour image would be 1200 MB
RSS_BOUND = 300 * 1024 * 1024


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes


def _high_water(pid: int) -> int:
    """The process's peak resident memory so far (``VmHWM``, bytes), or 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return int(line.split()[1]) * 1024 if line else 0


def run_scan(args: list[str], tmp_path: Path, timeout: float = 60) -> Run:
    """``python -m app scan ARGS`` as a real process, its peak RSS watched through ``/proc`` while it runs.

    ``VmHWM`` belongs to the process's own memory since its ``exec``; ``ru_maxrss`` (``wait4``,
    ``RUSAGE_CHILDREN``) would not do: Linux carries the forking parent's peak into it, and pytest's is large.
    A decode of a bomb holds its gigabyte for seconds, far longer than the 5 ms between two looks.
    """
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "app", "scan", *args], cwd=ROOT, stdout=stdout,
                                   stderr=stderr, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    peak = 0
    while process.poll() is None:
        peak = max(peak, _high_water(process.pid))
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise AssertionError(f"scan {args} still running after {timeout} s")
        time.sleep(0.005)
    assert peak > 0, "the process was never seen running"
    return Run(process.returncode, out.read_text(encoding="utf-8", errors="replace"),
               err.read_text(encoding="utf-8", errors="replace"), peak)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int) -> bytes:
    """A valid one-bit greyscale PNG of side × side blank pixels: tens of kilobytes, streamed (never in memory)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\0" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join([packer.compress(row) for _ in range(side)] + [packer.flush()])
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF0 frame header is rewritten to declare ``width`` × ``height``."""
    ok, encoded = cv2.imencode(".jpg", np.full((16, 16, 3), 200, np.uint8))
    assert ok
    data = bytearray(encoded.tobytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiff_declaring(width: int, height: int) -> bytes:
    """An uncompressed 8-bit greyscale TIFF whose first IFD declares ``width`` × ``height`` with one byte of data."""
    tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0),
            (277, 3, 1), (278, 4, height), (279, 4, 1)]
    ifd_size = 2 + 12 * len(tags) + 4
    data_at = 8 + ifd_size
    entries = b"".join(struct.pack("<HHII", tag, kind, 1, data_at if tag == 273 else value)
                       if kind == 4 else struct.pack("<HHIHH", tag, kind, 1, value, 0) for tag, kind, value in tags)
    return b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(tags)) + entries + b"\0\0\0\0" + b"\0"


def webp_declaring(side: int) -> bytes:
    """A small real lossy WebP whose VP8 frame header is rewritten to declare ``side`` × ``side`` (at most 16383)."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 200, 200)).save(buffer, "WEBP")
    data = bytearray(buffer.getvalue())
    start = data.index(b"\x9d\x01\x2a")
    data[start + 3:start + 7] = struct.pack("<HH", side, side)
    return bytes(data)


def assert_refused(run: Run, *words: str) -> None:
    assert run.status == 2, run.stderr
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout, run.stderr
    for word in words:
        assert word in run.stderr, run.stderr
    assert run.peak_rss < RSS_BOUND, f"peak RSS {run.peak_rss / 2**20:.0f} MiB"


def scan(tmp_path: Path, *sources: Path | str) -> Run:
    return run_scan(["--source", *map(str, sources), "--out", str(tmp_path / "out.pdf")], tmp_path)


def test_png_declaring_20000_by_20000_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "炸弹20000.png"
    bomb.write_bytes(png_bomb(20000))
    assert bomb.stat().st_size < 80_000
    run = scan(tmp_path, bomb)
    assert_refused(run, "图片像素过多", "炸弹20000.png", "1 亿像素")
    assert not (tmp_path / "out.pdf").exists()


def test_png_declaring_40000_by_40000_pixels_is_refused_without_an_opencv_traceback(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb40000.png"
    bomb.write_bytes(png_bomb(40000))
    run = scan(tmp_path, bomb)
    assert_refused(run, "图片像素过多", "bomb40000.png")
    assert "cv2.error" not in run.stderr


def test_jpeg_whose_frame_header_declares_60000_by_60000_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "huge.jpg"
    bomb.write_bytes(jpeg_declaring(60000, 60000))
    assert_refused(scan(tmp_path, bomb), "图片像素过多", "huge.jpg")


def test_jpeg_just_above_100_megapixels_is_refused_with_its_size(tmp_path: Path) -> None:
    """12000×9000 is under Pillow's own guard (179 MP): our stated limit is the one that refuses it."""
    assert MAX_PIXELS < 12000 * 9000
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_declaring(12000, 9000))
    assert_refused(scan(tmp_path, photo), "图片像素过多", "12000×9000")


def test_image_with_a_side_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    strip = tmp_path / "strip.jpg"
    strip.write_bytes(jpeg_declaring(30000, 100))  # 3 MP, but a side of 30000
    assert_refused(scan(tmp_path, strip), "图片尺寸过大", "30000×100")


def test_tiff_declaring_50000_by_50000_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "huge.tif"
    bomb.write_bytes(tiff_declaring(50000, 50000))
    assert_refused(scan(tmp_path, bomb), "图片像素过多", "huge.tif")


def test_webp_declaring_16383_by_16383_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "huge.webp"
    bomb.write_bytes(webp_declaring(16383))
    assert_refused(scan(tmp_path, bomb), "图片像素过多", "huge.webp")


def test_multi_page_tiff_is_refused_rather_than_losing_pages(tmp_path: Path) -> None:
    pages = tmp_path / "pages.tif"
    Image.new("L", (64, 64), 200).save(pages, save_all=True, append_images=[Image.new("L", (64, 64), 100)] * 2)
    assert_refused(scan(tmp_path, pages), "多页或动画", "pages.tif")


def test_truncated_png_is_refused(tmp_path: Path) -> None:
    ok, encoded = cv2.imencode(".png", np.random.default_rng(3).integers(0, 255, (300, 400, 3), dtype=np.uint8))
    assert ok
    cut = tmp_path / "cut.png"
    cut.write_bytes(encoded.tobytes()[: encoded.size // 2])
    assert_refused(scan(tmp_path, cut), "无法读取图片文件", "已损坏或不完整", "cut.png")


def test_text_file_named_like_a_photo_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.jpg"
    text.write_text("这不是图片 not a picture\n", encoding="utf-8")
    assert_refused(scan(tmp_path, text), "无法读取图片文件", "notes.jpg", "JPEG、PNG")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert_refused(scan(tmp_path, fifo), "不是图片文件", "pipe.png")  # run_scan's timeout fails a hang


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "照片.png"
    folder.mkdir()
    assert_refused(scan(tmp_path, folder), "不是图片文件", "照片.png")


def test_file_above_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.write(png_bomb(64)[:64])
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk, and never read
    assert_refused(scan(tmp_path, big), "图片文件过大", "64 MB", "big.png")


def test_missing_file_is_said_in_chinese(tmp_path: Path) -> None:
    assert_refused(scan(tmp_path, tmp_path / "没有.jpg"), "找不到图片文件", "没有.jpg")


def test_idcopy_with_a_bomb_for_the_back_is_refused(tmp_path: Path) -> None:
    front = tmp_path / "front.jpg"
    assert cv2.imwrite(str(front), np.full((600, 900, 3), 180, np.uint8))
    back = tmp_path / "back.png"
    back.write_bytes(png_bomb(20000))
    run = run_scan(["idcopy", "--front", str(front), "--back", str(back), "--out", str(tmp_path / "id.pdf")],
                   tmp_path)
    assert_refused(run, "图片像素过多", "back.png")


def test_bad_arguments_are_said_in_chinese_with_status_2(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    assert cv2.imwrite(str(photo), np.full((60, 90, 3), 180, np.uint8))
    for args in (["--source", str(photo), "--out", str(tmp_path / "o.pdf"), "--dpi", "abc"],
                 ["--source", str(photo), "--out", str(tmp_path / "o.pdf"), "--max-kb", str(10**30)],
                 ["--source", str(photo)]):
        assert_refused(run_scan(args, tmp_path), "命令参数有误")
    # "²" is a digit to str.isdigit() but no camera index: it is read as a file name, and is not there
    assert_refused(scan(tmp_path, "²"), "找不到图片文件")


def test_more_pages_than_one_pdf_takes_are_refused_before_reading_any(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    assert cv2.imwrite(str(photo), np.full((60, 90, 3), 180, np.uint8))
    assert_refused(scan(tmp_path, *[photo] * 201), "一次最多扫描 200 页")


def test_a_bomb_after_good_photos_is_refused_before_any_page_is_made(tmp_path: Path) -> None:
    photo = tmp_path / "good.jpg"
    assert cv2.imwrite(str(photo), np.full((600, 900, 3), 180, np.uint8))
    bomb = tmp_path / "last.png"
    bomb.write_bytes(png_bomb(20000))
    run = scan(tmp_path, photo, photo, bomb)
    assert_refused(run, "图片像素过多", "last.png")
    assert "第1页" not in run.stdout  # every file is checked before the first page is worked on


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "BMP", "TIFF", "WEBP"])
def test_each_allowed_format_still_decodes_to_the_header_size(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"page.{kind.lower()}"
    Image.new("RGB", (120, 80), (10, 200, 30)).save(path, kind)
    image = load_image(path)
    assert image.shape == (80, 120, 3) and image.dtype == np.uint8


def test_a_format_no_camera_writes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.gif"
    Image.new("RGB", (120, 80), (10, 200, 30)).save(path, "GIF")
    with pytest.raises(ImageRefused) as refused:
        load_image(path, name=path.name)
    assert "page.gif" in refused.value.user_message


def test_sealed_scan_page_declaring_more_than_100_megapixels_is_refused() -> None:
    """A page of 15000×15000 passes the side bound (20000) but not the pixel bound: refused, not decoded."""
    from devices.scan.pdf import make_pdf
    from devices.scan.pdfread import ScanUnreadable, read_pages
    from devices.scan.pipeline import ColourMode, ScannedPage

    image = np.full((297, 210, 3), 200, np.uint8)
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    data = make_pdf([ScannedPage(image=image, jpeg=jpeg.tobytes(), dpi=100, size_mm=(210.0, 297.0),
                                 mode=ColourMode.COLOUR)])
    assert len(read_pages(data)) == 1
    bomb = data.replace(b"/Width 210", b"/Width 15000").replace(b"/Height 297", b"/Height 15000")
    with pytest.raises(ScanUnreadable):
        read_pages(bomb)
