"""The learned outline (``outline_model.py``): the quad read off a mask, the network run through OpenCV, and
its place in ``detect_document``: it replaces an untrusted outline it disagrees with, never makes one trusted."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from devices.scan.detect import detect_document
from devices.scan.geometry import Quad, corner_error, order_corners
from devices.scan.outline_model import INPUT_SIZE, document_mask, model_outline, quad_from_mask
from devices.scan.refine import refine_sides
from devices.sim.docscene import DOCUMENT_KINDS, Scene, condition_of, desk_only, render_scene

FRAME = (3264, 2448)
GRID = (INPUT_SIZE[0] // 2, INPUT_SIZE[1] // 2)


def _soft_mask(quad: Quad, blur: float = 0.7) -> np.ndarray:
    """What a good network gives for ``quad`` (frame pixels): the share of each grid cell it covers, a little
    blurred, as probabilities."""
    fine = np.zeros((GRID[1] * 8, GRID[0] * 8), np.uint8)
    corners = (np.asarray(quad, dtype=np.float64) + 0.5) * (GRID[0] * 8 / FRAME[0]) - 0.5
    cv2.fillPoly(fine, [np.round(corners * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    cells = cv2.resize(fine, GRID, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    return np.asarray(cv2.GaussianBlur(cells, (0, 0), blur) if blur > 0 else cells, dtype=np.float32)


def _page(rng: np.random.Generator, share: float) -> Quad:
    """A sheet's outline (ISO proportions) covering about ``share`` of the frame, turned and in mild
    perspective, wholly inside it (a turn that does not fit is drawn again)."""
    w, h = FRAME
    side = math.sqrt(share * w * h / math.sqrt(2))
    rect = np.array([(-side / 2, -side * 0.707), (side / 2, -side * 0.707), (side / 2, side * 0.707),
                     (-side / 2, side * 0.707)])
    while True:
        turn = math.radians(rng.uniform(0, 180))
        c, s = math.cos(turn), math.sin(turn)
        turned = rect @ np.array([[c, s], [-s, c]]) + rng.normal(0, side * 0.02, (4, 2))
        turned -= turned.mean(axis=0)
        low, high = -turned.min(axis=0) + 40, np.array(FRAME) + (-turned.max(axis=0) - 40)
        if np.all(low < high):
            return order_corners(turned + rng.uniform(low, high))


@pytest.mark.parametrize("seed", range(12))
def test_a_masks_outline_is_found_to_a_fraction_of_a_cell(seed: int) -> None:
    rng = np.random.default_rng(seed)
    truth = _page(rng, float(rng.uniform(0.08, 0.5)))
    found = quad_from_mask(_soft_mask(truth), FRAME)
    assert found is not None
    # a cell is 25.5 frame px (0.6 % of the frame's diagonal); the side fits average the border
    assert corner_error(found, truth) < 0.004


def test_no_outline_from_a_mask_that_is_empty_small_or_not_four_sided() -> None:
    assert quad_from_mask(np.zeros((GRID[1], GRID[0]), np.float32), FRAME) is None
    speck = np.zeros((GRID[1], GRID[0]), np.float32)
    speck[40:44, 60:64] = 1.0  # 16 cells of 12 288: less than any document covers
    assert quad_from_mask(speck, FRAME) is None
    disc = np.zeros((GRID[1], GRID[0]), np.float32)
    cv2.circle(disc, (64, 48), 30, 1.0, -1)
    assert quad_from_mask(disc, FRAME) is None
    cross = np.zeros((GRID[1], GRID[0]), np.float32)
    cross[20:76, 54:74] = 1.0
    cross[38:58, 24:104] = 1.0
    assert quad_from_mask(cross, FRAME) is None


def test_the_largest_region_is_the_outline() -> None:
    rng = np.random.default_rng(5)
    page = _page(rng, 0.3)
    mask = _soft_mask(page)
    mask[2:10, 2:12] = 1.0  # a scrap in a corner of the frame
    found = quad_from_mask(mask, FRAME)
    assert found is not None and corner_error(found, page) < 0.004


# Second-sheet scenes (seeds of a tuning range, never trained on) where the edge search settles on a printed
# frame, a shadow's edge or both sheets together and does not trust it (corner errors of 20-58 % of the
# diagonal before the learned outline): the page as the network sees it, its sides then put on the edges.
SECOND_SHEET = (12310, 12394, 12442, 12778)


@pytest.mark.parametrize("seed", SECOND_SHEET)
def test_a_page_on_a_second_sheet_is_outlined_but_not_trusted(seed: int) -> None:
    scene = render_scene(seed, condition="under_sheet")
    found = detect_document(scene.image)
    assert found.quad is not None
    assert corner_error(found.quad, scene.corners) < 0.01
    assert not found.confident  # the network never makes an outline trusted: the whole frame is kept


#: untrusted outlines that agree with the learned one but for a side on the wrong edge a little further out
#: (a sleeve's welded seam, the other sheet's edge, a shadow's edge, a band of a landscape form): 2.2-7.2 % of
#: the diagonal off before that side moved onto the edge beside the learned side
SIDE_ON_THE_WRONG_EDGE = (10303, 10330, 10354, 10557, 10593, 10821, 10868, 8445)
#: right but untrusted outlines with a learned side well apart and no edge beside it: they must stay
LEARNED_SIDE_WITHOUT_AN_EDGE = (10079, 10083, 10449, 10678)


def _scene_of(seed: int) -> Scene:
    condition = condition_of(seed)
    kind = DOCUMENT_KINDS[seed % len(DOCUMENT_KINDS)] if condition is None else None
    return render_scene(seed, kind=kind, condition=condition)


@pytest.mark.parametrize("seed", SIDE_ON_THE_WRONG_EDGE + LEARNED_SIDE_WITHOUT_AN_EDGE)
def test_a_side_apart_from_the_learned_one_moves_only_onto_an_edge(seed: int) -> None:
    scene = _scene_of(seed)
    found = detect_document(scene.image)
    assert found.quad is not None
    assert corner_error(found.quad, scene.corners) < 0.01
    assert not found.confident


def test_the_network_through_opencv_gives_a_documents_mask() -> None:
    scene = render_scene(12010, condition="under_sheet")
    mask = document_mask(scene.image)
    assert mask.shape == (GRID[1], GRID[0]) and mask.dtype == np.float32
    truth = _soft_mask(scene.corners, blur=0.0)
    inside, outside = mask[truth > 0.99], mask[truth < 0.01]
    assert float(np.mean(inside > 0.5)) > 0.97 and float(np.mean(outside < 0.5)) > 0.97
    found = model_outline(scene.image)
    assert found is not None and corner_error(found, scene.corners) < 0.04


@pytest.mark.parametrize("seed", (3, 17, 29))
def test_a_desk_without_a_document_gives_no_outline(seed: int) -> None:
    assert model_outline(desk_only(seed)) is None


def test_sides_with_an_edge_move_onto_it_and_a_side_without_one_stays() -> None:
    """``refine_sides``: a light page on a light grey desk, except along its right side, where it lies on a
    sheet of its own shade (no edge). An outline 12 px off on every side: three sides come onto the page's
    edges, the right one stays where it was."""
    image = np.full((800, 1000, 3), 150, np.uint8)
    cv2.rectangle(image, (600, 0), (999, 799), (235, 235, 235), -1)  # the other sheet, right of x = 600
    cv2.rectangle(image, (200, 150), (700, 650), (235, 235, 235), -1)  # the page, its right side on the sheet
    noise = np.random.default_rng(1).normal(0, 2.0, image.shape)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    truth = np.array([(200, 150), (700, 150), (700, 650), (200, 650)], dtype=np.float32)
    off = np.array([(188, 162), (712, 138), (688, 662), (212, 638)], dtype=np.float32)
    found = refine_sides(image, off, 30.0, 0.7)
    assert abs(found[0, 1] - 150) < 1.5 and abs(found[3, 1] - 650) < 1.5 and abs(found[0, 0] - 200) < 1.5
    assert abs(found[3, 0] - 200) < 1.5
    # the right side stayed on the line through (712, 138) and (688, 662), where it cuts the new top and bottom
    for corner, y in ((found[1], 150.0), (found[2], 650.0)):
        x_on_old = 712 + (688 - 712) * (y - 138) / (662 - 138)
        assert abs(corner[1] - y) < 1.5 and abs(corner[0] - x_on_old) < 1.5
    assert corner_error(found, truth) > 0.005  # honest: that side is not where the page ends
