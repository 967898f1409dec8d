"""Opening an image file someone hands us: bounded read, header check, then decode (issue 17).

A photo or a flatbed scan from disk (``sicounter scan --source``, ``scan idcopy``, the capture dialog's
"从文件导入") is careless or hostile input: a 76 KB PNG can declare 20000×20000 pixels and a decoder would
then allocate gigabytes. So every such file goes through ``load_image``, which

1. reads the file bounded: a regular file only (no FIFO, device or directory, opened non-blocking so a FIFO
   cannot hang us), at most ``MAX_FILE_BYTES``;
2. identifies the format from its header with Pillow, without decoding a pixel (``Image.open`` reads only
   the header), among the formats a document camera or a scanner produces: JPEG, PNG, BMP, TIFF, WebP;
3. refuses more than ``MAX_PIXELS`` pixels, a side longer than ``MAX_SIDE_PX``, and several frames (a
   multi-page TIFF or an animation: only the first frame would be decoded, so pages would silently go);
4. decodes with OpenCV from the very bytes that were checked (``cv2.imdecode``), so the check and the
   decode cannot see different files, and checks the decoded size against the header's.

Refusals are ``ImageRefused`` (a ``CounterError``) with a Chinese sentence naming the file, why, and what
to do; the CLI prints it and exits 2, the window shows it like any other error.

Pillow's own bomb guard (``Image.MAX_IMAGE_PIXELS``, a warning above ~89 MP and an error above ~179 MP)
is process-wide state we leave alone; its warning is silenced for Pillow's module only (our stated limit
is the one that holds) and its error becomes ``ImageRefused``. OpenCV's own limit
(``OPENCV_IO_MAX_IMAGE_PIXELS``, read once per process) is set to ours when nothing set it before, as a
second fence behind the header check.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from core.files import FileRefused, read_bytes_bounded
from devices.scan.pdfread import MAX_PIXELS as PAGE_MAX_PIXELS
from devices.scan.pdfread import MAX_SIDE_PX as PAGE_MAX_SIDE_PX
from devices.scan.pipeline import ScanError

__all__ = ["ALLOWED_FORMATS", "MAX_FILE_BYTES", "MAX_PIXELS", "MAX_SIDE_PX", "ImageHeader", "ImageRefused",
           "check_header", "decode_image", "load_image", "read_bounded"]

#: the largest image file read, in bytes (a 600 dpi A3 colour scan as PNG is about 40 MB)
MAX_FILE_BYTES = 64 * 1024 * 1024
#: the most pixels (100 MP, 1 亿像素) and the longest side (20,000 px) of an image, shared with the
#: sealed-scan reader. A 600 dpi A4 scan is 35 MP, a phone photo 12-50 MP; decoding 100 MP as colour takes
#: 300 MB, which the scan pipeline's working copies multiply a few times.
MAX_PIXELS = PAGE_MAX_PIXELS
MAX_SIDE_PX = PAGE_MAX_SIDE_PX
#: what a document camera or a scanner writes; Pillow only tries these parsers on the header
ALLOWED_FORMATS = ("JPEG", "PNG", "BMP", "TIFF", "WEBP")
_FORMAT_NAMES = "JPEG、PNG、BMP、TIFF 或 WebP"

# Our MAX_PIXELS is the limit that holds; Pillow's lower warning threshold would only print noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning, module="PIL")
# OpenCV reads this once, at its first decode in the process: a second fence behind our header check.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))


class ImageRefused(ScanError):
    """An image file that is not read or decoded: which file and why are in ``user_message``."""

    user_message = "无法使用该图片文件。"
    hint = f"请选择相机或扫描仪生成的 {_FORMAT_NAMES} 图片。"


@dataclass(frozen=True)
class ImageHeader:
    """What the header says: Pillow's format name and the pixel size."""

    format: str
    width: int
    height: int


def read_bounded(path: Path, *, name: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; ``ImageRefused`` otherwise.

    Read by the one bounded reader every file goes through (``core.files``: opened non-blocking, so a
    FIFO is refused instead of waiting for a writer; the read stops at ``max_bytes + 1``); the refusal is
    worded for an image, saying what the clerk should pick instead.
    """
    shown = name or str(path)
    try:
        return read_bytes_bounded(path, max_bytes, "图片文件")
    except FileRefused as exc:
        if exc.kind == "missing":
            raise ImageRefused(f"cannot read image {path}: not found", user_message=f"找不到图片文件：{shown}。",
                               hint="请检查文件名和路径后重试。") from exc
        if exc.kind == "not_regular":
            raise _not_regular(path, shown) from exc
        if exc.kind == "too_large":
            raise _too_big(path, shown, max_bytes) from exc
        raise ImageRefused(f"cannot read image {path}: {exc}",
                           user_message=f"无法读取图片文件：{shown}（{exc.problem}）",
                           hint="请检查文件是否完好、是否有读取权限后重试。") from exc


def _not_regular(path: Path, shown: str) -> ImageRefused:
    return ImageRefused(f"not a regular file: {path}", user_message=f"“{shown}”不是图片文件（是目录、管道或设备）。",
                        hint=f"请选择一个 {_FORMAT_NAMES} 图片文件。")


def _too_big(path: Path, shown: str, limit: int) -> ImageRefused:
    mib = limit // (1024 * 1024)
    return ImageRefused(f"image file {path} has more than {limit} bytes",
                        user_message=f"图片文件过大：{shown}（上限 {mib} MB）。",
                        hint=f"请使用不超过 {mib} MB 的图片文件（如以较低分辨率重新扫描或导出）。")


def check_header(data: bytes, name: str) -> ImageHeader:
    """The format and size from the header only, or ``ImageRefused``; no pixel is decoded here."""
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
            header = ImageHeader(str(image.format), *image.size)
            frames = bool(getattr(image, "is_animated", False))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name, None) from exc
    except Exception as exc:  # Pillow raises many kinds for a damaged header; all mean the same to us
        raise ImageRefused(f"not a readable image: {name} ({type(exc).__name__})",
                           user_message=f"无法读取图片文件：{name}（不是 {_FORMAT_NAMES} 图片，或文件已损坏）。",
                           hint=f"请选择相机或扫描仪生成的 {_FORMAT_NAMES} 图片。") from exc
    if header.format not in ALLOWED_FORMATS:  # Pillow may name a sub-format (e.g. MPO for a camera JPEG)
        header = ImageHeader("JPEG" if header.format == "MPO" else header.format, header.width, header.height)
    if header.width <= 0 or header.height <= 0 or header.width * header.height > MAX_PIXELS:
        raise _too_many_pixels(name, header)
    if max(header.width, header.height) > MAX_SIDE_PX:
        raise ImageRefused(f"image {name} is {header.width}x{header.height}, a side above {MAX_SIDE_PX}",
                           user_message=f"图片尺寸过大：{name}（{header.width}×{header.height} 像素，"
                                        f"单边上限 {MAX_SIDE_PX} 像素）。",
                           hint="请使用较低分辨率重新扫描或缩小图片后再导入。")
    if frames:
        raise ImageRefused(f"image {name} has several frames",
                           user_message=f"图片包含多页或动画：{name}，无法作为一页材料导入。",
                           hint="请将每一页分别保存为单独的图片后再导入。")
    return header


def _too_many_pixels(name: str, header: ImageHeader | None) -> ImageRefused:
    """``header`` is None when Pillow's own guard refused first (it does not say the size then)."""
    size = f"{header.width}×{header.height} 像素，" if header is not None else ""
    declared = f"{header.width}x{header.height}" if header is not None else "above Pillow's limit"
    return ImageRefused(f"image {name} has too many pixels ({declared}), limit {MAX_PIXELS}",
                        user_message=f"图片像素过多：{name}（{size}超过 {MAX_PIXELS / 1e8:g} 亿像素的上限）。",
                        hint=f"请使用不超过 {MAX_PIXELS / 1e8:g} 亿像素的图片（如以较低分辨率重新扫描或缩小图片）。")


def decode_image(data: bytes, name: str) -> NDArray[np.uint8]:
    """Check the header of ``data``, then decode exactly these bytes to an 8-bit BGR image."""
    import cv2

    header = check_header(data, name)
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:  # OpenCV's own limits, or a decoder that gave up loudly
        raise _undecodable(name, str(exc).strip().splitlines()[-1:]) from exc
    if image is None:
        raise _undecodable(name, ["decoder returned nothing"])
    if image.shape[:2] != (header.height, header.width):  # the decoder read something else than the header said
        raise _undecodable(name, [f"decoded {image.shape[1]}x{image.shape[0]}, header {header.width}x{header.height}"])
    return np.asarray(image, dtype=np.uint8)


def _undecodable(name: str, why: list[str]) -> ImageRefused:
    return ImageRefused(f"not a readable image: {name} ({'; '.join(why)})",
                        user_message=f"无法读取图片文件：{name}（文件已损坏或不完整，无法解码）。",
                        hint="请重新拍摄或重新导出该图片后再导入。")


def load_image(path: Path, *, name: str | None = None) -> NDArray[np.uint8]:
    """Read ``path`` bounded, check its header, decode it (``name`` is how the file is named to the user)."""
    shown = name or str(path)
    return decode_image(read_bounded(path, name=shown), shown)
