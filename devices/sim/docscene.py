"""Photographs of documents on a desk, as a document camera (高拍仪) takes them, with the true corners.

The camera looks straight down from a fixed height, so the scale (px per mm) hardly varies and the
perspective is mild; what makes real frames hard is the rest: wood grain and dark or low-contrast
desks, pens, phones and sticky notes beside the page, a hand's shadow across it, vignetting, noise,
blur and JPEG artefacts. Everything is drawn from one seed so a failing frame can be reproduced.

Scene conditions (issue 19, ``CONDITIONS``) widen the set to what held-back hall photos showed and
what a service hall has: a white page on a near-white desk, a hard-edged shadow (a hand and forearm, or
the camera arm's bar) across part of the page and its edges, a page lying in landscape filling most of
the frame, a glossy plastic sleeve (a highlight band and a faint, slightly larger transparent outline),
a second sheet partly visible under the first, and a colour-printed form. The true corners are always
the top document's. A condition draws from its own random stream (seeded by the scene's seed), so a
plain scene is the same image it always was. ``synthetic_set`` gives half of its scenes a condition,
each condition 1/12 of the set, in a fixed rotation.

Rendering is built for 8 MP frames in well under a second: the desk texture and the lighting are made
at a fraction of the size and scaled up, the page is rendered once at the scene's resolution and warped
only into its bounding box, and the sensor noise is a random tile rather than 24 M fresh samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, as_quad
from devices.sim.docscene_render import (
    CARD_KINDS,
    DOCUMENT_KINDS,
    EXTRA_KINDS,
    PAGE_MM,
    document_mask,
    render_document,
)

__all__ = ["CONDITIONS", "DOCUMENT_KINDS", "EXTRA_KINDS", "Scene", "black_frame", "blank_frame", "condition_of",
           "desk_only", "render_document", "render_scene", "synthetic_set"]

Size = tuple[int, int]  # (width, height), as OpenCV and the camera speak of frames
_DESKS = ("wood", "laminate", "dark_mat", "light_grey")
#: the scene conditions of issue 19, each with the document kinds it is drawn with
CONDITIONS: tuple[str, ...] = ("light_desk", "hard_shadow", "landscape", "sleeve", "under_sheet", "colour_form")
_CONDITION_KINDS: dict[str, tuple[str, ...]] = {
    "light_desk": ("a4_text", "a4_table", "a5_form", "certificate"),
    "hard_shadow": DOCUMENT_KINDS,
    "landscape": ("a4_text", "a4_table", "landscape_form"),
    "sleeve": ("a4_text", "a4_table", "certificate", "a5_form", "id_front", "colour_form"),
    "under_sheet": ("a4_text", "a4_table", "a5_form", "certificate"),
    "colour_form": ("colour_form",),
}
#: scenes of ``synthetic_set`` per rotation: the first ``_PLAIN`` are plain, then one of each condition
_PLAIN = 6


@dataclass(frozen=True)
class Scene:
    image: NDArray[np.uint8]
    corners: Quad
    kind: str
    page_mm: tuple[float, float]
    px_per_mm: float
    others: tuple[Quad, ...] = ()
    condition: str | None = None


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> NDArray[np.float32]:
    """Low-frequency noise in about -1..1: random values on a coarse grid, interpolated."""
    h, w = shape
    grid = rng.standard_normal((max(cells * h // w, 2), cells)).astype(np.float32)
    out: NDArray[np.float32] = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    return out


def _desk(rng: np.random.Generator, size: Size, style: str) -> NDArray[np.uint8]:
    w, h = size
    sw, sh = max(w // 4, 16), max(h // 4, 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    blotch = _smooth_noise(rng, (sh, sw), 8)
    fine = rng.standard_normal((sh, sw)).astype(np.float32)
    if style == "wood":
        base = np.array([rng.uniform(40, 90), rng.uniform(80, 125), rng.uniform(120, 175)], dtype=np.float32)
        warp = _smooth_noise(rng, (sh, sw), 5) * 25.0
        angle = rng.uniform(0, math.pi)
        across = xx * math.cos(angle) + yy * math.sin(angle) + warp
        grain = np.sin(across * rng.uniform(0.15, 0.4)) * 0.5 + np.sin(across * 0.05 + 1.0) * 0.5
        shade = 1.0 + 0.16 * grain + 0.05 * blotch + 0.03 * fine
    elif style == "laminate":
        base = np.full(3, rng.uniform(185, 220), dtype=np.float32) + rng.uniform(-12, 6, size=3).astype(np.float32)
        shade = 1.0 + 0.03 * blotch + 0.04 * fine
    elif style == "dark_mat":
        base = np.array([rng.uniform(25, 60), rng.uniform(25, 70), rng.uniform(20, 50)], dtype=np.float32)
        shade = 1.0 + 0.08 * blotch + 0.06 * fine
        if rng.random() < 0.5:  # a cutting mat's grid: straight lines that are not a document
            step = rng.uniform(15, 30)
            lines = (np.mod(xx, step) < 0.8) | (np.mod(yy, step) < 0.8)
            shade = shade + 0.35 * lines
    elif style == "near_white":  # white laminate or a white desk pad: white paper barely differs from it
        base = np.full(3, rng.uniform(212, 234), dtype=np.float32) + rng.uniform(-3, 3, size=3).astype(np.float32)
        shade = 1.0 + 0.012 * blotch + 0.01 * fine
    else:  # light grey: the low-contrast case for white paper
        base = np.full(3, rng.uniform(190, 222), dtype=np.float32) + rng.uniform(-4, 4, size=3).astype(np.float32)
        shade = 1.0 + 0.02 * blotch + 0.02 * fine
    small = np.clip(base[None, None, :] * shade[..., None], 0, 255).astype(np.uint8)
    desk: NDArray[np.uint8] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return desk


def _rotated_box(centre: tuple[float, float], size: tuple[float, float], angle: float) -> NDArray[np.int32]:
    box = cv2.boxPoints((centre, size, angle))
    return np.round(box).astype(np.int32)


def _clutter(rng: np.random.Generator, image: NDArray[np.uint8], ppm: float) -> None:
    """Objects that lie on desks: none is shaped like a document (aspect ratio or size tells them apart)."""
    h, w = image.shape[:2]
    for _ in range(int(rng.integers(1, 5))):
        what = rng.choice(("pen", "pen", "pen", "phone", "note", "coin", "coin", "keyboard"))
        cx, cy = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        angle = float(rng.uniform(0, 180))
        if what == "pen":
            length, r = rng.uniform(120, 150) * ppm, max(int(4 * ppm), 2)
            dx, dy = math.cos(math.radians(angle)) * length / 2, math.sin(math.radians(angle)) * length / 2
            colour = tuple(int(c) for c in rng.integers(0, 200, size=3))
            cv2.line(image, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)), colour, 2 * r, cv2.LINE_AA)
            cv2.line(image, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)),
                     tuple(min(c + 60, 255) for c in colour), max(r // 3, 1), cv2.LINE_AA)
        elif what == "phone":
            box = _rotated_box((cx, cy), (146 * ppm, 71 * ppm), angle)
            cv2.fillPoly(image, [box], (25, 25, 28), cv2.LINE_AA)
            screen = _rotated_box((cx, cy), (134 * ppm, 62 * ppm), angle)
            cv2.fillPoly(image, [screen], tuple(int(c) for c in rng.integers(40, 90, size=3)), cv2.LINE_AA)
        elif what == "note":
            colour = ((90, 235, 250), (200, 160, 250), (160, 240, 170))[int(rng.integers(0, 3))]
            cv2.fillPoly(image, [_rotated_box((cx, cy), (76 * ppm, 76 * ppm), angle)], colour, cv2.LINE_AA)
        elif what == "coin":
            cv2.circle(image, (int(cx), int(cy)), int(12.5 * ppm), (150, 170, 180), -1, cv2.LINE_AA)
        else:  # a keyboard's edge entering from the bottom of the frame
            top = int(h - rng.uniform(20, 50) * ppm)
            image[top:, :] = (60, 60, 64)
            key = int(15 * ppm)
            for x in range(int(rng.uniform(0, key)), w, key + int(3 * ppm)):
                cv2.rectangle(image, (x, top + int(3 * ppm)), (x + key, top + int(3 * ppm) + key), (85, 85, 90), -1)


def _place(kind: str, ppm: float, region: tuple[float, float, float, float], angle: float,
           jitter: NDArray[np.float32], rng: np.random.Generator) -> Quad | None:
    """True corners (page order) for a document at this scale, or None when it cannot fit the region."""
    w_mm, h_mm = PAGE_MM[kind]
    w, h = w_mm * ppm, h_mm * ppm
    rect = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)], dtype=np.float32)
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    quad = rect @ np.array([[c, s], [-s, c]], dtype=np.float32) + jitter * np.float32((w + h) / 2)
    lo, hi = quad.min(axis=0), quad.max(axis=0)
    x0, y0, x1, y1 = region
    free_x, free_y = (x1 - x0) - (hi[0] - lo[0]), (y1 - y0) - (hi[1] - lo[1])
    if free_x < 0 or free_y < 0:
        return None
    offset = np.array([x0 + rng.uniform(0, free_x) - lo[0], y0 + rng.uniform(0, free_y) - lo[1]], dtype=np.float32)
    return as_quad(quad + offset)


def _paste(image: NDArray[np.uint8], kind: str, quad: Quad, ppm: float, rng: np.random.Generator) -> None:
    """Warp the flat document into the frame, only inside its bounding box, with an anti-aliased edge."""
    extent = float(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[1]))) / max(PAGE_MM[kind])
    page = render_document(kind, rng, max(extent, ppm))
    ph, pw = page.shape[:2]
    mask = document_mask(kind, (ph, pw), max(extent, ppm))
    h, w = image.shape[:2]
    x0, y0 = (int(max(math.floor(v) - 2, 0)) for v in quad.min(axis=0))
    x1, y1 = int(min(math.ceil(quad[:, 0].max()) + 3, w)), int(min(math.ceil(quad[:, 1].max()) + 3, h))
    src = np.array([(-0.5, -0.5), (pw - 0.5, -0.5), (pw - 0.5, ph - 0.5), (-0.5, ph - 0.5)], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(src, (quad - np.array([x0, y0], dtype=np.float32)).astype(np.float32))
    box = (x1 - x0, y1 - y0)
    warped = cv2.warpPerspective(page, homography, box, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    alpha = cv2.warpPerspective(mask, homography, box, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    weight = alpha.astype(np.float32) / 255.0
    roi = image[y0:y1, x0:x1]
    roi[...] = cv2.blendLinear(warped, roi, weight, 1.0 - weight)


def _on_top(rng: np.random.Generator, image: NDArray[np.uint8], quad: Quad, ppm: float) -> None:
    """Things lying on the page (a sticky note inside it, a pen across one side) away from its corners."""
    if rng.random() < 0.25:
        centre = quad.mean(axis=0) + (quad[int(rng.integers(0, 4))] - quad.mean(axis=0)) * rng.uniform(0.1, 0.4)
        side = 60 * ppm if np.linalg.norm(quad[0] - quad[2]) > 250 * ppm else 20 * ppm
        cv2.fillPoly(image, [_rotated_box((float(centre[0]), float(centre[1])), (side, side),
                                          float(rng.uniform(0, 90)))], (110, 230, 245), cv2.LINE_AA)
    if rng.random() < 0.15 and np.linalg.norm(quad[0] - quad[2]) > 150 * ppm:
        k = int(rng.integers(0, 4))
        at = quad[k] + (quad[(k + 1) % 4] - quad[k]) * rng.uniform(0.35, 0.65)
        outward = at - quad.mean(axis=0)
        outward /= max(float(np.linalg.norm(outward)), 1.0)
        tip, tail = at - outward * 30 * ppm, at + outward * 60 * ppm
        cv2.line(image, (int(tip[0]), int(tip[1])), (int(tail[0]), int(tail[1])), (40, 40, 160), int(8 * ppm),
                 cv2.LINE_AA)


def _lighting(rng: np.random.Generator, size: Size) -> NDArray[np.float32]:
    """Vignetting, a gradient across the desk and soft shadows (a hand, the camera arm), as a gain map."""
    w, h = size
    sw, sh = max(w // 8, 16), max(h // 8, 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    cx, cy = sw * rng.uniform(0.3, 0.7), sh * rng.uniform(0.3, 0.7)
    radius = ((xx - cx) ** 2 + (yy - cy) ** 2) / float(sw * sw + sh * sh)
    gain = 1.0 - rng.uniform(0.1, 0.45) * radius
    angle = rng.uniform(0, 2 * math.pi)
    gain *= 1.0 + rng.uniform(0.0, 0.18) * ((xx / sw - 0.5) * math.cos(angle) + (yy / sh - 0.5) * math.sin(angle))
    shadow = np.zeros((sh, sw), dtype=np.float32)
    if rng.random() < 0.6:  # a forearm reaching in from the bottom or a side
        base_x = rng.uniform(0.2, 0.8) * sw
        tip = (rng.uniform(0.25, 0.75) * sw, rng.uniform(0.25, 0.6) * sh)
        arm = np.array([(base_x - sw * 0.12, sh), (tip[0] - sw * 0.05, tip[1]), (tip[0] + sw * 0.05, tip[1]),
                        (base_x + sw * 0.12, sh)], dtype=np.int32)
        cv2.fillPoly(shadow, [arm], float(rng.uniform(0.15, 0.4)))
    if rng.random() < 0.4:  # the camera arm's long thin shadow
        y = rng.uniform(0.1, 0.9) * sh
        cv2.line(shadow, (0, int(y)), (sw, int(y + rng.uniform(-0.3, 0.3) * sh)), float(rng.uniform(0.1, 0.25)),
                 max(sw // 30, 2))
    blur = float(rng.uniform(4, 12))
    soft = cv2.GaussianBlur(shadow, (0, 0), blur)
    gain *= 1.0 - soft
    full: NDArray[np.float32] = cv2.resize(gain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return full


def _finish(rng: np.random.Generator, image: NDArray[np.uint8], size: Size) -> NDArray[np.uint8]:
    """Light, optics and sensor: gain map, a little defocus, noise and sometimes JPEG."""
    gain = _lighting(rng, size)
    lit = cv2.multiply(image, cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)
    sigma = float(rng.uniform(0.5, 1.5))
    lit = cv2.GaussianBlur(lit, (0, 0), sigma)
    tile = (rng.standard_normal((256, 256, 3)) * rng.uniform(1.5, 5.0)).astype(np.int16)
    w, h = size
    reps = (h // 256 + 2, w // 256 + 2, 1)
    oy, ox = int(rng.integers(0, 256)), int(rng.integers(0, 256))
    noise = np.tile(tile, reps)[oy:oy + h, ox:ox + w]
    noisy = cv2.add(lit.astype(np.int16), noise, dtype=cv2.CV_16S)
    out = np.clip(noisy, 0, 255).astype(np.uint8)
    if rng.random() < 0.35:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(70, 93))])
        decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            out = decoded.astype(np.uint8)
    return out


def _scale(kind: str, rng: np.random.Generator, size: Size) -> float:
    """px per mm: pages cover 25-85% of the frame; cards keep the camera's scale, so they come out small."""
    w, h = size
    if kind in CARD_KINDS:
        return float(rng.uniform(6.5, 13.0)) * w / 3264
    cover = rng.uniform(0.25, 0.85)
    w_mm, h_mm = PAGE_MM[kind]
    return float(math.sqrt(cover * w * h / (w_mm * h_mm)))


def _angle(kind: str, rng: np.random.Generator) -> float:
    if kind in CARD_KINDS:
        return float(rng.uniform(-180, 180))
    base = float(rng.choice((90.0, -90.0))) if rng.random() < 0.7 else 0.0  # pages usually lie landscape
    return base + float(rng.uniform(-25, 25))


def render_scene(seed: int, *, size: Size = (3264, 2448), kind: str | None = None, documents: int = 1,
                 clutter: bool = True, condition: str | None = None) -> Scene:
    """One desk photograph with ``documents`` (1 or 2) documents; all corners inside the frame with a margin.

    ``condition`` (one of ``CONDITIONS``) adds what the module notes describe; without ``kind`` the
    document is drawn from the kinds that condition comes with."""
    if documents not in (1, 2):
        raise ValueError("a scene holds one or two documents")
    if condition is not None and condition not in CONDITIONS:
        raise ValueError(f"unknown scene condition {condition!r}; expected one of {CONDITIONS}")
    rng = np.random.default_rng(seed)
    crng = np.random.default_rng([seed, 19])  # the condition's own stream: plain scenes stay as they were
    if condition is not None and kind is None:
        choices = _CONDITION_KINDS[condition]
        kind = choices[int(crng.integers(0, len(choices)))]
    w, h = size
    kinds = [kind or str(rng.choice(DOCUMENT_KINDS))]
    if documents == 2:
        kinds.append(str(rng.choice(DOCUMENT_KINDS)))
    ppm = min(_scale(k, rng, size) for k in kinds)
    angles = [_angle(k, rng) for k in kinds]
    if condition == "landscape":  # long side across, nearly square to the frame, filling most of it
        angles[0] = (0.0 if PAGE_MM[kinds[0]][0] > PAGE_MM[kinds[0]][1] else 90.0) \
            + float(crng.choice((0.0, 180.0))) + float(crng.uniform(-6, 6))
        w_mm, h_mm = PAGE_MM[kinds[0]]
        ppm = float(math.sqrt(crng.uniform(0.5, 0.85) * w * h / (w_mm * h_mm)))
    jitters = [rng.uniform(-0.04, 0.04, size=(4, 2)).astype(np.float32) for _ in kinds]
    margin = 0.03 * min(w, h)
    if documents == 1:
        regions = [(margin, margin, w - margin, h - margin)]
    else:
        half = w / 2
        regions = [(margin, margin, half - margin / 2, h - margin), (half + margin / 2, margin, w - margin, h - margin)]
    quads: list[Quad] = []
    while True:
        placed = [_place(k, ppm, r, a, j, rng) for k, r, a, j in zip(kinds, regions, angles, jitters, strict=True)]
        if all(q is not None for q in placed):
            quads = [q for q in placed if q is not None]
            break
        ppm *= 0.95
    desk = str(rng.choice(_DESKS))
    image = _desk(rng, size, "near_white" if condition == "light_desk" else desk)
    if clutter:
        _clutter(rng, image, ppm)
    if condition == "under_sheet":
        _under_sheet(crng, image, quads[0], angles[0], ppm)
    for k, q in zip(kinds, quads, strict=True):
        _paste(image, k, q, ppm, rng)
        if clutter:
            _on_top(rng, image, q, ppm)
    if condition == "under_sheet" or (condition == "light_desk" and crng.random() < 0.5):
        _contact_shadow(crng, image, quads[0], ppm)
    if condition == "sleeve":
        _sleeve(crng, image, quads[0], ppm)
    if condition == "hard_shadow":
        _hard_shadow(crng, image, quads[0], ppm)
    image = _finish(rng, image, size)
    return Scene(image=image, corners=quads[0], kind=kinds[0], page_mm=PAGE_MM[kinds[0]], px_per_mm=ppm,
                 others=tuple(quads[1:]), condition=condition)


def condition_of(seed: int) -> str | None:
    """The condition ``synthetic_set`` gives a seed: none for 6 of every 12 seeds, then each condition once
    (so every condition is 1/12 of the set, 50% in all)."""
    slot = seed % (_PLAIN + len(CONDITIONS))
    return None if slot < _PLAIN else CONDITIONS[slot - _PLAIN]


def synthetic_set(count: int, *, first_seed: int = 0, size: Size = (3264, 2448),
                  conditions: bool = True) -> Iterator[Scene]:
    """The benchmark's set, one scene at a time: plain scenes take every kind in turn (so small counts
    still cover them all); with ``conditions`` half the seeds carry a condition (``condition_of``)."""
    for i in range(count):
        seed = first_seed + i
        condition = condition_of(seed) if conditions else None
        kind = DOCUMENT_KINDS[seed % len(DOCUMENT_KINDS)] if condition is None else None
        yield render_scene(seed, size=size, kind=kind, condition=condition)


def _roi_mask(image: NDArray[np.uint8], polygon: NDArray[np.float32], pad: float
              ) -> tuple[tuple[int, int, int, int], NDArray[np.float32]] | None:
    """The bounding box (x0, y0, x1, y1) of a polygon grown by ``pad`` px, clipped to the image, and an
    anti-aliased 0..1 mask of the polygon inside it; None when it lies outside the image."""
    h, w = image.shape[:2]
    lo, hi = polygon.min(axis=0) - pad, polygon.max(axis=0) + pad
    x0, y0 = int(max(math.floor(lo[0]), 0)), int(max(math.floor(lo[1]), 0))
    x1, y1 = int(min(math.ceil(hi[0]), w)), int(min(math.ceil(hi[1]), h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    pts = np.round((polygon - np.array([x0, y0], dtype=np.float32)) * 16).astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, cv2.LINE_AA, shift=4)
    return (x0, y0, x1, y1), mask.astype(np.float32) / 255.0


def _under_sheet(crng: np.random.Generator, image: NDArray[np.uint8], top: Quad, angle: float, ppm: float) -> None:
    """A second A4 sheet under the document, turned and shifted so that part of it shows."""
    w_mm, h_mm = PAGE_MM["a4_text"]
    w, h = w_mm * ppm, h_mm * ppm
    rect = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)], dtype=np.float32)
    turn = math.radians(angle + float(crng.choice((-1.0, 1.0))) * float(crng.uniform(3, 15)))
    c, s = math.cos(turn), math.sin(turn)
    direction = float(crng.uniform(0, 2 * math.pi))
    shift = float(crng.uniform(0.08, 0.25)) * (w + h) / 2
    centre = top.mean(axis=0) + np.array([math.cos(direction), math.sin(direction)], dtype=np.float32) * shift
    quad = as_quad(rect @ np.array([[c, s], [-s, c]], dtype=np.float32) + centre)
    _paste(image, str(crng.choice(("a4_text", "a4_table"))), quad, ppm, crng)


def _contact_shadow(crng: np.random.Generator, image: NDArray[np.uint8], quad: Quad, ppm: float) -> None:
    """The thin shade a sheet's thickness casts on a light desk, along one or two sides."""
    centre = quad.mean(axis=0)
    darker = float(crng.uniform(8, 22))
    for k in crng.choice(4, size=int(crng.integers(1, 3)), replace=False):
        a, b = quad[int(k)], quad[(int(k) + 1) % 4]
        normal = np.array([-(b - a)[1], (b - a)[0]], dtype=np.float32)
        normal /= max(float(np.linalg.norm(normal)), 1e-6)
        if float(np.dot(normal, (a + b) / 2 - centre)) < 0:
            normal = -normal
        width = max(0.5 * ppm, 2.0)
        band = np.array([a, b, b + normal * width, a + normal * width], dtype=np.float32)
        found = _roi_mask(image, band, 2.0)
        if found is None:
            continue
        (x0, y0, x1, y1), mask = found
        shade = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(width / 3, 0.8)), dtype=np.float32)
        roi = image[y0:y1, x0:x1].astype(np.float32) - np.float32(darker) * shade[..., None]
        image[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)


def _sleeve(crng: np.random.Generator, image: NDArray[np.uint8], quad: Quad, ppm: float) -> None:
    """A glossy plastic sleeve: a transparent outline a few mm larger than the document with a faint edge,
    a slight haze inside it, and a specular highlight band across it."""
    centre = quad.mean(axis=0)
    out = quad - centre
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
    grow = float(crng.uniform(3, 10)) * ppm * 1.41
    outer = (quad + out * grow + crng.uniform(-1, 1, size=(4, 2)).astype(np.float32) * ppm).astype(np.float32)
    pad = 40 * ppm
    found = _roi_mask(image, outer, pad)
    if found is None:
        return
    (x0, y0, x1, y1), mask = found
    roi = image[y0:y1, x0:x1].astype(np.float32)
    haze = float(crng.uniform(0.02, 0.07))
    roi = roi * (1 - np.float32(haze) * mask[..., None]) + np.float32(255.0 * haze) * mask[..., None]
    edge = np.zeros(mask.shape, dtype=np.uint8)  # the sleeve's welded edge: a faint line, lighter or darker
    pts = np.round((outer - np.array([x0, y0], dtype=np.float32)) * 16).astype(np.int32)
    cv2.polylines(edge, [pts], True, 255, max(int(0.4 * ppm), 1), cv2.LINE_AA, shift=4)
    roi += float(crng.choice((-1.0, 1.0))) * float(crng.uniform(8, 25)) * (edge.astype(np.float32) / 255.0)[..., None]
    theta = float(crng.uniform(0, math.pi))
    through = centre + (quad[int(crng.integers(0, 4))] - centre) * float(crng.uniform(0.0, 0.8))
    xs = (np.arange(x0, x1, dtype=np.float32) - through[0]) * np.float32(math.sin(theta))
    ys = (np.arange(y0, y1, dtype=np.float32) - through[1]) * np.float32(math.cos(theta))
    distance = xs[None, :] - ys[:, None]
    width = float(crng.uniform(8, 30)) * ppm
    glare = np.clip(np.float32(1.6) * np.exp(-np.square(distance / np.float32(width))), 0, 1) \
        * np.float32(crng.uniform(0.5, 0.95)) * mask
    roi = roi * (1 - glare[..., None]) + np.float32(252.0) * glare[..., None]
    image[y0:y1, x0:x1] = np.clip(roi, 0, 255).astype(np.uint8)


def _hard_shadow(crng: np.random.Generator, image: NDArray[np.uint8], quad: Quad, ppm: float) -> None:
    """A hard-edged shadow across part of the page and its edges: a hand and forearm reaching in over one
    side, or the camera arm's straight bar across the whole frame (both straight-edged enough to pass for
    a page edge)."""
    h, w = image.shape[:2]
    sw, sh = w // 2, h // 2
    q = quad / 2.0
    centre = q.mean(axis=0)
    mask = np.zeros((sh, sw), dtype=np.float32)
    k = int(crng.integers(0, 4))
    side_mid = (q[k] + q[(k + 1) % 4]) / 2
    out = side_mid - centre
    out /= max(float(np.linalg.norm(out)), 1e-6)
    across = np.array([-out[1], out[0]], dtype=np.float32)
    half = ppm / 2.0
    if crng.random() < 0.55:  # hand and forearm reaching in over side k
        tip = centre + (side_mid - centre) * float(crng.uniform(0.1, 0.7)) \
            + across * float(crng.uniform(-0.3, 0.3)) * float(np.linalg.norm(q[k] - q[(k + 1) % 4]))
        arm = float(crng.uniform(60, 85)) * half
        base = tip + out * 3 * max(sw, sh) + across * float(crng.uniform(-0.4, 0.4)) * max(sw, sh)
        body = np.array([tip + across * arm / 2, tip - across * arm / 2, base - across * arm * 0.6,
                         base + across * arm * 0.6], dtype=np.float32)
        cv2.fillPoly(mask, [np.round(body).astype(np.int32)], 1.0, cv2.LINE_AA)
        palm = tip - out * arm * 0.4
        cv2.ellipse(mask, (int(palm[0]), int(palm[1])), (int(arm * 0.55), int(arm * 0.7)),
                    math.degrees(math.atan2(out[1], out[0])) + 90, 0, 360, 1.0, -1, cv2.LINE_AA)
        for f in range(4):  # fingers
            root = palm - out * arm * 0.5 + across * (f - 1.5) * arm * 0.26
            end = root - out * arm * float(crng.uniform(0.5, 0.8))
            cv2.line(mask, (int(root[0]), int(root[1])), (int(end[0]), int(end[1])), 1.0, max(int(arm * 0.18), 2),
                     cv2.LINE_AA)
    else:  # the camera arm: a straight bar across the frame through the page
        through = centre + (q[int(crng.integers(0, 4))] - centre) * float(crng.uniform(0.1, 0.8))
        theta = float(crng.uniform(0, math.pi))
        d = np.array([math.cos(theta), math.sin(theta)], dtype=np.float32) * 2 * max(sw, sh)
        a, b = through - d, through + d
        cv2.line(mask, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), 1.0,
                 max(int(float(crng.uniform(18, 45)) * half), 3), cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), float(crng.uniform(0.6, 3.0)))
    full = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    gain = 1.0 - float(crng.uniform(0.3, 0.6)) * full
    image[...] = cv2.multiply(image, cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)


def blank_frame(size: Size, value: int = 235) -> NDArray[np.uint8]:
    """A frame with nothing in it at all (lens cap off a white board, or a frozen sensor)."""
    w, h = size
    return np.full((h, w, 3), value, dtype=np.uint8)


def black_frame(size: Size) -> NDArray[np.uint8]:
    """A covered lens or a camera that has not started yet: near-black with a little sensor noise."""
    w, h = size
    rng = np.random.default_rng(0)
    return rng.integers(0, 6, size=(h, w, 3), dtype=np.uint8)


def desk_only(seed: int, size: Size = (3264, 2448)) -> NDArray[np.uint8]:
    """The desk with its clutter and lighting but no document: detection must say there is none."""
    rng = np.random.default_rng(seed)
    image = _desk(rng, size, str(rng.choice(_DESKS)))
    _clutter(rng, image, float(rng.uniform(7, 11)) * size[0] / 3264)
    return _finish(rng, image, size)
