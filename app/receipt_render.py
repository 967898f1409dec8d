"""The acceptance receipt (受理回执) on paper and as PDF: one layout for the PDF, the preview and the printer.

``paint_receipt`` lays a ``forms.receipt.Receipt`` out on one A4 page. Every size is derived from the
width of the page it is given, so the same code serves a 300 dpi PDF, a 150 dpi preview image and
whatever resolution the clerk's printer reports. When a receipt is long (many materials, a long legal
basis), the text shrinks step by step until it fits one page; nothing is ever clipped.

Two workarounds for Qt's PDF engine, both found because the saved PDF must stay searchable (the
submission archive is searched by receipt number and by material name):

* Noto Sans CJK SC's ``locl`` feature swaps the ASCII digits for localised glyphs that have no entry
  in the font's cmap. Qt builds the PDF's ToUnicode map by inverting the cmap, so those digits came out
  as control characters in extracted text (receipt numbers, dates, ID numbers unreadable). The fonts
  here switch ``locl`` off; in the SC face it changes nothing else that is printed.
* Qt inverts the cmap "first code point wins", and Noto CJK maps the Kangxi radicals (U+2F00...) and
  CJK radical supplement (U+2E80...) to the same glyphs as the ordinary ideographs, so 工/日/民/身/页
  were extracted as ⼯/⽇/⺠/⾝/⻚ and the space as a TAB. ``receipt_pdf`` rewrites each ToUnicode map
  so that a glyph maps to the character that was actually drawn with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import segno
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QRawFont,
)
from PySide6.QtPrintSupport import QPrinter

from core.errors import DeviceError
from forms.receipt import Receipt

FONT_FAMILIES = ["Noto Sans CJK SC", "Noto Sans CJK"]
TITLE = "社会保险业务受理回执"
OFFLINE_NOTICE = "本业务已在本机受理并加密保存，网络恢复后自动报送中心系统。"
FOOTER = "请妥善保管本回执，可凭回执编号查询办理进度。咨询电话：12333"

#: A4 in millimetres; the layout's unit is a millimetre of the page it is given
_A4_WIDTH_MM = 210.0
_A4_HEIGHT_MM = 297.0
_PDF_DPI = 300
#: the QR code keeps this size however long the receipt is: it must stay scannable
_QR_SIDE_MM = 30.0
_QR_BORDER_MODULES = 4
#: the signature's box on the receipt (width, height in mm): the pad's 3:1 at about 6 cm, as signed on paper
_SIGNATURE_BOX_MM = (66.0, 22.0)
#: text scales tried, largest first, until the receipt fits one page
_SCALES = (1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5)

_INK = QColor("#000000")
_TITLE_INK = QColor("#1a2f5a")
_LABEL_FILL = QColor("#f0f0f0")
_RULE_INK = QColor("#333333")

_WRAP = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere


def _font(pixel_size: float, *, bold: bool = False) -> QFont:
    """The receipt's font at a size in device pixels (so sizes follow the page, not the screen's dpi)."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(max(1, round(pixel_size)))
    font.setBold(bold)
    # see the module docstring: localised digits would be lost in the PDF's text
    font.setFeature(QFont.Tag("locl"), 0)
    return font


@dataclass
class _Layout:
    """One pass over the page at one text scale: measures, and paints when ``paint`` is set."""

    painter: QPainter
    page: QRectF
    scale: float
    paint: bool
    drawn: list[str] = field(default_factory=list)
    #: where the signature image was drawn (device units), when the receipt carries one
    signature_rect: QRectF | None = None

    @property
    def mm(self) -> float:
        return self.page.width() / _A4_WIDTH_MM

    def s(self, millimetres: float) -> float:
        """A scaled length (text and the spacing around it)."""
        return millimetres * self.mm * self.scale

    def text(self, rect: QRectF, text: str, font: QFont, flags: int, colour: QColor = _INK) -> float:
        """Height of ``text`` wrapped into ``rect``'s width; drawn when painting."""
        self.painter.setFont(font)
        bound = self.painter.boundingRect(QRectF(rect.x(), rect.y(), rect.width(), 1e9), flags, text)
        if self.paint:
            self.drawn.append(text)
            self.painter.setPen(colour)
            self.painter.drawText(QRectF(rect.x(), rect.y(), rect.width(), max(rect.height(), bound.height())),
                                  flags, text)
        return bound.height()

    def rule(self, x1: float, y1: float, x2: float, y2: float, width_mm: float = 0.25) -> None:
        if self.paint:
            pen = QPen(_RULE_INK)
            pen.setWidthF(width_mm * self.mm)
            self.painter.setPen(pen)
            self.painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))


def _rows(receipt: Receipt) -> list[tuple[str, str]]:
    rows = [
        ("回执编号", receipt.receipt_no),
        ("办理事项", receipt.item_name),
        ("申请人", receipt.applicant_text()),
    ]
    agent = receipt.agent_text()
    if agent is not None:
        rows.append(("代办情况", agent))  # who acted for whom (forms.agent), the agent's ID masked
    rows.append(("受理时间", receipt.received_text()))
    service = receipt.service_text()
    if service is not None:
        rows.append(("服务方式", service))
    # the legal due date is a deadline, not an estimate: only a provisional one says 预计 (in its text)
    rows.append(("办结期限" if receipt.due is not None else "办结时限", receipt.due_text()))
    rows.append(("受理机构", receipt.office_name))
    rows.append(("受理人", receipt.clerk_text()))
    return rows


def _qr_path(receipt_no: str, left: float, top: float, side: float) -> tuple[QPainterPath, float]:
    """Dark modules of the receipt number's QR code (level M, 4-module quiet zone) and the drawn side.

    The module size is snapped to whole device pixels where the device allows it, so that a 150 dpi
    preview is as crisp as the print; runs of dark modules are merged into one rectangle each.
    """
    qr = segno.make(receipt_no, error="m", micro=False, boost_error=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=_QR_BORDER_MODULES)]
    count = len(rows)
    module = side / count
    if module >= 1:
        module = float(int(module))
    path = QPainterPath()
    for y, row in enumerate(rows):
        x = 0
        while x < count:
            if row[x]:
                start = x
                while x < count and row[x]:
                    x += 1
                path.addRect(QRectF(left + start * module, top + y * module, (x - start) * module, module))
            else:
                x += 1
    return path, module * count


def _layout(layout: _Layout, receipt: Receipt) -> float:
    """Lays the receipt out from the top; returns the bottom of the content (the footer is separate)."""
    page, mm, s = layout.page, layout.mm, layout.s
    left = page.left() + 18 * mm
    right = page.right() - 18 * mm
    top = page.top() + 16 * mm
    width = right - left

    # -- header: QR code top right, office and title centred between two QR-wide gutters
    qr_side = _QR_SIDE_MM * mm
    _, drawn_side = _qr_path(receipt.receipt_no, 0, 0, qr_side)  # snapped side, to align it right
    qr_left = round(right - drawn_side)
    qr_top = round(top)
    path, drawn_side = _qr_path(receipt.receipt_no, qr_left, qr_top, qr_side)
    if layout.paint:
        layout.painter.fillRect(QRectF(qr_left, qr_top, drawn_side, drawn_side), QColor("#ffffff"))
        layout.painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        layout.painter.fillPath(path, _INK)
        layout.painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    caption_top = qr_top + drawn_side
    caption_h = layout.text(QRectF(qr_left - 4 * mm, caption_top, drawn_side + 8 * mm, 0), receipt.receipt_no,
                            _font(s(2.8)), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP)
    qr_block = caption_top + caption_h - top

    gutter = qr_side + 4 * mm
    title_rect = QRectF(left + gutter, top, width - 2 * gutter, 0)
    centred = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP
    measure = _Layout(layout.painter, page, layout.scale, paint=False)
    office_h = measure.text(title_rect, receipt.office_name, _font(s(4.8)), centred)
    title_h = measure.text(title_rect, TITLE, _font(s(7.6), bold=True), centred)
    title_block = office_h + s(2.5) + title_h
    header_h = max(qr_block, title_block)
    y = top + (qr_side - title_block) / 2 if title_block < qr_side else top
    y += layout.text(QRectF(title_rect.x(), y, title_rect.width(), 0), receipt.office_name, _font(s(4.8)), centred)
    y += s(2.5)
    layout.text(QRectF(title_rect.x(), y, title_rect.width(), 0), TITLE, _font(s(7.6), bold=True), centred,
                _TITLE_INK)

    y = top + header_h + s(6)

    # -- the two-column table
    label_w = s(30)
    pad_x, pad_y = s(2.5), s(2.2)
    body = _font(s(3.7))
    label_font = _font(s(3.7), bold=True)
    value_flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP
    table_top = y
    layout.rule(left, y, right, y)
    for label, value in _rows(receipt):
        value_rect = QRectF(left + label_w + pad_x, y + pad_y, width - label_w - 2 * pad_x, 0)
        value_h = measure.text(value_rect, value, body, value_flags)
        label_h = measure.text(QRectF(left + pad_x, y + pad_y, label_w - 2 * pad_x, 0), label, label_font,
                               value_flags)
        row_h = max(value_h, label_h) + 2 * pad_y
        if layout.paint:
            layout.painter.fillRect(QRectF(left, y, label_w, row_h), _LABEL_FILL)
        label_top = y + (row_h - label_h) / 2
        layout.text(QRectF(left + pad_x, label_top, label_w - 2 * pad_x, 0), label, label_font, value_flags)
        layout.text(value_rect, value, body, value_flags)
        y += row_h
        layout.rule(left, y, right, y)
    layout.rule(left, table_top, left, y)
    layout.rule(left + label_w, table_top, left + label_w, y)
    layout.rule(right, table_top, right, y)

    # -- materials received
    y += s(6)
    y += layout.text(QRectF(left, y, width, 0), "已收材料", _font(s(4.2), bold=True), value_flags)
    y += s(1.5)
    layout.rule(left, y, right, y, 0.2)
    y += s(2)
    number_w = s(8)
    if not receipt.materials:
        y += layout.text(QRectF(left, y, width, 0), "无", body, value_flags) + s(1.6)
    for index, material in enumerate(receipt.materials, start=1):
        layout.text(QRectF(left, y, number_w, 0), f"{index}.", body,
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        y += layout.text(QRectF(left + number_w + s(2), y, width - number_w - s(2), 0), material.line(), body,
                         value_flags)
        y += s(1.6)

    # -- accepted offline: the applicant must know the case is not yet at the centre
    if receipt.offline:
        y += s(3)
        box_top = y
        inner = QRectF(left + pad_x, y + pad_y, width - 2 * pad_x, 0)
        notice_h = measure.text(inner, OFFLINE_NOTICE, _font(s(3.7), bold=True), value_flags)
        if layout.paint:
            pen = QPen(_RULE_INK)
            pen.setWidthF(0.3 * mm)
            layout.painter.setPen(pen)
            layout.painter.drawRect(QRectF(left, box_top, width, notice_h + 2 * pad_y))
        layout.text(inner, OFFLINE_NOTICE, _font(s(3.7), bold=True), value_flags)
        y = box_top + notice_h + 2 * pad_y
    if receipt.signature_png is not None:
        y = _signature(layout, receipt, left, right, y + s(5))
    return y


def _signature(layout: _Layout, receipt: Receipt, left: float, right: float, y: float) -> float:
    """The applicant's (agent's, witness's) signature in a box at the right, its label before it, a witness's
    note above it; returns the bottom.

    The box keeps its size however long the receipt is (like the QR code): a signature shrunk to a smudge
    proves nothing. The image keeps its proportions inside the box.
    """
    mm, s = layout.mm, layout.s
    if receipt.signer_note:  # a witness signed for an applicant who could not: who, why, for whom
        wrapped = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP
        y += layout.text(QRectF(left, y, right - left, s(20)), receipt.signer_note, _font(s(3.5)), wrapped) + s(2)
    box = QRectF(right - _SIGNATURE_BOX_MM[0] * mm, y, _SIGNATURE_BOX_MM[0] * mm, _SIGNATURE_BOX_MM[1] * mm)
    label = f"{receipt.signer_label}签名："
    flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    font = _font(s(3.7), bold=True)
    layout.text(QRectF(left, box.top(), box.left() - left - s(2), box.height()), label, font, flags)
    layout.signature_rect = box
    if layout.paint:
        pen = QPen(_RULE_INK)
        pen.setWidthF(0.2 * mm)
        layout.painter.setPen(pen)
        layout.painter.drawRect(box)
        image = QImage.fromData(receipt.signature_png or b"")
        if not image.isNull():
            inner = box.adjusted(mm, mm, -mm, -mm)
            scale = min(inner.width() / image.width(), inner.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            target = QRectF(inner.center().x() - w / 2, inner.center().y() - h / 2, w, h)
            layout.painter.drawImage(target, image)
    return box.bottom()


def _footer(layout: _Layout) -> float:
    """Paints the footer at the bottom margin; returns its top (the content must end above it)."""
    page, mm = layout.page, layout.mm
    left = page.left() + 18 * mm
    right = page.right() - 18 * mm
    bottom = page.bottom() - 14 * mm
    font = _font(layout.s(3.2))
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP
    measure = _Layout(layout.painter, page, layout.scale, paint=False)
    height = measure.text(QRectF(left, 0, right - left, 0), FOOTER, font, flags)
    top = bottom - height
    layout.text(QRectF(left, top, right - left, 0), FOOTER, font, flags)
    rule_y = top - layout.s(2.5)
    layout.rule(left, rule_y, right, rule_y, 0.2)
    return rule_y


def _paint(painter: QPainter, page: QRectF, receipt: Receipt) -> list[str]:
    """Paints at the largest text scale that fits; returns the texts drawn (for the PDF's text map)."""
    return _paint_layout(painter, page, receipt).drawn


def _paint_layout(painter: QPainter, page: QRectF, receipt: Receipt) -> _Layout:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    chosen = _SCALES[-1]
    for scale in _SCALES:
        probe = _Layout(painter, page, scale, paint=False)
        if _layout(probe, receipt) + probe.s(4) <= _footer(probe):
            chosen = scale
            break
    final = _Layout(painter, page, chosen, paint=True)
    _layout(final, receipt)
    _footer(final)
    return final


def _require_gui() -> None:
    """Fonts need a QGuiApplication; without one Qt aborts the process instead of raising."""
    if QGuiApplication.instance() is None:
        raise RuntimeError("drawing a receipt needs a QGuiApplication (fonts)")


def paint_receipt(painter: QPainter, page: QRectF, receipt: Receipt) -> None:
    """Lays the receipt out on one A4 page; ``page`` is the paintable rectangle in device units."""
    _require_gui()
    _paint(painter, page, receipt)


def _a4_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                       QMarginsF(0, 0, 0, 0))


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a one-page A4 PDF (300 dpi), titled with the receipt number, searchable."""
    return a4_pdf(receipt.receipt_no, lambda painter, page, _writer: _paint(painter, page, receipt))


def a4_pdf(title: str, paint: Callable[[QPainter, QRectF, QPdfWriter], list[str]]) -> bytes:
    """An A4 PDF (300 dpi) drawn by ``paint`` (which returns the text it drew), its text made searchable.

    One writer for every printed document (the receipt, the 一次性告知书, the 办事指南), so they share
    resolution, page, metadata and the text repair of ``fix_to_unicode``.
    """
    _require_gui()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(_PDF_DPI)
    writer.setPageLayout(_a4_layout())
    writer.setTitle(title)
    writer.setCreator("sicounter")
    painter = QPainter(writer)
    try:
        drawn = paint(painter, QRectF(0, 0, writer.width(), writer.height()), writer)
    finally:
        painter.end()
    buffer.close()
    return fix_to_unicode(bytes(data.data()), drawn)


def receipt_image(receipt: Receipt, dpi: int = 150) -> QImage:
    """The same page rendered to a white image at ``dpi`` (the preview, and what tests scan)."""
    _require_gui()
    width = round(_A4_WIDTH_MM / 25.4 * dpi)
    height = round(_A4_HEIGHT_MM / 25.4 * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        _paint(painter, QRectF(0, 0, width, height), receipt)
    finally:
        painter.end()
    return image


def receipt_image_with_signature_box(receipt: Receipt, dpi: int = 150) -> tuple[QImage, QRectF | None]:
    """The page as ``receipt_image`` draws it, and where its signature box lies (None: no signature)."""
    _require_gui()
    image = receipt_image(receipt, dpi)
    probe = QImage(image.size(), QImage.Format.Format_RGB32)
    painter = QPainter(probe)
    try:
        box = _paint_layout(painter, QRectF(0, 0, image.width(), image.height()), receipt).signature_rect
    finally:
        painter.end()
    return image, box


def print_receipt(receipt: Receipt, printer: QPrinter) -> None:
    """Paints the receipt on a printer the caller has configured (the app shows QPrintDialog first).

    A printer set to PDF output gets the same ToUnicode repair as ``receipt_pdf``.
    """
    printer.setDocName(receipt.receipt_no)
    painter = QPainter()
    if not painter.begin(printer):
        raise DeviceError(f"cannot start printing on {printer.printerName() or printer.outputFileName()}",
                          user_message="无法开始打印受理回执。", hint="请检查打印机是否连接并就绪后重试。")
    try:
        drawn = _paint(painter, QRectF(0, 0, printer.width(), printer.height()), receipt)
    finally:
        painter.end()
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        path = Path(printer.outputFileName())
        if path.is_file():
            path.write_bytes(fix_to_unicode(path.read_bytes(), drawn))


# -- ToUnicode repair ----------------------------------------------------------------------------------

_CMAP_STREAM = re.compile(rb"<< /Length (\d+) >>\nstream\n(?=/CIDInit /ProcSet findresource begin)")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})> (?:<([0-9A-Fa-f]{4})>|\[([^\]]*)\])")
_HEX4 = re.compile(rb"<([0-9A-Fa-f]{4})>")
_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def _parse_cmap(cmap: bytes) -> dict[int, int]:
    """CID -> code point from the bfrange entries Qt writes."""
    mapping: dict[int, int] = {}
    for match in _BFRANGE.finditer(cmap):
        first, last = int(match.group(1), 16), int(match.group(2), 16)
        if match.group(3) is not None:
            base = int(match.group(3), 16)
            for offset in range(last - first + 1):
                mapping[first + offset] = base + offset
        else:
            for offset, value in enumerate(_HEX4.findall(match.group(4))):
                mapping[first + offset] = int(value, 16)
    return mapping


def _write_cmap(mapping: dict[int, int]) -> bytes:
    out = [_CMAP_HEAD]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # a bfchar block holds at most 100 entries
        chunk = items[start:start + 100]
        out.append(b"%d beginbfchar\n" % len(chunk))
        out.extend(b"<%04X> <%04X>\n" % (cid, code) for cid, code in chunk)
        out.append(b"endbfchar\n")
    out.append(_CMAP_TAIL)
    return b"".join(out)


def _glyph_twins(drawn: Iterable[str]) -> Callable[[int], int]:
    """Maps a code point Qt chose to the drawn character that shares its glyph, when exactly one does."""
    chars = sorted({ch for text in drawn for ch in text if ord(ch) <= 0xFFFF})
    raw = QRawFont.fromFont(_font(100))
    by_glyph: dict[int, set[str]] = {}
    for ch in chars:
        glyphs = raw.glyphIndexesForString(ch)
        if glyphs and glyphs[0]:
            by_glyph.setdefault(glyphs[0], set()).add(ch)
    drawn_set = set(chars)

    def twin(code: int) -> int:
        ch = chr(code)
        if ch in drawn_set:
            return code
        glyphs = raw.glyphIndexesForString(ch)
        candidates = by_glyph.get(glyphs[0], set()) if glyphs else set()
        return ord(next(iter(candidates))) if len(candidates) == 1 else code

    return twin


def fix_to_unicode(pdf: bytes, drawn: Iterable[str]) -> bytes:
    """``pdf`` with each ToUnicode map pointing glyphs at the characters actually drawn.

    Only the uncompressed ToUnicode streams Qt writes are replaced; the cross-reference table is
    shifted by the change in length, so every other byte stays as Qt wrote it.
    """
    twin = _glyph_twins(drawn)
    edits: list[tuple[int, int, bytes]] = []
    for match in _CMAP_STREAM.finditer(pdf):
        start = match.end()
        end = start + int(match.group(1))
        mapping = {cid: twin(code) for cid, code in _parse_cmap(pdf[start:end]).items()}
        cmap = _write_cmap(mapping)
        edits.append((match.start(), end, b"<< /Length %d >>\nstream\n" % len(cmap) + cmap))
    if not edits:
        return pdf
    xref_at = int(pdf[pdf.rindex(b"startxref") + len(b"startxref"):].split()[0])

    def moved(offset: int) -> int:
        return offset + sum(len(new) - (end - begin) for begin, end, new in edits if end <= offset)

    out = bytearray()
    cursor = 0
    for begin, end, new in edits:
        out += pdf[cursor:begin] + new
        cursor = end
    out += pdf[cursor:xref_at]
    tail = pdf[xref_at:]
    header, _, rest = tail.partition(b"\n")  # "xref"
    subsection, _, rest = rest.partition(b"\n")  # "0 N"
    if header.strip() != b"xref" or not re.fullmatch(rb"0 \d+\s*", subsection):
        return pdf  # not the one-section table Qt writes: leave the file valid rather than guess
    count = int(subsection.split()[1])
    entries = [rest[i * 20:(i + 1) * 20] for i in range(count)]
    fixed = [b"%010d%s" % (moved(int(entry[:10])), entry[10:]) if entry[17:18] == b"n" else entry
             for entry in entries]
    trailer = rest[count * 20:]
    trailer = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % len(out), trailer)
    out += header + b"\n" + subsection + b"\n" + b"".join(fixed) + trailer
    return bytes(out)
