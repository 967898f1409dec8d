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
The rough outlines come from ``detect_rough.py``. The largest survivor wins; a frame with none, or
with only something card-sized (which may be a table cell of a faint page), is searched again with
lightness edges at low thresholds (white paper on a light desk), also thickened to close one-pixel
gaps (a card lying across a phone). A frame where that too finds nothing is searched a last time: every
rough outline snapped to the edges, however far beside them it lay, and outlines from chromaticity edges
added, which a hard shadow across a card cannot join to its own (``detect_shadowfree.py``); failing that,
an outline made of the frame's longest straight edges (``detect_lines.py``: a page on a second sheet,
whose side across the other sheet is too faint to close a contour), shown but never trusted (when none
passes the usual bars, they are held to lower ones, ``LOOSE``: a page lying wholly on the other sheet). The same
straight outline replaces an untrusted one of about its size that it beats (``_straighter``). A printed
frame with the paper's faint edge a little outside it on all four sides gives way to that edge
(``detect_outer.py``: certificates). Refinement then fits each side at full resolution (``refine.py``);
a fit with little edge support keeps the coarse outline.

Two documents: when a second candidate clear of the first has at least ``SECOND_DOCUMENT_SHARE`` of the
largest one's area and is as well supported as a document must be (``SECOND_DOCUMENT_SUPPORT``; a
phone's outline merged with a card's corner is not), the frame is reported as SEVERAL_DOCUMENTS with
both outlines, so the clerk chooses or removes one; a smaller second outline (a card beside an A4 page
is 7% of it) is treated as desk clutter and the dominant document is returned. Of two such outlines, one
with no print in its middle beside one with print (a phone's dark screen, a sticky note) is clutter too
(``_printed``). A weak outline beside a
clean one is clutter too, even when it is the larger.

Trust: an outline is ``confident`` only with edge support >= ``CONFIDENT_AT``, a colour step across every
side both right at it and a little further out (``STEP_NEAR``, ``STEP_WIDE``: a printed frame, a table
cell or a shadow's edge inside a page has paper on both sides of one side at least) and at most
``DESK_SHARE`` of the frame. An outline that fails the step test also triggers the low-threshold search,
and a side that stopped at a colour band printed to the paper's edge is moved out (``detect_extend.py``);
a side on a transparent sleeve's welded edge, a few mm outside the page, moves in (``detect_sleeve.py``);
an outline whose sides run on past a corner without an edge (three of a page's sides and one of the sheet
under it) has that side moved to where its neighbours' edges begin (``detect_overhang.py``, ``_trimmed``); an
outline with a sleeve band inside a side that could not move in (glare whitened the band of the side it
needed too) is still partly the sleeve's and is not trusted, nor one with a side that runs on past a
corner as the same step in the same lightness ratio (a hard shadow's edge, ``_continued_sides``), nor one
whose side still runs on past a corner with no edge in lightness or colour there (``overhang_left``: a page's
sides and the sheet's under it); a card's
outline lying within a card-sized one is a card in a sleeve (``_card_in_sleeve``). Candidates have opposite
sides of similar
length (``MIN_OPPOSITE``): a wedge is a sticky note half under a page, never a document.
An untrusted outline is still returned, for the preview to show; the capture keeps the whole frame.
Before it is returned from a full search (not the preview's), a learned mask of the main document
(``outline_model.py``) gives a second opinion: an untrusted outline it clearly disagrees with gives way to the
candidate of the search that matches the learned outline, or to the learned outline with each side put on an
edge where one is near (``refine_sides``). It never makes an outline trusted.

The preview (``detect_preview``) runs a lighter search: region thresholds on a half-size copy, no
thickened-edge contours, no second low-threshold pass, only the few largest outlines scored, and a
single lighter refinement; its outline only has to look right to the clerk.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.detect_extend import extend_to_desk
from devices.scan.detect_lines import line_quads
from devices.scan.detect_outer import widen_to_paper_edge
from devices.scan.detect_overhang import MIN_OVERHANG, edge_profile, gradients, overhang_left, overhangs, trims
from devices.scan.detect_rough import angles_ok, plausible, region_quads, rough_quads, shape_ok
from devices.scan.detect_shadowfree import shadow_free_quads
from devices.scan.detect_sleeve import inside_sleeve
from devices.scan.geometry import Quad, as_quad, corners_of, is_convex, order_corners, quad_area, scale_quad, sides_of
from devices.scan.outline_model import model_outline
from devices.scan.refine import fitted_sides, refine_quad, refine_sides

COARSE_LONG_SIDE = 640
PREVIEW_LONG_SIDE = 640
SECOND_DOCUMENT_SHARE = 0.10
SECOND_DOCUMENT_SUPPORT = 0.8
SMALL_FIND_SHARE = 0.08  # a card lying flat is 2.4-7% of the frame; a page is several times more
REFINE_TRUST = 0.7  # least edge support of a full-resolution fit that replaces the coarse outline
FAST_CANDIDATES = 3  # preview: scored outlines, largest first, before the search stops
DARK_P99 = 30  # nothing in the frame brighter than this: lens covered or light off
BLANK_STD = 3.0
#: least outline support at which a found outline is trusted for a crop and for automatic capture; below
#: it the frame is kept whole and the clerk is told the outline is uncertain
CONFIDENT_AT = 0.8
#: least colour step (YCrCb units, chroma doubled) on the weakest side of a trusted outline, measured
#: 3 and 8 coarse px either side of it: below them one side has the same stuff on both sides
STEP_NEAR = 10.0
STEP_WIDE = 6.0
#: an outline covering more of the frame than this is the desk's or a mat's, not a document's: a document
#: camera frames an A4 page with room around it (the generator's pages cover at most 85%)
DESK_SHARE = 0.9
#: least mean edge support of a rough outline before it is snapped (most sides on no edge: not worth it)
ROUGH_SUPPORT = 0.35
RESEARCH_CANDIDATES = 4  # outlines checked for standing out after the low-threshold search
#: largest share of the frame a card's outline (or a sleeve around a card) takes: cards keep the camera's
#: scale, 2.4-10% of the frame; a sleeve adds up to 10 mm all round
CARD_SHARE = 0.15
#: least colour step across a side of an outline made of lines for the side to count as a boundary
LINE_STEP = 3.0
#: an untrusted outline gives way to one made of lines of about its size (area ratio) and this well supported
LINE_AREA = (0.8, 1.25)
LINE_SUPPORT = 0.9
#: least (refinement fit, edge support, mean colour step) of the outline of lines offered when nothing else
#: was found: a page lying wholly on a second sheet is a few levels whiter all round (about 4-7 units)
LOOSE = (0.75, 0.4, 4.0)
#: a side cut back to where its neighbours' edges begin: the outline keeps at least this share of its area,
#: and every side of the cut one lies on an edge along at least this share of it
OVERHANG_AREA = 0.5
OVERHANG_EDGE = 0.75
#: least share of an outline's middle on a print edge for it to count as a second document (documents of
#: the generator's two-document scenes: >= 0.10; a phone's screen, a sticky note: <= 0.04)
PRINT_SHARE = 0.06
#: an untrusted outline overlapping the learned one less than this (intersection over union) gives way to it
MODEL_AGREE = 0.9
#: how far (share of the frame's diagonal) a learned outline's side is looked at for an edge to move onto
MODEL_REACH = 0.02
#: a side of an untrusted outline lying further than this (share of the frame's diagonal) from the learned
#: outline's side, where they otherwise agree, moves onto the edge beside the learned side if there is one
#: (at 0.006 one more right outline of 10000-10959 went wrong than came right; the learned corners are off by
#: 0.8 % of the diagonal at the median, so nearer than that they tell nothing)
MODEL_SIDE_APART = 0.012
#: an ID-1 card's 1.586 as the frame shows it (mild perspective)
CARD_ASPECT = (1.42, 1.8)


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
    #: what the confidence was made of: (edge support, weakest side's colour step 3 and 8 coarse px out,
    #: share of the frame covered); empty when nothing was found
    cues: tuple[float, ...] = ()

    @property
    def confident(self) -> bool:
        """One outline, found with enough support to crop to it without asking (and to capture by itself)."""
        return self.quad is not None and self.problem is None and self.confidence >= CONFIDENT_AT


@dataclass(frozen=True)
class _Candidate:
    quad: Quad  # coarse coordinates, ordered
    area: float
    support: float
    #: a sleeve was seen inside some side but not every side came off it (``inside_sleeve``)
    on_sleeve: bool = False
    #: built from straight lines across the frame (``_line_candidate``): shown, never trusted
    guessed: bool = False


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


def _side_steps(lab: NDArray[np.uint8], quad: Quad, gap: float = 3.0) -> NDArray[np.float32]:
    """Colour step across each side, inside against outside ``gap`` px away (YCrCb, chroma doubled): (4,)."""
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
    out: NDArray[np.float32] = step.max(axis=1)
    return out


def _stands_out(lab: NDArray[np.uint8], quad: Quad) -> bool:
    """Every side steps in colour both right at the outline and a little further out (``STEP_NEAR``,
    ``STEP_WIDE``). A printed frame, a table cell or a shadow's edge inside a page has paper on both sides
    of at least one side; a page on a desk, however light, has desk all round (calibrated on development
    seeds, see docs/design-notes.md)."""
    return float(_side_steps(lab, quad, 3.0).min()) >= STEP_NEAR \
        and float(_side_steps(lab, quad, 8.0).min()) >= STEP_WIDE


def _continued_sides(lab: NDArray[np.uint8], quad: Quad) -> int:
    """How many sides go on past a corner as the same shadow's edge.

    A page's side ends at its corners: beyond them is desk on both sides of the line. A hard shadow's edge
    (the camera arm's bar, a forearm) that was taken for a side runs on across the desk, and there it
    darkens the desk by the same factor as it darkened the page: the lightness ratio across the line beyond
    a corner is the ratio across the side (within 15%). An object's edge lying along the line beyond (a
    keyboard's, a phone's) gives a step too, but another ratio. Measured 3 px either side of the line, over
    a stretch of 4 px to a sixth of the side beyond each corner."""
    h, w = lab.shape[:2]
    y = lab[..., 0].astype(np.float64) + 1.0
    q = np.asarray(quad, dtype=np.float64)
    centre = q.mean(axis=0)
    count = 0
    for k in range(4):
        a, b = q[k], q[(k + 1) % 4]
        length = float(np.linalg.norm(b - a))
        if length < 12:
            continue
        unit = (b - a) / length
        inward = np.array([-unit[1], unit[0]])
        if float(np.dot(centre - a, inward)) < 0:
            inward = -inward

        def ratio(points: NDArray[np.float64], inward: NDArray[np.float64] = inward) -> float | None:
            inner = np.round(points + 3.0 * inward).astype(np.int32)
            outer = np.round(points - 3.0 * inward).astype(np.int32)
            ok = (inner[:, 0] >= 0) & (inner[:, 0] < w) & (inner[:, 1] >= 0) & (inner[:, 1] < h) \
                & (outer[:, 0] >= 0) & (outer[:, 0] < w) & (outer[:, 1] >= 0) & (outer[:, 1] < h)
            if int(ok.sum()) < 8:
                return None
            return float(np.median(np.log(y[inner[ok, 1], inner[ok, 0]] / y[outer[ok, 1], outer[ok, 0]])))

        on_side = ratio(a[None, :] + np.linspace(0.15, 0.85, 24)[:, None] * (b - a)[None, :])
        if on_side is None or abs(on_side) < 0.1:  # no step of 10% across the side
            continue
        reach = np.linspace(4.0, max(8.0, length / 6.0), 12)[:, None]
        for beyond in (b[None, :] + reach * unit[None, :], a[None, :] - reach * unit[None, :]):
            found = ratio(beyond)
            if found is not None and found * math.copysign(1.0, on_side) >= 0.5 * abs(on_side) \
                    and abs(found - on_side) < math.log(1.15):
                count += 1
                break
    return count


def _contrast(lab: NDArray[np.uint8], quad: Quad, gap: float = 3.0) -> float:
    """Mean colour step across the sides, inside against outside (YCrCb units, chroma doubled).

    Straight supported lines also bound the cells of a cutting mat's grid, which look the same on both
    sides; a document differs from the desk it lies on, if only a little.
    """
    return float(_side_steps(lab, quad, gap).mean())


def _candidates(small: NDArray[np.uint8], sensitive: bool, fast: bool = False,
                last_resort: bool = False) -> tuple[list[_Candidate], NDArray[np.uint8]]:
    """Scored outlines. ``fast`` (preview): edge contours first, largest first, stopping at a few; the
    bright-region outlines (a third of the time) only when the edges gave nothing.

    ``last_resort``, for a frame where both passes found nothing: the second pass's outlines are all
    snapped to the edges, even those that sat mostly beside them (a faint page edge a few pixels from its
    rough hull; a third of the white pages on a light desk that were lost), and outlines from chromaticity
    edges, which a hard shadow does not cut (``detect_shadowfree.py``), are added."""
    edges, magnitude, lab = _edge_maps(small, sensitive)
    found: list[_Candidate] = []
    seen: list[Quad] = []
    if not fast:
        # the second pass also thickens the edges (a thick outline merges a document with what lies beside it,
        # so only when the first pass found nothing or little)
        roughs = rough_quads(small, edges, None if sensitive else lab, thicken=sensitive)
        if last_resort:
            roughs += shadow_free_quads(small)
        _score(small, magnitude, lab, roughs, seen, found, False, 0.0 if last_resort else ROUGH_SUPPORT)
        return found, lab
    h, w = magnitude.shape
    _score(small, magnitude, lab, rough_quads(small, edges, None, fast=True), seen, found, True)
    if not found:
        _score(small, magnitude, lab, region_quads(lab, w, h, fast=True), seen, found, True)
    return found, lab


def _line_candidate(small: NDArray[np.uint8], lab: NDArray[np.uint8], loose: bool = False) -> list[_Candidate]:
    """An outline made of the frame's longest straight edges (``detect_lines.py``), for a frame where even
    the last resort found nothing: mostly a page lying on a second sheet, whose side across the other sheet
    is too faint to close a contour. Not the largest: a quad that takes in part of the other sheet, or of the
    desk, is larger. The one with the most sides that step in colour both right at them and a little further
    out (``_sides_stepping``; a quad bounded by a text column's edge or the other sheet's print has paper
    both sides of one), then the best supported.
    A guess, so never trusted: the capture keeps the whole frame and asks the clerk to check."""
    _edges, magnitude, _lab = _edge_maps(small, sensitive=True)
    found: list[_Candidate] = []
    quads = line_quads(lab, small.shape[1], small.shape[0])
    _score(small, magnitude, lab, quads, [], found, False, 0.0)
    if not found and loose:  # nothing else in the frame: the same quads held to ``LOOSE``'s lower bars
        _score(small, magnitude, lab, quads, [], found, False, 0.0, loose=True)
    if not found:
        return []
    best = max(found, key=lambda c: (_sides_stepping(lab, c.quad), c.support, c.area))
    return [replace(best, guessed=True)]


def _sides_stepping(lab: NDArray[np.uint8], quad: Quad) -> int:
    """How many sides step in colour by ``LINE_STEP`` both right at them and a little further out."""
    return int((np.minimum(_side_steps(lab, quad, 3.0), _side_steps(lab, quad, 8.0)) >= LINE_STEP).sum())


def _straighter(small: NDArray[np.uint8], lab: NDArray[np.uint8], doc: _Candidate) -> _Candidate:
    """An outline that will not be trusted gives way to the one made of lines (``_line_candidate``) when
    that is about its size (``LINE_AREA``: not half a page, nor the page with part of the other sheet), well
    supported (``LINE_SUPPORT``) and better: more sides stepping in colour, or as many and better supported.
    A hull whose side leaked along a shadow, a sleeve's band or the desk's grain is a few pixels off where
    the straight side is not. Both are untrusted, so this can only move an outline, never make one trusted."""
    lines = _line_candidate(small, lab)
    if not lines:
        return doc
    line = lines[0]
    if not (LINE_AREA[0] <= line.area / max(doc.area, 1e-6) <= LINE_AREA[1] and line.support >= LINE_SUPPORT):
        return doc
    mine, theirs = _sides_stepping(lab, line.quad), _sides_stepping(lab, doc.quad)
    return line if mine > theirs or (mine == theirs and line.support > doc.support) else doc


def _trusted(lab: NDArray[np.uint8], doc: _Candidate, frame_area: float) -> bool:
    """The trust rules of the module notes: a colour step across every side near and wide, not the whole
    desk, not partly a sleeve, not a guess, no side running on as a shadow's edge, no side running on past
    a corner across paper (``overhang_left``: two sheets' sides taken for one page's)."""
    return float(_side_steps(lab, doc.quad, 3.0).min()) >= STEP_NEAR \
        and float(_side_steps(lab, doc.quad, 8.0).min()) >= STEP_WIDE and doc.area / frame_area <= DESK_SHARE \
        and not doc.on_sleeve and not doc.guessed and _continued_sides(lab, doc.quad) == 0 \
        and overhang_left(lab, doc.quad) < MIN_OVERHANG


def _score(small: NDArray[np.uint8], magnitude: NDArray[np.float32], lab: NDArray[np.uint8], roughs: list[Quad],
           seen: list[Quad], found: list[_Candidate], fast: bool, least_support: float = ROUGH_SUPPORT,
           loose: bool = False) -> None:
    """Snap each new rough outline to the edges and keep those that look like a document (into ``found``).

    ``loose``: the lower bars of ``LOOSE`` (fit, edge support, contrast), for the outline of lines offered
    when nothing else was found (a guess, never trusted: a page lying wholly on a second sheet has a faint
    edge and little contrast all round)."""
    h, w = magnitude.shape
    if fast:
        roughs = sorted(roughs, key=lambda r: -quad_area(r))
    for rough in roughs:
        if fast and len(found) >= FAST_CANDIDATES:
            break
        if any(float(np.abs(rough - other).max()) < 2.5 for other in seen):
            continue  # the same outline from another cue or threshold
        seen.append(rough)
        if _support(magnitude, rough, 0.0) < least_support:
            continue  # most sides on no edge at all: not worth a refinement
        # hull vertices sit on rounded corners and dilated edges
        snapped, fit = refine_quad(small, rough, 4.0, samples=16 if fast else 24)
        if fit < 0.6:
            continue
        quad = order_corners(snapped)
        if not shape_ok(quad, w, h, 0.0):
            continue
        area = quad_area(quad)
        # straight edges (the fit) that are not faint texture (the gradient); a near-perfect fit may have
        # a fainter gradient, as white paper on a light desk has
        edge = _support(magnitude, quad)
        support = min(fit, edge)
        if loose:
            if fit < LOOSE[0] or edge < LOOSE[1] or _contrast(lab, quad) < LOOSE[2]:
                continue
        elif (support < 0.6 and not (fit >= 0.9 and edge >= 0.45)) or _contrast(lab, quad) < 8.0:
            continue
        found.append(_Candidate(quad, area, support))


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
        overlaps = [_overlap(cand.quad, k.quad) for k in kept]
        clash = [i for i, o in enumerate(overlaps) if o >= 0.2]
        touching = [i for i, o in enumerate(overlaps) if 0.02 <= o < 0.2]
        if not clash and not touching:
            kept.append(cand)
        elif not clash:  # two outlines crossing cannot both be documents (a phone merged with a card's
            other = kept[touching[0]]  # corner crosses the card): the clearly better supported one stays
            if len(touching) == 1 and cand.support > other.support + 0.1:
                kept[touching[0]] = cand
        elif len(clash) == 1:  # the same outline found twice, or with a coin or pen joined: the better fit
            other = kept[clash[0]]  # but a frame printed well inside a page is its content, whatever its fit
            if cand.area > 0.8 * other.area and cand.support > other.support + 0.03 \
                    and not _well_inside(cand.quad, other.quad):
                kept[clash[0]] = cand
    return kept


def _to_paper_edge(small: NDArray[np.uint8], lab: NDArray[np.uint8], doc: _Candidate) -> _Candidate:
    """The faint paper edge around a printed frame, when there is one (``detect_outer.py``)."""
    wide = widen_to_paper_edge(lab, doc.quad)
    if wide is None or not is_convex(wide) or not angles_ok(wide):
        return doc
    h, w = small.shape[:2]
    snapped, fit = refine_quad(small, wide, 3.0, samples=24)
    if fit >= 0.5 and is_convex(snapped) and float(np.abs(snapped - wide).max()) < 4.0:
        wide = order_corners(snapped)
    if not plausible(wide, w, h, 0.0):
        return doc
    return replace(doc, quad=wide, area=quad_area(wide))


def _to_desk(small: NDArray[np.uint8], lab: NDArray[np.uint8], doc: _Candidate) -> _Candidate:
    """One side moved out past a colour band or a straight shadow to the paper's edge (``detect_extend.py``)."""
    wide = extend_to_desk(lab, doc.quad)
    if wide is None or not is_convex(wide) or not angles_ok(wide):
        return doc
    h, w = small.shape[:2]
    snapped, fit = refine_quad(small, wide, 3.0, samples=24)
    if fit >= 0.5 and is_convex(snapped) and float(np.abs(snapped - wide).max()) < 4.0:
        wide = order_corners(snapped)
    if not plausible(wide, w, h, 0.0):
        return doc
    return replace(doc, quad=wide, area=quad_area(wide))


def _into_sleeve(small: NDArray[np.uint8], lab: NDArray[np.uint8], doc: _Candidate) -> _Candidate:
    """The page inside a transparent sleeve whose outline was found (``detect_sleeve.py``)."""
    inner, left_on_sleeve = inside_sleeve(lab, doc.quad)
    if left_on_sleeve:
        doc = replace(doc, on_sleeve=True)
    if inner is None or not is_convex(inner) or not angles_ok(inner) or quad_area(inner) < 0.5 * doc.area:
        return doc
    h, w = small.shape[:2]
    snapped, fit = refine_quad(small, inner, 3.0, samples=24)
    if fit >= 0.5 and is_convex(snapped) and float(np.abs(snapped - inner).max()) < 4.0:
        inner = order_corners(snapped)
    if not plausible(inner, w, h, 0.0):
        return doc
    return replace(doc, quad=inner, area=quad_area(inner))


def _trimmed(small: NDArray[np.uint8], lab: NDArray[np.uint8], doc: _Candidate, rounds: int = 2) -> _Candidate:
    """An outline whose sides run on past its corners cut back to where the edges begin
    (``detect_overhang.py``: a page on a second sheet taken with one of the other sheet's sides)."""
    grads = gradients(lab)
    if float(overhangs(grads, doc.quad).max()) < MIN_OVERHANG:
        return doc
    h, w = small.shape[:2]
    for quad in trims(grads, doc.quad):
        snapped, fit = refine_quad(small, quad, 3.0, samples=24)
        if fit >= 0.5 and is_convex(snapped) and float(np.abs(snapped - quad).max()) < 4.0:
            quad = order_corners(snapped)
        if not shape_ok(quad, w, h, 0.0) or quad_area(quad) < OVERHANG_AREA * doc.area:
            continue
        q = np.asarray(quad, dtype=np.float64)
        on_edge = min(float(edge_profile(grads, q[k], q[(k + 1) % 4]).mean()) for k in range(4))
        if on_edge < OVERHANG_EDGE:
            continue
        cut = replace(doc, quad=quad, area=quad_area(quad))
        if float(overhangs(grads, quad).max()) < MIN_OVERHANG:
            return cut
        if rounds > 1:
            again = _trimmed(small, lab, cut, rounds - 1)
            if again is not cut:
                return again
    return doc


def _card_in_sleeve(doc: _Candidate, found: list[_Candidate], frame_area: float) -> _Candidate:
    """A card-sized outline with a card's outline well inside it is a sleeve around the card.

    Cards have no printed frame of most of their size (a page's table or border is content, but an ID
    card's or a bank card's face is not framed), so an outline of a card's proportions covering 45-95% of
    a card-sized outline and lying within it is the card, and the outer one the sleeve's welded edge (glare
    can whiten the band between, so ``detect_sleeve`` does not always see it). The card wins when its own
    outline is as well supported as a document must be; otherwise the outer outline stays, not trusted."""
    if doc.area > CARD_SHARE * frame_area:
        return doc
    inner = [c for c in found if c is not doc and 0.45 * doc.area <= c.area <= 0.95 * doc.area
             and CARD_ASPECT[0] <= _aspect(c.quad) <= CARD_ASPECT[1] and _overlap(c.quad, doc.quad) >= 0.97]
    if not inner:
        return doc
    best = max(inner, key=lambda c: (c.support, c.area))
    if best.support >= SECOND_DOCUMENT_SUPPORT:
        return best
    return replace(doc, on_sleeve=True)


def _aspect(quad: Quad) -> float:
    """Long over short side, each the mean of two opposite sides: the perspective averaged out (the longer
    of each pair, as ``side_lengths`` gives, cost two plain cards of the tuning ranges their trust)."""
    q = np.asarray(quad, dtype=np.float64)
    sides = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
    across, down = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    return float(max(across, down) / max(min(across, down), 1e-6))


def _second_document(first: _Candidate, second: _Candidate) -> bool:
    """A second outline is a second document only when it is big enough, clear of the first (a phone's
    outline merged with a card's corner overlaps the card) and as well supported as a document must be."""
    return second.area >= SECOND_DOCUMENT_SHARE * first.area and _overlap(first.quad, second.quad) < 0.02 \
        and second.support >= SECOND_DOCUMENT_SUPPORT


def _printed(small: NDArray[np.uint8], quads: list[Quad]) -> list[bool]:
    """Whether the middle of each outline (its inner 80 %) carries print: at least ``PRINT_SHARE`` of it on a
    clear lightness edge. Every document has text, lines, a photo or a chip; a phone's dark screen and a
    sticky note are plain, so beside a document they are clutter, not a second document."""
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
    magnitude = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    printed: list[bool] = []
    for quad in quads:
        q = np.asarray(quad, dtype=np.float32)
        centre = q.mean(axis=0)
        mask = np.zeros(grey.shape, dtype=np.uint8)
        cv2.fillPoly(mask, [np.round(centre + (q - centre) * 0.8).astype(np.int32)], 1)
        inside = magnitude[mask > 0]
        printed.append(inside.size > 0 and float((inside > 40.0).mean()) >= PRINT_SHARE)
    return printed


def _frame_problem(small: NDArray[np.uint8]) -> FrameProblem | None:
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    if np.count_nonzero(grey >= DARK_P99) < 0.01 * grey.size:
        return FrameProblem.TOO_DARK  # the 99th percentile is below DARK_P99 (counted, not sorted: faster)
    _, std = cv2.meanStdDev(cv2.GaussianBlur(grey, (5, 5), 0))
    if float(std[0, 0]) < BLANK_STD:
        return FrameProblem.BLANK
    return None


def _detect(image: NDArray[np.uint8], refine_image: NDArray[np.uint8] | None, long_side: int,
            fast: bool = False) -> Detection:
    if image.ndim == 2:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
        refine_image = image if refine_image is not None else None
    small, factor = _coarse(image, long_side)
    problem = _frame_problem(small)
    if problem is not None:
        return Detection(None, problem, 0.0)
    found, lab = _candidates(small, sensitive=False, fast=fast)
    more: list[_Candidate] = []
    docs = _documents(found)
    if not fast and (not docs or docs[0].area < SMALL_FIND_SHARE * small.shape[0] * small.shape[1]
                     or not _stands_out(lab, _to_paper_edge(small, lab, docs[0]).quad)):
        # nothing, only something card-sized (which may be a table cell of a faint page) or an outline with
        # paper on both sides of a side (a printed frame or cell of a page whose edge was missed): low thresholds
        more, _ = _candidates(small, sensitive=True)  # the same colour copy, other edges
        docs = _documents(found + more)
        standing = [doc for doc in docs[:RESEARCH_CANDIDATES] if _stands_out(lab, _to_paper_edge(small, lab, doc).quad)]
        if standing and standing[0] is not docs[0]:
            picked = {id(doc) for doc in standing}  # by identity: candidates hold arrays, == is ambiguous
            docs = standing + [doc for doc in docs if id(doc) not in picked]
    if not docs and not fast:
        more, _ = _candidates(small, sensitive=True, last_resort=True)
        docs = _documents(more)
        if not docs:
            docs = _line_candidate(small, lab, loose=True)
    if not docs:
        return Detection(None, FrameProblem.NO_DOCUMENT, 0.0)
    strong = [doc for doc in docs if doc.support >= SECOND_DOCUMENT_SUPPORT]
    if len(docs) > 1 and strong and strong[0] is not docs[0] and strong[0].area >= SECOND_DOCUMENT_SHARE * docs[0].area:
        docs = strong  # a weak outline (a phone merged with a card's corner) beside a clean one is clutter
    docs = [_to_paper_edge(small, lab, doc) for doc in docs[:2]]
    if len(docs) > 1 and _second_document(docs[0], docs[1]):
        printed = _printed(small, [doc.quad for doc in docs])
        if printed[0] != printed[1]:  # a phone's dark screen or a sticky note beside a document is clutter
            docs = [docs[0] if printed[0] else docs[1]]
    if not fast:
        docs[0] = _card_in_sleeve(docs[0], found + more, small.shape[0] * small.shape[1])
        docs[0] = _trimmed(small, lab, _to_desk(small, lab, _into_sleeve(small, lab, docs[0])))
    trusted = _trusted(lab, docs[0], small.shape[0] * small.shape[1])
    if not fast and not trusted and not docs[0].guessed:
        docs[0] = _straighter(small, lab, docs[0])  # untrusted either way: ``trusted`` still holds
    block = 1.0 / factor  # a coarse pixel is the mean of a block x block square, centred half a block in
    refined = [(_fitted(refine_image, doc.quad, block, fast), doc.support) for doc in docs[:2]]
    several = len(docs) > 1 and _second_document(docs[0], docs[1])
    if not fast and not trusted and not several and refine_image is not None:
        others = [doc.quad for doc in docs + found + more]
        refined[0] = (_second_opinion(refine_image, refined[0][0], others, block), refined[0][1])
    near, wide = _side_steps(lab, docs[0].quad, 3.0), _side_steps(lab, docs[0].quad, 8.0)
    confidence = float(min(1.0, docs[0].support))
    share = docs[0].area / (small.shape[0] * small.shape[1])
    if not trusted:
        confidence = min(confidence, CONFIDENT_AT * 0.75)  # kept as an outline to show, never trusted
    cues = (docs[0].support, float(near.min()), float(wide.min()), share)
    if several:
        return Detection(None, FrameProblem.SEVERAL_DOCUMENTS, confidence, tuple(q for q, _ in refined))
    return Detection(refined[0][0], None, confidence, cues=cues)


def _fitted(refine_image: NDArray[np.uint8] | None, coarse: Quad, block: float, fast: bool = False) -> Quad:
    """A coarse outline in the frame's pixels, each side fitted to the edge at full resolution."""
    quad = (scale_quad(coarse, block) + np.float32((block - 1) / 2)).astype(np.float32)
    if refine_image is None:
        return quad
    reach = max(2.5 * block, 4.0)
    better, support = refine_quad(refine_image, quad, reach, samples=16 if fast else 48)
    if support > 0 and not fast:
        better, support = refine_quad(refine_image, better, max(reach * 0.3, 3.0))
    # a fit that most normals disagree with went to something else (a pen's edge beside a dark card on a
    # dark desk): the coarse outline is then the better one (good fits here score >= 0.75)
    return order_corners(better) if support >= (0.5 if fast else REFINE_TRUST) else quad


def _second_opinion(image: NDArray[np.uint8], quad: Quad, others: list[Quad], block: float) -> Quad:
    """The learned outline (``outline_model.py``) in place of an untrusted one it clearly disagrees with
    (overlap below ``MODEL_AGREE``): the edge search's own candidate (``others``, coarse) that matches the
    learned one best, when one does, since it sits on the edges more exactly; else the learned outline with
    each side moved onto an edge at full resolution where one is near. When they agree, a side lying well
    apart from the learned one may still move (``_sides_by_learned``)."""
    learned = model_outline(image)
    if learned is None:
        return quad
    if _iou(learned, quad) >= MODEL_AGREE:
        return _sides_by_learned(image, quad, learned)
    matches = [(_iou(learned, _fitted(None, other, block)), other) for other in others]
    best = max(matches, key=lambda match: match[0], default=None)
    if best is not None and best[0] >= MODEL_AGREE:
        return _fitted(image, best[1], block)
    reach = MODEL_REACH * math.hypot(image.shape[1], image.shape[0])
    near = refine_sides(image, learned, reach, REFINE_TRUST)
    return order_corners(refine_sides(image, near, max(reach * 0.15, 3.0), REFINE_TRUST))


def _sides_by_learned(image: NDArray[np.uint8], quad: Quad, learned: Quad) -> Quad:
    """An untrusted outline that mostly agrees with the learned one, with each side that lies well away from
    the learned side (``MODEL_SIDE_APART``) moved onto the edge beside the learned side: a page's side on the
    sleeve's welded seam or on the other sheet's edge a little further out. Only onto an edge: the learned
    side alone is less exact than the side the search put on an edge (with no edge there, the search's side
    is as likely right and stays). The edge is looked for within half the gap, so not on the search's side."""
    q, m = order_corners(quad).astype(np.float64), order_corners(learned)
    diagonal = math.hypot(image.shape[1], image.shape[0])
    if float(np.linalg.norm(q - m, axis=1).max()) > 0.1 * diagonal:
        return quad  # corners paired wrongly (a square-ish outline turned 45 degrees): leave it
    sides, learned_sides = sides_of(q), sides_of(m)
    moved = False
    for k in range(4):
        a, b = q[k], q[(k + 1) % 4]
        start, along = learned_sides[k]
        normal = np.array([-along[1], along[0]])
        gap = max(abs(float((a - start) @ normal)), abs(float((b - start) @ normal)))
        if gap > MODEL_SIDE_APART * diagonal:
            edge = fitted_sides(image, m, max(0.5 * gap, 3.0), REFINE_TRUST)[k]
            if edge is not None:
                sides[k], moved = edge, True
    corners = corners_of(sides) if moved else None
    if corners is None or not is_convex(as_quad(corners)):
        return quad
    return order_corners(corners)


def _iou(a: Quad, b: Quad) -> float:
    """Intersection over union of two convex outlines."""
    inter, _ = cv2.intersectConvexConvex(np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32))
    union = quad_area(a) + quad_area(b) - inter
    return float(inter / union) if union > 0 else 0.0


def detect_document(image: NDArray[np.uint8], *, refine: bool = True) -> Detection:
    """Full quality, for the captured still: coarse search, then each side fitted at full resolution."""
    return _detect(image, image if refine else None, COARSE_LONG_SIDE)


def detect_preview(image: NDArray[np.uint8]) -> Detection:
    """For the live preview (1280x720, 1024x768 in the app): a lighter search on the same ~640 px copy,
    one light refinement on the preview frame (never 8 MP). It runs on the camera's thread for every frame.

    Searching a smaller copy was tried: at 427 px wide 88-92% of preview frames were within 2%, at 320 px
    74-85%, so the lighter search keeps the 640 px copy and drops work instead (see the module notes):
    ~16 ms against ~30 ms, with 95-96% of frames within 2% of the diagonal as before.
    """
    return _detect(image, image, PREVIEW_LONG_SIDE, fast=True)
