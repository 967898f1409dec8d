"""A second opinion on where the page is: a small learned mask of the main document, for outlines the
edge search does not trust.

The edge search (``detect.py``) reads edges; where a page lies on a second sheet, the side across that
sheet has next to no edge, and the search settles on whatever closes (a printed frame, a shadow's edge, the
two sheets together) and rightly does not trust it. What still tells the page apart there is everything
around the edge: the other sheet's print stopping at it, the page's own margins, its proportions. A small
convolutional network (a U-Net of about 330 000 weights, ``scripts/train_outline_model.py``) reads a
256 x 192 copy of the frame and gives, per pixel of a 128 x 96 grid, how likely it is to lie on the main
document; the outline is the quad fitted to that mask's border, then each side is moved onto the edge at
full resolution where there is one (``refine.py``).

It never makes an outline trusted: its outline only replaces an untrusted one it disagrees with, so the
clerk's edge editor and the preview start from it, and a capture still keeps the whole frame. It was
trained on the project's own synthetic desk photographs only (``devices.sim.docscene``, seeds apart from
every range used for measuring); it has never seen a real desk, which is why it gets no say over trust.

Inference runs through OpenCV's DNN module from the ONNX file beside the other resources, so it adds no
runtime dependency; PyTorch is needed only to train it again.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Line, Quad, corners_of, is_convex, order_corners, quad_area

#: the network's input, (width, height); its mask is half of it each way
INPUT_SIZE = (256, 192)
#: least share of the mask's grid the document covers (a card at the camera's scale is about 2.4 %)
MIN_SHARE = 0.015
#: the fitted quad must be covered by the mask (and cover it) about as well as a straight-sided outline is:
#: a blob that is not four-sided, or a quad with holes in its mask (the network unsure of part of the page),
#: falls short; at 0.90 two right but untrusted outlines of seeds 8000-8959 were replaced by worse learned ones
MIN_FILL = 0.94
#: probability at which a grid cell counts as the document
LEVEL = 0.5
_UPSAMPLE = 8  # the mask is smoothed up this much before its border is traced: sides to a fraction of a cell


class _Model:
    """The network and a lock: OpenCV's ``Net`` keeps state between ``setInput`` and ``forward``."""

    def __init__(self) -> None:
        with resources.as_file(resources.files("resources") / "models" / "document_outline.onnx") as path:
            self.net = cv2.dnn.readNetFromONNX(str(path))
        self.lock = threading.Lock()

    def mask(self, image: NDArray[np.uint8]) -> NDArray[np.float32]:
        small = cv2.resize(image, INPUT_SIZE, interpolation=cv2.INTER_AREA)
        blob = cv2.dnn.blobFromImage(small, scalefactor=1.0 / 255.0)
        with self.lock:
            self.net.setInput(blob)
            logits = np.asarray(self.net.forward(), dtype=np.float32)[0, 0]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)


@lru_cache(maxsize=1)
def _model() -> _Model:
    """Loaded once per process on first use (about 1.3 MB); a frame never needs it before then."""
    return _Model()


def document_mask(image: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Per cell of a 128 x 96 grid over ``image`` (BGR), how likely it lies on the main document."""
    if image.ndim == 2:
        image = np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    return _model().mask(image)


def quad_from_mask(mask: NDArray[np.float32], size: tuple[int, int]) -> Quad | None:
    """The four-sided outline of the mask's largest region in an image of ``size`` (width, height), or None
    when there is no region of a document's size or it is not four-sided."""
    grid_h, grid_w = mask.shape
    fine = cv2.resize(mask, (grid_w * _UPSAMPLE, grid_h * _UPSAMPLE), interpolation=cv2.INTER_LINEAR)
    binary = (fine >= LEVEL).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    region = (labels == largest).astype(np.uint8)
    area = float(stats[largest, cv2.CC_STAT_AREA])
    if area < MIN_SHARE * region.size:
        return None
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = _four_sides(hull)
    if quad is None:
        return None
    outline = np.zeros_like(region)
    cv2.fillPoly(outline, [np.round(quad).astype(np.int32)], 1)
    inside = float(np.count_nonzero(outline & region))
    if inside / max(float(np.count_nonzero(outline)), 1.0) < MIN_FILL or inside / area < MIN_FILL:
        return None
    # a fine cell's centre is at (i + 0.5) / _UPSAMPLE grid cells, a grid cell's at (j + 0.5) of its pixels
    scale = np.array([size[0] / (grid_w * _UPSAMPLE), size[1] / (grid_h * _UPSAMPLE)], dtype=np.float32)
    return order_corners((quad + 0.5) * scale - 0.5)  # pixel centres at whole numbers, as everywhere here


def _four_sides(hull: NDArray[np.int32]) -> NDArray[np.float32] | None:
    """Four corners for a convex outline: the hull simplified to four points, then each side a line fitted
    through the hull's border points nearest it (the border is traced in whole cells; the fit averages)."""
    perimeter = cv2.arcLength(hull, True)
    rough = None
    for share in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4:
            rough = approx.reshape(4, 2).astype(np.float32)
            break
        if len(approx) < 4:
            return None
    if rough is None or not is_convex(rough) or quad_area(rough) <= 0:
        return None
    points = _dense_border(hull.reshape(-1, 2).astype(np.float32))
    lines: list[Line] = []
    for k in range(4):
        a, b = rough[k], rough[(k + 1) % 4]
        length = float(np.linalg.norm(b - a))
        direction = (b - a) / max(length, 1e-6)
        normal = np.array([-direction[1], direction[0]], dtype=np.float32)
        along = (points - a) @ direction
        across = np.abs((points - a) @ normal)
        near = points[(along > 0.15 * length) & (along < 0.85 * length) & (across < max(2.0, 0.03 * length))]
        if len(near) < 2:
            lines.append((a.astype(np.float64), direction.astype(np.float64)))
            continue
        vx, vy, x0, y0 = cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)))
    corners = corners_of(lines)
    if corners is None:
        return None
    quad = corners.astype(np.float32)
    if not is_convex(quad) or float(np.abs(quad - rough).max()) > 0.1 * cv2.arcLength(rough.reshape(-1, 1, 2), True):
        return None
    return quad


def _dense_border(hull: NDArray[np.float32]) -> NDArray[np.float32]:
    """Points every cell or so along the hull's sides (a hull keeps only its vertices)."""
    out = []
    for a, b in zip(hull, np.roll(hull, -1, axis=0), strict=True):
        steps = max(int(np.linalg.norm(b - a)), 1)
        out.append(a + (b - a) * (np.arange(steps, dtype=np.float32)[:, None] / steps))
    return np.concatenate(out).astype(np.float32)


def model_outline(image: NDArray[np.uint8]) -> Quad | None:
    """The main document's outline in ``image``'s pixels as the network sees it, or None."""
    h, w = image.shape[:2]
    return quad_from_mask(document_mask(image), (w, h))
