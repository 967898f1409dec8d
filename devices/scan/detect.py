"""Finding the document in a document-camera frame: four corners, or the reason there are none.

Coarse search on a ~640 px copy, because outlines are large and every cue is cheap there: edges in
lightness and in the two colour-opponent channels (white paper on a light grey desk differs in
lightness only a little, a blue bank card on a brown desk mostly in hue), closed into contours whose
convex hulls give candidate quads; bright or saturated regions at several thresholds (a faint page
edge that touches a keyboard still bounds a bright region) and pairs of straight runs in contours that
merged with a pen or a coin add more. A candidate must look like a document: convex, near-right
angles, an aspect ratio between a card's and a page's (squares are sticky notes, 2:1 is a phone),
clear of the frame border (a document camera frames the whole document; a keyboard entering from the
edge is not one), its sides snapping to straight edges with gradient support, and a colour step
across them (a cutting mat's grid cells have straight supported sides and the same colour on both).
The largest survivor wins; a frame with none is searched again with lightness edges at low thresholds
(white paper on a light desk). Refinement then fits each side at full resolution (``refine.py``).

Two documents: when a second non-overlapping candidate has at least ``SECOND_DOCUMENT_SHARE`` of the
largest one's area the frame is reported as SEVERAL_DOCUMENTS with both outlines, so the clerk chooses
or removes one; a smaller second outline (a card beside an A4 page is 7% of it) is treated as desk
clutter and the dominant document is returned.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, is_convex, order_corners, quad_area, scale_quad, side_lengths
from devices.scan.refine import refine_quad

_Points = NDArray[Any]  # contours and hulls as OpenCV returns them (int32 points, shape (n, 1, 2))

COARSE_LONG_SIDE = 640
PREVIEW_LONG_SIDE = 640
SECOND_DOCUMENT_SHARE = 0.10
MIN_AREA_SHARE = 0.012  # of the frame: a bank card at the lowest camera height is ~2.4%
ASPECT_RANGE = (1.2, 1.85)  # A4/A5 1.41, ID-1 card 1.59, widened for perspective
DARK_P99 = 30  # nothing in the frame brighter than this: lens covered or light off
BLANK_STD = 3.0


class FrameProblem(enum.StrEnum):
    TOO_DARK = "too_dark"
    BLANK = "blank"
    NO_DOCUMENT = "no_document"
    SEVERAL_DOCUMENTS = "several_documents"


@dataclass(frozen=True)
class Detection:
    quad: Quad | None
    problem: FrameProblem | None
    confidence: float
    candidates: tuple[Quad, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    quad: Quad  # coarse coordinates, ordered
    area: float
    support: float


def _coarse(image: NDArray[np.uint8], long_side: int = COARSE_LONG_SIDE) -> tuple[NDArray[np.uint8], float]:
    """A small copy by pixel averaging over whole k x k blocks (OpenCV's fast path; the crop is < k px)."""
    h, w = image.shape[:2]
    k = max(1, round(max(h, w) / long_side))
    if k == 1:
        return image, 1.0
    small = cv2.resize(image[: h - h % k, : w - w % k], (w // k, h // k), interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.uint8), 1.0 / k


def _edge_maps(small: NDArray[np.uint8], sensitive: bool) -> tuple[NDArray[np.uint8], NDArray[np.float32],
                                                                     NDArray[np.uint8]]:
    """Binary edges (for contours), a gradient magnitude (for scoring) and the YCrCb copy.

    ``sensitive``: lightness alone at low thresholds, for white paper on a light desk. It also picks up
    desk texture, which joins contours, so it is a second pass for frames where the first found nothing.
    """
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_BGR2YCrCb)  # Y and two opponent channels
    edges = np.zeros(lab.shape[:2], dtype=np.uint8)
    magnitude = np.zeros(lab.shape[:2], dtype=np.float32)
    thresholds = ((12, 30), None, None) if sensitive else ((25, 60), (12, 28), (12, 28))
    for channel, limits, gain in zip(cv2.split(lab), thresholds, (1.0, 2.2, 2.2), strict=True):
        if limits is not None:
            edges |= cv2.Canny(channel, limits[0], limits[1], L2gradient=True)
        gx = cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3)
        magnitude = np.maximum(magnitude, cv2.magnitude(gx, gy) * gain)
    kernel = np.ones((3, 3), np.uint8)
    return (np.asarray(cv2.dilate(edges, kernel), dtype=np.uint8),
            np.asarray(cv2.dilate(magnitude, kernel), dtype=np.float32), np.asarray(lab, dtype=np.uint8))


def _angles_ok(quad: Quad) -> bool:
    q = quad.astype(np.float64)
    for k in range(4):
        a, b = q[(k - 1) % 4] - q[k], q[(k + 1) % 4] - q[k]
        cos = float(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-9))
        if abs(cos) > math.cos(math.radians(58)):
            return False
    return True


def _support(magnitude: NDArray[np.float32], quad: Quad, worst_of: float = 1.0) -> float:
    """Per-side fraction of points along the side that sit on a clear edge: the smallest one
    (``worst_of`` = 1), or the mean over the sides (``worst_of`` = 0), which tolerates one bad side."""
    ts = np.linspace(0.1, 0.9, 24, dtype=np.float32)[None, :, None]
    h, w = magnitude.shape
    q = np.asarray(quad, dtype=np.float32)
    pts = np.round(q[:, None, :] + ts * (np.roll(q, -1, axis=0) - q)[:, None, :]).astype(np.int32)
    xs, ys = np.clip(pts[..., 0], 0, w - 1), np.clip(pts[..., 1], 0, h - 1)
    sides = (magnitude[ys, xs] > 20.0).mean(axis=1)
    return float(sides.min() * worst_of + sides.mean() * (1.0 - worst_of))


def _contrast(lab: NDArray[np.uint8], quad: Quad, gap: float = 3.0) -> float:
    """Mean colour step across the sides, inside against outside (YCrCb units, chroma doubled).

    Straight supported lines also bound the cells of a cutting mat's grid, which look the same on both
    sides; a document differs from the desk it lies on, if only a little.
    """
    h, w = lab.shape[:2]
    q = np.asarray(quad, dtype=np.float32)
    centre = q.mean(axis=0)
    ts = np.linspace(0.15, 0.85, 16, dtype=np.float32)[None, :, None]
    pts = q[:, None, :] + ts * (np.roll(q, -1, axis=0) - q)[:, None, :]  # (4, 16, 2)
    towards = centre[None, None, :] - pts
    towards /= np.maximum(np.linalg.norm(towards, axis=2, keepdims=True), 1e-6)
    inner = np.round(pts + gap * towards).astype(np.int32)
    outer = np.round(pts - gap * towards).astype(np.int32)
    a = lab[np.clip(inner[..., 1], 0, h - 1), np.clip(inner[..., 0], 0, w - 1)].astype(np.float32)
    b = lab[np.clip(outer[..., 1], 0, h - 1), np.clip(outer[..., 0], 0, w - 1)].astype(np.float32)
    step = np.abs(np.median(a - b, axis=1)) * np.array([1.0, 2.0, 2.0], dtype=np.float32)  # (4 sides, 3)
    return float(step.max(axis=1).mean())


def _quad_from_hull(hull: _Points) -> Quad | None:
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.045, 0.06, 0.08):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return order_corners(approx.reshape(4, 2))
        if len(approx) < 4:
            return None
    return None


def _plausible(quad: Quad, w: int, h: int, slack: float) -> bool:
    """Size, place and shape of a document; ``slack`` widens the size and aspect ranges for rough quads."""
    area = quad_area(quad)
    if not MIN_AREA_SHARE * w * h * (1 - slack) <= area <= 0.95 * w * h:
        return False
    border = 2.0
    if quad[:, 0].min() < border or quad[:, 1].min() < border or quad[:, 0].max() > w - 1 - border \
            or quad[:, 1].max() > h - 1 - border:
        return False
    long_side, short_side = sorted(side_lengths(quad), reverse=True)
    aspect = long_side / max(short_side, 1e-6)
    return ASPECT_RANGE[0] * (1 - slack) <= aspect <= ASPECT_RANGE[1] * (1 + slack)


def _big_enough(contour: _Points, min_box: float) -> bool:
    """Cheap pre-check before any hull: most contours are specks of texture and text."""
    _, _, bw, bh = cv2.boundingRect(contour)
    return bw * bh >= min_box


def _region_hulls(lab: NDArray[np.uint8]) -> list[_Points]:
    """Hulls of bright (or saturated) regions at several thresholds.

    Edges alone fail where a faint page edge joins a keyboard or a pen into one contour; as a region,
    paper brighter than the desk stays separate from dark objects at some threshold. (Working at half
    the coarse size was tried: 10% faster, and it lost cards.)
    """
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
            hulls.extend(cv2.convexHull(c) for c in contours if _big_enough(c, min_box))
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
            if is_convex(quad) and _angles_ok(quad) and _plausible(quad, w, h, 0.15):
                quads.append(quad)
    return quads


def _rough_quads(small: NDArray[np.uint8], edges: NDArray[np.uint8], lab: NDArray[np.uint8] | None) -> list[Quad]:
    h, w = small.shape[:2]
    min_area = MIN_AREA_SHARE * w * h
    found: list[Quad] = []
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in contours:
        if not _big_enough(contour, min_area):
            continue
        hull = cv2.convexHull(contour)
        if cv2.contourArea(hull) < min_area:
            continue
        rough = _quad_from_hull(hull)
        if rough is not None and is_convex(rough) and _angles_ok(rough) and _plausible(rough, w, h, 0.15):
            found.append(rough)
        else:
            found.extend(_line_quads(contour, w, h))
    for hull in _region_hulls(lab) if lab is not None else []:
        if cv2.contourArea(hull) >= min_area:
            rough = _quad_from_hull(hull)
            if rough is not None and is_convex(rough) and _angles_ok(rough) and _plausible(rough, w, h, 0.15):
                found.append(rough)
    return found


def _candidates(small: NDArray[np.uint8], sensitive: bool) -> list[_Candidate]:
    edges, magnitude, lab = _edge_maps(small, sensitive)
    h, w = magnitude.shape
    found: list[_Candidate] = []
    seen: list[Quad] = []
    for rough in _rough_quads(small, edges, None if sensitive else lab):
        if any(float(np.abs(rough - other).max()) < 2.5 for other in seen):
            continue  # the same outline from another cue or threshold
        seen.append(rough)
        if _support(magnitude, rough, 0.0) < 0.35:
            continue  # most sides on no edge at all: not worth a refinement
        # hull vertices sit on rounded corners and dilated edges
        snapped, fit = refine_quad(small, rough, 4.0, samples=24)
        if fit < 0.6:
            continue
        quad = order_corners(snapped)
        if not is_convex(quad) or not _angles_ok(quad):
            continue
        if not _plausible(quad, w, h, 0.0):
            continue
        area = quad_area(quad)
        # straight edges (the fit) that are not faint texture (the gradient); a near-perfect fit may have
        # a fainter gradient, as white paper on a light desk has
        edge = _support(magnitude, quad)
        support = min(fit, edge)
        if support < 0.6 and not (fit >= 0.9 and edge >= 0.45):
            continue
        if _contrast(lab, quad) < 8.0:
            continue
        found.append(_Candidate(quad, area, support))
    return found


def _overlap(a: Quad, b: Quad) -> float:
    """Intersection area as a share of the smaller quad."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter) / max(min(quad_area(a), quad_area(b)), 1e-6)


def _well_inside(inner: Quad, outer: Quad) -> bool:
    """Every corner of ``inner`` at least 1.5% of the diagonal inside ``outer`` (no shared side)."""
    margin = 0.015 * math.dist(outer[0], outer[2])
    contour = outer.reshape(-1, 1, 2).astype(np.float32)
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), True) > margin for x, y in inner)


def _documents(found: list[_Candidate]) -> list[_Candidate]:
    """Distinct documents, largest first; outlines inside or overlapping a larger one are its contents."""
    kept: list[_Candidate] = []
    for cand in sorted(found, key=lambda c: (-c.area, -c.support)):
        clash = [i for i, k in enumerate(kept) if _overlap(cand.quad, k.quad) >= 0.2]
        if not clash:
            kept.append(cand)
        elif len(clash) == 1:  # the same outline found twice, or with a coin or pen joined: the better fit
            other = kept[clash[0]]  # but a frame printed well inside a page is its content, whatever its fit
            if cand.area > 0.8 * other.area and cand.support > other.support + 0.03 \
                    and not _well_inside(cand.quad, other.quad):
                kept[clash[0]] = cand
    return kept


def _frame_problem(small: NDArray[np.uint8]) -> FrameProblem | None:
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    if float(np.percentile(grey[::2, ::2], 99)) < DARK_P99:
        return FrameProblem.TOO_DARK
    if float(cv2.GaussianBlur(grey, (5, 5), 0).std()) < BLANK_STD:
        return FrameProblem.BLANK
    return None


def _detect(image: NDArray[np.uint8], refine_image: NDArray[np.uint8] | None, long_side: int) -> Detection:
    if image.ndim == 2:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
        refine_image = image if refine_image is not None else None
    small, factor = _coarse(image, long_side)
    problem = _frame_problem(small)
    if problem is not None:
        return Detection(None, problem, 0.0)
    docs = _documents(_candidates(small, sensitive=False))
    if not docs:
        docs = _documents(_candidates(small, sensitive=True))
    if not docs:
        return Detection(None, FrameProblem.NO_DOCUMENT, 0.0)
    block = 1.0 / factor  # a coarse pixel is the mean of a block x block square, centred half a block in
    reach = max(2.5 * block, 4.0)
    refined: list[tuple[Quad, float]] = []
    for doc in docs[:2]:
        quad = (scale_quad(doc.quad, block) + np.float32((block - 1) / 2)).astype(np.float32)
        if refine_image is not None:
            better, support = refine_quad(refine_image, quad, reach)
            if support > 0:
                better, support = refine_quad(refine_image, better, max(reach * 0.3, 3.0))
            if support > 0:
                quad = order_corners(better)
        refined.append((quad, doc.support))
    confidence = float(min(1.0, docs[0].support))
    if len(docs) > 1 and docs[1].area >= SECOND_DOCUMENT_SHARE * docs[0].area:
        return Detection(None, FrameProblem.SEVERAL_DOCUMENTS, confidence, tuple(q for q, _ in refined))
    return Detection(refined[0][0], None, confidence)


def detect_document(image: NDArray[np.uint8], *, refine: bool = True) -> Detection:
    """Full quality, for the captured still: coarse search, then each side fitted at full resolution."""
    return _detect(image, image if refine else None, COARSE_LONG_SIDE)


def detect_preview(image: NDArray[np.uint8]) -> Detection:
    """For the live preview (1280x720): the same search, sides refined on the preview frame (never 8 MP).

    A smaller coarse copy was tried for speed: at 427 px wide 88% of preview frames were within 1%, at
    320 px 74%, against 100% at 640 px, so the preview keeps the capture's coarse size (~40 ms here).
    """
    return _detect(image, image, PREVIEW_LONG_SIDE)
