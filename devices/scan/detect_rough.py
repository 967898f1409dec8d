"""Rough candidate outlines on the coarse copy, for ``detect.py`` to score.

Three cues: contours of the edge map (in the second pass also of a thickened copy, where a card's edges
meet a phone's or a pen's with a one-pixel gap), whose convex hulls give quads; pairs of straight runs inside contours
that merged a document with something else; and hulls of bright or saturated regions at several
thresholds. Every quad must already look like a document (convex, near-right angles, a plausible size,
place and aspect).
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, order_corners, quad_area, side_lengths

_Points = NDArray[Any]  # contours and hulls as OpenCV returns them (int32 points, shape (n, 1, 2))

MIN_AREA_SHARE = 0.012  # of the frame: a bank card at the lowest camera height is ~2.4%
ASPECT_RANGE = (1.2, 1.85)  # A4/A5 1.41, ID-1 card 1.59, widened for perspective
#: least ratio of two opposite sides: a document camera looks nearly straight down, so a document's opposite
#: sides differ by a few % (the synthetic scenes' corner jitter, 16% at most); a hull that is a wedge (a
#: sticky note half under a page, two sheets' outlines merged) has one side far shorter than the other
MIN_OPPOSITE = 0.75
_COS_LIMIT = math.cos(math.radians(58))

_NEXT = np.array([1, 2, 3, 0])
_PREV = np.array([3, 0, 1, 2])


def angles_ok(quad: Quad) -> bool:
    """Every corner within 32 degrees of a right angle."""
    q = np.asarray(quad, dtype=np.float64)
    a, b = q[_PREV] - q, q[_NEXT] - q
    cos = np.einsum("ij,ij->i", a, b) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-9)
    return bool(np.all(np.abs(cos) <= _COS_LIMIT))


def _opposite_ok(lengths: NDArray[np.float64], slack: float) -> bool:
    """Each side at least ``MIN_OPPOSITE`` (less ``slack``) of the side opposite it (lengths in order)."""
    limit = MIN_OPPOSITE * (1 - slack)
    return bool(min(lengths[0], lengths[2]) >= limit * max(lengths[0], lengths[2])
                and min(lengths[1], lengths[3]) >= limit * max(lengths[1], lengths[3]))


def shape_ok(quad: Quad, w: int, h: int, slack: float) -> bool:
    """Convex, near-right angles and ``plausible``, in one pass over plain arrays: it runs for every
    rough outline, where NumPy's per-call overhead (np.roll and friends) used to dominate."""
    q = np.asarray(quad, dtype=np.float64)
    edge = q[_NEXT] - q
    turn = edge[:, 0] * edge[_NEXT, 1] - edge[:, 1] * edge[_NEXT, 0]
    if not (bool(np.all(turn > 0)) or bool(np.all(turn < 0))):
        return False
    lengths = np.sqrt((edge * edge).sum(axis=1))
    cos = -(edge[_PREV] * edge).sum(axis=1) / np.maximum(lengths[_PREV] * lengths, 1e-9)
    if float(np.abs(cos).max()) > _COS_LIMIT:
        return False
    area = abs(float(np.dot(q[:, 0], q[_NEXT, 1]) - np.dot(q[:, 1], q[_NEXT, 0]))) / 2.0
    if not MIN_AREA_SHARE * w * h * (1 - slack) <= area <= 0.95 * w * h:
        return False
    lo, hi = q.min(axis=0), q.max(axis=0)
    if lo[0] < 2.0 or lo[1] < 2.0 or hi[0] > w - 3.0 or hi[1] > h - 3.0:
        return False
    if not _opposite_ok(lengths, slack):
        return False
    across, down = max(lengths[0], lengths[2]), max(lengths[1], lengths[3])
    aspect = max(across, down) / max(min(across, down), 1e-6)
    return bool(ASPECT_RANGE[0] * (1 - slack) <= aspect <= ASPECT_RANGE[1] * (1 + slack))


def _quad_from_hull(hull: _Points) -> Quad | None:
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.045, 0.06, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return order_corners(approx.reshape(4, 2))
        if len(approx) < 4:
            return None
    return None


def plausible(quad: Quad, w: int, h: int, slack: float) -> bool:
    """Size, place and shape of a document; ``slack`` widens the size and aspect ranges for rough quads."""
    area = quad_area(quad)
    if not MIN_AREA_SHARE * w * h * (1 - slack) <= area <= 0.95 * w * h:
        return False
    border = 2.0
    if quad[:, 0].min() < border or quad[:, 1].min() < border or quad[:, 0].max() > w - 1 - border \
            or quad[:, 1].max() > h - 1 - border:
        return False
    q = np.asarray(quad, dtype=np.float64)
    if not _opposite_ok(np.linalg.norm(q[_NEXT] - q, axis=1), slack):
        return False
    long_side, short_side = sorted(side_lengths(quad), reverse=True)
    aspect = long_side / max(short_side, 1e-6)
    return ASPECT_RANGE[0] * (1 - slack) <= aspect <= ASPECT_RANGE[1] * (1 + slack)


def _big_enough(contour: _Points, min_box: float) -> bool:
    """Cheap pre-check before any hull: most contours are specks of texture and text."""
    _, _, bw, bh = cv2.boundingRect(contour)
    return bw * bh >= min_box


def _region_hulls(lab: NDArray[np.uint8], fast: bool = False) -> list[_Points]:
    """Hulls of bright (or saturated) regions at several thresholds.

    Edges alone fail where a faint page edge joins a keyboard or a pen into one contour; as a region,
    paper brighter than the desk stays separate from dark objects at some threshold. (Working at half
    the coarse size was tried: 10% faster, and it lost cards.)
    """
    step = 2 if fast else 1  # preview: regions on a half-size copy (lab is blurred, so every other pixel)
    lab = lab[::step, ::step]
    lightness = lab[..., 0]
    chroma = cv2.magnitude(lab[..., 1].astype(np.float32) - 128, lab[..., 2].astype(np.float32) - 128)
    chroma_u8 = np.clip(chroma * 3, 0, 255).astype(np.uint8)
    kernel = np.ones((3, 3), np.uint8)
    min_box = MIN_AREA_SHARE * lab.shape[0] * lab.shape[1]
    hulls: list[_Points] = []
    for channel in (lightness, chroma_u8):
        marks = np.percentile(channel[::3, ::3], (3, 30, 60, 85, 93, 97, 99.5))
        lo, hi = marks[0], marks[-1]
        if hi - lo < 8:
            continue
        otsu, _ = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        levels = {float(otsu), *((marks[1:] + marks[:-1]) / 2).tolist()}  # small bright cards need high levels
        for level in sorted(levels):
            _, mask = cv2.threshold(channel, level, 255, cv2.THRESH_BINARY)
            mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
            mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
            contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            hulls.extend(cv2.convexHull(c) * step for c in contours if _big_enough(c, min_box))
    return hulls


def _line(p: NDArray[np.float64], q: NDArray[np.float64]) -> NDArray[np.float64]:
    """Homogeneous line through two points."""
    return np.cross(np.append(p, 1.0), np.append(q, 1.0))


def _line_quads(contour: _Points, w: int, h: int, limit: int = 8) -> list[Quad]:
    """Quads made of four straight runs of a contour that also holds other things.

    A card lying on a phone, or a pen under a page's edge, joins both into one contour whose hull is
    not the document; the document's sides are still long straight runs of that contour. Pairs of
    near-parallel runs, two pairs at a near-right angle, make the candidate quads. (Pooling the runs of
    all contours was tried: it also finds the side a card shares with a phone under it, but it builds
    phantom quads out of unrelated objects, and costs ten times more.)
    """
    poly = cv2.approxPolyDP(contour, 2.0, True).reshape(-1, 2).astype(np.float64)
    if len(poly) < 4:
        return []
    ends = np.roll(poly, -1, axis=0)
    lengths = np.linalg.norm(ends - poly, axis=1)
    order = [int(i) for i in np.argsort(-lengths) if lengths[i] >= 0.15 * math.sqrt(MIN_AREA_SHARE * w * h) * 4]
    segments: list[tuple[float, NDArray[np.float64], NDArray[np.float64]]] = []
    for i in order:  # drop the second copy of each side (a dilated edge has two parallel borders)
        angle = math.atan2(ends[i][1] - poly[i][1], ends[i][0] - poly[i][0]) % math.pi
        mid = (poly[i] + ends[i]) / 2
        if any(abs(math.sin(angle - a)) < 0.06 and abs(np.cross(np.append(q - p, 0), np.append(mid - p, 0))[2])
               / max(float(np.linalg.norm(q - p)), 1e-9) < 5 for a, p, q in segments):
            continue
        segments.append((angle, poly[i], ends[i]))
        if len(segments) == limit:
            break
    pairs = [(a, b) for a in range(len(segments)) for b in range(a + 1, len(segments))
             if abs(math.sin(segments[a][0] - segments[b][0])) < 0.2]
    quads: list[Quad] = []
    for i, (a, b) in enumerate(pairs):
        for c, d in pairs[i + 1:]:
            if len({a, b, c, d}) < 4 or abs(math.cos(segments[a][0] - segments[c][0])) > 0.5:
                continue
            la, lb, lc, ld = (_line(segments[k][1], segments[k][2]) for k in (a, b, c, d))
            points = [np.cross(x, y) for x, y in ((la, lc), (lc, lb), (lb, ld), (ld, la))]
            if any(abs(p[2]) < 1e-9 for p in points):
                continue
            quad = order_corners(np.array([p[:2] / p[2] for p in points]))
            if shape_ok(quad, w, h, 0.15):
                quads.append(quad)
    return quads


def rough_quads(small: NDArray[np.uint8], edges: NDArray[np.uint8], lab: NDArray[np.uint8] | None,
                 fast: bool = False, thicken: bool = False) -> list[Quad]:
    h, w = small.shape[:2]
    min_area = MIN_AREA_SHARE * w * h
    found: list[Quad] = []
    contours = list(cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    if thicken:  # a card on a phone or a pen: a one-pixel gap where the edges meet opens the card's outline
        closed = cv2.dilate(edges, np.ones((3, 3), np.uint8))  # into theirs; thicker edges close it
        contours += [c for c in cv2.findContours(closed, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0]
                     if _big_enough(c, min_area)]
    for contour in contours:
        if not _big_enough(contour, min_area):
            continue
        hull = cv2.convexHull(contour)
        if cv2.contourArea(hull) < min_area:
            continue
        rough = _quad_from_hull(hull)
        if rough is not None and shape_ok(rough, w, h, 0.15):
            found.append(rough)
        else:
            found.extend(_line_quads(contour, w, h))
    return found + (region_quads(lab, w, h, fast) if lab is not None else [])


def region_quads(lab: NDArray[np.uint8], w: int, h: int, fast: bool = False) -> list[Quad]:
    """Quads from the hulls of bright or saturated regions (``fast``: on a half-size copy)."""
    found: list[Quad] = []
    for hull in _region_hulls(lab, fast):
        if cv2.contourArea(hull) >= MIN_AREA_SHARE * w * h:
            rough = _quad_from_hull(hull)
            if rough is not None and shape_ok(rough, w, h, 0.15):
                found.append(rough)
    return found
