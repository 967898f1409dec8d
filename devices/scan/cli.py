"""``sicounter scan``: photographs (or one camera frame) to a multi-page PDF, and ``scan idcopy``.

app/cli.py delegates here with the arguments after ``scan``. Exit status 0 when every page was
scanned and the PDF written; 1 when a page could not be scanned (then no PDF is written, so a clerk
never uploads a file with a page missing); 2 for usage errors, unreadable or refused images
(``devices/scan/imagecheck.py``: bounded read, header check before any decode) and missing cameras,
never a traceback. Messages put the clerk's Chinese first (what happened, what to do) and the English
after it, as the other device commands do.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
from numpy.typing import NDArray

from core.errors import CounterError
from devices.scan.geometry import Quad
from devices.scan.pipeline import ColourMode, ScanError, ScannedPage, ScanOptions, check_options, scan_page

if TYPE_CHECKING:
    from devices.camera.connection import CameraBackend

__all__ = ["main"]

#: the most pages one PDF gets (the window shows a sealed scan of at most 200 pages: app/queries.py)
MAX_PAGES = 200


class CliFailure(Exception):
    """A reason to stop with an exit status and a bilingual message."""

    def __init__(self, status: int, chinese: str, english: str) -> None:
        super().__init__(english)
        self.status = status
        self.chinese = chinese
        self.english = english


def _say(chinese: str, english: str) -> None:
    print(f"{chinese} ({english})", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse that says a usage error in Chinese first (argparse's own words follow in brackets)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        _say(f"命令参数有误。请用 {self.prog} --help 查看用法。", message)
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 < value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000000")
    return value


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="PDF file to write")
    parser.add_argument("--mode", choices=[m.value for m in ColourMode], default=ColourMode.COLOUR.value)
    parser.add_argument("--dpi", type=_positive_int, default=200, help="page resolution (default 200)")
    parser.add_argument("--max-kb", type=_positive_int, default=500,
                        help="JPEG size limit per page in KB (default 500)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sicounter scan", description="Scan photographed documents into a PDF.")
    parser.add_argument("--source", required=True, nargs="+",
                        help="image files, or one camera index (an integer) to grab a frame from")
    parser.add_argument("--paper", choices=["a4", "true", "auto"], default="a4")
    _common(parser)
    return parser


def build_idcopy_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sicounter scan idcopy",
                                     description="Both sides of an ID card on one A4 page.")
    parser.add_argument("--front", required=True, type=Path, help="photo of the front (portrait side)")
    parser.add_argument("--back", required=True, type=Path, help="photo of the back (emblem side)")
    _common(parser)
    return parser


def read_image(path: Path) -> NDArray[np.uint8]:
    """Read an image file bounded, check its header, then decode it (``devices/scan/imagecheck.py``)."""
    from devices.scan.imagecheck import ImageRefused, load_image

    try:
        return load_image(path)
    except ImageRefused as exc:
        raise CliFailure(2, f"{exc.user_message}{exc.hint}", exc.detail) from exc


def grab_camera_frame(index: int, backend: CameraBackend | None = None) -> NDArray[np.uint8]:
    """One still from the camera numbered ``index``, at its largest still mode (the window has the full dialog).

    ``backend`` is the seam tests use to hand in the simulated camera; the command line always uses OpenCV.
    """
    from devices.camera.camera import Camera

    if backend is None:
        from devices.camera.opencv import OpenCvBackend

        backend = OpenCvBackend()
    try:
        cameras = backend.list_cameras()
        info = next((c for c in cameras if c.index == index), None)
        if info is None:
            raise CliFailure(2, f"未找到编号为 {index} 的摄像头。",
                             f"no camera with index {index} ({len(cameras)} found)")
        camera = Camera(backend.open(info), info)
        try:
            return np.asarray(camera.capture_still(), dtype=np.uint8)
        finally:
            camera.close()
    except CounterError as exc:
        raise CliFailure(2, f"摄像头取图失败：{exc.user_message}", f"camera failed: {exc.detail or exc}") from exc


def locate(image: NDArray[np.uint8]) -> tuple[Quad | None, str | None]:
    """The document's corners, or None and why (the whole frame is then used)."""
    try:
        from devices.scan.detect import detect_document
    except ImportError:
        return None, "detector unavailable"
    try:
        detection = detect_document(image, refine=True)
    except Exception as exc:  # a detector bug must not lose the scan; the whole frame still makes a page
        return None, f"detector failed: {exc}"
    if detection.quad is None:
        return None, str(detection.problem or "no_document")
    return detection.quad, None


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a reader never sees half a PDF."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CliFailure(2, f"输出目录不存在：{directory}", f"output directory does not exist: {directory}")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CliFailure(2, f"无法写入文件：{path}。请检查输出目录是否可写。",
                         f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise CliFailure(2, f"无法写入文件：{path}", f"cannot write {path}: {exc.strerror}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _describe(number: int, source: str, page: ScannedPage) -> str:
    w, h = page.size_mm
    codes = "; ".join(f"{c.kind}:{c.text}" for c in page.codes) or "-"
    return f"第{number}页 page {number}  {source}  {w:.1f}x{h:.1f} mm  {len(page.jpeg)} bytes  codes: {codes}"


def check_image(path: Path) -> None:
    """Refuse an unusable file before any page is worked on (the header only; nothing is decoded or kept)."""
    from devices.scan.imagecheck import ImageRefused, check_header, read_bounded

    try:
        check_header(read_bounded(path), str(path))
    except ImageRefused as exc:
        raise CliFailure(2, f"{exc.user_message}{exc.hint}", exc.detail) from exc


def _sources(args: argparse.Namespace) -> list[tuple[str, Callable[[], NDArray[np.uint8]]]]:
    """Each page's name and how to get its pixels: every file is checked first (fail fast), then decoded
    one at a time as its page is made, so many large photos never sit in memory together."""
    sources: list[str] = args.source
    if len(sources) == 1 and sources[0].isascii() and sources[0].isdigit() and not Path(sources[0]).exists():
        frame = grab_camera_frame(int(sources[0]))
        return [(f"camera {sources[0]}", lambda: frame)]
    if len(sources) > MAX_PAGES:
        raise CliFailure(2, f"一次最多扫描 {MAX_PAGES} 页（给出了 {len(sources)} 个文件）。请分成几个 PDF 分别扫描。",
                         f"{len(sources)} sources, at most {MAX_PAGES}")
    for name in sources:
        check_image(Path(name))
    return [(name, functools.partial(read_image, Path(name))) for name in sources]


def _options(**values: Any) -> ScanOptions:
    options = ScanOptions(**values)
    try:
        check_options(options)
    except ScanError as exc:
        raise CliFailure(2, exc.user_message, exc.detail) from exc
    return options


def _scan_pages(args: argparse.Namespace) -> int:
    from devices.scan.pdf import make_pdf

    options = _options(mode=ColourMode(args.mode), dpi=args.dpi, paper=args.paper, max_bytes=args.max_kb * 1000)
    images = _sources(args)
    pages: list[ScannedPage] = []
    failed = 0
    for number, (name, decode) in enumerate(images, start=1):
        image = decode()
        quad, problem = locate(image)
        if problem is not None:
            _say(f"警告：第{number}页（{name}）未找到材料边缘，已使用整幅图像",
                 f"warning: page {number} ({name}): no document found ({problem}), using the whole frame")
        try:
            page = scan_page(image, quad, options)
        except ScanError as exc:
            failed += 1
            _say(f"第{number}页（{name}）扫描失败：{exc.user_message}", f"page {number} ({name}) failed: {exc.detail}")
            continue
        pages.append(page)
        print(_describe(number, name, page))
    if failed:
        _say(f"有 {failed} 页扫描失败，未生成PDF。", f"{failed} page(s) failed; no PDF written")
        return 1
    write_atomically(args.out, make_pdf(pages, title=args.out.stem))
    print(f"已保存 saved: {args.out} ({len(pages)} 页 pages)")
    return 0


def _scan_idcopy(args: argparse.Namespace) -> int:
    from devices.scan.idcopy import compose_id_copy
    from devices.scan.pdf import make_pdf

    options = _options(mode=ColourMode(args.mode), dpi=args.dpi, max_bytes=args.max_kb * 1000)
    check_image(args.front)
    check_image(args.back)  # both refused before either is decoded
    front, back = read_image(args.front), read_image(args.back)
    quads = []
    for side, name, image in (("正面", "front", front), ("反面", "back", back)):
        quad, problem = locate(image)
        if problem is not None:
            _say(f"警告：身份证{side}未找到卡片边缘，已使用整幅图像",
                 f"warning: {name}: no card found ({problem}), using the whole frame")
        quads.append(quad)
    try:
        page = compose_id_copy(front, back, front_quad=quads[0], back_quad=quads[1], options=options)
    except ScanError as exc:
        _say(f"身份证复印件生成失败：{exc.user_message}", f"ID copy failed: {exc.detail}")
        return 1
    write_atomically(args.out, make_pdf([page], title=args.out.stem))
    print(_describe(1, f"{args.front} + {args.back}", page))
    print(f"已保存 saved: {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["scan"]:
        args_list = args_list[1:]
    idcopy = args_list[:1] == ["idcopy"]
    parser = build_idcopy_parser() if idcopy else build_parser()
    try:
        args = parser.parse_args(args_list[1:] if idcopy else args_list)
    except SystemExit as exc:  # usage errors (argparse has printed them) and --help
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        return _scan_idcopy(args) if idcopy else _scan_pages(args)
    except CliFailure as failure:
        _say(failure.chinese, failure.english)
        return failure.status
    except CounterError as exc:  # anything else the scanner refused on purpose: said, not a traceback
        _say(f"{exc.user_message}{exc.hint}", exc.detail or type(exc).__name__)
        return 2
    except MemoryError:
        _say("内存不足，无法处理这些图片。请减少一次扫描的页数或使用较小的图片。", "out of memory")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
