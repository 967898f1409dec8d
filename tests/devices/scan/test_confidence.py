"""An outline the detector is likely wrong about is not trusted (``Detection.confident`` false), and a
frame whose outline is not trusted is kept whole and marked uncertain rather than cropped."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from app.scans import A4_LONG_MM, process_frame
from devices.scan.detect import CONFIDENT_AT, FrameProblem, detect_document, detect_preview
from devices.scan.geometry import quad_area
from devices.scan.pipeline import ScanOptions
from devices.sim.docscene import render_document, render_scene

FULL = (3264, 2448)


def _certificate_on_its_own_colour(seed: int) -> NDArray[np.uint8]:
    """A certificate on a desk exactly the colour of its paper: the paper's edge is gone and only the
    printed border is left, a fragment of the document with paper on both sides of it."""
    page = render_document("certificate", np.random.default_rng(seed), 7.0)
    w, h = FULL
    frame = np.empty((h, w, 3), np.uint8)
    frame[:] = page[3, 3]
    ph, pw = page.shape[:2]
    frame[(h - ph) // 2:(h - ph) // 2 + ph, (w - pw) // 2:(w - pw) // 2 + pw] = page
    return frame


def _desk_sized_sheet() -> NDArray[np.uint8]:
    """A light desk pad filling the frame but for a dark rim: an outline of most of the frame."""
    w, h = FULL
    frame = np.full((h, w, 3), (60, 60, 65), np.uint8)
    mx, my = int(0.02 * w), int(0.02 * h)
    frame[my:h - my, mx:w - mx] = (225, 228, 230)
    for i in range(20):
        cv2.putText(frame, "social insurance record 2026", (300, 250 + i * 100), 0, 2.5, (40, 40, 40), 5)
    return np.asarray(cv2.GaussianBlur(frame, (5, 5), 0), dtype=np.uint8)


@pytest.mark.parametrize("seed", [0, 1])
def test_a_fragment_of_the_page_is_not_confident(seed: int) -> None:
    frame = _certificate_on_its_own_colour(seed)
    detection = detect_document(frame)
    assert detection.quad is not None  # the printed border was found ...
    assert quad_area(detection.quad) < 0.5 * FULL[0] * FULL[1]
    assert not detection.confident  # ... and not trusted: paper on both sides of it
    assert detection.confidence < CONFIDENT_AT


def test_the_preview_does_not_trust_a_fragment_either() -> None:
    """Automatic capture goes by the preview's confidence: a fragment there must not be trusted."""
    preview = np.asarray(cv2.resize(_certificate_on_its_own_colour(0), (1280, 960), interpolation=cv2.INTER_AREA),
                         dtype=np.uint8)
    detection = detect_preview(preview)
    assert detection.quad is not None
    assert not detection.confident


def test_a_fragment_beside_a_card_is_searched_again_without_an_exception() -> None:
    """The fragment (a printed border) sends the search round again; the card found there stands out and
    goes first. Reordering once compared outlines by value (NumPy arrays) and raised ValueError."""
    frame = _certificate_on_its_own_colour(0)
    card = render_document("bank_card", np.random.default_rng(0), 7.0)
    frame[1000:1000 + card.shape[0], 2500:2500 + card.shape[1]] = card
    detection = detect_document(frame)
    assert not detection.confident
    assert detection.problem is FrameProblem.SEVERAL_DOCUMENTS or detection.quad is not None


def test_a_desk_sized_outline_is_not_confident() -> None:
    detection = detect_document(_desk_sized_sheet())
    assert detection.quad is not None
    assert quad_area(detection.quad) > 0.9 * FULL[0] * FULL[1]
    assert not detection.confident


def test_a_clean_page_is_confident() -> None:
    scene = render_scene(7, kind="a4_text")
    assert detect_document(scene.image).confident


def test_process_frame_keeps_the_whole_frame_when_uncertain() -> None:
    frame = _certificate_on_its_own_colour(0)
    captured = process_frame(frame, ScanOptions())
    assert captured.uncertain
    width_mm, height_mm = captured.page.size_mm
    assert width_mm == pytest.approx(A4_LONG_MM)
    assert height_mm == pytest.approx(A4_LONG_MM * FULL[1] / FULL[0])  # the frame's own proportions
    page_h, page_w = captured.page.image.shape[:2]
    assert page_w / page_h == pytest.approx(FULL[0] / FULL[1], rel=0.01)
    # nothing whitened or cropped away: the desk around the certificate is still there, as photographed
    assert np.abs(captured.page.image[5:50, 5:50].astype(int) - frame[3, 3].astype(int)).max() < 12


def test_process_frame_crops_a_trusted_page_to_a4() -> None:
    scene = render_scene(7, kind="a4_text")
    captured = process_frame(scene.image, ScanOptions())
    assert not captured.uncertain
    assert captured.problem is None
    assert captured.page.size_mm == (210, 297)
