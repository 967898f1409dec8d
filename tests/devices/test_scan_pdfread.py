"""Reading a scan PDF back page by page (the reviewer's case view): what ``make_pdf`` wrote, in page order,
checked against pikepdf's reading of the same file; anything else refused, nothing guessed."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scan.pdf import make_pdf
from devices.scan.pdfread import MAX_SIDE_PX, ScanUnreadable, read_pages
from devices.scan.pipeline import ColourMode, ScannedPage


def page(width: int, height: int, shade: int, size_mm: tuple[float, float], grey: bool = False) -> ScannedPage:
    image = np.full((height, width, 3), shade, np.uint8)
    cv2.putText(image, str(shade), (5, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    pixels = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if grey else image
    ok, jpeg = cv2.imencode(".jpg", pixels)
    assert ok
    return ScannedPage(image=image, jpeg=jpeg.tobytes(), dpi=100, size_mm=size_mm,
                       mode=ColourMode.GREY if grey else ColourMode.COLOUR)


PAGES = [page(210, 297, 200, (210.0, 297.0)), page(300, 100, 90, (85.6, 54.0), grey=True),
         page(120, 170, 150, (148.0, 210.0)), page(297, 210, 60, (297.0, 210.0))]
SMALL_PDF = make_pdf([page(40, 30, 120, (40.0, 30.0)), page(30, 40, 80, (30.0, 40.0))])


def test_pages_come_back_as_sealed_in_page_order() -> None:
    data = make_pdf(PAGES)
    read = read_pages(data)
    assert [p.jpeg for p in read] == [p.jpeg for p in PAGES]
    assert [(p.width_px, p.height_px) for p in read] == [(p.width_px, p.height_px) for p in PAGES]
    for got, made in zip(read, PAGES, strict=True):
        assert got.size_mm == pytest.approx(made.size_mm, abs=0.01)
    with pikepdf.open(io.BytesIO(data)) as pdf:  # the same order as a full PDF library's page tree
        streams = [next(iter(p.get_images().values())).read_raw_bytes() for p in pdf.pages]
    assert streams == [p.jpeg for p in read]


def test_an_indirect_stream_length_is_followed() -> None:
    data = make_pdf(PAGES[:2])
    length = len(PAGES[0].jpeg)
    direct = f"/Length {length} >>".encode()
    assert data.count(direct) == 1
    at = data.rindex(b"xref")
    indirect = data[:at].replace(direct, b"/Length 999 0 R >>") + f"999 0 obj\n{length}\nendobj\n".encode() + data[at:]
    assert direct not in indirect
    assert [p.jpeg for p in read_pages(indirect)] == [p.jpeg for p in PAGES[:2]]


@pytest.mark.parametrize("damage", ["not_pdf", "cut", "no_catalog", "object_streams", "not_jpeg", "too_big",
                                    "cycle"])
def test_what_is_not_our_scan_is_refused(damage: str) -> None:
    data = make_pdf(PAGES[:2])
    if damage == "not_pdf":
        data = b"GIF89a" + data
    elif damage == "cut":
        data = data[: len(data) // 3]
    elif damage == "no_catalog":
        data = data.replace(b"/Catalog", b"/Katalog")
    elif damage == "object_streams":
        with pikepdf.open(io.BytesIO(data)) as pdf:
            out = io.BytesIO()
            pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        data = out.getvalue()
    elif damage == "not_jpeg":
        data = data.replace(b"/DCTDecode", b"/JPXDecode")
    elif damage == "cycle":  # the page tree names itself as its own child
        import re

        tree = re.search(rb"(\d+) 0 obj\s*<< /Count 2 /Kids \[ [^\]]* \]", data)
        assert tree is not None
        data = data.replace(tree.group(0), tree.group(0).split(b"/Kids")[0] + b"/Kids [ " + tree.group(1)
                            + b" 0 R " + tree.group(1) + b" 0 R ]")
    elif damage == "too_big":
        data = data.replace(b"/Width 210", f"/Width {MAX_SIDE_PX + 1}".encode())
    with pytest.raises(ScanUnreadable) as refused:
        read_pages(data)
    assert refused.value.user_message == "该扫描件无法显示（文件格式不符或已损坏）。"


def test_no_more_pages_than_asked_for() -> None:
    data = make_pdf(PAGES)
    assert len(read_pages(data, max_pages=4)) == 4
    with pytest.raises(ScanUnreadable):
        read_pages(data, max_pages=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8),
       st.integers(min_value=0))
def test_damaged_files_are_refused_never_crash(flips: list[tuple[int, int]], cut: int) -> None:
    """Whatever bytes change or go missing, the answer is pages or ``ScanUnreadable``, nothing else."""
    data = bytearray(SMALL_PDF)
    for at, value in flips:
        data[at % len(data)] = value
    damaged = bytes(data[: len(data) - cut % len(data)]) if cut % 3 == 0 else bytes(data)
    try:
        pages = read_pages(damaged, max_pages=8)
    except ScanUnreadable:
        return
    assert 1 <= len(pages) <= 8 and all(p.jpeg.startswith(b"\xff\xd8") for p in pages)
