"""Photographs of documents on a desk, as a document camera (高拍仪) takes them, with the true corners.

The camera looks straight down from a fixed height, so the scale (px per mm) hardly varies and the
perspective is mild; what makes real frames hard is the rest: wood grain and dark or low-contrast
desks, pens, phones and sticky notes beside the page, a hand's shadow across it, vignetting, noise,
blur and JPEG artefacts. Everything is drawn from one seed so a failing frame can be reproduced.

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
from devices.sim.docscene_render import CARD_KINDS, DOCUMENT_KINDS, PAGE_MM, document_mask, render_document

__all__ = ["DOCUMENT_KINDS", "Scene", "black_frame", "blank_frame", "desk_only", "render_document", "render_scene",
           "synthetic_set"]

Size = tuple[int, int]  # (width, height), as OpenCV and the camera speak of frames
_DESKS = ("wood", "laminate", "dark_mat", "light_grey")


@dataclass(frozen=True)
class Scene:
    image: NDArray[np.uint8]
    corners: Quad
    kind: str
    page_mm: tuple[float, float]
    px_per_mm: float
    others: tuple[Quad, ...] = ()


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
                 clutter: bool = True) -> Scene:
    """One desk photograph with ``documents`` (1 or 2) documents; all corners inside the frame with a margin."""
    if documents not in (1, 2):
        raise ValueError("a scene holds one or two documents")
    rng = np.random.default_rng(seed)
    w, h = size
    kinds = [kind or str(rng.choice(DOCUMENT_KINDS))]
    if documents == 2:
        kinds.append(str(rng.choice(DOCUMENT_KINDS)))
    ppm = min(_scale(k, rng, size) for k in kinds)
    angles = [_angle(k, rng) for k in kinds]
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
    image = _desk(rng, size, str(rng.choice(_DESKS)))
    if clutter:
        _clutter(rng, image, ppm)
    for k, q in zip(kinds, quads, strict=True):
        _paste(image, k, q, ppm, rng)
        if clutter:
            _on_top(rng, image, q, ppm)
    image = _finish(rng, image, size)
    return Scene(image=image, corners=quads[0], kind=kinds[0], page_mm=PAGE_MM[kinds[0]], px_per_mm=ppm,
                 others=tuple(quads[1:]))


def synthetic_set(count: int, *, first_seed: int = 0, size: Size = (3264, 2448)) -> Iterator[Scene]:
    """The benchmark's set: every kind in turn (so small counts still cover them all), one scene at a time."""
    for i in range(count):
        yield render_scene(first_seed + i, size=size, kind=DOCUMENT_KINDS[(first_seed + i) % len(DOCUMENT_KINDS)])


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
