"""Chromaticity edges (``detect_shadowfree.py``): a shadow's edge is not one, a card's edge is."""

from __future__ import annotations

import cv2
import numpy as np

from devices.scan.detect_shadowfree import chromaticity, shadow_free_quads
from devices.scan.geometry import corner_error

CARD = np.array([(220, 150), (460, 170), (448, 320), (208, 300)], dtype=np.float32)


def _desk_with_card_and_shadow(gain: float = 0.55) -> np.ndarray:
    """A grey card on an orange-brown desk, a hard shadow's straight edge across both."""
    image = np.zeros((480, 640, 3), dtype=np.uint8)
    image[...] = (60, 120, 180)  # BGR: wood
    cv2.fillPoly(image, [CARD.astype(np.int32)], (205, 200, 196), cv2.LINE_AA)
    yy, xx = np.mgrid[0:480, 0:640]
    shade = np.where(xx + 0.6 * yy < 480, gain, 1.0).astype(np.float32)  # the line crosses the card
    return np.clip(image.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)


def test_a_shadow_leaves_the_chromaticity_as_it_was_and_a_card_edge_changes_it() -> None:
    image = _desk_with_card_and_shadow()
    maps = chromaticity(cv2.GaussianBlur(image, (5, 5), 0).astype(np.float32), 4.0)
    lit, shaded = (600, 400), (100, 40)  # desk on either side of the shadow's edge
    card, desk = (330, 240), (330, 120)
    for channel in maps:
        assert abs(int(channel[lit[1], lit[0]]) - int(channel[shaded[1], shaded[0]])) <= 3
        assert abs(int(channel[card[1], card[0]]) - int(channel[desk[1], desk[0]])) >= 15
    # lightness changes across the shadow's edge by far more than that
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert int(grey[lit[1], lit[0]]) - int(grey[shaded[1], shaded[0]]) > 40


def test_the_card_cut_by_the_shadow_is_an_outline_of_its_own() -> None:
    quads = shadow_free_quads(_desk_with_card_and_shadow())
    assert quads, "no outline from the chromaticity edges"
    assert min(corner_error(q, CARD) for q in quads) < 0.03


def test_white_paper_on_a_grey_desk_gives_no_chromaticity_outline() -> None:
    """Both neutral: the cue says nothing there (which is why it is only a last resort)."""
    image = np.full((480, 640, 3), 150, dtype=np.uint8)
    cv2.fillPoly(image, [CARD.astype(np.int32)], (240, 240, 240), cv2.LINE_AA)
    assert shadow_free_quads(image) == []
