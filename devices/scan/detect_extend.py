"""A side that stopped short of the paper's edge: a colour-printed band, a shadow's edge or a printed rule.

A form printed to the very edge with a coloured header band, or a hard shadow lying straight across a
page, gives a strong straight step inside the page; the coarse search can take it for the page's side
and return a fragment of the page. A page lying on a desk has desk beyond every side. So when three
sides have much the same colour beyond them (the desk) and the fourth does not, that side is moved out
to the nearest parallel step, consistent along the whole side, beyond which the desk colour resumes,
provided the colour between is even along the side (a band, not a sticky note or a pen beside the page)
and the wider outline is closer to a real document's proportions (A4/A5, ID-1 card) than the narrow one,
or, since a camera tilted a few degrees can make a page without one of its two bands look the closer, the
desk seen beyond the other sides resumes right beyond the moved side (``_desk_resumes``).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, as_quad, order_corners, side_lengths

_SAMPLES = 24
_OUT = (4, 8)  # px beyond a side (coarse copy) sampled for the desk's colour
_MAX_SHARE = 0.3  # how far out, as a share of the neighbouring sides, a side may move
_DESK_AGREE = 14.0  # largest colour difference (YCrCb, chroma doubled) still "the same desk"
_MIN_RUN = 0.7  # share of the samples along a side that must step at the same offset
_BAND_EVEN = 18.0  # largest spread along the side of the colour between the old and the new side
_EVEN_SHARE = 60  # percentile of the samples along the side whose band colour must be even (a sleeve's glare
#                   or a shadow crossing the band leaves the rest of it even)
_CHANNEL_GAIN = np.array([1.0, 2.0, 2.0], dtype=np.float32)
_ASPECTS = (1.414, 1.586)  # ISO 216 sheets; ID-1 cards
#: largest aspect gap (``_aspect_gap``) of an outline widened to where the desk resumes: a camera tilted a few
#: degrees shows an A4 page at 1.35-1.48
_TILTED_GAP = 0.08


def _aspect_gap(quad: Quad) -> float:
    long_side, short_side = sorted(side_lengths(quad), reverse=True)
    aspect = long_side / max(short_side, 1e-6)
    return min(abs(aspect - a) / a for a in _ASPECTS)


def _beyond(lab: NDArray[np.uint8], q: NDArray[np.float64], k: int) -> NDArray[np.float32]:
    """The colour just beyond side ``k`` (``_OUT`` px out, the median along the side's middle)."""
    a, b = q[k], q[(k + 1) % 4]
    unit = (b - a) / max(float(np.linalg.norm(b - a)), 1e-9)
    outward = np.array([unit[1], -unit[0]])
    if float(np.dot(a - q.mean(axis=0), outward)) < 0:
        outward = -outward
    ts = np.linspace(0.15, 0.85, _SAMPLES)[:, None]
    offsets = np.arange(_OUT[0], _OUT[1] + 1, dtype=np.float64)[None, :, None]
    grid = ((a + ts * (b - a))[:, None, :] + offsets * outward[None, None, :]).astype(np.float32)
    values = cv2.remap(lab, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    out: NDArray[np.float32] = np.median(values.reshape(-1, 3).astype(np.float32), axis=0) * _CHANNEL_GAIN
    return out


def _desk_resumes(lab: NDArray[np.uint8], q: NDArray[np.float64], moved: NDArray[np.float64], k: int) -> bool:
    """The other sides have one desk beyond them (two of the three at least: a sticky note or a pen may lie
    beside the third), side ``k`` has something else (a band printed to the paper's edge) and the moved side
    has that desk beyond it: the band was the page's. A camera tilted a few degrees can make the outline
    without a band look closer to A4 than the whole page, so this holds without the proportions improving,
    as long as the wide outline is still a tilted sheet's (``_TILTED_GAP``)."""
    if _aspect_gap(as_quad(moved)) > _TILTED_GAP:
        return False
    others = np.array([_beyond(lab, q, j) for j in range(4) if j != k])
    desk = np.median(others, axis=0)
    if int((np.abs(others - desk).max(axis=1) <= 1.5 * _DESK_AGREE).sum()) < 2:
        return False  # no one desk round the other sides (one may have a sticky note or a pen beside it)
    before, after = _beyond(lab, q, k), _beyond(lab, moved, k)
    return float(np.abs(before - desk).max()) > 2 * _DESK_AGREE \
        and float(np.abs(after - desk).max()) <= 1.5 * _DESK_AGREE


def _steps_across(lab: NDArray[np.uint8], points: NDArray[np.float64],
                  normal: NDArray[np.float64]) -> NDArray[np.float32]:
    """Colour step across a line at each point, 3 px either side along ``normal``."""
    h, w = lab.shape[:2]
    a = np.round(points + 3 * normal).astype(np.int32)
    b = np.round(points - 3 * normal).astype(np.int32)
    va = lab[np.clip(a[:, 1], 0, h - 1), np.clip(a[:, 0], 0, w - 1)].astype(np.float32) * _CHANNEL_GAIN
    vb = lab[np.clip(b[:, 1], 0, h - 1), np.clip(b[:, 0], 0, w - 1)].astype(np.float32) * _CHANNEL_GAIN
    out: NDArray[np.float32] = np.abs(va - vb).max(axis=1)
    return out


def _extend_side(lab: NDArray[np.uint8], q: NDArray[np.float64], k: int) -> NDArray[np.float64] | None:
    """Side ``k`` moved out to the paper's edge, or None when it already is the edge."""
    direction = np.roll(q, -1, axis=0) - q
    lengths = np.linalg.norm(direction, axis=1)
    unit = direction / np.maximum(lengths[:, None], 1e-9)
    outward = np.stack([unit[:, 1], -unit[:, 0]], axis=1)
    centre = q.mean(axis=0)
    flip = np.einsum("ij,ij->i", q - centre[None, :], outward) < 0
    outward[flip] *= -1
    limit = int(_MAX_SHARE * float(min(lengths[(k - 1) % 4], lengths[(k + 1) % 4])))
    if limit < _OUT[1] + 2:
        return None
    offsets = np.arange(0, limit + 8, dtype=np.float64)
    ts = np.linspace(0.15, 0.85, _SAMPLES)
    base = q[k][None, :] + ts[:, None] * direction[k][None, :]
    grid = base[:, None, :] + offsets[None, :, None] * outward[k][None, None, :]
    flat = grid.astype(np.float32)
    values = cv2.remap(lab, flat[..., 0], flat[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    values = values.astype(np.float32) * _CHANNEL_GAIN  # (S, N, 3)
    step = np.abs(values[:, 1:] - values[:, :-1]).max(axis=2)
    step = step[:, :-1] + step[:, 1:]
    a, b = q[k], q[(k + 1) % 4]
    for e in range(limit - 1, _OUT[1] - 1, -1):  # the outermost: lettering inside a band also steps
        window = step[:, e - 1:e + 2].max(axis=1)
        if float(np.mean(window >= 8.0)) < _MIN_RUN:
            continue
        band = np.median(values[:, 2:max(e - 2, 3)], axis=1)  # (S, 3): colour between, per sample
        spread = np.abs(band - np.median(band, axis=0)).max(axis=1)  # a glare stripe crosses some samples
        if float(np.percentile(spread, _EVEN_SHARE)) > _BAND_EVEN:
            continue  # not an even band: things beside the page, not a part of it
        beyond = np.median(values[:, e + 3:e + 7], axis=(0, 1))
        if float(np.abs(beyond - np.median(band, axis=0)).max()) < 2 * _BAND_EVEN:
            continue  # print inside the band (its lettering), not the band's far edge
        # the neighbouring sides must run on past the corners to the new side: the band is part of the page
        along = np.linspace(2.0, max(e - 2.0, 3.0), 8)[:, None]
        before = _steps_across(lab, a[None, :] - along * unit[(k - 1) % 4] * -1.0, outward[(k - 1) % 4])
        after = _steps_across(lab, b[None, :] - along * unit[(k + 1) % 4], outward[(k + 1) % 4])
        if float(np.mean(before >= 8.0)) < _MIN_RUN or float(np.mean(after >= 8.0)) < _MIN_RUN:
            continue
        start = a + outward[k] * (e + 0.5)
        moved = q.copy()
        for corner, neighbour in ((k, (k - 1) % 4), ((k + 1) % 4, (k + 1) % 4)):
            p, r = q[neighbour], unit[neighbour]
            cross = r[0] * unit[k][1] - r[1] * unit[k][0]
            if abs(cross) < 1e-6:
                return None
            t = ((start[0] - p[0]) * unit[k][1] - (start[1] - p[1]) * unit[k][0]) / cross
            moved[corner] = p + t * r
        return moved
    return None


def extend_to_desk(lab: NDArray[np.uint8], quad: Quad) -> Quad | None:
    """The outline with up to two sides moved out to the paper's edge (coarse YCrCb copy), or None."""
    q = as_quad(order_corners(quad)).astype(np.float64)
    h, w = lab.shape[:2]
    moved_any = False
    for k in range(4):
        moved = _extend_side(lab, q, k)
        if moved is None:
            continue
        wide = as_quad(moved)
        if wide[:, 0].min() < 2 or wide[:, 1].min() < 2 or wide[:, 0].max() > w - 3 or wide[:, 1].max() > h - 3:
            continue
        if _aspect_gap(wide) + 0.02 >= _aspect_gap(as_quad(q)) and not _desk_resumes(lab, q, moved, k):
            continue
        q, moved_any = moved, True
    return order_corners(q) if moved_any else None
