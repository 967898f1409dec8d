"""The page inside a transparent sleeve: an outline that is the sleeve's, a few millimetres too large.

A glossy plastic sleeve (the kind applicants bring their papers in) has a faint welded edge 3-10 mm
outside the page all round, and inside that edge only a slight haze over the desk. Its outline is
straight, supported and steps against the desk (the weld, the haze), so the coarse search can take it
for the document, and the crop then carries a band of desk on every side. The page's own edge is the
first strong step inward from each side, with desk-coloured (hazed) stuff between and paper beyond.

A page lying bare on a desk has no such band: just inside its edge is paper, whatever is printed
further in (a certificate's frame, a table's rule: paper on both sides of a line, not a step to a new
colour). On a light desk a page's white margin can look like the band; there the band must be the
desk's colour almost exactly (a haze lifts it by a few %), where a page's margin is a step brighter.
Each side moves on its own (the coarse search often has three sides on the page and one on the
sleeve), and only while the outline comes no further from a sheet's or a card's proportions; when a band
lies inside every side, all four move at once (one at a time, the page's own perspective can make a step
look like a move away from a sheet's proportions and leave a side on the sleeve).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.detect_extend import _aspect_gap
from devices.scan.detect_outer import _profiles
from devices.scan.geometry import Quad, as_quad, corners_of, order_corners, sides_of

_MAX_BAND = 0.3  # of the shorter side: how far inside the outline the page's edge may lie (cards ~26%)
_OUT = (3, 7)  # px beyond the outline (coarse copy) sampled for the desk's colour
_MIN_RUN = 0.6  # share of the samples along a side that step at the same depth
_AGREE = 0.5  # share of the samples with desk-like band and a page beyond (a glare band hides the rest)
_LIKE_DESK = 24.0  # largest colour difference (YCrCb, chroma doubled) between the band and the desk beyond
#: ... and at most 6 + _HAZE x (255 - the desk's lightness): a sleeve's haze lifts the desk a few % of the
#: way to white, so on a light desk the band is the desk's colour almost exactly, while a bare page's
#: margin there is paper, a step of 10-25 brighter
_HAZE = 0.1
_UNLIKE_PAPER = 30.0  # least difference between the band and what lies inside the step (the page)


def _depths(lab: NDArray[np.uint8], quad: Quad) -> tuple[list[int | None], NDArray[np.float64],
                                                          NDArray[np.float64], NDArray[np.float64]]:
    """Per side, the depth (coarse px inward) of the page's edge inside a sleeve band, or None."""
    q = as_quad(order_corners(quad)).astype(np.float64)
    direction = np.roll(q, -1, axis=0) - q
    lengths = np.linalg.norm(direction, axis=1)
    unit = direction / np.maximum(lengths[:, None], 1e-9)
    outward = np.stack([unit[:, 1], -unit[:, 0]], axis=1)
    centre = q.mean(axis=0)
    flip = np.einsum("ij,ij->i", q - centre[None, :], outward) < 0
    outward[flip] *= -1
    reach = int(max(8.0, _MAX_BAND * float(lengths.min())))
    offsets = np.arange(-reach - 8, _OUT[1] + 1, dtype=np.float64)  # negative: inside the outline
    values, base = _profiles(lab, q, outward, offsets)
    zero = reach + 8  # index of offset 0
    step = np.abs(values[:, :, 1:] - values[:, :, :-1]).max(axis=3)
    step = step[:, :, :-1] + step[:, :, 1:]  # (4, S, N-2): index i is the step around offset i + 1
    window = np.maximum(np.maximum(step[:, :, :-2], step[:, :, 1:-1]), step[:, :, 2:])  # [j]: max of j..j+2
    runs = (window >= 8.0).mean(axis=1)  # (4, N): share of the samples stepping there
    depths: list[int | None] = []
    for k in range(4):
        desk = np.median(values[k, :, zero + _OUT[0]:zero + _OUT[1] + 1], axis=1)  # (S, 3), per sample
        found: int | None = None
        for e in range(5, reach - 12):  # the first consistent step inward from the outline
            at = zero - e
            if runs[k, at - 2] < _MIN_RUN:
                continue
            band = np.median(values[k, :, at + 2:zero - 1], axis=1)
            paper = np.median(values[k, :, at - 14:at - 2], axis=1)  # wide: a printed rule is not the page
            like_desk = np.abs(band - desk).max(axis=1) <= np.minimum(_LIKE_DESK, 6.0 + _HAZE * (255.0 - desk[:, 0]))
            unlike_paper = np.abs(paper - band).max(axis=1) >= _UNLIKE_PAPER
            if float(np.mean(like_desk & unlike_paper)) >= _AGREE:
                found = e
            break  # a deeper step is inside whatever this one bounds: the band must reach the outline
        depths.append(found)
    return depths, base, outward, q


def inside_sleeve(lab: NDArray[np.uint8], quad: Quad) -> tuple[Quad | None, bool]:
    """The page's outline inside the sleeve outlined by ``quad`` (coarse YCrCb copy), or None; and whether
    a side is left on the sleeve: a band was found inside it, but moving it in was refused.

    Each side with a sleeve band inside it moves in to the page's edge, one at a time, and only while the
    outline comes no further from a real sheet's or card's proportions (a colour band printed a little
    inside a bare page's edge would make it squatter; a sleeve's margin made it a little rounder). A refused
    move means the proportions need another side moved too, one whose band was not seen (glare whitens
    it: then it is neither desk nor page): the outline is likely still the sleeve's on some side, and the
    caller does not trust it."""
    depths, base, outward, q = _depths(lab, quad)
    lines = sides_of(q)
    moved_any, moved = False, 0
    if all(depth is not None for depth in depths):  # a band inside every side: the whole outline is the sleeve's
        trial = list(lines)
        for k, depth in enumerate(depths):
            points = base[k] - (float(depth or 0) - 0.5) * outward[k]
            vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
            trial[k] = (np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64))
        corners = corners_of(trial)
        if corners is not None:
            return order_corners(corners), False
    for k, depth in enumerate(depths):
        if depth is None:
            continue
        points = base[k] - (depth - 0.5) * outward[k]
        vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        trial = list(lines)
        trial[k] = (np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64))
        before, after = corners_of(lines), corners_of(trial)
        if before is None or after is None or _aspect_gap(as_quad(after)) > _aspect_gap(as_quad(before)) + 0.01:
            continue
        lines, moved_any, moved = trial, True, moved + 1
    found = sum(depth is not None for depth in depths)
    left_on_sleeve = found > moved
    corners = corners_of(lines)
    if not moved_any or corners is None:
        return None, left_on_sleeve
    return order_corners(corners), left_on_sleeve
