"""JPEG at the best quality that still fits the upload limit.

Portals refuse documents over a size limit, so the limit is a hard bound and quality is what gives:
quality is searched by bisection on a quarter-size sample (full encodes are the dominant cost), and
only when even the lowest acceptable quality is too big is the image scaled down. The JFIF header
carries the page's dpi so viewers and img2pdf see its size.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

MAX_QUALITY = 92
MIN_QUALITY = 40
#: how far quality drops when the predicted quality turns out too big
QUALITY_STEP = 4
#: rows per band of the size-estimation sample (a multiple of the 16-row JPEG block)
_BAND = 16
#: quality steps over which a page's JPEG size roughly doubles, for first guesses
GUESS_DOUBLING = 17


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


def _guess(quality: int, size: float, target: float) -> int:
    """Where ``target`` should lie if size doubles every GUESS_DOUBLING quality steps (true near the top)."""
    return round(quality - GUESS_DOUBLING * math.log2(max(size, 1.0) / target))


def _highest_fitting(predict: Callable[[int], float], target: float, lo: int, hi: int, guess: int) -> int:
    """The highest quality in (lo, hi) whose predicted size fits ``target`` (to within 2), else ``lo``.

    ``lo`` is known to fit (or is the floor), ``hi`` known not to (or is the ceiling + 1). The first
    probe goes to ``guess``, which usually leaves a bracket of a step or two.
    """
    if lo < guess < hi:
        if predict(guess) <= target:
            lo = guess
            if guess + 1 < hi and predict(guess + 1) > target:
                return guess
        else:
            hi = guess
    while hi - lo > 2:
        mid = (lo + hi) // 2
        if predict(mid) <= target:
            lo = mid
        else:
            hi = mid
    return lo


def _best_quality(image: NDArray[np.uint8], max_bytes: int) -> tuple[bytes | None, int]:
    """The best encoding within ``max_bytes`` and the smallest size tried (None: even MIN_QUALITY is too big).

    Full encodes are the cost, so quality is searched on a quarter-size sample. The sample's size times
    four is biased by content (a few to twenty per cent either way), so each full encode recalibrates
    the prediction; at most three full encodes are made.
    """
    sample, factor = _sample(image)
    sizes: dict[int, float] = {}

    def sample_size(q: int) -> float:
        if q not in sizes:
            sizes[q] = len(_encode(sample, q)) * factor
        return sizes[q]

    target = max_bytes * 0.98
    ratio = 1.0
    fits_q, fails_q = MIN_QUALITY - 1, MAX_QUALITY + 1
    best: bytes | None = None
    smallest = max_bytes + 1
    q = MAX_QUALITY
    if sample_size(MAX_QUALITY) > max_bytes * 1.1:
        guess = _guess(MAX_QUALITY, sample_size(MAX_QUALITY), target)
        q = max(MIN_QUALITY, _highest_fitting(sample_size, target, MIN_QUALITY - 1, MAX_QUALITY, guess))
    for _ in range(3):
        data = _encode(image, q)
        smallest = min(smallest, len(data))
        ratio = len(data) / max(sample_size(q), 1.0)
        if len(data) <= max_bytes:
            best, fits_q = data, q
            if q == MAX_QUALITY or len(data) > 0.92 * max_bytes:
                break
        else:
            fails_q = q
            if q == MIN_QUALITY:
                break
        calibrated = ratio  # bind for the closure

        def predict(quality: int, k: float = calibrated) -> float:
            return sample_size(quality) * k

        nxt = _highest_fitting(predict, target, max(fits_q, MIN_QUALITY - 1), fails_q, _guess(q, len(data), target))
        if nxt <= fits_q:  # nothing better than what already fits (or, if nothing fits, try the floor)
            if best is not None:
                break
            nxt = max(MIN_QUALITY, min(fails_q - 1, nxt))
        if nxt < MIN_QUALITY or nxt >= fails_q or nxt == q:
            break
        q = nxt
    return best, smallest


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
        # Text keeps its edges when shrunk, so bytes fall slower than area: shrink a little extra.
        factor = max(0.25, min(0.8, 0.85 * math.sqrt(max_bytes / lowest)))
        h, w = current.shape[:2]
        if min(h, w) * factor < 8:
            break
        size = (max(8, round(w * factor)), max(8, round(h * factor)))
        current = np.asarray(cv2.resize(current, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    raise ValueError(f"cannot encode {image.shape} into {max_bytes} bytes")
