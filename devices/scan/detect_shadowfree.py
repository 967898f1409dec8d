"""Outlines that a hard shadow cannot cut: edges of the chromaticity, for frames where nothing was found.

A shadow dims the light, not the colours: every channel under it is scaled by about the same factor
(the camera's gamma keeps that a common factor), so the chromaticity (each channel's share of the sum)
hardly changes across a shadow's edge, while a card's or a coloured page's edge against a wood or
coloured desk changes it clearly. Where a hand's or the camera arm's shadow crosses a card, the
lightness and colour-opponent edges join the card's outline to the shadow's and no contour is a card;
in chromaticity the card's outline stands alone. It cannot separate white paper from a grey desk (both
neutral), which is why it is a last resort and not a cue of the first pass: it runs only when the other
passes found nothing (a few frames in a hundred), so it costs nothing on the others.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.detect_rough import rough_quads
from devices.scan.geometry import Quad

#: below this sum of the three channels (of 765) a pixel's chromaticity is mostly sensor noise
DARK_SUM = 90.0
#: Canny thresholds on the chromaticity copies (scaled so a neutral grey is 128 and a full shift 255)
THRESHOLDS = ((6, 14), (10, 24))
#: added to every channel first: damps the chromaticity of dim pixels, where noise swings it most; which
#: damping lets a card's outline close depends on the desk (tried on development seeds), so both are used
OFFSETS = (4.0, 12.0)


def chromaticity(blurred: NDArray[np.float32], offset: float) -> list[NDArray[np.uint8]]:
    """The blue and red shares of each pixel (after adding ``offset`` to every channel) as 8-bit images,
    neutral = 128."""
    f = blurred + np.float32(offset)
    share = np.float32(765.0) / f.sum(axis=2)
    return [np.clip(f[..., c] * share - 127.0, 0, 255).astype(np.uint8) for c in (0, 2)]


def shadow_free_quads(small: NDArray[np.uint8]) -> list[Quad]:
    """Rough outlines from chromaticity edges at two dampings and two thresholds (the same shape rules as
    every rough quad; the caller scores them like any other)."""
    blurred = cv2.GaussianBlur(small, (5, 5), 0).astype(np.float32)
    dark = blurred.sum(axis=2) < DARK_SUM
    kernel = np.ones((3, 3), np.uint8)
    found: list[Quad] = []
    for offset in OFFSETS:
        maps = chromaticity(blurred, offset)
        for low, high in THRESHOLDS:
            edges = np.asarray(cv2.bitwise_or(*(cv2.Canny(m, low, high, L2gradient=True) for m in maps)),
                               dtype=np.uint8)
            edges[dark] = 0
            found.extend(rough_quads(small, np.asarray(cv2.dilate(edges, kernel), dtype=np.uint8), None))
    return found
