"""QR codes and barcodes on a scanned page (receipts, notices and e-certificates carry them).

Reading codes is a convenience, never a reason to fail a scan: any decoder trouble yields no codes.
Codes are located on a shrunk copy (several times cheaper than the full page, and a page of 200 dpi
has modules to spare) and decoded from full-resolution crops around what was found.

QR codes are located with OpenCV's ArUco-based detector (``QRCodeDetectorAruco``) and read at the corners it
found; when those corners are too rough, the code is located again on the crop, by the ArUco-based detector
first: the classic ``QRCodeDetector`` misses some clean codes depending on their content (of 600 codes of 22-32 mm
on pages of 200 and 300 dpi, read from the whole page, it missed 4 and the ArUco-based one 1). The classic one
stays as the last try: on some blurred crops it finds what the ArUco-based one does not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, as_quad

log = logging.getLogger(__name__)

#: codes are located on a copy whose short side is this long (an A4 page at 100 dpi, where codes of 22 mm
#: and more are found; 18-21 mm ones are missed about once in 200 pages, and at 75 dpi codes of 22-28 mm are
#: missed) and read at full resolution; our receipts and certificates print 30-32 mm codes; a barcode's
#: outline survives far more shrinking
QR_FIND_SIDE = 827
BARCODE_FIND_SIDE = 420


@dataclass(frozen=True)
class FoundCode:
    kind: str  # "qr" or the barcode type OpenCV reports (EAN_13, CODE_128, ...)
    text: str
    quad: Quad  # corners in page pixel coordinates


def _crop(grey: NDArray[np.uint8], pts: NDArray[np.float32], margin: float) -> tuple[NDArray[np.uint8], int, int]:
    h, w = grey.shape
    pad = margin * float(np.ptp(pts, axis=0).max())
    x0, y0 = (max(0, int(v - pad)) for v in pts.min(axis=0))
    x1, y1 = (int(v + pad) + 1 for v in pts.max(axis=0))
    return grey[y0:min(h, y1), x0:min(w, x1)], x0, y0


def _read_qr(crop: NDArray[np.uint8], rough: NDArray[np.float32], aruco: cv2.QRCodeDetectorAruco,
             classic: cv2.QRCodeDetector) -> tuple[str, NDArray[np.float32]]:
    """One located code's text ("" if unread) and its corners in crop coordinates, trying the cheapest first.

    The rough corners from the small copy read most codes (decoding at given corners was measured the same for
    both detectors); when they are too rough, the code is located again at full resolution, first by the
    ArUco-based detector, then by the classic one (each reads some crops the other does not)."""
    text, _ = aruco.decode(crop, rough.reshape(1, 4, 2))
    if text:
        return str(text), rough
    for reader in (aruco, classic):
        text, corners, _ = reader.detectAndDecode(crop)
        if text:
            return str(text), rough if corners is None else np.asarray(corners, dtype=np.float32).reshape(4, 2)
    return "", rough


def _qr(grey: NDArray[np.uint8], small: NDArray[np.uint8], scale: float) -> list[FoundCode]:
    """Locate on the small copy, read each code from a full-resolution crop (decoding wants sharp modules)."""
    found: list[FoundCode] = []
    aruco = cv2.QRCodeDetectorAruco()
    ok, points = aruco.detectMulti(small)
    if not ok or points is None:
        return found
    classic = cv2.QRCodeDetector()
    for pts in np.asarray(points, dtype=np.float32).reshape(-1, 4, 2):
        corners = (pts / scale).astype(np.float32)
        crop, x0, y0 = _crop(grey, corners, 0.2)
        if min(crop.shape) < 21:
            continue
        offset = np.array([x0, y0], dtype=np.float32)
        text, at = _read_qr(np.ascontiguousarray(crop), corners - offset, aruco, classic)
        if text:
            found.append(FoundCode("qr", text, as_quad(at + offset)))
    return found


def _barcodes(grey: NDArray[np.uint8], small: NDArray[np.uint8], scale: float) -> list[FoundCode]:
    found: list[FoundCode] = []
    detector = cv2.barcode.BarcodeDetector()
    ok, points = detector.detect(small)
    if not ok or points is None:
        return found
    full = (np.asarray(points, dtype=np.float32).reshape(-1, 4, 2) / scale).astype(np.float32)
    ok, texts, kinds = detector.decodeWithType(grey, full)
    if not ok:
        return found
    for text, kind, pts in zip(texts, kinds, full, strict=False):
        if text:
            found.append(FoundCode(str(kind) or "barcode", str(text), as_quad(pts)))
    return found


def _shrunk(grey: NDArray[np.uint8], factor: float) -> tuple[NDArray[np.uint8], float]:
    if factor >= 0.8:  # small images are searched as they are
        return grey, 1.0
    h, w = grey.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = grey
    while small.shape[1] >= 2 * size[0]:  # exact halvings are OpenCV's fast path for area averaging
        even = small[:small.shape[0] // 2 * 2, :small.shape[1] // 2 * 2]
        half = cv2.resize(even, (even.shape[1] // 2, even.shape[0] // 2), interpolation=cv2.INTER_AREA)
        small = np.asarray(half, dtype=np.uint8)
    return np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_AREA), dtype=np.uint8), size[0] / w


def _scan(grey: NDArray[np.uint8]) -> list[FoundCode]:
    codes: list[FoundCode] = []
    short = min(grey.shape)
    for reader, side in ((_qr, QR_FIND_SIDE), (_barcodes, BARCODE_FIND_SIDE)):
        try:
            small, scale = _shrunk(grey, side / short)
            codes.extend(reader(grey, small, scale))
        except (cv2.error, ValueError, TypeError) as exc:  # a decoder hiccup must not cost the page
            log.debug("code reader %s failed: %s", reader.__name__, exc)
    return codes


def find_codes(image: NDArray[np.generic]) -> tuple[FoundCode, ...]:
    """Every QR code and barcode readable on the page, each once; never raises."""
    try:
        arr = np.asarray(image)
        if arr.size == 0 or arr.ndim not in (2, 3) or min(arr.shape[:2]) < 21:
            return ()
        if arr.dtype != np.uint8:
            arr = np.clip(np.nan_to_num(arr.astype(np.float64), nan=0.0), 0, 255).astype(np.uint8)
        if arr.ndim == 3:
            code = {1: None, 3: cv2.COLOR_BGR2GRAY, 4: cv2.COLOR_BGRA2GRAY}.get(arr.shape[2], -1)
            if code == -1:
                return ()
            grey = arr[:, :, 0] if code is None else cv2.cvtColor(arr, code)
        else:
            grey = arr
        grey = np.ascontiguousarray(grey)
        codes = _scan(np.ascontiguousarray(grey, dtype=np.uint8))
    except (cv2.error, ValueError, TypeError, MemoryError) as exc:
        log.debug("code search failed: %s", exc)
        return ()
    unique: dict[tuple[str, str], FoundCode] = {}
    for c in codes:
        unique.setdefault((c.kind, c.text), c)
    return tuple(unique.values())
