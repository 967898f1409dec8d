"""Quadrilaterals in image coordinates, shared by detection, warping, the simulator and the benchmark.

A quad is a float32 array of shape (4, 2) holding (x, y) pixel positions. Detection cannot know which
edge is the top of the page, so detected quads are ordered by their position in the image (top-left
first, clockwise); the simulator's true corners are in the page's own order. Errors are therefore
compared over the four cyclic shifts, which is how the benchmark and the tests score accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

Quad: TypeAlias = NDArray[np.float32]
#: a straight line as a point on it and its unit direction (the sides that outlines are built from)
Line: TypeAlias = tuple[NDArray[np.float64], NDArray[np.float64]]


def as_quad(points: object) -> Quad:
    """Coerce four (x, y) points to the canonical array type, refusing anything else."""
    quad = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    if quad.shape != (4, 2):
        raise ValueError(f"a quad has four corners, got {quad.shape[0]}")
    return quad


def order_corners(points: object) -> Quad:
    """Order four points clockwise starting at the one nearest the image's top-left.

    Sorting by angle around the centroid is stable for any convex quad, including one rotated
    by 45°, where the usual "smallest x+y" rule picks two corners at once.
    """
    quad = as_quad(points)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    clockwise = quad[np.argsort(angles)]  # y grows downward, so increasing angle is clockwise on screen
    start = int(np.argmin(clockwise[:, 0] + clockwise[:, 1]))
    return np.roll(clockwise, -start, axis=0).astype(np.float32)


def diagonal(quad: Quad) -> float:
    """Mean length of the two diagonals: the yardstick corner errors are divided by."""
    q = as_quad(quad)
    return float((np.linalg.norm(q[0] - q[2]) + np.linalg.norm(q[1] - q[3])) / 2.0)


def corner_error(found: object, truth: object) -> float:
    """Worst corner distance as a fraction of the true quad's diagonal, under the best correspondence.

    The best of the four cyclic shifts of the clockwise-ordered corners is taken, so a correct
    outline scores zero whichever corner detection calls "first".
    """
    f = order_corners(found)
    t = order_corners(truth)
    worst = min(float(np.linalg.norm(np.roll(f, shift, axis=0) - t, axis=1).max()) for shift in range(4))
    return worst / diagonal(t)


def scale_quad(quad: Quad, factor: float) -> Quad:
    """Map a quad found on a resized image back to the original (or the other way round)."""
    return (as_quad(quad) * np.float32(factor)).astype(np.float32)


def quad_area(quad: Quad) -> float:
    """Area by the shoelace formula; positive whatever the winding."""
    q = as_quad(quad).astype(np.float64)
    x, y = q[:, 0], q[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


def is_convex(quad: Quad) -> bool:
    """True when all four turns go the same way (a page seen in perspective is always convex)."""
    q = as_quad(quad).astype(np.float64)
    edges = np.roll(q, -1, axis=0) - q
    cross = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(edges[:, 0], -1)
    return bool(np.all(cross > 0) or np.all(cross < 0))


def side_lengths(quad: Quad) -> tuple[float, float]:
    """(width, height) of the flattened page: the longer of each pair of opposite sides."""
    q = as_quad(quad)
    top, right = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[1])
    bottom, left = np.linalg.norm(q[2] - q[3]), np.linalg.norm(q[3] - q[0])
    return float(max(top, bottom)), float(max(left, right))


def sides_of(quad: object) -> list[Line]:
    """A quad's four sides as lines, side k from corner k towards corner k + 1 (``corners_of`` undoes it)."""
    q = as_quad(quad).astype(np.float64)
    sides: list[Line] = []
    for k in range(4):
        a, b = q[k], q[(k + 1) % 4]
        sides.append((a, (b - a) / max(float(np.linalg.norm(b - a)), 1e-9)))
    return sides


def meet(a: Line, b: Line) -> NDArray[np.float64] | None:
    """Where two lines cross, or None when they are (nearly) parallel."""
    (p, r), (q, s) = a, b
    cross = float(r[0] * s[1] - r[1] * s[0])
    if abs(cross) < 1e-6:
        return None
    t = float((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    return np.asarray(p + t * r, dtype=np.float64)


def corners_of(sides: Sequence[Line]) -> NDArray[np.float64] | None:
    """The four corners of an outline given by its sides in order: corner k is where side k - 1 meets side
    k (so a quad's own sides give its corners back); None when two neighbouring sides are parallel."""
    corners = [meet(sides[k - 1], sides[k]) for k in range(4)]
    if any(corner is None for corner in corners):
        return None
    return np.array(corners, dtype=np.float64)
