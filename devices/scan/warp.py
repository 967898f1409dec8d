"""Flattening: from a photographed quad to an upright rectangle of the right shape.

Side lengths in the photo understate the far edge of a page seen at an angle, so the shape is taken
from the Zhang–He whiteboard method (focal length and aspect from the four corners, principal point
at the image centre) and side lengths serve only when that method is ill-conditioned (nearly
fronto-parallel views, where the two agree anyway). The homography is built to land straight on the
output size, so a single interpolation at the final resolution does all the geometry, deskew included.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, as_quad, side_lengths

Homography = NDArray[np.float64]

#: focal lengths (in units of the frame's long side) of real document and phone cameras, wide to tele
MIN_FOCAL = 0.4
MAX_FOCAL = 2.0
DEFAULT_FOCAL = 1.0


def true_aspect(quad: Quad, frame_size: tuple[int, int]) -> float:
    """Width over height of the real rectangle behind ``quad`` (clockwise from top-left).

    ``frame_size`` is (width, height) of the photo, whose centre is taken as the principal point.
    """
    q = as_quad(quad).astype(np.float64)
    w_side, h_side = side_lengths(quad)
    fallback = w_side / h_side
    u0, v0 = frame_size[0] / 2.0, frame_size[1] / 2.0
    # Zhang & He, "Whiteboard scanning and image enhancement" (2007): m1 top-left, m2 top-right,
    # m3 bottom-left, m4 bottom-right in homogeneous coordinates.
    m1, m2, m4, m3 = (np.array([x, y, 1.0]) for x, y in q)
    den2 = np.dot(np.cross(m2, m4), m3)
    den3 = np.dot(np.cross(m3, m4), m2)
    if abs(den2) < 1e-9 or abs(den3) < 1e-9:
        return fallback
    k2 = np.dot(np.cross(m1, m4), m3) / den2
    k3 = np.dot(np.cross(m1, m4), m2) / den3
    n2 = k2 * m2 - m1
    n3 = k3 * m3 - m1
    scale = max(frame_size)
    if abs(n2[2] * n3[2]) * scale * scale < 1e-3 * np.linalg.norm(n2[:2]) * np.linalg.norm(n3[:2]):
        # A pair of sides parallel in the image (tilt about one axis only): the focal length cannot be
        # observed, so assume a typical one; the aspect is not very sensitive to it.
        f2 = (DEFAULT_FOCAL * scale) ** 2
    else:
        f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + n2[2] * n3[2] * u0 * u0)
               + (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + n2[2] * n3[2] * v0 * v0)) / (n2[2] * n3[2])
    if not math.isfinite(f2) or f2 <= 0:
        return fallback
    a_inv = np.linalg.inv(np.array([[math.sqrt(f2), 0, u0], [0, math.sqrt(f2), v0], [0, 0, 1.0]]))
    b = a_inv.T @ a_inv
    ratio2 = float(n2 @ b @ n2) / float(n3 @ b @ n3)
    if not math.isfinite(ratio2) or ratio2 <= 0:
        return fallback
    aspect = math.sqrt(ratio2)
    # Near-frontal views make the estimate ill-conditioned: a corner a few pixels off moves the focal
    # length by thousands. Trust it only with a lens-like focal length and a correction no bigger than
    # the foreshortening the quad itself shows (the opposite sides' length ratios).
    top, right, bottom, left = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
    foreshortening = abs(1 - top / bottom) + abs(1 - left / right)
    plausible_lens = MIN_FOCAL * scale < math.sqrt(f2) < MAX_FOCAL * scale
    return aspect if plausible_lens and abs(aspect / fallback - 1) <= 0.75 * foreshortening + 0.005 else fallback


def orient(quad: Quad, aspect: float, *, landscape: bool) -> tuple[Quad, float]:
    """Start the quad at another corner so the output comes out portrait (or landscape for cards).

    Detection orders corners by image position, so a page lying sideways would come out sideways;
    turning it a quarter counter-clockwise is as good a guess as any without reading the text.
    """
    q = as_quad(quad)
    if (aspect > 1) == landscape or math.isclose(aspect, 1.0, rel_tol=0.02):
        return q, aspect
    return np.roll(q, -1, axis=0).astype(np.float32), 1.0 / aspect


def page_homography(quad: Quad, width: int, height: int, angle_deg: float = 0.0) -> Homography:
    """Map the quad (clockwise from the page's top-left) onto a width x height image.

    ``angle_deg`` rotates the content about the output centre (positive = counter-clockwise on
    screen), which is how a residual skew is taken out without a second interpolation.
    """
    src = as_quad(quad)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    h = cv2.getPerspectiveTransform(src, dst).astype(np.float64)
    if angle_deg:
        rot = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), angle_deg, 1.0)
        h = np.vstack([rot, [0.0, 0.0, 1.0]]) @ h
    return h


def warp(frame: NDArray[np.uint8], homography: Homography, width: int, height: int,
         *, fast: bool = False) -> NDArray[np.uint8]:
    """Resample the frame through ``homography``; replicate edges so a rotation adds no black wedges."""
    flags = cv2.INTER_NEAREST if fast else cv2.INTER_LINEAR
    source, h = _crop_to_footprint(frame, homography, width, height)
    four = source.ndim == 3 and source.shape[2] == 3 and not fast
    if four:  # OpenCV's vectorised bilinear path is about twice as fast on four channels as on three
        source = np.asarray(cv2.cvtColor(source, cv2.COLOR_BGR2BGRA), dtype=np.uint8)
    out = cv2.warpPerspective(source, h, (width, height), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    if four:
        out = cv2.cvtColor(out, cv2.COLOR_BGRA2BGR)
    return np.asarray(out, dtype=np.uint8)


def _crop_to_footprint(frame: NDArray[np.uint8], homography: Homography, width: int,
                       height: int) -> tuple[NDArray[np.uint8], Homography]:
    """The part of the frame the output actually samples, and the homography adjusted to it."""
    corners = np.array([[[0, 0], [width, 0], [width, height], [0, height]]], dtype=np.float64)
    try:
        src = cv2.perspectiveTransform(corners, np.linalg.inv(homography))[0]
    except np.linalg.LinAlgError:
        return frame, homography
    fh, fw = frame.shape[:2]
    x0, y0 = (int(max(0, min(np.floor(src[:, i].min()) - 2, lim))) for i, lim in ((0, fw - 1), (1, fh - 1)))
    x1 = int(min(fw, max(np.ceil(src[:, 0].max()) + 3, x0 + 1)))
    y1 = int(min(fh, max(np.ceil(src[:, 1].max()) + 3, y0 + 1)))
    shift = np.array([[1, 0, x0], [0, 1, y0], [0, 0, 1]], dtype=np.float64)
    return frame[y0:y1, x0:x1], homography @ shift


def flatten(frame: NDArray[np.uint8], quad: Quad, width: int, height: int, angle_deg: float = 0.0) -> NDArray[np.uint8]:
    """The document inside ``quad`` as an upright width x height image."""
    return warp(frame, page_homography(quad, width, height, angle_deg), width, height)
