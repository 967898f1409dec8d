"""Barcodes on a photographed page are reported with their text (QR codes are tested with the pages).

The EAN-13 is drawn from the standard's own encoding tables, so the test does not depend on a
barcode library of ours; the page is photographed in perspective on a desk before scanning.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.codes import find_codes
from devices.scan.pipeline import ScanOptions, scan_page

_L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
_G = ["0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"]
_R = ["1110010", "1100110", "1101100", "1000010", "1011100", "1001110", "1010000", "1000100", "1001000", "1110100"]
_PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def ean13(first12: str) -> tuple[str, str]:
    """The full 13 digits (with the check digit) and the module pattern, 1 for a bar."""
    digits = [int(c) for c in first12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    digits.append((10 - total % 10) % 10)
    bits = "101"
    for i, d in enumerate(digits[1:7]):
        bits += (_L if _PARITY[digits[0]][i] == "L" else _G)[d]
    bits += "01010" + "".join(_R[d] for d in digits[7:]) + "101"
    return "".join(map(str, digits)), bits


def page_with_barcode(first12: str, module_px: int = 5) -> tuple[NDArray[np.uint8], str]:
    text, bits = ean13(first12)
    page = np.full((1400, 990, 3), 250, dtype=np.uint8)
    for row in range(150, 700, 45):  # some text-like lines above
        cv2.line(page, (90, row), (880, row), (40, 40, 40), 6)
    x0, y0 = 180, 900
    for i, bit in enumerate(bits):
        if bit == "1":
            page[y0:y0 + 220, x0 + i * module_px:x0 + (i + 1) * module_px] = 0
    return page, text


def photograph(page: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    h, w = page.shape[:2]
    desk = np.full((1600, 2200, 3), (70, 90, 110), dtype=np.uint8)
    corners = np.float32([[620, 120], [1560, 170], [1600, 1480], [560, 1440]])
    matrix = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), corners)
    cv2.warpPerspective(page, matrix, (desk.shape[1], desk.shape[0]), dst=desk, borderMode=cv2.BORDER_TRANSPARENT)
    return desk, corners


def test_an_ean13_on_a_flat_page_is_read() -> None:
    page, text = page_with_barcode("690123456789")
    codes = find_codes(page)
    assert [(c.kind, c.text) for c in codes] == [("EAN_13", text)]


def test_an_ean13_on_a_photographed_page_is_reported_by_the_scan() -> None:
    page, text = page_with_barcode("978711122233")
    photo, corners = photograph(page)
    scanned = scan_page(photo, corners, ScanOptions(dpi=200))
    assert ("EAN_13", text) in [(c.kind, c.text) for c in scanned.codes]


def test_a_page_without_codes_reports_none() -> None:
    page, _ = page_with_barcode("690123456789")
    page[850:1150] = 250  # the barcode wiped out
    assert find_codes(page) == ()
