"""Lines and corners: the one place outlines are rebuilt from their sides (the edge fit, the sleeve's
inner outline and the learned outline all use it)."""

from __future__ import annotations

import numpy as np
import pytest

from devices.scan.geometry import Line, corners_of, meet, sides_of


def test_two_lines_meet_where_they_cross() -> None:
    across: Line = (np.array([0.0, 5.0]), np.array([1.0, 0.0]))
    down: Line = (np.array([3.0, -10.0]), np.array([0.0, 1.0]))
    assert meet(across, down) == pytest.approx([3.0, 5.0])
    slanted: Line = (np.array([10.0, 0.0]), np.array([-1.0, 1.0]) / np.sqrt(2.0))
    assert meet(across, slanted) == pytest.approx([5.0, 5.0])


def test_parallel_lines_never_meet() -> None:
    one: Line = (np.array([0.0, 0.0]), np.array([0.6, 0.8]))
    other: Line = (np.array([5.0, 0.0]), np.array([-0.6, -0.8]))
    assert meet(one, other) is None


@pytest.mark.parametrize("seed", range(8))
def test_a_quads_sides_give_its_corners_back(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centre = rng.uniform(500, 1500, 2)
    angles = np.arange(4) * np.pi / 2 + rng.uniform(-0.5, 0.5, 4)
    quad = centre + rng.uniform(300, 600, (4, 1)) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    sides = sides_of(quad)
    corners = corners_of(sides)
    assert corners is not None
    assert corners == pytest.approx(quad, abs=1e-3)  # sides_of reads the quad as float32
    for (point, direction), corner, following in zip(sides, quad, np.roll(quad, -1, axis=0), strict=True):
        assert point == pytest.approx(corner, abs=1e-3)
        assert direction == pytest.approx((following - corner) / np.linalg.norm(following - corner), abs=1e-5)


def test_no_corners_when_neighbouring_sides_are_parallel() -> None:
    square = np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    sides = sides_of(square)
    sides[1] = (sides[1][0], sides[0][1])  # the right side turned to run along the top
    assert corners_of(sides) is None
