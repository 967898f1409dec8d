"""Scanning evidence at the counter: a camera frame becomes a clean page, pages become a sealed PDF.

Plain functions the capture dialog, the CLI and tests share; they run on worker threads, never on the
GUI thread (an 8 MP frame takes a few hundred milliseconds to process).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from app.terminal import Terminal
from core.errors import ConfigError, CounterError
from devices.scan.detect import Detection, FrameProblem, detect_document
from devices.scan.geometry import Quad, is_convex, order_corners, quad_area
from devices.scan.pdf import make_pdf
from devices.scan.pipeline import ColourMode, ScannedPage, ScanOptions, rotate_page, scan_page
from local_db.submissions import AttachmentData

#: the scanning vocabulary the capture dialog and the materials panel use (they import no ``devices``)
__all__ = [
    "CaptureUnusable",
    "CapturedPage",
    "CardSide",
    "ColourMode",
    "Detection",
    "FrameProblem",
    "ScanOptions",
    "ScannedPage",
    "card_from_corners",
    "crop_page",
    "find_card",
    "id_copy",
    "import_image",
    "process_frame",
    "rotate_page",
    "scan_options",
    "seal_material",
    "usable_detection",
]


class CaptureUnusable(CounterError):
    """The frame cannot become a page; the clerk must rearrange and take it again."""


#: least share of the frame four hand-set corners must enclose (an ID card under the camera is 2.4% of it)
CROP_MIN_SHARE = 0.01

#: long side (mm) of the page an uncertain whole frame is laid out on without a camera calibration
A4_LONG_MM = 297.0

#: problems that make a frame useless; with the others the whole frame is kept (the page may fill the view)
_REFUSED: dict[FrameProblem, tuple[str, str]] = {
    FrameProblem.TOO_DARK: ("画面太暗，未能拍清材料。", "请打开高拍仪补光灯或移开遮挡后重拍。"),
    FrameProblem.BLANK: ("画面中没有内容。", "请将材料平放在高拍仪下方后重拍。"),
    FrameProblem.SEVERAL_DOCUMENTS: ("画面中有多份材料，无法确定拍摄哪一份。", "请一次只放一份材料后重拍。"),
}


@dataclass(frozen=True)
class CapturedPage:
    page: ScannedPage
    #: why no outline was used (the whole frame was kept), or None when the document was found
    problem: FrameProblem | None
    #: the outline was not trusted (``Detection.confident`` false): the whole frame was kept, and the
    #: preview and the page say so, so that the clerk checks it or retakes it
    uncertain: bool = False
    #: the still the page was made from and the outline the detector found (None when it found none, and
    #: then the page is the whole still): the clerk may set the edges by hand on them (``crop_page``) instead
    #: of retaking, whether the outline was not trusted or was trusted and wrong
    frame: NDArray[np.uint8] | None = field(default=None, compare=False, repr=False)
    suggested: Quad | None = field(default=None, compare=False, repr=False)


def usable_detection(frame: NDArray[np.uint8]) -> Detection:
    """Find the document, refusing frames that cannot become a page (dark, empty, several documents)."""
    detection = detect_document(frame)
    if detection.problem in _REFUSED:
        message, hint = _REFUSED[detection.problem]
        raise CaptureUnusable(f"frame refused: {detection.problem}", user_message=message, hint=hint)
    return detection


def import_image(path: Path) -> NDArray[np.uint8]:
    """A photo or a flatbed scan from disk, read bounded and checked by its header before any decode
    (``devices/scan/imagecheck.py``): a small file declaring a huge image is ``ImageRefused``, in Chinese."""
    from devices.scan.imagecheck import load_image  # Pillow loads only when a file is imported

    return load_image(path, name=path.name)


def process_frame(frame: NDArray[np.uint8], options: ScanOptions) -> CapturedPage:
    """Find the document in a full-resolution frame and produce its page.

    An outline the detector does not trust (``Detection.confident`` false: a fragment of the page, a
    shadow's edge, a desk-sized outline, or none at all) is not used: the whole frame is kept as it was
    photographed, at its own proportions (not shrunk onto an A4 sheet, not whitened as if it were paper),
    and the page says it is uncertain, so the clerk checks it or retakes it. A wrong crop would lose part of
    the evidence without anyone noticing; a whole frame loses nothing.
    """
    detection = usable_detection(frame)
    if detection.confident:
        return CapturedPage(scan_page(frame, detection.quad, options), None, frame=frame, suggested=detection.quad)
    return CapturedPage(scan_page(frame, None, whole_frame_options(frame, options)), detection.problem, uncertain=True,
                        frame=frame, suggested=detection.quad)


def crop_page(frame: NDArray[np.uint8], corners: Quad, options: ScanOptions, *,
              quarter_turns: int = 0) -> ScannedPage:
    """The page inside four corners the clerk set by hand on a kept still (``CapturedPage.frame``).

    The detector was not sure of its outline, or was wrong; the clerk is sure: the page is made exactly as
    from a trusted outline (flattened, laid out at its size, whitened). Corners that are not a usable quadrilateral
    (three in a line, a sliver) are refused in words about the corners, not about the camera. The corners
    may come in any order: they are put in order round the page first. ``quarter_turns`` (clockwise) are the
    turns the clerk gave the page cut before from this still: the new cut comes out the same way up, not the
    way the scanner gave it."""
    page = scan_page(frame, hand_set_quad(frame, corners), options)
    return rotate_page(page, quarter_turns, options.max_bytes) if quarter_turns % 4 else page


def hand_set_quad(frame: NDArray[np.uint8], corners: Quad) -> Quad:
    """Four corners set by hand, in order round the document, or ``CaptureUnusable`` in words about the corners
    (three in a line, a sliver) when they enclose no usable quadrilateral."""
    h, w = frame.shape[:2]
    quad = order_corners(corners)
    if not is_convex(quad) or quad_area(quad) < CROP_MIN_SHARE * w * h:
        raise CaptureUnusable(f"hand-set corners are no usable quadrilateral: {quad.round(1).tolist()}",
                              user_message="四个角点围成的不是一张材料的形状（过小或有三点几乎共线）。",
                              hint="请将四个角点分别拖到材料的四个角上后再裁切。")
    return quad


def whole_frame_options(frame: NDArray[np.uint8], options: ScanOptions) -> ScanOptions:
    """Options that keep a frame as the photograph it is: its own aspect on a page as long as an A4 sheet
    (or its true size with a calibrated camera), no whitening or deskewing of what may be mostly desk."""
    h, w = frame.shape[:2]
    px_per_mm = options.px_per_mm or max(w, h) / A4_LONG_MM
    return replace(options, paper="true", px_per_mm=px_per_mm, whiten=False, deskew=False)


def seal_material(terminal: Terminal, material_key: str, pages: Sequence[ScannedPage]) -> AttachmentData:
    """One PDF per material, stored encrypted under its hash; the submission records the reference."""
    if terminal.blobs is None:
        raise ConfigError("no blob store (no keyring key)",
                          user_message="本机没有可用的系统密钥库，扫描件无法加密保存。",
                          hint="请联系系统管理员启用系统密钥库后再提交带材料的业务。")
    ref = terminal.blobs.put(make_pdf(pages))
    return AttachmentData(material_key=material_key, sha256=ref.sha256, size=ref.size, pages=len(pages))


def scan_options(terminal: Terminal) -> ScanOptions:
    """The hall's scan settings (mode, dpi, size limit, camera calibration) as pipeline options."""
    devices = terminal.settings.devices
    return ScanOptions(mode=ColourMode(devices.scan_mode), dpi=devices.scan_dpi, max_bytes=devices.scan_max_kb * 1000,
                       px_per_mm=devices.camera_px_per_mm, paper="auto" if devices.camera_px_per_mm else "a4")


@dataclass(frozen=True)
class CardSide:
    """One side of an ID card as photographed, kept until the other side is taken."""

    frame: NDArray[np.uint8]
    quad: Quad | None
    #: the outline can be used as it is: the detector trusted it (``Detection.confident``), or the clerk set
    #: its corners by hand. An untrusted side is not composed as found (a wrong crop on an ID copy would go
    #: unnoticed): the capture dialog has the clerk check its corners first
    confident: bool


def find_card(frame: NDArray[np.uint8]) -> CardSide:
    """Find a card in a still (refusing dark, empty and crowded frames, as for a page).

    An outline the detector found but does not trust (a card on a light desk, in a sleeve, under a hard
    shadow) is returned as a suggestion, marked not ``confident``, rather than refused: the clerk can set its
    corners from it (``card_from_corners``) without laying the card again."""
    detection = usable_detection(frame)
    if detection.quad is None:
        raise CaptureUnusable("no card outline", user_message="未识别到证件边缘。",
                              hint="请将证件平放在深色背景上、四角都在画面内后重拍。")
    return CardSide(frame, detection.quad, detection.confident)


def card_from_corners(frame: NDArray[np.uint8], corners: Quad) -> CardSide:
    """A card side along four corners the clerk set by hand on its still: trusted, as the clerk checked them.

    Checked here, when the clerk confirms them, rather than when both sides are composed: a front along
    unusable corners would otherwise fail only once the back is taken."""
    return CardSide(frame, hand_set_quad(frame, corners), confident=True)


def id_copy(front: CardSide, back: CardSide, options: ScanOptions) -> ScannedPage:
    """Both sides at true size on one A4 page, the way counters make ID copies."""
    from devices.scan.idcopy import compose_id_copy

    return compose_id_copy(front.frame, back.frame, front_quad=front.quad, back_quad=back.quad, options=options)
