"""Synthetic documents photographed by a synthetic camera, with the truth kept for checking scans.

A page is drawn at 5 px/mm (text lines, a table, a red stamp, a QR code), then projected through a
pinhole camera (focal length, tilt, principal point at the centre, like a document camera on its arm)
onto a grey desk with a shadow gradient and sensor noise. The true homography from page pixels to
frame pixels is returned so a scan can be mapped back and compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

PX_PER_MM = 5.0
QR_TEXT = "https://si.example.cn/v/20260115-0042"
FRAME_SIZE = (3264, 2448)
STAMP_CENTRE_MM = (150.0, 240.0)
STAMP_RADIUS_MM = 20.0
QR_BOX_MM = (20.0, 230.0, 40.0)  # x, y, size


@dataclass(frozen=True)
class Scene:
    frame: NDArray[np.uint8]
    quad: NDArray[np.float32]  # page corners in the frame, clockwise from the page's top-left
    page_to_frame: NDArray[np.float64]  # homography from page pixels (5 px/mm) to frame pixels
    px_per_mm: float  # at the page centre, for calibrated-camera tests


def make_page(width_mm: float = 210, height_mm: float = 297, *, seed: int = 1, qr: bool = True,
              stamp: bool = True, qr_mm: float = QR_BOX_MM[2]) -> NDArray[np.uint8]:
    rng = np.random.default_rng(seed)
    w, h = round(width_mm * PX_PER_MM), round(height_mm * PX_PER_MM)
    page = np.full((h, w, 3), 246, np.uint8)
    s = PX_PER_MM
    cv2.putText(page, "APPLICATION FORM 2026", (int(20 * s), int(25 * s)), cv2.FONT_HERSHEY_DUPLEX, 2.2,
                (0, 0, 0), 4, cv2.LINE_AA)
    y = 40 * s
    while y < 120 * s:  # paragraphs of "text": words as filled dark boxes of random length plus letters
        x = 20 * s
        while x < (width_mm - 40) * s:
            word = "".join(rng.choice(list("ABCDEFGHKMNPRSTUVWXYZ"), size=int(rng.integers(2, 7))))
            cv2.putText(page, word, (int(x), int(y)), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2, cv2.LINE_AA)
            x += (len(word) * 4.2 + 4) * s
        y += 8 * s
    top, left, cell_w, cell_h = 130 * s, 20 * s, (width_mm - 40) / 4 * s, 12 * s
    for r in range(6):
        for c in range(4):
            p0 = (int(left + c * cell_w), int(top + r * cell_h))
            cv2.rectangle(page, p0, (int(p0[0] + cell_w), int(p0[1] + cell_h)), (0, 0, 0), 2)
            cv2.putText(page, f"R{r}C{c}", (p0[0] + 12, p0[1] + int(cell_h) - 18), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                        (30, 30, 30), 2, cv2.LINE_AA)
    if stamp:
        centre = (int(STAMP_CENTRE_MM[0] * s), int(STAMP_CENTRE_MM[1] * s))
        cv2.circle(page, centre, int(STAMP_RADIUS_MM * s), (40, 40, 210), 7, cv2.LINE_AA)
        cv2.circle(page, centre, int(6 * s), (40, 40, 210), -1, cv2.LINE_AA)
    if qr:
        code = cv2.QRCodeEncoder.create().encode(QR_TEXT)
        x, y, size = (int(v * s) for v in (QR_BOX_MM[0], QR_BOX_MM[1], qr_mm))
        tile = cv2.resize(code, (size, size), interpolation=cv2.INTER_NEAREST)
        page[y:y + size, x:x + size] = np.where(tile[..., None] > 127, 246, 0).astype(np.uint8)
    return page


def camera_homography(width_mm: float, height_mm: float, *, tilt_deg: tuple[float, float, float] = (6, -4, 3),
                      distance_mm: float = 420, focal_px: float = 2900,
                      frame_size: tuple[int, int] = FRAME_SIZE) -> NDArray[np.float64]:
    """Homography from page millimetres (origin top-left) to frame pixels for a tilted pinhole camera."""
    k = np.array([[focal_px, 0, frame_size[0] / 2], [0, focal_px, frame_size[1] / 2], [0, 0, 1]])
    rvec = np.radians(np.array(tilt_deg, dtype=np.float64))
    r, _ = cv2.Rodrigues(rvec)
    centre = np.array([width_mm / 2, height_mm / 2, 0.0])
    t = np.array([0.0, 0.0, distance_mm]) - r @ centre
    return np.asarray(k @ np.column_stack([r[:, 0], r[:, 1], t]), dtype=np.float64)


def photograph(page: NDArray[np.uint8], *, seed: int = 2, shadow: float = 0.45, rotate_page: int = 0,
               **camera: object) -> Scene:
    """The page on a desk, seen by the camera, with a shadow falling across it."""
    rng = np.random.default_rng(seed)
    h_px, w_px = page.shape[:2]
    w_mm, h_mm = w_px / PX_PER_MM, h_px / PX_PER_MM
    mm_to_frame = camera_homography(w_mm, h_mm, **camera)  # type: ignore[arg-type]
    page_to_frame = mm_to_frame @ np.diag([1 / PX_PER_MM, 1 / PX_PER_MM, 1.0])
    fw, fh = FRAME_SIZE
    desk = np.full((fh, fw, 3), (95, 105, 110), np.uint8)
    warped = cv2.warpPerspective(page, page_to_frame, (fw, fh), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h_px, w_px), 255, np.uint8), page_to_frame, (fw, fh))
    frame = np.where(mask[..., None] > 127, warped, desk).astype(np.float32)
    xx, yy = np.meshgrid(np.linspace(0, 1, fw, dtype=np.float32), np.linspace(0, 1, fh, dtype=np.float32))
    light = 1.0 - shadow * np.clip((xx + yy) - 0.6, 0, 1)  # darker towards the bottom-right
    frame = frame * light[..., None] + rng.normal(0, 2.5, frame.shape).astype(np.float32)
    corners = np.array([[0, 0], [w_px, 0], [w_px, h_px], [0, h_px]], dtype=np.float64)
    quad = cv2.perspectiveTransform(corners[None], page_to_frame)[0].astype(np.float32)
    quad = np.roll(quad, -rotate_page, axis=0)
    centre = cv2.perspectiveTransform(np.array([[[w_px / 2, h_px / 2], [w_px / 2 + PX_PER_MM, h_px / 2]]]),
                                      page_to_frame)[0]
    px_per_mm = float(np.linalg.norm(centre[1] - centre[0]))
    return Scene(np.clip(frame, 0, 255).astype(np.uint8), quad, page_to_frame, px_per_mm)


def make_card(seed: int = 3) -> NDArray[np.uint8]:
    """An ID-1 card face at 5 px/mm: tinted background, a photo block, text lines."""
    w, h = round(85.6 * PX_PER_MM), round(53.98 * PX_PER_MM)
    card = np.zeros((h, w, 3), np.uint8)
    card[:] = (225, 215, 190)
    cv2.rectangle(card, (int(w * 0.66), int(h * 0.12)), (int(w * 0.94), int(h * 0.8)), (90, 110, 150), -1)
    for i in range(5):
        cv2.putText(card, f"LINE {i} ABC", (20, 40 + i * 42), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (30, 30, 30), 2)
    return card


def ncc(a: NDArray[np.generic], b: NDArray[np.generic]) -> float:
    x = a.astype(np.float64).ravel() - a.mean()
    y = b.astype(np.float64).ravel() - b.mean()
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-9))
