"""The 一次性告知书 and the 办事指南 on paper and as PDF, in the receipt's look (``app.receipt_render``).

Both are a ``PrintedDocument``: the office and a title centred at the top, a two-column table (label,
value), numbered lists under headings, closing lines and a footer. Painting reuses the receipt's fonts,
text measuring and PDF text repair, so the saved PDF is searchable the same way (the notice number, the
material names) and digits and ideographs come out as drawn. The text shrinks step by step until it
fits one A4 page; a guide too long even then continues on further pages rather than being clipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPagedPaintDevice, QPainter
from PySide6.QtPrintSupport import QPrinter

from app.receipt_render import (
    _A4_HEIGHT_MM,
    _A4_WIDTH_MM,
    _INK,
    _LABEL_FILL,
    _SCALES,
    _TITLE_INK,
    _WRAP,
    _font,
    _Layout,
    _require_gui,
    a4_pdf,
    fix_to_unicode,
)
from core.errors import DeviceError
from forms.guide import Guide, entry_line
from forms.notice import COME_BACK, FOOTER, SIGNATURE, TITLE, Notice

GUIDE_TITLE = "办事指南"
GUIDE_FOOTER = "本指南根据现行表单定义生成，表单版本更新后以新版为准。咨询电话：12333"


@dataclass(frozen=True)
class Block:
    """A heading and its numbered lines."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PrintedDocument:
    """What one printed page (or a few) says, laid out like the receipt."""

    doc_name: str
    office: str
    title: str
    rows: tuple[tuple[str, str], ...]
    blocks: tuple[Block, ...]
    closing: tuple[str, ...]
    footer: str


def notice_document(notice: Notice) -> PrintedDocument:
    """The notice: who, which item, what is missing with its basis, the clerk, and that they may come back."""
    rows = [("告知书编号", notice.notice_no), ("办理事项", notice.item_name), ("申请人", notice.applicant_text())]
    if notice.acting:  # the relation and the agent's masked ID number, as on the receipt
        rows.append(("代办", notice.acting))
    elif notice.agent_name:
        rows.append(("代办人", notice.agent_name))
    rows += [("告知时间", notice.date_text()), ("受理机构", notice.office_name), ("经办人", notice.clerk_text())]
    closing = ["经审查，您申请办理的上述事项因上列材料（信息）尚未齐全，暂不能受理，现一次性告知。"]
    if notice.note:
        closing.append(f"说明：{notice.note}")
    closing += [COME_BACK, "", SIGNATURE]
    return PrintedDocument(notice.notice_no, notice.office_name, TITLE, tuple(rows),
                           (Block("需补齐的材料（信息）及依据", tuple(m.line() for m in notice.missing)),),
                           tuple(closing), FOOTER)


def guide_document(guide: Guide, office_name: str) -> PrintedDocument:
    """The guide: the item in the table, each section a numbered block."""
    rows = (("办理事项", guide.item_name), ("表单版本", f"{guide.form_code} 第 {guide.form_version} 版"))
    blocks = tuple(Block(section.title, tuple(entry_line(e) for e in section.entries)) for section in guide.sections)
    return PrintedDocument(f"{GUIDE_TITLE}-{guide.item_code}", office_name, f"{guide.item_name}　{GUIDE_TITLE}",
                           rows, blocks, (), GUIDE_FOOTER)


@dataclass
class _PageLayout(_Layout):
    """One page of a document that runs over several: only what starts on this page is drawn (and so is in
    the page's PDF text); the rest is measured, so the layout is the same on every page."""

    low: float = 0.0
    high: float = 0.0

    def _shown(self, y: float) -> bool:
        return self.low - 0.5 <= y < self.high

    def text(self, rect: QRectF, text: str, font: QFont, flags: int, colour: QColor = _INK) -> float:
        if self.paint and not self._shown(rect.y()):
            self.paint = False
            try:
                return super().text(rect, text, font, flags, colour)
            finally:
                self.paint = True
        return super().text(rect, text, font, flags, colour)

    def rule(self, x1: float, y1: float, x2: float, y2: float, width_mm: float = 0.25) -> None:
        if self._shown(min(y1, y2)):
            super().rule(x1, y1, x2, y2, width_mm)


def _content(layout: _Layout, doc: PrintedDocument, top: float, span: float | None = None) -> float:
    """Lays the document out from ``top``; returns the bottom of the content.

    ``span``: the height of one page's content area when the document runs over several pages; a line
    that would cross a page's end starts on the next page instead (a heading stays with its first line).
    """
    page, mm, s = layout.page, layout.mm, layout.s

    def push(y: float, height: float) -> float:
        if span is None or height >= span:
            return y
        start = math.floor((y - top) / span)
        return top + (start + 1) * span if math.floor((y + height - top - 1e-6) / span) != start else y

    left = page.left() + 18 * mm
    right = page.right() - 18 * mm
    width = right - left
    centred = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP
    y = top
    y += layout.text(QRectF(left, y, width, 0), doc.office, _font(s(4.8)), centred) + s(2.5)
    y += layout.text(QRectF(left, y, width, 0), doc.title, _font(s(7.2), bold=True), centred, _TITLE_INK) + s(6)
    measure = _Layout(layout.painter, page, layout.scale, paint=False)
    label_w, pad_x, pad_y = s(30), s(2.5), s(2.2)
    body, label_font = _font(s(3.7)), _font(s(3.7), bold=True)
    table_top = y
    layout.rule(left, y, right, y)
    for label, value in doc.rows:
        value_rect = QRectF(left + label_w + pad_x, y + pad_y, width - label_w - 2 * pad_x, 0)
        row_h = max(measure.text(value_rect, value, body, flags),
                    measure.text(QRectF(left + pad_x, 0, label_w - 2 * pad_x, 0), label, label_font, flags)) + 2 * pad_y
        if layout.paint:
            layout.painter.fillRect(QRectF(left, y, label_w, row_h), _LABEL_FILL)
        layout.text(QRectF(left + pad_x, y + pad_y, label_w - 2 * pad_x, 0), label, label_font, flags)
        layout.text(value_rect, value, body, flags)
        y += row_h
        layout.rule(left, y, right, y)
    for x in (left, left + label_w, right):
        layout.rule(x, table_top, x, y)
    number_w = s(8)
    line_w = width - number_w - s(2)
    for block in doc.blocks:
        y += s(5)
        heading_font = _font(s(4.2), bold=True)
        first = measure.text(QRectF(0, 0, line_w, 0), block.lines[0], body, flags) if block.lines else 0.0
        y = push(y, measure.text(QRectF(left, 0, width, 0), block.heading, heading_font, flags) + s(3.5) + first)
        y += layout.text(QRectF(left, y, width, 0), block.heading, heading_font, flags) + s(1.5)
        layout.rule(left, y, right, y, 0.2)
        y += s(2)
        for index, line in enumerate(block.lines, start=1):
            y = push(y, measure.text(QRectF(0, 0, line_w, 0), line, body, flags))
            layout.text(QRectF(left, y, number_w, 0), f"{index}.", body,
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            y += layout.text(QRectF(left + number_w + s(2), y, line_w, 0), line, body, flags) + s(1.6)
    if doc.closing:
        y += s(3)
    for line in doc.closing:
        y = push(y, measure.text(QRectF(0, 0, width, 0), line, body, flags))
        y += layout.text(QRectF(left, y, width, 0), line, body, flags) + s(2)
    return y


def _footer(layout: _Layout, doc: PrintedDocument) -> float:
    page, mm = layout.page, layout.mm
    left, right = page.left() + 18 * mm, page.right() - 18 * mm
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP
    font = _font(layout.s(3.2))
    height = _Layout(layout.painter, page, layout.scale, paint=False).text(
        QRectF(left, 0, right - left, 0), doc.footer, font, flags)
    top = page.bottom() - 14 * mm - height
    layout.text(QRectF(left, top, right - left, 0), doc.footer, font, flags)
    layout.rule(left, top - layout.s(2.5), right, top - layout.s(2.5), 0.2)
    return top - layout.s(2.5)


def _paint(painter: QPainter, page: QRectF, doc: PrintedDocument,
           new_page: QPagedPaintDevice | None = None) -> list[str]:
    """Paints at the largest scale that fits one page; beyond the smallest, further pages (on a paged device)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    top = page.top() + 16 * page.width() / _A4_WIDTH_MM
    chosen = _SCALES[-1]
    for scale in _SCALES:
        probe = _Layout(painter, page, scale, paint=False)
        if _content(probe, doc, top) + probe.s(4) <= _footer(probe, doc):
            chosen = scale
            break
    probe = _Layout(painter, page, chosen, paint=False)
    limit = _footer(probe, doc) - probe.s(4)
    span = max(1.0, limit - top)
    pages = 1 if new_page is None else max(1, math.ceil((_content(probe, doc, top, span) - top) / span))
    drawn: list[str] = []
    for index in range(pages):
        if index:
            new_page.newPage()  # type: ignore[union-attr]
        painter.save()
        painter.setClipRect(QRectF(page.left(), top, page.width(), limit - top))
        final = _PageLayout(painter, page, chosen, paint=True, low=top, high=limit) if pages > 1 \
            else _Layout(painter, page, chosen, paint=True)
        _content(final, doc, top - index * span, span if pages > 1 else None)
        painter.restore()
        foot = _Layout(painter, page, chosen, paint=True)
        _footer(foot, doc)
        drawn += final.drawn + foot.drawn
    return drawn


def document_pdf(doc: PrintedDocument) -> bytes:
    """The document as an A4 PDF (300 dpi), titled with its number, searchable."""
    return a4_pdf(doc.doc_name, lambda painter, page, writer: _paint(painter, page, doc, writer))


def document_image(doc: PrintedDocument, dpi: int = 150) -> QImage:
    """The first page on a white image at ``dpi`` (previews, screenshots)."""
    _require_gui()
    width, height = round(_A4_WIDTH_MM / 25.4 * dpi), round(_A4_HEIGHT_MM / 25.4 * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        _paint(painter, QRectF(0, 0, width, height), doc)
    finally:
        painter.end()
    return image


def print_document(doc: PrintedDocument, printer: QPrinter) -> None:
    """Paints on a printer the caller configured; a printer set to PDF output gets the text repair."""
    _require_gui()
    printer.setDocName(doc.doc_name)
    painter = QPainter()
    if not painter.begin(printer):
        raise DeviceError(f"cannot start printing on {printer.printerName() or printer.outputFileName()}",
                          user_message="无法开始打印。", hint="请检查打印机是否连接并就绪后重试。")
    try:
        drawn = _paint(painter, QRectF(0, 0, printer.width(), printer.height()), doc, printer)
    finally:
        painter.end()
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        path = Path(printer.outputFileName())
        if path.is_file():
            path.write_bytes(fix_to_unicode(path.read_bytes(), drawn))
