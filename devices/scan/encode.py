"""JPEG at the best quality that still fits the upload limit.

Portals refuse documents over a size limit, so the limit is a hard bound and quality is what gives:
quality is searched by bisection on a quarter-size sample (full encodes are the dominant cost), and
only when even the lowest acceptable quality is too big is the image scaled down. The JFIF header
carries the page's dpi so viewers and img2pdf see its size.
"""

from __future__ import annotations

import math
import struct

import cv2
import numpy as np
from numpy.typing import NDArray

MAX_QUALITY = 92
MIN_QUALITY = 40
#: how far quality drops when the predicted quality turns out too big
QUALITY_STEP = 4
#: rows per band of the size-estimation sample (a multiple of the 16-row JPEG block)
_BAND = 64


def _encode(image: NDArray[np.uint8], quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf.tobytes())


def set_jfif_density(jpeg: bytes, dpi: float) -> bytes:
    """Write ``dpi`` into the JFIF APP0 segment (adding one if the encoder left it out)."""
    density = max(1, min(65535, round(dpi)))
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    if jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00":
        return jpeg[:13] + struct.pack(">BHH", 1, density, density) + jpeg[18:]
    app0 = b"\xff\xe0" + struct.pack(">H5sBBBHHBB", 16, b"JFIF\x00", 1, 1, 1, density, density, 0, 0)
    return jpeg[:2] + app0 + jpeg[2:]


def _sample(image: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float]:
    """Every fourth band of rows: a quarter of the page with the page's mix of text, paper and pictures."""
    h = image.shape[0]
    if h < 4 * _BAND:
        return image, 1.0
    bands = [image[y:y + _BAND] for y in range(0, h - _BAND + 1, 4 * _BAND)]
    sample = np.ascontiguousarray(np.concatenate(bands))
    return sample, h / sample.shape[0]


def _best_quality(image: NDArray[np.uint8], max_bytes: int) -> tuple[bytes | None, int]:
    """The best encoding within ``max_bytes`` and the smallest size tried (None: even MIN_QUALITY is too big).

    Full encodes are the cost, so the quality is searched on a quarter-size sample whose size, times
    four, predicts the page's (to a few per cent); full encodes confirm the choice, stepping down
    QUALITY_STEP at a time in the rare case the prediction was optimistic.
    """
    sample, factor = _sample(image)
    if factor == 1.0 or len(_encode(sample, MAX_QUALITY)) * factor <= max_bytes:
        first = _encode(image, MAX_QUALITY)  # small images and clear fits: one full encode decides
        if len(first) <= max_bytes:
            return first, len(first)
    lo, hi = MIN_QUALITY, MAX_QUALITY
    while hi - lo > QUALITY_STEP:
        mid = (lo + hi) // 2
        if len(_encode(sample, mid)) * factor <= max_bytes * 0.97:
            lo = mid
        else:
            hi = mid
    quality, smallest = lo, max_bytes + 1
    while True:
        data = _encode(image, quality)
        smallest = min(smallest, len(data))
        if len(data) <= max_bytes:
            return data, smallest
        if quality == MIN_QUALITY:
            return None, smallest
        quality = max(MIN_QUALITY, quality - QUALITY_STEP)


def encode_jpeg(image: NDArray[np.uint8], max_bytes: int, *, dpi: float | None = None) -> bytes:
    """Encode at the highest quality that fits ``max_bytes``; scale down only as a last resort.

    Single-channel images stay single-channel JPEGs (a third of the size of grey stored as colour).
    ``dpi`` is the image's resolution; it is lowered in step with any downscaling so the physical
    size stays the same.
    """
    if max_bytes < 1024:
        raise ValueError(f"max_bytes must be at least 1024, got {max_bytes}")
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f"expected a non-empty uint8 image, got {image.dtype} {image.shape}")
    current = image
    for _ in range(8):
        data, lowest = _best_quality(current, max_bytes)
        if data is not None:
            if dpi is not None:
                data = set_jfif_density(data, dpi * current.shape[1] / image.shape[1])
            return data
        factor = max(0.25, min(0.9, 0.95 * math.sqrt(max_bytes / lowest)))
        h, w = current.shape[:2]
        if min(h, w) * factor < 8:
            break
        size = (max(8, round(w * factor)), max(8, round(h * factor)))
        current = np.asarray(cv2.resize(current, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    raise ValueError(f"cannot encode {image.shape} into {max_bytes} bytes")
