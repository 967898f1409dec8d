"""Document detection on synthetic desk photographs: corners within 1% of the diagonal, the right
frame problem for frames without exactly one document, and never an exception."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from devices.scan.baseline import baseline_scan, detect_baseline
from devices.scan.detect import Detection, FrameProblem, detect_document, detect_preview
from devices.scan.geometry import corner_error, order_corners, quad_area, scale_quad
from devices.sim.docscene import (
    DOCUMENT_KINDS,
    Scene,
    black_frame,
    blank_frame,
    desk_only,
    render_document,
    render_scene,
    synthetic_set,
)

MID = (1632, 1224)
FULL = (3264, 2448)
PREVIEW = (1280, 720)


def _assert_found(detection: Detection, scene: Scene) -> None:
    assert detection.problem is None, f"{scene.kind}: {detection.problem}"
    assert detection.quad is not None
    assert np.array_equal(detection.quad, order_corners(detection.quad))
    error = corner_error(detection.quad, scene.corners)
    assert error < 0.01, f"{scene.kind}: corner error {error:.4f} of the diagonal"
    assert 0.0 < detection.confidence <= 1.0


@pytest.mark.parametrize("scene", list(synthetic_set(21, first_seed=300, size=MID, conditions=False)),
                         ids=lambda s: s.kind)
def test_every_scene_within_one_percent(scene: Scene) -> None:
    _assert_found(detect_document(scene.image), scene)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_full_size_frames(seed: int) -> None:
    scene = render_scene(seed, size=FULL, kind=DOCUMENT_KINDS[seed % len(DOCUMENT_KINDS)])
    _assert_found(detect_document(scene.image), scene)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_each_kind(kind: str) -> None:
    scene = render_scene(400, size=MID, kind=kind)
    _assert_found(detect_document(scene.image), scene)


def test_refinement_is_what_makes_corners_sub_pixel() -> None:
    scene = render_scene(401, size=FULL, kind="a4_text")
    fine = detect_document(scene.image)
    rough = detect_document(scene.image, refine=False)
    assert fine.quad is not None and rough.quad is not None
    assert corner_error(fine.quad, scene.corners) < corner_error(rough.quad, scene.corners)
    assert corner_error(fine.quad, scene.corners) < 0.002


def _card_at(angle: float, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A card pasted by hand at an exact angle on a plain desk (no generator randomness in the pose)."""
    ppm = 10.0 * size[0] / FULL[0]
    card = render_document("id_front", np.random.default_rng(1), ppm)
    h, w = card.shape[:2]
    desk = np.full((size[1], size[0], 3), (70, 95, 130), dtype=np.uint8)
    centre = (size[0] / 2, size[1] / 2)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[:, 2] += np.array(centre) - np.array([w / 2, h / 2])
    frame = cv2.warpAffine(card, matrix, size, dst=desk.copy(), borderMode=cv2.BORDER_TRANSPARENT)
    src = np.array([(-0.5, -0.5), (w - 0.5, -0.5), (w - 0.5, h - 0.5), (-0.5, h - 0.5)])
    truth = (np.c_[src, np.ones(4)] @ matrix.T).astype(np.float32)
    return frame, truth


def test_a_card_rotated_45_degrees() -> None:
    frame, truth = _card_at(45.0, MID)
    found = detect_document(frame)
    assert found.quad is not None
    assert corner_error(found.quad, truth) < 0.01
    # a 45° quad is where naive corner ordering breaks: check the order is clockwise from the top
    top = int(np.argmin(found.quad[:, 1]))
    assert top in (0, 1)


def test_white_page_on_light_grey_desk() -> None:
    """Low contrast: paper ~240 on a desk ~215, with a soft vignette, no clutter."""
    rng = np.random.default_rng(5)
    ppm = 4.0
    page = render_document("a4_text", rng, ppm)
    h, w = page.shape[:2]
    desk = np.full((MID[1], MID[0], 3), 214, dtype=np.uint8)
    truth = np.float32([(420, 260), (420 + h * 0.98, 300), (400 + h, 300 + w), (400, 260 + w * 1.01)])
    src = np.float32([(-0.5, -0.5), (w - 0.5, -0.5), (w - 0.5, h - 0.5), (-0.5, h - 0.5)])
    # the page lies landscape: its top edge runs down the left of the frame
    truth = truth[[3, 0, 1, 2]]
    matrix = cv2.getPerspectiveTransform(src, truth)
    frame = cv2.warpPerspective(page, matrix, MID, dst=desk.copy(), borderMode=cv2.BORDER_TRANSPARENT)
    yy, xx = np.mgrid[0:MID[1], 0:MID[0]]
    gain = 1.0 - 0.12 * (((xx - MID[0] / 2) / MID[0]) ** 2 + ((yy - MID[1] / 2) / MID[1]) ** 2)
    frame = (frame * gain[..., None]).astype(np.uint8)
    assert abs(float(frame[200, 200].mean()) - float(frame[600, 800].mean())) < 45  # it is low contrast
    found = detect_document(frame)
    assert found.quad is not None
    assert corner_error(found.quad, truth) < 0.01


def test_blank_black_and_empty_frames() -> None:
    assert detect_document(blank_frame(MID)).problem is FrameProblem.BLANK
    assert detect_document(blank_frame(MID, value=30)).problem is FrameProblem.BLANK
    assert detect_document(black_frame(MID)).problem is FrameProblem.TOO_DARK
    for seed in range(6):
        found = detect_document(desk_only(seed, MID))
        assert found.problem is FrameProblem.NO_DOCUMENT, seed
        assert found.quad is None


def test_odd_inputs_do_not_raise() -> None:
    assert detect_document(np.zeros((4, 4, 3), np.uint8)).quad is None
    grey = cv2.cvtColor(render_scene(2, size=MID, kind="a4_text").image, cv2.COLOR_BGR2GRAY)
    assert isinstance(detect_document(grey), Detection)


@pytest.mark.parametrize("seed", range(8))
def test_two_documents(seed: int) -> None:
    scene = render_scene(seed, size=MID, documents=2)
    first, second = quad_area(scene.corners), quad_area(scene.others[0])
    found = detect_document(scene.image)
    if min(first, second) >= 0.12 * max(first, second):
        assert found.problem is FrameProblem.SEVERAL_DOCUMENTS
        assert found.quad is None and len(found.candidates) == 2
        for truth in (scene.corners, scene.others[0]):
            assert min(corner_error(c, truth) for c in found.candidates) < 0.01
    elif min(first, second) < 0.08 * max(first, second):  # a card beside a page: the page is the document
        big = scene.corners if first > second else scene.others[0]
        assert found.quad is not None and corner_error(found.quad, big) < 0.01


def test_preview_agrees_with_full_detection() -> None:
    """Where both find the page they agree within 3%; the preview finds it in at least 5 of 6 frames
    (one low-contrast table page on a light desk is a known borderline miss at preview size)."""
    found = 0
    for seed in range(6):
        scene = render_scene(500 + seed, size=FULL, kind=DOCUMENT_KINDS[seed % len(DOCUMENT_KINDS)])
        full = detect_document(scene.image)
        assert full.quad is not None, seed
        factor = PREVIEW[0] / FULL[0]
        frame = cv2.resize(scene.image, (PREVIEW[0], round(FULL[1] * factor)), interpolation=cv2.INTER_AREA)
        preview = detect_preview(frame)
        if preview.quad is not None:
            found += 1
            assert corner_error(scale_quad(preview.quad, 1 / factor), full.quad) < 0.03, seed
    assert found >= 5


def test_preview_on_native_preview_frames() -> None:
    errors = []
    for seed in range(7):
        scene = render_scene(600 + seed, size=PREVIEW, kind=DOCUMENT_KINDS[seed])
        found = detect_preview(scene.image)
        errors.append(math.inf if found.quad is None else corner_error(found.quad, scene.corners))
    assert sum(e < 0.01 for e in errors) >= 6, errors


def test_baseline_is_the_tutorial_method() -> None:
    """On an easy frame (dark desk, white page, nothing else) the baseline must work, or it is a straw man."""
    page = render_document("a4_text", np.random.default_rng(3), 3.0)
    h, w = page.shape[:2]
    frame = np.full((MID[1], MID[0], 3), 40, dtype=np.uint8)
    frame[200:200 + h, 500:500 + w] = page
    truth = np.float32([(500, 200), (500 + w, 200), (500 + w, 200 + h), (500, 200 + h)])
    quad = detect_baseline(frame)
    assert quad is not None and corner_error(quad, truth) < 0.01
    flat = baseline_scan(frame)
    assert abs(flat.shape[0] - h) < 0.02 * h and abs(flat.shape[1] - w) < 0.02 * w


# Failure classes once seen in the benchmark's 200-scene set, each pinned by scenes that used to fail.


@pytest.mark.parametrize("seed", [44, 149])
def test_certificate_paper_edge_outside_its_printed_border(seed: int) -> None:
    """Cream certificate on a light desk: the paper edge is faint, the printed double border strong.
    The outline must be the paper's edge, a parallel step a little outside the border on all sides."""
    scene = render_scene(seed, size=FULL, kind="certificate")
    _assert_found(detect_document(scene.image), scene)


def test_phone_outline_merged_with_a_card_corner_is_not_a_second_document() -> None:
    """An ID card beside a phone, whose outline merged with the card's corner into a weak quad: one
    document (the card), not SEVERAL_DOCUMENTS."""
    scene = render_scene(130, size=FULL, kind="id_back")
    _assert_found(detect_document(scene.image), scene)


def test_light_card_lying_partly_on_a_phone() -> None:
    """A light ID card on a light grey desk, lying across a phone's edge: the card's edges meet the
    phone's with a one-pixel gap that opened the card's outline into the phone's."""
    scene = render_scene(95, size=FULL, kind="id_back")
    _assert_found(detect_document(scene.image), scene)


def test_faint_table_page_is_not_mistaken_for_one_of_its_cells() -> None:
    """A table page on a light desk whose edge only the low-threshold pass finds; the first pass found
    a card-sized cell with the stamp, which must not stand for the page."""
    scene = render_scene(1030, size=FULL, kind="a4_table")
    _assert_found(detect_document(scene.image), scene)


def test_dark_card_whose_side_refinement_strays_to_a_pen_keeps_the_coarse_outline() -> None:
    """A dark bank card on a dark desk with a pen under its side: the full-resolution fit followed the
    pen's brighter edge with little support; a fit that poorly supported must not replace the outline."""
    scene = render_scene(1167, size=FULL, kind="bank_card")
    _assert_found(detect_document(scene.image), scene)


def test_card_touching_a_keyboard_is_not_merged_with_its_edge() -> None:
    """A bank card whose side lies on a keyboard's edge: thickened edges (which close the gaps of a card
    lying on a phone) merged the two into a larger outline, so they are only for the second pass."""
    scene = render_scene(2133, size=FULL, kind="bank_card")
    _assert_found(detect_document(scene.image), scene)


@pytest.mark.parametrize(("seed", "kind"), [(8021, "a5_form"), (8222, "id_back"), (8340, "id_front"),
                                            (8377, "bank_card")])
def test_a_phone_or_a_sticky_note_beside_a_document_is_not_a_second_document(seed: int, kind: str) -> None:
    """The phone's dark screen or the sticky note had an outline as clean as the document's, clear of it and
    large enough, so the frame was refused as holding two documents; neither carries print, so the one
    document is found (and trusted). Two printed documents are still refused (``test_two_documents``)."""
    scene = render_scene(seed, kind=kind)
    _assert_found(found := detect_document(scene.image), scene)
    assert found.confident


def test_print_tells_a_document_from_a_plain_shape_of_its_size() -> None:
    """Two card-sized outlines on a desk: a printed card and a plain yellow one beside it (a sticky note
    cut to a card's proportions) is one document; two printed cards are two."""
    image = np.full((768, 1024, 3), 70, dtype=np.uint8)
    card = np.array([(120, 200), (440, 200), (440, 400), (120, 400)], dtype=np.int32)
    other = card + np.array([450, 60], dtype=np.int32)
    cv2.fillPoly(image, [card], (235, 235, 235))
    for y in range(230, 380, 18):
        cv2.putText(image, "ID 4401 0619 8001 0101", (140, y), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (40, 40, 40), 1)
    plain = image.copy()
    cv2.fillPoly(plain, [other], (60, 210, 240))
    found = detect_document(plain)
    assert found.problem is None and found.quad is not None
    assert corner_error(found.quad, card.astype(np.float32)) < 0.01
    printed = plain.copy()
    for y in range(290, 440, 18):
        cv2.putText(printed, "6222 0210 0112 3456", (590, y), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (30, 30, 30), 1)
    assert detect_document(printed).problem is FrameProblem.SEVERAL_DOCUMENTS
