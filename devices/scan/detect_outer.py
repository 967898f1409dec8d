"""The paper's own edge a little outside a printed frame: certificates on a light desk.

A certificate's printed double border is a strong, straight, closed outline; its cream paper edge on a
light grey desk is a faint step that the coarse contours often miss. When a found outline has, on all
four sides, a parallel step a little outside it that runs along most of the side, with paper-coloured
margin between and a different colour beyond, the outer step is the document's edge. A page lying on
a desk has no such band: just outside its edge is desk, whose colour differs from the page's.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, as_quad, order_corners

_SAMPLES = 24
_IN = 10  # px inside the frame sampled for the paper's colour
_MAX_MARGIN = 0.12  # of the shorter side: how far outside the printed frame the paper edge may lie
_MIN_RUN = 0.6  # share of the samples along a side whose profile steps at the same offset
_CHANNEL_GAIN = np.array([1.0, 2.0, 2.0], dtype=np.float32)  # chroma doubled, as in the contrast score


def _profiles(lab: NDArray[np.uint8], quad: NDArray[np.float64], outward: NDArray[np.float64],
              offsets: NDArray[np.float64]) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
    """Colour along outward normals: (4, samples, offsets, 3), and the sample bases (4, samples, 2)."""
    ts = np.linspace(0.15, 0.85, _SAMPLES)
    base = quad[:, None, :] + ts[None, :, None] * (np.roll(quad, -1, axis=0) - quad)[:, None, :]
    grid = base[:, :, None, :] + offsets[None, None, :, None] * outward[:, None, None, :]
    flat = grid.reshape(-1, len(offsets), 2).astype(np.float32)
    values = cv2.remap(lab, flat[..., 0], flat[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shaped = values.reshape(4, _SAMPLES, len(offsets), 3).astype(np.float32) * _CHANNEL_GAIN
    return shaped, base


def widen_to_paper_edge(lab: NDArray[np.uint8], quad: Quad) -> Quad | None:
    """The outline of the paper around the printed frame ``quad`` (coarse YCrCb copy), or None."""
    q = as_quad(quad).astype(np.float64)
    h, w = lab.shape[:2]
    direction = np.roll(q, -1, axis=0) - q
    lengths = np.linalg.norm(direction, axis=1)
    reach = int(max(6.0, _MAX_MARGIN * float(lengths.min())))
    unit = direction / np.maximum(lengths[:, None], 1e-9)
    outward = np.stack([unit[:, 1], -unit[:, 0]], axis=1)
    centre = q.mean(axis=0)
    flip = np.einsum("ij,ij->i", q - centre[None, :], outward) < 0
    outward[flip] *= -1
    offsets = np.arange(-_IN, reach + 4, dtype=np.float64)
    values, base = _profiles(lab, q, outward, offsets)
    step = np.abs(values[:, :, 1:] - values[:, :, :-1]).max(axis=3)  # (4, S, N-1), between offsets k, k+1
    step = step[:, :, :-1] + step[:, :, 1:]  # a blurred step spreads over two samples
    zero = _IN  # index of offset 0
    lines: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for k in range(4):
        best: int | None = None
        for e in range(reach - 1, 2, -1):  # the outermost consistent step
            at = zero + e
            if at + 3 > step.shape[2]:
                continue
            window = step[k, :, at - 1:at + 2].max(axis=1)
            if float(np.mean(window >= 5.0)) < _MIN_RUN:
                continue
            inside = np.median(values[k, :, zero + max(3, e // 2):zero + e - 1], axis=(0, 1)) if e > 4 else None
            paper = np.median(values[k, :, :zero - 5], axis=(0, 1))  # well inside the printed frame
            beyond = np.median(values[k, :, at + 3:at + 5], axis=(0, 1))
            if inside is None:
                continue
            like_paper, unlike_desk = float(np.abs(inside - paper).max()), float(np.abs(beyond - inside).max())
            if unlike_desk < 6.0 or like_paper > min(max(12.0, 0.35 * unlike_desk), 25.0):
                continue  # the band must look like the paper (shading allowed), and differ from beyond
            best = e
            break
        if best is None:
            return None
        points = base[k] + (best + 0.5) * outward[k]
        vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], dtype=np.float64), np.array([vx, vy], dtype=np.float64)))
    corners = []
    for k in range(4):
        (p, r), (s0, s) = lines[(k - 1) % 4], lines[k]
        cross = r[0] * s[1] - r[1] * s[0]
        if abs(cross) < 1e-6:
            return None
        t = ((s0[0] - p[0]) * s[1] - (s0[1] - p[1]) * s[0]) / cross
        corners.append(p + t * r)
    wide = np.array(corners)
    if wide[:, 0].min() < 2 or wide[:, 1].min() < 2 or wide[:, 0].max() > w - 3 or wide[:, 1].max() > h - 3:
        return None
    return order_corners(wide)
