"""QR codes of many contents are read from a page, where the code reader says they are.

The codes are verification addresses of the kind certificates and receipts print, drawn by segno (as
``app/receipt_render.py`` draws them, not by OpenCV, which reads them), smoothed at their edges as a rasteriser
or a scanner leaves them, laid a little askew, from 22 mm across to the 32 mm of our certificates, on pages of
200 and 300 dpi. (Codes under about 22 mm are now and then not located on the shrunk copy the reader searches
at 200 dpi, a limit of locating, not of reading, which these tests do not cover.)

OpenCV's classic QR reader misses a few percent of clean codes, depending on their content; the code reader
tries the ArUco-based one too (``devices/scan/codes.py``). The pinned cases are codes the classic reader alone
missed, found by drawing some thousands of codes this way.
"""

from __future__ import annotations

import random
import string

import cv2
import numpy as np
import pytest
import segno
from numpy.typing import NDArray

from devices.scan.codes import find_codes

A4_MM = (210.0, 297.0)


def addresses(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits
    return [f"https://verify.example.cn/c/{''.join(rng.choice(alphabet) for _ in range(12))}"
            f"?p={rng.randint(1024, 65535)}" for _ in range(count)]


def page_with_code(text: str, side_mm: float, dpi: int, left: int, top: int,
                   tilt: float = 0.0) -> tuple[NDArray[np.uint8], tuple[float, float], float]:
    """A blank A4 page at ``dpi`` with one code of ``side_mm`` (without its quiet zone), the code's centre and
    the size of its modules in pixels.

    The code is drawn sharp at 16 pixels a module and shrunk by area, so that its module edges are grey as on a
    rendered or scanned page; ``tilt`` (degrees) turns the page about the code's centre."""
    qr = segno.make(text, error="m", micro=False, boost_error=False)
    modules = np.array([list(row) for row in qr.matrix_iter(scale=1, border=4)], dtype=np.uint8)
    sharp = np.repeat(np.repeat(np.where(modules > 0, 0, 255).astype(np.uint8), 16, axis=0), 16, axis=1)
    side = round(side_mm / 25.4 * dpi * modules.shape[0] / (modules.shape[0] - 8))  # with the quiet zone
    tile = cv2.resize(sharp, (side, side), interpolation=cv2.INTER_AREA)
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    page = np.full((height, width), 255, np.uint8)
    page[top:top + side, left:left + side] = tile
    centre = (left + side / 2, top + side / 2)
    if tilt:
        turn = cv2.getRotationMatrix2D(centre, tilt, 1.0)
        page = np.asarray(cv2.warpAffine(page, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255),
                          dtype=np.uint8)
    return page, centre, side_mm / 25.4 * dpi / (modules.shape[0] - 8)


def assert_read_there(page: NDArray[np.uint8], text: str, centre: tuple[float, float], module_px: float) -> None:
    found = find_codes(page)
    assert [(c.kind, c.text) for c in found] == [("qr", text)]
    # the corners are on the page, round the code (whichever reader found them, at whatever resolution)
    assert np.allclose(found[0].quad.mean(axis=0), centre, atol=2 * module_px)


@pytest.mark.parametrize("dpi", [200, 300])
def test_thirty_verification_addresses_are_all_read(dpi: int) -> None:
    rng = random.Random(dpi)
    for text in addresses(20261207, 30):
        page, centre, module_px = page_with_code(text, rng.uniform(22.0, 32.0), dpi, rng.randrange(100, 1000),
                                                 rng.randrange(100, 1500), rng.uniform(-3.0, 3.0))
        assert_read_there(page, text, centre, module_px)


@pytest.mark.parametrize(("text", "side_mm", "dpi", "left", "top"), [
    ("https://verify.example.cn/c/wpNFgFULh2GN?p=17444", 20.0, 200, 400, 300),
    ("https://verify.example.cn/c/f4CA96qeGs6R?p=58341", 24.0, 300, 385, 353),
])
def test_codes_the_classic_reader_missed_are_read(text: str, side_mm: float, dpi: int, left: int, top: int) -> None:
    """Each was the one code of some hundreds drawn 3 degrees askew that the classic reader did not read, neither
    at the corners located on the shrunk copy nor by locating it again on the full-resolution crop."""
    page, centre, module_px = page_with_code(text, side_mm, dpi, left, top, tilt=3.0)
    assert_read_there(page, text, centre, module_px)
