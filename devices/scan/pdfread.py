"""Reading back the pages of a scan PDF (``devices/scan/pdf.py`` ``make_pdf``): each page's JPEG as stored.

The reviewer looks at sealed scans inside the window. Our PDFs hold one DCT (JPEG) image per page,
put in untouched by img2pdf, so showing a page needs no PDF renderer: walk the page tree, take each
page's image stream as it is, and let the caller decode the JPEG. This reads the plain PDF structure
img2pdf writes (uncompressed objects, direct or indirect lengths, linearised or not); anything else
(object streams, images that are not JPEG) is refused with ``ScanUnreadable``, never guessed at.

Bounded: at most ``max_pages`` pages, object and nesting counts are capped, a page image's declared size
is held to ``MAX_SIDE_PX`` and ``MAX_PIXELS``, and nothing is decoded here; the caller decodes one page at
a time with its own size limit (``app/ui/scan_viewer.py``: scaled while decoding, under an allocation cap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devices.scan.pipeline import ScanError

__all__ = ["MAX_PIXELS", "MAX_SIDE_PX", "PdfPage", "ScanUnreadable", "read_pages"]

_MM_PER_PT = 25.4 / 72.0
_HEADER = re.compile(rb"(?<![0-9])(\d{1,9})\s+(\d{1,5})\s+obj\b")
_REF = re.compile(rb"(\d{1,9})\s+\d{1,5}\s+R\b")
_MAX_OBJECTS = 100_000
_MAX_DEPTH = 32
#: the longest object dictionary looked at (ours are a few hundred bytes)
_MAX_HEAD = 64 * 1024
#: page-tree nodes visited at most (a tree that names the same nodes over and over is refused, not walked)
_MAX_VISITS = 10_000
#: a page image's largest side in pixels (a 600 dpi A3 page is about 10,000)
MAX_SIDE_PX = 20_000
#: a page image's most pixels: 100 MP (a 600 dpi A4 page is 35 MP); ``imagecheck`` holds imported photos to
#: the same two bounds, so a page the terminal made from a photo always reads back
MAX_PIXELS = 100_000_000


class ScanUnreadable(ScanError):
    """The PDF is not one the terminal made, or is damaged."""

    user_message = "该扫描件无法显示（文件格式不符或已损坏）。"
    hint = "请重新拍摄该材料；如多份材料出现此问题，请联系系统管理员。"


@dataclass(frozen=True)
class PdfPage:
    """One page: the JPEG as stored, its pixel size, and its physical size from the page box."""

    jpeg: bytes
    width_px: int
    height_px: int
    size_mm: tuple[float, float]


@dataclass(frozen=True)
class _Object:
    head: bytes  # the object's text up to ``stream`` or ``endobj`` (its dictionary)
    stream: tuple[int, int] | None  # where its stream's bytes lie in the file


def _objects(data: bytes) -> dict[int, _Object]:
    """Every top-level object by number; streams are skipped by their length, so their bytes are never parsed."""
    found: dict[int, _Object] = {}
    pos = 0
    pending: list[tuple[int, int]] = []  # streams whose length is an indirect object: (number, data start)
    while len(found) < _MAX_OBJECTS:
        match = _HEADER.search(data, pos)
        if match is None:
            break
        number, start = int(match.group(1)), match.end()
        window = start + _MAX_HEAD  # an object's dictionary is short: never scan the file for its end
        ends = [i for i in (data.find(b"stream", start, window), data.find(b"endobj", start, window)) if i >= 0]
        if not ends:
            break
        end = min(ends)
        head = data[start:end]
        if data.startswith(b"stream", end):
            begin = end + len(b"stream")
            begin += 2 if data.startswith(b"\r\n", begin) else 1
            length = _int_entry(head, b"Length")
            if length is None:  # an indirect length: find the end marker, check later
                stop = data.find(b"endstream", begin)
                if stop < 0:
                    raise ScanUnreadable("stream without end")
                ref = _REF.search(head, head.find(b"/Length"))
                if ref is not None:
                    pending.append((int(ref.group(1)), begin))
                length = stop - begin
                while length > 0 and data[begin + length - 1] in b"\r\n":
                    length -= 1
            if length < 0 or begin + length > len(data):
                raise ScanUnreadable("stream runs past the end of the file")
            found[number] = _Object(head, (begin, begin + length))
            pos = begin + length
        else:
            found[number] = _Object(head, None)
            pos = end + len(b"endobj")
    return found


def _int_entry(head: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+)(?!\d)(?!\s+\d+\s+R)", head)
    return int(match.group(1)) if match else None


def _name_entry(head: bytes, key: bytes) -> bytes | None:
    match = re.search(rb"/" + key + rb"\s*\[?\s*/([A-Za-z0-9]+)", head)
    return match.group(1) if match else None


def _resolved(objects: dict[int, _Object], head: bytes, key: bytes) -> bytes | None:
    """The text of entry ``key``: a direct dictionary or array, or the object an indirect reference names."""
    at = head.find(b"/" + key)
    if at < 0:
        return None
    rest = head[at + len(key) + 1:].lstrip()
    ref = re.match(rb"(\d+)\s+\d+\s+R\b", rest)
    if ref is not None:
        target = objects.get(int(ref.group(1)))
        return target.head if target is not None else None
    if rest[:2] == b"<<":
        depth, i = 0, 0
        while i < len(rest):
            if rest.startswith(b"<<", i):
                depth, i = depth + 1, i + 2
                continue
            if rest.startswith(b">>", i):
                depth, i = depth - 1, i + 2
                if depth == 0:
                    return rest[:i]
                continue
            i += 1
        return None
    if rest[:1] == b"[":
        stop = rest.find(b"]")
        return rest[:stop + 1] if stop >= 0 else None
    return None


def _page_objects(objects: dict[int, _Object], root: int, max_pages: int) -> list[int]:
    pages: list[int] = []
    visits = [0]

    def walk(number: int, depth: int) -> None:
        node = objects.get(number)
        visits[0] += 1
        if node is None or depth > _MAX_DEPTH or len(pages) > max_pages or visits[0] > _MAX_VISITS:
            raise ScanUnreadable("broken page tree")
        kind = _name_entry(node.head, b"Type")
        if kind == b"Page":
            pages.append(number)
            return
        kids = _resolved(objects, node.head, b"Kids")
        if kind != b"Pages" or kids is None:
            raise ScanUnreadable("broken page tree")
        for ref in _REF.finditer(kids):
            walk(int(ref.group(1)), depth + 1)

    walk(root, 0)
    return pages


def read_pages(data: bytes, *, max_pages: int = 200) -> list[PdfPage]:
    """Each page's JPEG and sizes, in page order; ``ScanUnreadable`` for a PDF this cannot read."""
    if not data.startswith(b"%PDF-"):
        raise ScanUnreadable("not a PDF")
    objects = _objects(data)
    catalog = next((o for o in objects.values() if _name_entry(o.head, b"Type") == b"Catalog"), None)
    root_ref = _REF.search(catalog.head, catalog.head.find(b"/Pages")) if catalog is not None else None
    if catalog is None or root_ref is None or b"/Pages" not in catalog.head:
        raise ScanUnreadable("no page tree")
    numbers = _page_objects(objects, int(root_ref.group(1)), max_pages)
    if not numbers or len(numbers) > max_pages:
        raise ScanUnreadable(f"{len(numbers)} pages (at most {max_pages} are shown)")
    pages = []
    for number in numbers:
        head = objects[number].head
        resources = _resolved(objects, head, b"Resources")
        xobjects = _resolved(objects, resources, b"XObject") if resources is not None else None
        refs = [int(r.group(1)) for r in _REF.finditer(xobjects or b"")]
        image = next((objects[r] for r in refs if r in objects
                      and _name_entry(objects[r].head, b"Subtype") == b"Image"), None)
        if image is None or image.stream is None or _name_entry(image.head, b"Filter") != b"DCTDecode":
            raise ScanUnreadable(f"page object {number} holds no JPEG image")
        width, height = _int_entry(image.head, b"Width"), _int_entry(image.head, b"Height")
        if not width or not height or max(width, height) > MAX_SIDE_PX or width * height > MAX_PIXELS:
            raise ScanUnreadable(f"page object {number}: image size {width}x{height}")
        jpeg = data[image.stream[0]:image.stream[1]]
        if not jpeg.startswith(b"\xff\xd8"):
            raise ScanUnreadable(f"page object {number}: image is not a JPEG stream")
        box = _resolved(objects, head, b"MediaBox")
        numbers_in_box = [float(n) for n in re.findall(rb"-?\d+(?:\.\d+)?", box or b"")]
        if len(numbers_in_box) == 4:
            x0, y0, x1, y1 = numbers_in_box
            size_mm = (abs(x1 - x0) * _MM_PER_PT, abs(y1 - y0) * _MM_PER_PT)
        else:
            size_mm = (0.0, 0.0)
        pages.append(PdfPage(jpeg, width, height, size_mm))
    return pages
