"""Making a flattened page look scanned: residual deskew, even lighting, white paper, grey or black-and-white.

Everything costly runs on a small copy (a page's lighting and skew are low-frequency facts); the full
resolution image is only touched by per-pixel OpenCV primitives (resize, divide, LUT, threshold).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

#: long side of the copy on which lighting is estimated (a stamp is then ~30 px, text is noise)
BACKGROUND_SIDE = 200
#: where whitened paper lands: near white, with a little headroom so nothing looks clipped
PAPER_LEVEL = 252
#: deskew search range and the steps of its coarse and fine passes, in degrees
MAX_SKEW = 5.0
#: a skew is corrected only when the text lines are this much sharper than at 0° (score ratio)
SKEW_CONFIDENCE = 1.15
#: and only when at least this big (smaller is invisible and not worth resampling for)
MIN_SKEW = 0.3


def to_grey(image: Image) -> Image:
    return image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def _shrink(image: Image, long_side: int) -> Image:
    h, w = image.shape[:2]
    scale = long_side / max(h, w)
    if scale >= 1:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _line_score(ink: Image, angle: float) -> float:
    h, w = ink.shape
    rot = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    turned = cv2.warpAffine(ink, rot, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(grey_preview: Image) -> float:
    """The rotation (degrees, counter-clockwise positive) that makes text lines horizontal, or 0.0.

    Projection profiles: rows of a correctly rotated page alternate sharply between ink and gaps.
    Returns 0.0 unless the best angle is clearly better than leaving the page alone, so a page of
    photographs or a blank form is never rotated on a whim.
    """
    if grey_preview.size == 0 or min(grey_preview.shape[:2]) < 32:
        return 0.0
    small = _shrink(grey_preview, 500)
    ink = np.asarray(cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15),
                     dtype=np.uint8)
    h, w = ink.shape
    margin_y, margin_x = h // 12, w // 12  # borders carry the page edge and desk, not text
    ink = np.ascontiguousarray(ink[margin_y:h - margin_y, margin_x:w - margin_x], dtype=np.uint8)
    if ink.mean() < 0.005:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-6, 1.0)
    scores = [_line_score(ink, float(a)) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.8, best + 0.81, 0.2)
    fine_scores = [_line_score(ink, float(a)) for a in fine]
    angle = float(fine[int(np.argmax(fine_scores))])
    flat = _line_score(ink, 0.0)
    if abs(angle) < MIN_SKEW or max(fine_scores) < SKEW_CONFIDENCE * max(flat, 1e-9):
        return 0.0
    return angle


def _small_background(small: Image) -> Image:
    k = max(3, (min(small.shape[:2]) // 9) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    box = (max(3, k // 2) | 1,) * 2
    bg = cv2.blur(cv2.blur(bg, box), box)  # two box passes: Gaussian-like smoothing whose cost ignores k
    return np.asarray(np.maximum(bg, 1), dtype=np.uint8)  # no division by zero on black paper


def background(image: Image, preview: Image | None = None) -> Image:
    """The paper's brightness without the ink, at the image's size.

    A morphological close on a small copy wipes out anything darker and smaller than the kernel (text,
    table rules, a stamp) and keeps slow changes (shadow of a hand or the camera arm, vignetting).
    ``preview`` is a small rendering of the same image (cheaper than shrinking the full one).
    """
    bg = _small_background(_shrink(image if preview is None else preview, BACKGROUND_SIDE))
    h, w = image.shape[:2]
    return np.asarray(cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


def _levels_lut(paper: float, ink: float) -> NDArray[np.uint8]:
    """Map the paper level to PAPER_LEVEL and ``ink`` to black, with a gamma that keeps text dark."""
    x = np.arange(256, dtype=np.float64)
    t = np.clip((x - ink) / max(paper - ink, 1.0), 0.0, None)
    y = PAPER_LEVEL * np.power(t, 1.4)
    return np.asarray(np.clip(np.round(y), 0, 255), dtype=np.uint8)


def whiten(image: Image, preview: Image | None = None) -> Image:
    """Even out shadows and make the paper white; colours of ink and stamps keep their hue.

    Each channel is divided by its own background, which also white-balances a yellowish lamp while a
    red stamp stays red (its red channel is high against the paper, its green and blue low). The paper
    level is read off the small copy, so the full image sees just one divide and one table lookup.
    """
    small = _shrink(image if preview is None else preview, BACKGROUND_SIDE)
    small_bg = _small_background(small)
    h, w = image.shape[:2]
    bg = cv2.resize(small_bg, (w, h), interpolation=cv2.INTER_LINEAR)
    sample = to_grey(np.asarray(cv2.divide(small, small_bg, scale=255), dtype=np.uint8))
    paper = float(np.clip(np.percentile(sample, 60), 180, 250))
    flat = cv2.divide(image, bg, scale=255)
    return np.asarray(cv2.LUT(flat, _levels_lut(paper, ink=35.0)), dtype=np.uint8)


def clear_edges(image: Image, width: int) -> None:
    """Paint a frame of ``width`` pixels white, in place."""
    if width <= 0:
        return
    image[:width] = 255
    image[-width:] = 255
    image[:, :width] = 255
    image[:, -width:] = 255


def stretch_levels(image: Image) -> Image:
    """A global white balance and contrast stretch for cards, whose printed background is not paper."""
    sample = _shrink(image, 300).reshape(-1, image.shape[2] if image.ndim == 3 else 1)
    lows = np.percentile(sample, 1, axis=0)
    highs = np.percentile(sample, 99, axis=0)
    channels = cv2.split(image) if image.ndim == 3 else [image]
    out = []
    for ch, lo, hi in zip(channels, lows, highs, strict=True):
        x = np.arange(256, dtype=np.float64)
        y = (x - lo) * 250.0 / max(hi - lo, 1.0)
        out.append(cv2.LUT(ch, np.asarray(np.clip(np.round(y), 0, 255), dtype=np.uint8)))
    return np.asarray(out[0] if len(out) == 1 else cv2.merge(out), dtype=np.uint8)


def binarise(grey: Image, *, whitened: bool) -> Image:
    """Black text on white (0 and 255 only).

    A whitened page already has its local background divided out, so a global threshold there acts
    like a local one; an unwhitened page needs an adaptive (mean) threshold over a window a few text
    lines tall.
    """
    smooth = np.asarray(cv2.GaussianBlur(grey, (3, 3), 0), dtype=np.uint8)
    if whitened:
        otsu, _ = cv2.threshold(_shrink(smooth, 600), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        level = float(np.clip(otsu, 110, 200))
        _, out = cv2.threshold(smooth, level, 255, cv2.THRESH_BINARY)
    else:
        block = max(15, (min(grey.shape[:2]) // 30) | 1)
        out = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 15)
    return np.asarray(out, dtype=np.uint8)
