"""An outline that runs on past the page's corner: one side is another sheet's.

A page lying on a second sheet, the two turned a few degrees to each other, often gives an outline made
of three of the page's sides and one of the other sheet's (or the two sheets' joint hull): every side lies
on an edge and has desk beyond it, so nothing else in the search tells it from the page. But such an
outline's corner is not the page's: the sides meeting there run on past the page's real corner, across
paper on both sides, where there is no edge. A page's own sides have an edge right into their corners.

So along each side the edge is followed from each corner inwards: where a side starts only some way in
from its corner (an overhang), the side across that corner is suspect, and a new one is tried where the
edges stop: through the points where the overhangs end, or through the one such point parallel to the
opposite side. The caller snaps each try to the edges and keeps it only when the new side lies on an edge
along most of its length and the overhang is gone (``detect._trimmed``).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, order_corners

#: samples along a side for its edge profile
SAMPLES = 60
#: least directional gradient (Sobel on the blurred lightness) for a sample to lie on an edge: two whites
#: about four levels apart
EDGE = 8.0
#: an overhang must be at least this share of its side to count (a page's rounded corner, or a pen across
#: it, leaves less)
MIN_OVERHANG = 0.1
#: consecutive samples on an edge that mark where a side's edge begins
RUN = 3
#: how far (degrees) a new side may turn from the direction of the side opposite it
TURN = 16.0


def gradients(lab: NDArray[np.uint8]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Horizontal and vertical gradients of the (blurred) lightness, computed once per frame."""
    y = lab[..., 0].astype(np.float32)
    return (np.asarray(cv2.Sobel(y, cv2.CV_32F, 1, 0, ksize=3), dtype=np.float32),
            np.asarray(cv2.Sobel(y, cv2.CV_32F, 0, 1, ksize=3), dtype=np.float32))


def edge_profile(grads: tuple[NDArray[np.float32], NDArray[np.float32]], a: NDArray[np.float64],
                 b: NDArray[np.float64], samples: int = SAMPLES) -> NDArray[np.bool_]:
    """Whether each point along a..b (corners included) lies on an edge running along the line: the
    gradient across the line, within 1.5 px of it, is at least ``EDGE`` (print and grain across the line
    seldom are)."""
    profile: NDArray[np.bool_] = _on_edge(grads, a[None, :], b[None, :], samples)[0]
    return profile


def _on_edge(grads: tuple[NDArray[np.float32], NDArray[np.float32]], a: NDArray[np.float64],
             b: NDArray[np.float64], samples: int) -> NDArray[np.bool_]:
    """``edge_profile`` of many segments a[i]..b[i] at once: (n, samples). The gradients may have several
    channels (H, W, C), as ``overhang_left`` gives: a point is on an edge in any of them."""
    gx, gy = grads
    h, w = gx.shape[:2]
    d = b - a
    unit = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    normal = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
    points = a[:, None, :] + np.linspace(0.0, 1.0, samples)[None, :, None] * d[:, None, :]
    best = np.zeros(points.shape[:2], dtype=np.float32)
    channels = (1,) * (gx.ndim - 2)  # gradients of several channels: the strongest counts
    nx, ny = normal[:, 0].reshape(-1, 1, *channels), normal[:, 1].reshape(-1, 1, *channels)
    for offset in (-1.5, -0.5, 0.5, 1.5):
        p = points + offset * normal[:, None, :]
        xs = np.clip(np.round(p[..., 0]).astype(np.int32), 0, w - 1)
        ys = np.clip(np.round(p[..., 1]).astype(np.int32), 0, h - 1)
        across = np.abs(gx[ys, xs] * nx + gy[ys, xs] * ny)
        best = np.maximum(best, across.max(axis=2) if channels else across)
    on_edge: NDArray[np.bool_] = best >= EDGE
    return on_edge


def overhang(profile: NDArray[np.bool_]) -> float:
    """Share of the side, from its first sample, before the edge begins (``RUN`` samples in a row)."""
    runs = np.convolve(profile.astype(np.int32), np.ones(RUN, dtype=np.int32), mode="valid") == RUN
    found = np.flatnonzero(runs)
    return 1.0 if len(found) == 0 else float(found[0]) / (len(profile) - 1)


def overhangs(grads: tuple[NDArray[np.float32], NDArray[np.float32]], quad: Quad) -> NDArray[np.float64]:
    """(4, 2): for each side k (corner k to corner k+1), the overhang at its start and at its end."""
    q = np.asarray(quad, dtype=np.float64)
    out = np.zeros((4, 2))
    for k in range(4):
        profile = edge_profile(grads, q[k], q[(k + 1) % 4])
        out[k] = overhang(profile), overhang(profile[::-1])
    return out


def overhang_left(lab: NDArray[np.uint8], quad: Quad) -> float:
    """The largest overhang at any corner of ``quad``, a point counting as on an edge when it is one in
    lightness or in either colour-opponent channel (these doubled, as the search weighs them: a dark card on
    a dark desk has its edge in colour, hardly in lightness). A page's, a card's sides have an edge right into
    their corners; an outline made of two sheets' sides, which the cut back (``trims``) could not mend, has a
    side that runs on across paper. Used for trust: on the tuning scenes no right outline left more than 2 %.

    The gradients are taken only round the outline (it runs for the preview's every frame too)."""
    q = np.asarray(quad, dtype=np.float64)
    h, w = lab.shape[:2]
    x0, y0 = (max(int(v) - 4, 0) for v in q.min(axis=0))
    x1, y1 = (int(v) + 5 for v in q.max(axis=0))
    roi = lab[y0:min(y1, h), x0:min(x1, w)]
    gain = np.array([1.0, 2.2, 2.2], dtype=np.float32)
    gx = np.asarray(cv2.Sobel(roi, cv2.CV_32F, 1, 0, ksize=3), dtype=np.float32) * gain
    gy = np.asarray(cv2.Sobel(roi, cv2.CV_32F, 0, 1, ksize=3), dtype=np.float32) * gain
    a = q - np.array([x0, y0], dtype=np.float64)
    on_edge = _on_edge((gx, gy), a, np.roll(a, -1, axis=0), SAMPLES)
    worst = 0.0
    for profile in on_edge:
        worst = max(worst, overhang(profile), overhang(profile[::-1]))
    return worst


def _meet_many(p: NDArray[np.float64], d: NDArray[np.float64], r: NDArray[np.float64],
               e: NDArray[np.float64]) -> NDArray[np.float64]:
    """Where each line p[i] + s·d[i] meets the one line r + t·e (NaN where parallel)."""
    cross = d[:, 0] * e[1] - d[:, 1] * e[0]
    s = ((r - p)[:, 0] * e[1] - (r - p)[:, 1] * e[0]) / np.where(np.abs(cross) < 1e-9, np.nan, cross)
    out: NDArray[np.float64] = p + s[:, None] * d
    return out


def trims(grads: tuple[NDArray[np.float32], NDArray[np.float32]], quad: Quad) -> list[Quad]:
    """Outlines with one side moved to where the edges of the sides beside it begin, one per side whose
    neighbours overhang past it (largest overhang first); empty when every side reaches its corners.

    The new side pivots about the point where the overhang ends (a little either way along the
    neighbour, as far as a sample's spacing) and turns up to ``TURN`` degrees from the opposite side's
    direction (the other sheet is turned, the page's sides are not quite parallel in perspective); the
    line with most of its length on an edge is taken."""
    q = np.asarray(order_corners(quad), dtype=np.float64)
    over = overhangs(grads, order_corners(quad))
    tries: list[tuple[float, Quad]] = []
    turns = np.radians(np.arange(-TURN, TURN + 0.25, 0.5))
    for k in range(4):  # side k runs from corner k to corner k+1
        before, after = (k - 1) % 4, (k + 1) % 4  # side ``before`` ends at corner k, ``after`` starts at k+1
        o1, o2 = over[before][1], over[after][0]
        if max(o1, o2) < MIN_OVERHANG:
            continue
        # the neighbouring sides' lines, and the point on one of them where its edge begins
        along_before, along_after = q[k] - q[before], q[(after + 1) % 4] - q[after]
        if o1 >= o2:
            pivot, along = q[k] - o1 * along_before, along_before
        else:
            pivot, along = q[after] + o2 * along_after, along_after
        step = float(np.linalg.norm(along)) / (SAMPLES - 1)
        unit = along / max(float(np.linalg.norm(along)), 1e-9)
        pivots = pivot[None, :] + np.linspace(-step, step, 5)[:, None] * unit[None, :]
        base = q[(k + 3) % 4] - q[(k + 2) % 4]
        angle = np.arctan2(base[1], base[0]) + turns
        directions = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        ps = np.repeat(pivots, len(directions), axis=0)
        ds = np.tile(directions, (len(pivots), 1))
        a = _meet_many(ps, ds, q[before], along_before)
        b = _meet_many(ps, ds, q[after], along_after)
        good = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
        if not good.any():
            continue
        share = np.where(good, _on_edge(grads, np.nan_to_num(a), np.nan_to_num(b), SAMPLES).mean(axis=1), -1.0)
        best = int(np.argmax(share))
        trimmed = q.copy()
        trimmed[k], trimmed[after] = a[best], b[best]
        tries.append((max(o1, o2), order_corners(trimmed.astype(np.float32))))
    tries.sort(key=lambda item: -item[0])
    return [t for _o, t in tries]
