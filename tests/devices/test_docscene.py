"""The document-scene generator: its ground truth must be where the page really is, or every accuracy
figure built on it is meaningless."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.scan.geometry import is_convex, quad_area
from devices.sim.docscene import (
    CONDITIONS,
    DOCUMENT_KINDS,
    EXTRA_KINDS,
    black_frame,
    blank_frame,
    condition_of,
    desk_only,
    render_document,
    render_scene,
    synthetic_set,
)
from devices.sim.docscene_render import PAGE_MM

SMALL = (816, 612)
MID = (1632, 1224)


def test_same_seed_same_scene_and_different_seed_different_scene() -> None:
    a, b = render_scene(11, size=SMALL), render_scene(11, size=SMALL)
    c = render_scene(12, size=SMALL)
    assert np.array_equal(a.image, b.image)
    assert np.array_equal(a.corners, b.corners)
    assert a.kind == b.kind
    assert not np.array_equal(a.image, c.image)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS + EXTRA_KINDS)
def test_each_kind_renders_at_its_true_size(kind: str) -> None:
    page = render_document(kind, np.random.default_rng(0), 4.0)
    w_mm, h_mm = PAGE_MM[kind]
    assert page.shape == (round(h_mm * 4.0), round(w_mm * 4.0), 3)
    assert page.dtype == np.uint8
    scene = render_scene(3, size=SMALL, kind=kind)
    assert scene.kind == kind
    assert scene.page_mm == PAGE_MM[kind]
    assert scene.image.shape == (SMALL[1], SMALL[0], 3)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        render_document("passport", np.random.default_rng(0), 4.0)


@pytest.mark.parametrize("seed", range(10))
def test_corners_lie_inside_the_frame_with_a_margin(seed: int) -> None:
    scene = render_scene(seed, size=SMALL)
    w, h = SMALL
    margin = 0.02 * min(w, h)
    assert scene.corners.shape == (4, 2)
    assert scene.corners[:, 0].min() >= margin and scene.corners[:, 0].max() <= w - margin
    assert scene.corners[:, 1].min() >= margin and scene.corners[:, 1].max() <= h - margin
    assert is_convex(scene.corners)
    w_mm, h_mm = scene.page_mm
    expected = w_mm * h_mm * scene.px_per_mm**2
    assert 0.8 * expected < quad_area(scene.corners) < 1.2 * expected


def _rectified(scene_image: np.ndarray, corners: np.ndarray, page_mm: tuple[float, float], ppm: float,
               border_mm: float) -> np.ndarray:
    w, h = page_mm[0] * ppm, page_mm[1] * ppm
    b = border_mm * ppm
    dst = np.float32([(b, b), (b + w, b), (b + w, b + h), (b, b + h)])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    grey = cv2.cvtColor(scene_image, cv2.COLOR_BGR2GRAY)
    return cv2.warpPerspective(grey, matrix, (round(w + 2 * b), round(h + 2 * b)))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("kind", ["a4_text", "a5_form", "a4_table"])
def test_the_page_edge_is_exactly_where_the_corners_say(seed: int, kind: str) -> None:
    """Rectify with the true corners: the steepest step across each side must sit on the page border.

    At 3 px/mm a corner off by 1% of the diagonal would move the step by 3-10 px; we allow 2.
    """
    scene = render_scene(seed, size=MID, kind=kind, clutter=False)
    ppm, b = 3.0, 30  # 10 mm border
    flat = _rectified(scene.image, scene.corners, scene.page_mm, ppm, border_mm=10).astype(np.float32)
    w, h = round(scene.page_mm[0] * ppm), round(scene.page_mm[1] * ppm)
    profiles = {  # mean across the side, from 5 mm outside to 5 mm inside
        "top": flat[b - 15:b + 15, b + 15:b + w - 15].mean(axis=1),
        "bottom": flat[b + h + 15:b + h - 15:-1, b + 15:b + w - 15].mean(axis=1),
        "left": flat[b + 15:b + h - 15, b - 15:b + 15].mean(axis=0),
        "right": flat[b + 15:b + h - 15, b + w + 15:b + w - 15:-1].mean(axis=0),
    }
    for name, profile in profiles.items():
        step = np.abs(np.diff(profile))
        assert abs(int(np.argmax(step)) + 0.5 - 15) <= 2, name
        assert abs(float(profile[18:].mean()) - float(profile[:12].mean())) > 5, name


def test_a_card_corner_is_the_corner_of_the_unrounded_rectangle() -> None:
    """At the true corner the card is rounded away; a few mm along either edge it is there."""
    scene = render_scene(4, size=MID, kind="id_front", clutter=False)
    ppm = 8.0
    flat = _rectified(scene.image, scene.corners, scene.page_mm, ppm, border_mm=5).astype(np.float32)
    b = 40
    card = float(np.median(flat[b + 100:b + 120, b + 300:b + 320]))
    corner = float(flat[b + 2, b + 2])
    along_edge = float(np.median(flat[b + 3:b + 6, b + 40:b + 60]))
    assert abs(along_edge - card) < abs(corner - card)


@pytest.mark.parametrize("seed", range(8))
def test_two_documents_do_not_overlap(seed: int) -> None:
    scene = render_scene(seed, size=SMALL, documents=2)
    assert len(scene.others) == 1
    overlap, _ = cv2.intersectConvexConvex(scene.corners.astype(np.float32), scene.others[0].astype(np.float32))
    assert overlap == pytest.approx(0.0, abs=1e-3)


def test_the_synthetic_set_covers_every_kind() -> None:
    kinds = [scene.kind for scene in synthetic_set(len(DOCUMENT_KINDS), size=SMALL, conditions=False)]
    assert sorted(kinds) == sorted(DOCUMENT_KINDS)


def test_half_the_synthetic_set_carries_a_condition_each_a_twelfth() -> None:
    conditions = [condition_of(seed) for seed in range(5000, 5000 + 1200)]
    assert conditions.count(None) == 600
    for condition in CONDITIONS:
        assert conditions.count(condition) == 100
    scenes = list(synthetic_set(12, first_seed=5000, size=(408, 306)))
    assert [scene.condition for scene in scenes] == [condition_of(seed) for seed in range(5000, 5012)]
    assert {scene.kind for scene in scenes if scene.condition is None} <= set(DOCUMENT_KINDS)


def test_bad_frames() -> None:
    assert blank_frame(SMALL).std() == 0
    assert black_frame(SMALL).mean() < 5
    desk = desk_only(2, SMALL)
    assert desk.shape == (SMALL[1], SMALL[0], 3)
    assert np.array_equal(desk, desk_only(2, SMALL))


@pytest.mark.parametrize("condition", CONDITIONS)
def test_condition_scenes_keep_the_top_documents_corners(condition: str) -> None:
    """Whatever a condition adds (a sheet under the page, a sleeve, a shadow), the true corners are the top
    document's: inside the frame, the document's own size, and the page edge a step where they say."""
    scene = render_scene(7, size=MID, condition=condition, clutter=False)
    assert scene.condition == condition
    w, h = MID
    assert scene.corners[:, 0].min() >= 0.02 * h and scene.corners[:, 0].max() <= w - 0.02 * h
    assert scene.corners[:, 1].min() >= 0.02 * h and scene.corners[:, 1].max() <= h - 0.02 * h
    w_mm, h_mm = scene.page_mm
    assert 0.8 * w_mm * h_mm * scene.px_per_mm**2 < quad_area(scene.corners) < 1.2 * w_mm * h_mm * scene.px_per_mm**2
    if condition != "colour_form":  # that condition is its document kind; the others add to the scene
        plain = render_scene(7, size=MID, kind=scene.kind, clutter=False)
        assert not np.array_equal(plain.image, scene.image)


def test_a_condition_leaves_plain_scenes_as_they_were() -> None:
    """Conditions draw from their own random stream: the plain scene of a seed is the image it always was."""
    a = render_scene(21, size=SMALL, kind="a4_text")
    b = render_scene(21, size=SMALL, kind="a4_text", condition=None)
    assert np.array_equal(a.image, b.image)
    assert a.condition is None


def test_landscape_scenes_lie_across_the_frame() -> None:
    for seed in range(3):
        scene = render_scene(seed, size=SMALL, condition="landscape")
        assert np.ptp(scene.corners[:, 0]) > np.ptp(scene.corners[:, 1])


def test_unknown_condition_is_refused() -> None:
    with pytest.raises(ValueError):
        render_scene(1, size=SMALL, condition="rain")
