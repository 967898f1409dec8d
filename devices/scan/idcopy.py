"""ID copies (身份证复印件) the way counters make them: both sides of the card on one A4 sheet.

Each side is flattened to exactly ID-1 size at the requested dpi, so the copy prints at the card's
real size whatever the camera saw; the sides sit centred in the upper and lower halves of a portrait
A4 page with a thin grey cut line. A card's printed background is not paper, so it gets a global
white balance instead of the page whitening that would wash out the photo.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.scan import enhance
from devices.scan.encode import encode_jpeg
from devices.scan.geometry import Quad
from devices.scan.paper import A4, ID_CARD, outline, page_px
from devices.scan.pipeline import (
    DEFAULT_OPTIONS,
    ColourMode,
    ScanError,
    ScannedPage,
    ScanOptions,
    check_frame,
    check_options,
    check_quad,
)
from devices.scan.warp import flatten, orient, true_aspect

__all__ = ["compose_id_copy", "upright_card"]

#: grey of the cut line around each side
OUTLINE_GREY = 160


#: how much heavier one end must be before a card is turned over (a clear photo or emblem, not noise)
UPRIGHT_MARGIN = 1.4


def _card_side(frame: NDArray[np.uint8], quad: Quad | None, options: ScanOptions, face: str) -> NDArray[np.uint8]:
    image = check_frame(frame)
    q = check_quad(quad, image.shape)
    aspect = true_aspect(q, (image.shape[1], image.shape[0]))
    q, _ = orient(q, aspect, landscape=True)
    width, height = page_px(ID_CARD, options.dpi)
    side = upright_card(flatten(image, q, width, height), face)
    return enhance.stretch_levels(side) if options.whiten else side


def upright_card(side: NDArray[np.uint8], face: str) -> NDArray[np.uint8]:
    """Turn a landscape card the right way up by its fixed layout (GB/T 16088 ID-1, the 2nd-generation card).

    A card under the camera may lie upside down; a copy with one side upside down is not acceptable at
    the counter, and the clerk cannot turn one side of a composed page. The front (人像面) carries its
    photo, a solid dark block, in the right third; the back (国徽面) its red national emblem top left.
    Only a clear difference turns the card, so an unusual card is left as it lies.
    """
    small = cv2.resize(side, (172, 108), interpolation=cv2.INTER_AREA)
    if face == "front":
        grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        dark = grey < np.median(grey) - 50  # ink against the card's own ground, whatever the lighting
        left, right = float(dark[:, :57].mean()), float(dark[:, -57:].mean())
        upside_down = left > max(right * UPRIGHT_MARGIN, 0.01)
    else:
        hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
        red = ((hsv[:, :, 0] < 12) | (hsv[:, :, 0] > 168)) & (hsv[:, :, 1] > 90) & (hsv[:, :, 2] > 60)
        top_left, bottom_right = float(red[:54, :86].mean()), float(red[54:, 86:].mean())
        upside_down = bottom_right > max(top_left * UPRIGHT_MARGIN, 0.01)
    if not upside_down:
        return side
    turned: NDArray[np.uint8] = np.ascontiguousarray(side[::-1, ::-1])
    return turned


def compose_id_copy(front: NDArray[np.uint8], back: NDArray[np.uint8], *, front_quad: Quad | None = None,
                    back_quad: Quad | None = None, options: ScanOptions = DEFAULT_OPTIONS) -> ScannedPage:
    """Both sides of an ID card at true size on one portrait A4 page (front above, back below)."""
    check_options(options)
    mode = ColourMode(options.mode)
    try:
        sides = [_card_side(front, front_quad, options, "front"), _card_side(back, back_quad, options, "back")]
        page_w, page_h = page_px(A4, options.dpi)
        page = np.full((page_h, page_w, 3), 255, dtype=np.uint8)
        line = max(1, round(options.dpi / 150))
        for index, side in enumerate(sides):
            h, w = side.shape[:2]
            x = (page_w - w) // 2
            y = index * (page_h // 2) + (page_h // 2 - h) // 2
            page[y:y + h, x:x + w] = side
            outline(page, x, y, w, h, line, OUTLINE_GREY)
        pixels: NDArray[np.uint8] = page
        if mode is not ColourMode.COLOUR:
            pixels = enhance.to_grey(page)
            if mode is ColourMode.BW:
                pixels = enhance.binarise(pixels, whitened=False)
        jpeg = encode_jpeg(pixels, options.max_bytes, dpi=options.dpi)
    except ScanError:
        raise
    except (cv2.error, ValueError) as exc:
        raise ScanError(f"ID copy failed: {exc}") from exc
    return ScannedPage(pixels, jpeg, options.dpi, (A4.width_mm, A4.height_mm), mode)
