"""Paper sizes and how a flattened document is laid onto a page.

Upload portals and printers think in standard sheets, while a camera measures whatever lies under it,
so this module decides the page a document ends up on: fitted onto A4 (what most portals want), at its
measured size (when the camera is calibrated), or snapped to the standard sheet it most resembles.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

MM_PER_INCH = 25.4
#: aspect ratios closer than this (relative) count as "the same shape" when snapping
ASPECT_TOLERANCE = 0.06
#: shapes this close (in aspect) are the same shape to a camera without calibration
SHAPE_TIE = 0.01
#: measured sizes within this (relative, per side) of a standard sheet snap to it
SIZE_TOLERANCE = 0.10


@dataclass(frozen=True)
class PageSize:
    name: str
    width_mm: float
    height_mm: float

    @property
    def aspect(self) -> float:
        """Long side over short side, whatever the orientation."""
        return max(self.width_mm, self.height_mm) / min(self.width_mm, self.height_mm)

    def landscape(self) -> PageSize:
        w, h = sorted((self.width_mm, self.height_mm), reverse=True)
        return PageSize(self.name, w, h)

    def portrait(self) -> PageSize:
        w, h = sorted((self.width_mm, self.height_mm))
        return PageSize(self.name, w, h)


A4 = PageSize("A4", 210, 297)
A5 = PageSize("A5", 148, 210)
A6 = PageSize("A6", 105, 148)
B5 = PageSize("B5", 176, 250)
ID_CARD = PageSize("ID-1", 85.6, 53.98)

#: sheets a counter meets, most common first (ties in shape go to the earlier one)
STANDARD_SIZES: tuple[PageSize, ...] = (A4, A5, ID_CARD, B5, A6)


def mm_to_px(mm: float, dpi: int) -> int:
    return max(1, round(mm / MM_PER_INCH * dpi))


def page_px(size: PageSize, dpi: int) -> tuple[int, int]:
    """(width, height) in pixels; A4 at 200 dpi is 1654 x 2339."""
    return mm_to_px(size.width_mm, dpi), mm_to_px(size.height_mm, dpi)


def is_card_shaped(aspect: float, long_side_mm: float | None = None) -> bool:
    """Whether a document looks like an ID-1 card (which stays landscape) rather than a sheet.

    The card's 1.586 and the A series' 1.414 are far enough apart for shape alone; a calibrated
    camera also rules out, say, a landscape half-sheet of that shape by its size.
    """
    shape_ok = abs(max(aspect, 1 / aspect) - ID_CARD.aspect) / ID_CARD.aspect < ASPECT_TOLERANCE
    if long_side_mm is None:
        return shape_ok
    return shape_ok and abs(long_side_mm - ID_CARD.width_mm) / ID_CARD.width_mm < 0.25


def snap_size(width_mm: float | None, height_mm: float | None, aspect: float) -> PageSize | None:
    """The standard sheet a document most resembles, oriented like the document, or None.

    Without a calibrated size only the shape is known, and A4, A5 and B5 share one shape: A4, the
    most common, wins. ``aspect`` is width over height.
    """
    landscape = aspect > 1
    shape = max(aspect, 1 / aspect)
    best: PageSize | None = None
    best_score = float("inf")
    for size in STANDARD_SIZES:
        if abs(shape - size.aspect) / size.aspect > ASPECT_TOLERANCE:
            continue
        oriented = size.landscape() if landscape else size.portrait()
        if width_mm is not None and height_mm is not None:
            dw = abs(width_mm - oriented.width_mm) / oriented.width_mm
            dh = abs(height_mm - oriented.height_mm) / oriented.height_mm
            score = max(dw, dh)
            if score > SIZE_TOLERANCE:
                continue
        else:
            score = abs(shape - size.aspect)
            if best is not None and score > best_score - SHAPE_TIE:
                continue  # same shape as an earlier, more common sheet
        if score < best_score:
            best, best_score = oriented, score
    return best


def fit_box(doc_w: float, doc_h: float, page_w: int, page_h: int) -> tuple[int, int]:
    """The largest (width, height) with the document's shape that fits in the page."""
    scale = min(page_w / doc_w, page_h / doc_h)
    return max(1, min(page_w, round(doc_w * scale))), max(1, min(page_h, round(doc_h * scale)))


def place_centred(content: NDArray[np.uint8], page_w: int, page_h: int, fill: int = 255) -> NDArray[np.uint8]:
    """Put ``content`` in the middle of a blank page of the same channel count."""
    h, w = content.shape[:2]
    if (w, h) == (page_w, page_h):
        return content
    shape = (page_h, page_w, *content.shape[2:])
    page = np.full(shape, fill, dtype=np.uint8)
    x, y = (page_w - w) // 2, (page_h - h) // 2
    page[y:y + h, x:x + w] = content
    return page


def outline(page: NDArray[np.uint8], x: int, y: int, w: int, h: int, thickness: int, grey: int = 160) -> None:
    """Draw a thin grey frame around a region (the cut line on an ID copy)."""
    colour = (grey, grey, grey) if page.ndim == 3 else grey
    cv2.rectangle(page, (x - thickness, y - thickness), (x + w + thickness - 1, y + h + thickness - 1),
                  colour, thickness)
