"""The widespread open-source document scanner, kept as the yardstick for our detection.

This is the method of the well-known "mobile document scanner" tutorials (resize to 500 px height,
grey, 5x5 Gaussian blur, Canny 75/200, the largest contours, the first whose polygon approximation at
2% of its perimeter has four points, then a four-point perspective transform), written as faithfully
as we can so the benchmark compares against what people actually use, not a weakened copy.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan.geometry import Quad, order_corners, scale_quad

BASELINE_HEIGHT = 500


def detect_baseline(image: NDArray[np.uint8]) -> Quad | None:
    """Corners of the first large four-sided contour, in the input's pixels, or None."""
    ratio = image.shape[0] / BASELINE_HEIGHT
    width = max(round(image.shape[1] / ratio), 1)
    small = cv2.resize(image, (width, BASELINE_HEIGHT), interpolation=cv2.INTER_AREA)  # as imutils.resize
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    blurred = cv2.GaussianBlur(grey, (5, 5), 0)
    edged = cv2.Canny(blurred, 75, 200)
    contours, _ = cv2.findContours(edged.copy(), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        perimeter = cv2.arcLength(contour, True)
        approx = cv2.approxPolyDP(contour, 0.02 * perimeter, True)
        if len(approx) == 4:
            return scale_quad(order_corners(approx.reshape(4, 2)), ratio)
    return None


def four_point_transform(image: NDArray[np.uint8], quad: Quad) -> NDArray[np.uint8]:
    """The tutorials' warp: output as wide as the longer top/bottom side, as high as the longer side."""
    tl, tr, br, bl = order_corners(quad)
    width = int(max(np.linalg.norm(br - bl), np.linalg.norm(tr - tl)))
    height = int(max(np.linalg.norm(tr - br), np.linalg.norm(tl - bl)))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(np.array([tl, tr, br, bl], dtype=np.float32), dst)
    return np.asarray(cv2.warpPerspective(image, matrix, (max(width, 1), max(height, 1))), dtype=np.uint8)


def baseline_scan(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Detect and flatten; like the tutorials, fall back to the whole frame when nothing is found."""
    quad = detect_baseline(image)
    if quad is None:
        return image
    return four_point_transform(image, quad)
