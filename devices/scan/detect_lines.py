"""Outlines made of the frame's longest straight edges, for frames where nothing else was found.

A page lying on a second sheet shares no closed contour of its own: where its side crosses the sheet
under it the edge is faint and broken (two whites a few levels apart, sometimes a thin contact shade), so
the page's outline leaks into the other sheet's and every hull is of both. The page's sides are still
among the longest straight edges in the frame, each broken into pieces that lie on one line. So the pieces
a probabilistic Hough transform finds are joined into lines (each fitted through its pieces' ends), and
quads are built from two pairs of near-parallel lines at a near-right angle, each line covering a fair part
of the side it makes. Joining lines across the whole frame also builds quads of unrelated things (a text
column's edge and a sheet's side), so this is a last resort, run only when the other passes found nothing;
the caller scores every quad like any other outline and never trusts the one it picks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.detect_rough import ASPECT_RANGE, MIN_AREA_SHARE, shape_ok
from devices.scan.geometry import Quad, order_corners

#: least length of a Hough piece, as a share of the frame's short side (a card's short side is ~15%)
MIN_PIECE = 0.12
#: lines kept, longest first (a page's four sides and the other sheet's are among them)
MAX_LINES = 20
#: least share of a quad's side its line must cover (the rest may be faint, or under a shadow)
MIN_COVER = 0.35
#: quads handed back, best covered first (each one the caller scores costs a refinement)
MAX_QUADS = 12
#: Canny on the blurred lightness, below the second pass's (12, 30): two whites 8 levels apart, then 6
#: (the lower also brings more paper grain and print into the lines; each finds pages the other misses)
EDGE_THRESHOLDS = ((8, 20), (6, 14))
_SAME_ANGLE = math.radians(3.0)
_SAME_OFFSET = 4.0


@dataclass
class _Line:
    """A line fitted through the ends of the pieces on it; ``lo``..``hi`` the span they cover along it."""
    ends: list[NDArray[np.float64]]
    point: NDArray[np.float64]
    direction: NDArray[np.float64]
    lo: float = 0.0
    hi: float = 0.0
    angle: float = 0.0  # of the direction, 0..pi

    @classmethod
    def through(cls, ends: list[NDArray[np.float64]]) -> _Line:
        """The least-squares line through ``ends`` (their mean and main direction)."""
        pts = np.array(ends)
        point = pts.mean(axis=0)
        _u, _s, vt = np.linalg.svd(pts - point)
        line = cls(ends, point, vt[0], angle=math.atan2(vt[0][1], vt[0][0]) % math.pi)
        along = [line.along(p) for p in ends]
        line.lo, line.hi = min(along), max(along)
        return line

    def offset_of(self, p: NDArray[np.float64]) -> float:
        """Signed distance of ``p`` from the line."""
        d = p - self.point
        return float(d[0] * self.direction[1] - d[1] * self.direction[0])

    def along(self, p: NDArray[np.float64]) -> float:
        return float(np.dot(p - self.point, self.direction))


def _lines(edges: NDArray[np.uint8], short_side: int) -> list[_Line]:
    """Hough pieces joined into lines, longest piece first: a piece whose ends both lie within
    ``_SAME_OFFSET`` of a line, at about its angle, joins it and the line is fitted again through all ends
    (one piece's angle is off by a degree or more; over a page's side that is several pixels)."""
    pieces = cv2.HoughLinesP(edges, 1, math.pi / 360, int(MIN_PIECE * short_side),
                             minLineLength=MIN_PIECE * short_side, maxLineGap=max(4.0, 0.015 * short_side))
    if pieces is None:
        return []
    segments = pieces.reshape(-1, 4).astype(np.float64)
    order = np.argsort(-np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]))
    lines: list[_Line] = []
    # each line's angle, point and direction as arrays, so a piece is checked against all lines at once
    angles, points, directions = np.empty(len(segments)), np.empty((len(segments), 2)), np.empty((len(segments), 2))
    for x0, y0, x1, y1 in segments[order]:
        a, b = np.array([x0, y0]), np.array([x1, y1])
        n = len(lines)
        turn = np.abs(angles[:n] - math.atan2(y1 - y0, x1 - x0) % math.pi)
        near = np.minimum(turn, math.pi - turn) < _SAME_ANGLE
        for end in (a, b):
            d = end - points[:n]
            near &= np.abs(d[:, 0] * directions[:n, 1] - d[:, 1] * directions[:n, 0]) < _SAME_OFFSET
        hits = np.flatnonzero(near)
        if len(hits):
            k = int(hits[0])
            lines[k] = _Line.through([*lines[k].ends, a, b])
        else:
            k = n
            lines.append(_Line.through([a, b]))
        angles[k], points[k], directions[k] = lines[k].angle, lines[k].point, lines[k].direction
    lines.sort(key=lambda line: line.lo - line.hi)
    return lines[:MAX_LINES]


def _meet(p: _Line, q: _Line) -> NDArray[np.float64] | None:
    cross = p.direction[0] * q.direction[1] - p.direction[1] * q.direction[0]
    if abs(cross) < 1e-6:
        return None
    d = q.point - p.point
    t = (d[0] * q.direction[1] - d[1] * q.direction[0]) / cross
    meet: NDArray[np.float64] = p.point + t * p.direction
    return meet


def _cover(line: _Line, a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Share of the side a-b (on ``line``) that the line's pieces span."""
    s, e = sorted((line.along(a), line.along(b)))
    return max(0.0, min(e, line.hi) - max(s, line.lo)) / max(e - s, 1e-9)


def line_quads(lab: NDArray[np.uint8], w: int, h: int) -> list[Quad]:
    """Quads of two near-parallel pairs of the longest lines at a near-right angle, shaped like a document,
    each side at least ``MIN_COVER`` covered by its line; the best covered first, at each of the
    ``EDGE_THRESHOLDS`` of thin lightness edges in turn. ``lab``: the blurred YCrCb copy."""
    found: list[Quad] = []
    for low, high in EDGE_THRESHOLDS:
        edges = np.asarray(cv2.Canny(lab[..., 0], low, high, L2gradient=True), dtype=np.uint8)
        found.extend(_quads(_lines(edges, min(w, h)), w, h))
    return found


def _quads(lines: list[_Line], w: int, h: int) -> list[Quad]:
    """The document-shaped quads of ``lines``, at most ``MAX_QUADS``, the best covered first."""
    pairs = []
    for i, p in enumerate(lines):
        for q in lines[i + 1:]:
            turn = abs(p.angle - q.angle)
            apart = abs(p.offset_of(q.point + q.direction * (q.lo + q.hi) / 2))
            if min(turn, math.pi - turn) < math.radians(7) and apart > MIN_PIECE * min(w, h):
                pairs.append((p, q, apart))
    # a document's sides are its pairs' separations: aspect and area first, before any corner is computed
    # (the shape test below is exact; this only skips pairs of pairs that cannot pass it)
    aspect_lo, aspect_hi = ASPECT_RANGE[0] * 0.85, ASPECT_RANGE[1] * 1.15
    area_lo, area_hi = 0.8 * MIN_AREA_SHARE * w * h, 0.95 * w * h
    covered: list[tuple[float, list[NDArray[np.float64]]]] = []
    for i, (p, q, across) in enumerate(pairs):
        for r, s, down in pairs[i + 1:]:
            turn = abs(p.angle - r.angle)
            if abs(min(turn, math.pi - turn) - math.pi / 2) > math.radians(20):
                continue
            if not (aspect_lo <= max(across, down) / min(across, down) <= aspect_hi
                    and area_lo <= across * down <= area_hi):
                continue
            corners = [_meet(x, y) for x, y in ((p, r), (r, q), (q, s), (s, p))]
            if any(c is None for c in corners):
                continue
            ring = [c for c in corners if c is not None]
            sides = ((p, ring[3], ring[0]), (r, ring[0], ring[1]), (q, ring[1], ring[2]), (s, ring[2], ring[3]))
            covers = [_cover(line, a, b) for line, a, b in sides]
            if min(covers) >= MIN_COVER:
                covered.append((sum(covers), ring))
    covered.sort(key=lambda item: -item[0])
    quads: list[Quad] = []
    for _cover_sum, ring in covered:  # the exact shape test only until enough have passed it
        quad = order_corners(np.array(ring, dtype=np.float32))
        if shape_ok(quad, w, h, 0.0):
            quads.append(quad)
            if len(quads) == MAX_QUADS:
                break
    return quads
