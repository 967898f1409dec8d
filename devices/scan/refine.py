"""Sub-pixel document sides at full resolution, starting from a quad found on a small copy.

Only thin bands across each side are read (a few thousand pixels per frame), so refining an 8 MP frame
costs about as much as refining a preview frame. The edge is located on each sampled normal as the
strongest colour step (sum over the three channels, so a dark bank card on a dark mat still shows by
its hue), and each side is a robust line fit through those points: a pen lying across the edge or a
shadow's boundary adds outliers, which the Huber fit and the residual trimming ignore. Corners are the
intersections of neighbouring lines, which is also what a card's rounded corner truly means.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Line, Quad, as_quad, corners_of

_ALONG = (0.06, 0.94)  # stay clear of the corners, where rounding and neighbouring sides confuse the step
_TANGENT_OFFSETS = np.array([-2.0, 0.0, 2.0])  # averaged across, to beat sensor noise


def _edge_points(image: NDArray[np.uint8], quad: NDArray[np.float64], inward: NDArray[np.float64], reach: float,
                 samples: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Edge positions along all four sides (4, samples, 2) and their step strengths (4, samples).

    One remap for the whole quad: per-side calls cost more in Python overhead than in pixels.
    """
    ends = np.roll(quad, -1, axis=0)
    direction = ends - quad  # (4, 2)
    tangent = direction / np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    steps = max(int(np.ceil(reach)), 2)
    offsets = np.arange(-steps, steps + 1, dtype=np.float64)
    ts = np.linspace(_ALONG[0], _ALONG[1], samples)
    base = quad[:, None, :] + ts[None, :, None] * direction[:, None, :]  # (4, S, 2)
    grid = (base[:, :, None, None, :] + _TANGENT_OFFSETS[None, None, :, None, None] * tangent[:, None, None, None, :]
            + offsets[None, None, None, :, None] * inward[:, None, None, None, :])  # (4, S, T, N, 2)
    flat = grid.reshape(-1, len(offsets), 2).astype(np.float32)
    values = cv2.remap(image, flat[..., 0], flat[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    profiles = values.reshape(4 * samples, len(_TANGENT_OFFSETS), len(offsets), -1).astype(np.float32).mean(axis=1)
    diff = np.abs(np.diff(profiles, axis=1)).sum(axis=2)  # (4S, N-1): step between consecutive offsets
    diff = cv2.GaussianBlur(diff, (3, 1), 0)
    # the innermost clear peak, not simply the strongest: a page lying just beside a keyboard or a dark
    # object has a weak paper/desk step inside a strong desk/object step, and the page is the inner one
    padded = np.pad(diff, ((0, 0), (1, 1)), constant_values=-1.0)
    peak = (diff >= padded[:, :-2]) & (diff >= padded[:, 2:])
    strong = peak & (diff >= 0.5 * diff.max(axis=1, keepdims=True))
    best = diff.shape[1] - 1 - np.argmax(strong[:, ::-1], axis=1)
    rows = np.arange(diff.shape[0])
    strength = diff[rows, best]
    inner = np.clip(best, 1, diff.shape[1] - 2)
    left, mid, right = (diff[rows, inner + k] for k in (-1, 0, 1))
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0.0)
    shift = np.clip(shift, -0.5, 0.5)
    position = offsets[0] + inner + 0.5 + np.where(best == inner, shift, 0.0)  # between the two samples
    points = base + position.reshape(4, samples)[..., None] * inward[:, None, :]
    return points, strength.reshape(4, samples).astype(np.float64)


def _fit_line(points: NDArray[np.float64], strength: NDArray[np.float64]) -> Line | None:
    """A robust line (point, unit direction) through the strong edge points, trimming outliers twice."""
    keep = strength > max(float(np.median(strength)) * 0.35, 4.0)
    if int(keep.sum()) < 8:
        return None
    pts = points[keep]
    for _ in range(2):
        vx, vy, x0, y0 = cv2.fitLine(pts.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        normal = np.array([-vy, vx], dtype=np.float64)
        residual = np.abs((pts - np.array([x0, y0])) @ normal)
        limit = max(float(np.median(residual)) * 3.0, 0.75)
        inliers = residual <= limit
        if int(inliers.sum()) < 8 or bool(inliers.all()):
            break
        pts = pts[inliers]
    return np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)


def _side_axes(q: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per side, the unit direction along it and the unit normal pointing into the quad."""
    centre = q.mean(axis=0)
    direction = np.roll(q, -1, axis=0) - q
    unit = direction / np.maximum(np.linalg.norm(direction, axis=1, keepdims=True), 1e-9)
    inward = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
    flip = np.einsum("ij,ij->i", centre[None, :] - q, inward) < 0
    inward[flip] *= -1
    return unit, inward


def refine_quad(image: NDArray[np.uint8], quad: Quad, reach: float, samples: int = 48) -> tuple[Quad, float]:
    """Move each side of ``quad`` (clockwise order) onto the nearby edge, within ``reach`` px.

    Returns the refined quad and the smallest per-side fraction of normals whose edge lies on the
    fitted line (edge support), or the input quad with support 0 when a side cannot be fitted.
    """
    q = as_quad(quad).astype(np.float64)
    _unit, inward = _side_axes(q)
    points, strength = _edge_points(image, q, inward, reach, samples)
    lines = []
    supports = []
    for k in range(4):
        line = _fit_line(points[k], strength[k])
        if line is None:
            return as_quad(quad), 0.0
        lines.append(line)
        normal = np.array([-line[1][1], line[1][0]])
        residual = np.abs((points[k] - line[0]) @ normal)
        supports.append(float(np.mean(residual < max(1.5, reach * 0.15))))
    refined = corners_of(lines)
    if refined is None:
        return as_quad(quad), 0.0
    if float(np.abs(refined - q).max()) > 3 * reach + 2:
        return as_quad(quad), 0.0  # lines ran off: a side fitted to something else
    return as_quad(refined), float(min(supports))


def fitted_sides(image: NDArray[np.uint8], quad: Quad, reach: float, least_support: float,
                 samples: int = 48) -> list[Line | None]:
    """For each side of ``quad``, the edge line within ``reach`` it would move onto, or None where no line
    has ``least_support`` along the side (a page's side across a second sheet)."""
    q = as_quad(quad).astype(np.float64)
    _unit, inward = _side_axes(q)
    points, strength = _edge_points(image, q, inward, reach, samples)
    found: list[Line | None] = []
    for k in range(4):
        line = _fit_line(points[k], strength[k])
        if line is not None:
            normal = np.array([-line[1][1], line[1][0]])
            support = float(np.mean(np.abs((points[k] - line[0]) @ normal) < max(1.5, reach * 0.15)))
            # the fitted line must stay within reach of the side along its length, not cross it at an angle
            ends = np.abs((np.array([q[k], q[(k + 1) % 4]]) - line[0]) @ normal)
            if support < least_support or float(ends.max()) > reach:
                line = None
        found.append(line)
    return found


def refine_sides(image: NDArray[np.uint8], quad: Quad, reach: float, least_support: float,
                 samples: int = 48) -> Quad:
    """Like ``refine_quad``, but side by side: a side whose fitted line has ``least_support`` moves onto it,
    any other side stays where it was (a side with no edge near it: a page's side across a second sheet)."""
    q = as_quad(quad).astype(np.float64)
    unit, _inward = _side_axes(q)
    found = fitted_sides(image, quad, reach, least_support, samples)
    lines = [line if line is not None else (q[k], unit[k]) for k, line in enumerate(found)]
    refined = corners_of(lines)
    if refined is None:
        return as_quad(quad)
    if float(np.abs(refined - q).max()) > 3 * reach + 2:
        return as_quad(quad)
    return as_quad(refined)
