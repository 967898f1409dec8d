"""Outlines made of the frame's longest straight edges (``detect_lines.py``): a page whose outline never
closes, because one side crosses a second sheet as a faint, broken edge."""

from __future__ import annotations

import cv2
import numpy as np

from devices.scan.detect import _edge_maps, detect_document
from devices.scan.detect_lines import line_quads
from devices.scan.detect_rough import rough_quads
from devices.scan.geometry import corner_error

TOP = np.array([(200, 80), (420, 95), (400, 405), (180, 390)], dtype=np.float32)  # an A5 page's proportions
UNDER = np.array([(60, 150), (330, 110), (372, 430), (102, 470)], dtype=np.float32)


def _lab(image: np.ndarray) -> np.ndarray:
    """The blurred YCrCb copy the detector hands over."""
    return np.asarray(cv2.cvtColor(cv2.GaussianBlur(image, (5, 5), 0), cv2.COLOR_BGR2YCrCb), dtype=np.uint8)


def _page_on_a_sheet(step: int) -> np.ndarray:
    """A grey desk, a sheet turned under the page, and the page ``step`` levels whiter than the sheet."""
    image = np.full((480, 640, 3), 120, dtype=np.uint8)
    cv2.fillPoly(image, [UNDER.astype(np.int32)], (238, 238, 238), cv2.LINE_AA)
    cv2.fillPoly(image, [TOP.astype(np.int32)], (238 + step,) * 3, cv2.LINE_AA)
    noise = np.random.default_rng(7).normal(0, 1.0, image.shape)  # paper grain and sensor noise
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def test_a_page_whose_side_across_the_other_sheet_is_faint_is_an_outline() -> None:
    """Six levels of white apart, no contact shade: the faintest seam the lowest thresholds see. No contour
    of the edge maps has the page's outline for its hull; the lines make it."""
    image = _page_on_a_sheet(step=6)
    for sensitive in (False, True):
        edges, _magnitude, lab = _edge_maps(image, sensitive)
        hulls = rough_quads(image, edges, None if sensitive else lab, thicken=sensitive)
        assert all(corner_error(q, TOP) > 0.05 for q in hulls)
    quads = line_quads(_lab(image), 640, 480)
    assert quads, "no outline from the lines"
    assert min(corner_error(q, TOP) for q in quads) < 0.01


def test_the_page_on_a_sheet_is_found_and_not_trusted() -> None:
    """Through ``detect_document``: every other pass found nothing (eight levels apart); the outline made of
    lines is the page's, shown but not trusted."""
    detection = detect_document(_page_on_a_sheet(step=8))
    assert detection.quad is not None, detection.problem
    assert corner_error(detection.quad, TOP) < 0.01
    assert not detection.confident


def test_sides_broken_into_pieces_make_one_outline() -> None:
    """Each side drawn as two dashes with a gap wider than the Hough pieces bridge: no contour closes."""
    image = np.full((480, 640, 3), 110, dtype=np.uint8)
    for k in range(4):
        a, b = TOP[k], TOP[(k + 1) % 4]
        for start, end in ((0.0, 0.45), (0.55, 1.0)):
            p, q = a + start * (b - a), a + end * (b - a)
            cv2.line(image, tuple(int(v) for v in p), tuple(int(v) for v in q), (235, 235, 235), 2, cv2.LINE_AA)
    quads = line_quads(_lab(image), 640, 480)
    assert quads and min(corner_error(q, TOP) for q in quads) < 0.01


def test_short_strokes_make_no_outline() -> None:
    """Print and desk texture: many short straight strokes, none as long as a document's side."""
    image = np.full((480, 640, 3), 200, dtype=np.uint8)
    rng = np.random.default_rng(3)
    for _ in range(300):
        x, y = int(rng.integers(20, 600)), int(rng.integers(20, 440))
        cv2.line(image, (x, y), (x + int(rng.integers(5, 40)), y + int(rng.integers(-3, 4))), (40, 40, 40), 1)
    assert line_quads(_lab(image), 640, 480) == []
