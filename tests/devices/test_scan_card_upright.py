"""ID copies come out the right way up however the card lay under the camera.

The synthetic scenes rotate cards anywhere in ±180°, and their true corners are in the card's own
order, so flattening by the true corners gives the upright card to compare with.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.scan.detect import detect_document
from devices.scan.idcopy import _card_side, upright_card
from devices.scan.paper import ID_CARD, page_px
from devices.scan.pipeline import ScanOptions
from devices.scan.warp import flatten
from devices.sim.docscene import render_scene


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)


@pytest.mark.parametrize("kind,face", [("id_front", "front"), ("id_back", "back")])
def test_cards_are_turned_upright(kind: str, face: str) -> None:
    width, height = page_px(ID_CARD, 150)
    options = ScanOptions(whiten=False, dpi=150)
    for seed in range(20):
        scene = render_scene(seed, size=(1632, 1224), kind=kind)
        truth = _grey(flatten(scene.image, scene.corners, width, height))
        detection = detect_document(scene.image)
        assert detection.quad is not None, seed
        ours = _grey(_card_side(scene.image, detection.quad, options, face))
        assert np.abs(ours - truth).mean() < np.abs(ours - truth[::-1, ::-1]).mean(), f"seed {seed} upside down"


@pytest.mark.parametrize("face", ["front", "back"])
def test_an_upright_card_is_left_alone_and_an_upside_down_one_turned(face: str) -> None:
    width, height = page_px(ID_CARD, 150)
    scene = render_scene(5, size=(1632, 1224), kind="id_front" if face == "front" else "id_back")
    upright = flatten(scene.image, scene.corners, width, height)
    assert upright_card(upright, face) is upright
    fixed = upright_card(cv2.rotate(upright, cv2.ROTATE_180), face)
    assert np.array_equal(fixed, upright)


def test_a_blank_card_is_left_as_it_lies() -> None:
    blank = np.full((340, 540, 3), 230, dtype=np.uint8)
    assert upright_card(blank, "front") is blank and upright_card(blank, "back") is blank
