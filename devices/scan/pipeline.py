"""From one camera frame and the document's corners to a finished page: the scan the counter keeps.

The stages (warp, enhance, paper, encode, codes) are pure functions; this module decides their order
and sizes so that every full-resolution step runs once at the output resolution: skew is measured on
a small preview warp and folded into the one real warp, lighting is estimated on a small copy, and
the page is encoded straight from the processed pixels. Bad input of any kind comes out as ScanError
carrying a sentence for the clerk, never as an OpenCV traceback.
"""

from __future__ import annotations

import enum
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from core.errors import CounterError
from devices.scan import enhance
from devices.scan.codes import FoundCode, find_codes
from devices.scan.encode import encode_jpeg
from devices.scan.geometry import Quad, as_quad, is_convex, quad_area, side_lengths
from devices.scan.paper import (
    A4,
    A5,
    ID_CARD,
    PageSize,
    fit_box,
    is_card_shaped,
    mm_to_px,
    page_px,
    place_centred,
    snap_size,
)
from devices.scan.warp import orient, page_homography, true_aspect, warp

__all__ = [
    "A4", "A5", "DEFAULT_OPTIONS", "ID_CARD", "ColourMode", "FoundCode", "PageSize", "ScanError", "ScanOptions",
    "ScannedPage", "check_frame", "check_options", "check_quad", "rotate_page", "scan_page",
]

#: long side of the preview on which skew is measured
_PREVIEW_SIDE = 500
#: a document smaller than this share of the frame is a detection glitch, not a page
_MIN_AREA_SHARE = 0.002
_PAPERS = ("a4", "true", "auto")
#: width of the page edge whitened after whitening (no print sits this close to a sheet's edge)
EDGE_MM = 0.8


class ScanError(CounterError, ValueError):
    """A frame, corners or options the scanner cannot make a page of."""

    user_message = "材料图像无法处理，请重新拍摄。"
    hint = "请将材料平放在拍摄区域内，保证光线充足后重拍。"


class ColourMode(enum.StrEnum):
    COLOUR = "colour"
    GREY = "grey"
    BW = "bw"


@dataclass(frozen=True)
class ScanOptions:
    mode: ColourMode = ColourMode.COLOUR
    dpi: int = 200
    paper: str = "a4"  # "a4" fit onto A4; "true" measured size; "auto" nearest standard sheet
    max_bytes: int = 500_000
    whiten: bool = True
    deskew: bool = True
    px_per_mm: float | None = None  # camera calibration at the document plane, when known
    find_codes: bool = True


#: frozen, so sharing one default is safe
DEFAULT_OPTIONS = ScanOptions()


@dataclass(frozen=True)
class ScannedPage:
    image: NDArray[np.uint8]  # processed pixels at ``dpi``, kept so rotating needs no decode
    jpeg: bytes
    dpi: int
    size_mm: tuple[float, float]
    mode: ColourMode
    codes: tuple[FoundCode, ...] = ()

    @property
    def width_px(self) -> int:
        return int(self.image.shape[1])

    @property
    def height_px(self) -> int:
        return int(self.image.shape[0])


def check_options(options: ScanOptions) -> None:
    try:
        mode_ok = ColourMode(options.mode) is not None
    except ValueError:
        mode_ok = False
    problems = []
    if not mode_ok:
        problems.append(f"mode {options.mode!r}")
    if not 50 <= options.dpi <= 1200:
        problems.append(f"dpi {options.dpi}")
    if options.paper not in _PAPERS:
        problems.append(f"paper {options.paper!r}")
    if options.max_bytes < 10_000:
        problems.append(f"max_bytes {options.max_bytes}")
    if options.px_per_mm is not None and not (math.isfinite(options.px_per_mm) and options.px_per_mm > 0):
        problems.append(f"px_per_mm {options.px_per_mm}")
    if problems:
        raise ScanError("invalid scan options: " + ", ".join(problems),
                        user_message="扫描参数有误：" + "，".join(problems),
                        hint="请检查扫描设置（模式、分辨率、纸张、文件大小上限）。")


def check_frame(frame: object, *, grey: bool = False) -> NDArray[np.uint8]:
    """The frame as contiguous BGR (or single-channel when ``grey``), or ScanError saying what is wrong."""
    if frame is None or not isinstance(frame, np.ndarray):
        raise ScanError(f"no image (got {type(frame).__name__})", user_message="未获取到材料图像，请重新拍摄。")
    if frame.dtype != np.uint8:
        raise ScanError(f"expected an 8-bit image, got {frame.dtype}", user_message="图像格式不受支持（需要8位图像）。")
    channels = 1 if frame.ndim == 2 else (frame.shape[2] if frame.ndim == 3 else 0)
    if channels not in (1, 3, 4):
        raise ScanError(f"unsupported image shape {frame.shape}", user_message="图像格式不受支持。")
    if frame.size == 0 or min(frame.shape[:2]) < 16:
        raise ScanError(f"image too small: {frame.shape}", user_message="图像为空或过小，请重新拍摄。")
    if grey:
        code = {1: None, 3: cv2.COLOR_BGR2GRAY, 4: cv2.COLOR_BGRA2GRAY}[channels]
        out = frame.reshape(frame.shape[:2]) if code is None else cv2.cvtColor(frame, code)
    else:
        code = {1: cv2.COLOR_GRAY2BGR, 3: None, 4: cv2.COLOR_BGRA2BGR}[channels]
        out = frame if code is None else cv2.cvtColor(frame.reshape(frame.shape[:2]) if channels == 1 else frame, code)
    return np.ascontiguousarray(out, dtype=np.uint8)


def check_quad(quad: object, frame_shape: tuple[int, ...]) -> Quad:
    """A usable quad (clockwise on screen, first corner kept), or ScanError; None means the whole frame."""
    h, w = frame_shape[:2]
    if quad is None:
        return as_quad([[0, 0], [w, 0], [w, h], [0, h]])
    edge_msg = "未能识别材料边缘，请将材料平放在拍摄区域内后重拍。"
    try:
        q = as_quad(quad)
    except (ValueError, TypeError) as exc:
        raise ScanError(f"bad quad: {exc}", user_message=edge_msg) from exc
    if not np.all(np.isfinite(q)):
        raise ScanError("quad has non-finite corners", user_message=edge_msg)
    slack = 0.5 * max(w, h)
    if q[:, 0].min() < -slack or q[:, 1].min() < -slack or q[:, 0].max() > w + slack or q[:, 1].max() > h + slack:
        raise ScanError(f"quad lies far outside the {w}x{h} frame", user_message=edge_msg)
    if not is_convex(q) or quad_area(q) < _MIN_AREA_SHARE * w * h or min(side_lengths(q)) < 8:
        raise ScanError("quad is not a convex quadrilateral of usable size", user_message=edge_msg)
    edges = np.roll(q, -1, axis=0) - q
    cross = float(edges[0, 0] * edges[1, 1] - edges[0, 1] * edges[1, 0])
    if cross < 0:  # counter-clockwise on screen would mirror the page
        q = np.concatenate([q[:1], q[1:][::-1]]).astype(np.float32)
    return q


@dataclass(frozen=True)
class _Layout:
    page: PageSize  # the physical page
    content: tuple[int, int]  # pixels the document itself occupies, centred on the page


def _layout(aspect: float, size_mm: tuple[float, float] | None, card: bool, options: ScanOptions) -> _Layout:
    dpi = options.dpi
    paper = options.paper
    if paper == "true" and size_mm is None:
        paper = "auto"  # the true size needs a calibrated camera; the nearest sheet is the best guess
    if paper == "true" and size_mm is not None:
        page = PageSize("true", *size_mm)
        return _Layout(page, page_px(page, dpi))
    if paper == "auto":
        snapped = snap_size(size_mm[0], size_mm[1], aspect) if size_mm else snap_size(None, None, aspect)
        if snapped is not None:
            return _Layout(snapped, page_px(snapped, dpi))
        if size_mm is not None:
            page = PageSize("true", *size_mm)
            return _Layout(page, page_px(page, dpi))
    page_w, page_h = page_px(A4, dpi)
    box = fit_box(aspect, 1.0, page_w, page_h)
    if card and size_mm is None:  # a card's size is known from its shape: copy it at 1:1, like a copier
        return _Layout(A4, page_px(ID_CARD.landscape(), dpi))
    if size_mm is not None:  # a calibrated camera: small documents stay at their real size
        true_w, true_h = page_px(PageSize("true", *size_mm), dpi)
        if true_w < box[0]:
            box = (true_w, min(true_h, page_h))
    return _Layout(A4, box)


def _document_size_mm(quad: Quad, aspect: float, px_per_mm: float | None) -> tuple[float, float] | None:
    if px_per_mm is None:
        return None
    area_mm2 = quad_area(quad) / (px_per_mm * px_per_mm)
    return math.sqrt(area_mm2 * aspect), math.sqrt(area_mm2 / aspect)


def _skew(frame: NDArray[np.uint8], quad: Quad, width: int, height: int) -> float:
    scale = min(1.0, _PREVIEW_SIDE / max(width, height))
    pw, ph = max(32, round(width * scale)), max(32, round(height * scale))
    preview = warp(frame, page_homography(quad, pw, ph), pw, ph)
    return enhance.estimate_skew(enhance.to_grey(preview))


def _render(frame: NDArray[np.uint8], quad: Quad, size: tuple[int, int], angle: float, mode: ColourMode,
            whiten: bool, edge_px: int) -> NDArray[np.uint8]:
    """Warp once at full size, with lighting measured on a small warp of the same geometry."""
    width, height = size
    if mode is not ColourMode.COLOUR:
        frame = enhance.to_grey(frame)  # one channel to warp instead of three
    homography = page_homography(quad, width, height, angle)
    content = warp(frame, homography, width, height)
    if whiten:
        scale = min(1.0, 2 * enhance.BACKGROUND_SIDE / max(width, height))
        pw, ph = max(8, round(width * scale)), max(8, round(height * scale))
        preview = warp(frame, np.diag([scale, scale, 1.0]) @ homography, pw, ph)
        content = enhance.whiten(content, preview)
        # A detected outline often takes in a sliver of desk or the paper's shaded edge: black-edge removal.
        enhance.clear_edges(content, edge_px)
    if mode is ColourMode.BW:
        content = enhance.binarise(content, whitened=whiten)
    return content


def scan_page(frame: NDArray[np.uint8], quad: Quad | None, options: ScanOptions = DEFAULT_OPTIONS) -> ScannedPage:
    """Flatten, clean, lay out and encode one document; ``quad`` None means the frame is the document."""
    check_options(options)
    mode = ColourMode(options.mode)
    image = check_frame(frame)
    q = check_quad(quad, image.shape)
    try:
        aspect = true_aspect(q, (image.shape[1], image.shape[0]))
        size_mm = _document_size_mm(q, aspect, options.px_per_mm)
        card = is_card_shaped(aspect, max(size_mm) if size_mm else None)
        if quad is not None:  # a whole frame (nothing detected) keeps the camera's own orientation
            q, aspect = orient(q, aspect, landscape=card)
        if size_mm is not None and (size_mm[0] > size_mm[1]) != (aspect > 1):
            size_mm = (size_mm[1], size_mm[0])
        layout = _layout(aspect, size_mm, card, options)
        cw, ch = layout.content
        angle = _skew(image, q, cw, ch) if options.deskew and not card else 0.0
        content = _render(image, q, (cw, ch), angle, mode, options.whiten, mm_to_px(EDGE_MM, options.dpi))
        page_w, page_h = page_px(layout.page, options.dpi)
        pixels = place_centred(content, page_w, page_h)
        if options.find_codes:
            # Both release the GIL and neither uses the other core much: run them side by side.
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scan-codes") as pool:
                found = pool.submit(find_codes, pixels)
                jpeg = encode_jpeg(pixels, options.max_bytes, dpi=options.dpi)
                codes = found.result()
        else:
            codes, jpeg = (), encode_jpeg(pixels, options.max_bytes, dpi=options.dpi)
    except ScanError:
        raise
    except (cv2.error, ValueError) as exc:
        raise ScanError(f"image processing failed: {exc}") from exc
    return ScannedPage(pixels, jpeg, options.dpi, (layout.page.width_mm, layout.page.height_mm), mode, codes)


def _turn_quad(quad: Quad, width: int, height: int, turns: int) -> Quad:
    """Corners after ``turns`` clockwise quarter turns of a width x height image."""
    q = as_quad(quad).copy()
    for _ in range(turns):
        q = np.stack([height - q[:, 1], q[:, 0]], axis=1).astype(np.float32)
        width, height = height, width
    return q


def rotate_page(page: ScannedPage, quarter_turns: int, max_bytes: int = 500_000) -> ScannedPage:
    """The page turned clockwise by quarter turns, re-encoded from its pixels (no JPEG generation loss)."""
    turns = quarter_turns % 4
    if turns == 0 and len(page.jpeg) <= max_bytes:
        return page
    pixels = np.ascontiguousarray(np.rot90(page.image, k=-turns))
    try:
        jpeg = encode_jpeg(pixels, max_bytes, dpi=page.dpi)
    except ValueError as exc:
        raise ScanError(f"cannot re-encode the page: {exc}", user_message="页面重新编码失败。") from exc
    size = page.size_mm if turns % 2 == 0 else (page.size_mm[1], page.size_mm[0])
    codes = tuple(replace(c, quad=_turn_quad(c.quad, page.width_px, page.height_px, turns)) for c in page.codes)
    return ScannedPage(pixels, jpeg, page.dpi, size, page.mode, codes)
