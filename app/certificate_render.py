"""A 参保证明 / 缴费证明 on paper and as PDF (issue 20), in the receipt's look (``app.receipt_render``).

On A4: the office and the title, the QR code top right (it holds the public verification address with
the code), the opening sentence, the table of facts, the closing lines, the verification code in text, the
date and the office's seal text at the bottom right. Like the receipt, every size follows the page's width,
the text shrinks step by step until everything fits one page, and the PDF's text is searchable (the code, the
name, the insurances), which is how the tests read it back. A 缴费证明 over many years with a base per year
would shrink past reading; below ``_SMALLEST_ONE_PAGE`` it goes on to further pages instead, each with the
title marked 续, the person, the table's header again, and the code and page number in the footer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter

from app.certificates import IssuedCertificate
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
    _qr_path,
    _require_gui,
    a4_pdf,
)
from core.errors import DeviceError

FOOTER = "本证明由社会保险经办机构依据中心系统记录出具，涂改无效。咨询电话：12333"
SEAL_TEXT = "业务专用章"
_QR_SIDE_MM = 32.0
_SEAL_INK = QColor("#c0282d")
#: the table's column widths as parts of its width
_COLUMNS = (0.27, 0.13, 0.16, 0.28, 0.16)
_PAYMENT_COLUMNS = (0.2, 0.24, 0.11, 0.17, 0.28)
#: below this text scale a page is hard to read: a longer certificate goes on to more pages instead
_SMALLEST_ONE_PAGE = 0.72
#: the text scale of a certificate on several pages
_PAGED_SCALE = 0.85


def _table(layout: _Layout, left: float, width: float, y: float, header: list[str], rows: list[list[str]],
           columns: tuple[float, ...]) -> float:
    """Header and rows with rules; returns the bottom."""
    s = layout.s
    pad_x, pad_y = s(1.8), s(1.6)
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP)
    measure = _Layout(layout.painter, layout.page, layout.scale, paint=False)
    edges = [left]
    for part in columns:
        edges.append(edges[-1] + part * width)
    top = y
    layout.rule(left, y, left + width, y)
    for index, cells in enumerate([header, *rows]):
        font = _font(s(3.3), bold=index == 0)
        heights = [measure.text(QRectF(edges[c] + pad_x, 0, edges[c + 1] - edges[c] - 2 * pad_x, 0), text, font, flags)
                   for c, text in enumerate(cells)]
        row_h = max(heights) + 2 * pad_y
        if index == 0 and layout.paint:
            layout.painter.fillRect(QRectF(left, y, width, row_h), _LABEL_FILL)
        for c, text in enumerate(cells):
            layout.text(QRectF(edges[c] + pad_x, y + pad_y, edges[c + 1] - edges[c] - 2 * pad_x, 0), text, font, flags)
        y += row_h
        layout.rule(left, y, left + width, y)
    for edge in edges:
        layout.rule(edge, top, edge, y)
    return y


def _seal(layout: _Layout, certificate: IssuedCertificate, right: float, y: float) -> float:
    """The office's name and the date, and the seal's text in a red ring at the bottom right; returns the bottom.

    The ring keeps its size however much the text shrinks (like the QR code); the office's name inside it
    wraps onto a second line rather than run over the ring."""
    mm, s = layout.mm, layout.s
    ring = 40 * mm
    centre = QPointF(right - ring / 2 - 4 * mm, y + ring / 2)
    if layout.paint:
        pen = QPen(_SEAL_INK)
        pen.setWidthF(0.9 * mm)
        layout.painter.setPen(pen)
        layout.painter.setBrush(Qt.BrushStyle.NoBrush)
        layout.painter.drawEllipse(centre, ring / 2, ring / 2)
    inner_w = ring * 0.8
    centred = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP)
    name_font, seal_font = _font(2.7 * mm, bold=True), _font(2.7 * mm)
    measure = _Layout(layout.painter, layout.page, layout.scale, paint=False)
    name_h = measure.text(QRectF(0, 0, inner_w, 0), certificate.office, name_font, centred)
    seal_h = measure.text(QRectF(0, 0, inner_w, 0), f"★ {SEAL_TEXT} ★", seal_font, centred)
    top = centre.y() - (name_h + mm + seal_h) / 2
    layout.text(QRectF(centre.x() - inner_w / 2, top, inner_w, 0), certificate.office, name_font, centred, _SEAL_INK)
    layout.text(QRectF(centre.x() - inner_w / 2, top + name_h + mm, inner_w, 0), f"★ {SEAL_TEXT} ★", seal_font,
                centred, _SEAL_INK)
    lines_left = right - 120 * mm
    block = QRectF(lines_left, y + ring * 0.3, centre.x() - ring / 2 - lines_left - 3 * mm, 0)
    flags = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop | _WRAP)
    h = layout.text(block, f"出具机构：{certificate.office}", _font(s(3.6)), flags)
    layout.text(QRectF(block.x(), block.y() + h + s(2), block.width(), 0), f"出具日期：{certificate.date_text()}",
                _font(s(3.6)), flags)
    return y + ring


def _margins(layout: _Layout) -> tuple[float, float, float]:
    page, mm = layout.page, layout.mm
    return page.left() + 18 * mm, page.right() - 18 * mm, page.top() + 16 * mm


_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP)
_CENTRED = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP)


def _head(layout: _Layout, certificate: IssuedCertificate) -> float:
    """The first page's top: QR code, office, title and the opening sentence; returns where the table starts."""
    mm, s = layout.mm, layout.s
    left, right, top = _margins(layout)
    width = right - left
    qr_side = _QR_SIDE_MM * mm
    _, drawn = _qr_path(certificate.verify_url, 0, 0, qr_side)
    qr_left, qr_top = round(right - drawn), round(top)
    path, drawn = _qr_path(certificate.verify_url, qr_left, qr_top, qr_side)
    if layout.paint:
        layout.painter.fillRect(QRectF(qr_left, qr_top, drawn, drawn), QColor("#ffffff"))
        layout.painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        layout.painter.fillPath(path, _INK)
        layout.painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    caption_h = layout.text(QRectF(qr_left - 6 * mm, qr_top + drawn, drawn + 12 * mm, 0), "扫码验证",
                            _font(s(2.8)), _CENTRED)
    gutter = qr_side + 4 * mm
    title_rect = QRectF(left + gutter, top + 4 * mm, width - 2 * gutter, 0)
    y = title_rect.y() + layout.text(title_rect, certificate.office, _font(s(4.8)), _CENTRED)
    y += s(2.5)
    y += layout.text(QRectF(title_rect.x(), y, title_rect.width(), 0), certificate.title, _font(s(7.6), bold=True),
                     _CENTRED, _TITLE_INK)
    y = max(y, qr_top + drawn + caption_h) + s(6)
    return y + layout.text(QRectF(left, y, width, 0), certificate.opening(), _font(s(3.9)), _FLAGS) + s(4)


def _continued(layout: _Layout, certificate: IssuedCertificate) -> float:
    """A later page's top: the title marked 续 and whom it is about; returns where the table goes on."""
    left, right, top = _margins(layout)
    y = top + layout.text(QRectF(left, top, right - left, 0), f"{certificate.title}（续）",
                          _font(layout.s(5.2), bold=True), _CENTRED, _TITLE_INK) + layout.s(2)
    who = f"{certificate.facts.name}（公民身份号码：{certificate.facts.id_number}）"
    return y + layout.text(QRectF(left, y, right - left, 0), who, _font(layout.s(3.6)), _CENTRED) + layout.s(4)


def _tail(layout: _Layout, certificate: IssuedCertificate, y: float) -> float:
    """Closing lines, the verification box and the seal from ``y``; returns the bottom."""
    mm, s = layout.mm, layout.s
    left, right, _top = _margins(layout)
    width = right - left
    for line in certificate.closing():
        y += layout.text(QRectF(left, y, width, 0), line, _font(s(3.7)), _FLAGS) + s(1.6)
    y += s(3)
    box_top = y
    pad = s(2.2)
    inner_y = y + pad
    for index, line in enumerate(certificate.verification_lines()):
        font = _font(s(3.9 if index == 0 else 3.2), bold=index == 0)
        inner_y += layout.text(QRectF(left + pad, inner_y, width - 2 * pad, 0), line, font, _FLAGS) + s(1)
    if layout.paint:
        pen = QPen(_INK)
        pen.setWidthF(0.25 * mm)
        layout.painter.setPen(pen)
        layout.painter.setBrush(Qt.BrushStyle.NoBrush)
        layout.painter.drawRect(QRectF(left, box_top, width, inner_y - box_top + pad))
    return _seal(layout, certificate, right, inner_y + pad + s(6))


def _footer(layout: _Layout, certificate: IssuedCertificate, number: int, pages: int) -> float:
    """The footer (with the code and the page number when there are several pages); returns its top."""
    page, mm = layout.page, layout.mm
    left, right, _top = _margins(layout)
    text = FOOTER if pages == 1 else f"{FOOTER}\n验证码 {certificate.code_text}　第 {number} 页 共 {pages} 页"
    font = _font(layout.s(3.2))
    height = _Layout(layout.painter, page, layout.scale, paint=False).text(QRectF(left, 0, right - left, 0), text,
                                                                           font, _CENTRED)
    top = page.bottom() - 14 * mm - height
    layout.text(QRectF(left, top, right - left, 0), text, font, _CENTRED)
    layout.rule(left, top - layout.s(2.5), right, top - layout.s(2.5), 0.2)
    return top - layout.s(2.5)


def _columns(certificate: IssuedCertificate) -> tuple[float, ...]:
    return _PAYMENT_COLUMNS if certificate.kind == "payment" else _COLUMNS


def _plan(painter: QPainter, page: QRectF, certificate: IssuedCertificate, scale: float) -> list[list[int]]:
    """Which table rows go on which page at ``scale``; the closing part follows the last rows (on a page of its
    own when it does not fit under them)."""
    probe = _Layout(painter, page, scale, paint=False)
    left, right, _top = _margins(probe)
    header, rows = certificate.table()
    columns = _columns(certificate)
    bottom = _footer(probe, certificate, 1, 2) - probe.s(4)
    header_h = _table(probe, left, right - left, 0, header, [], columns)
    heights = [_table(probe, left, right - left, 0, header, [row], columns) - header_h for row in rows]
    tail_h = _tail(probe, certificate, 0) + probe.s(4)
    pages: list[list[int]] = [[]]
    y = _head(probe, certificate) + header_h
    for index, height in enumerate(heights):
        if y + height > bottom and pages[-1]:
            pages.append([])
            y = _continued(probe, certificate) + header_h
        pages[-1].append(index)
        y += height
    if y + tail_h > bottom:
        pages.append([])
    return pages


def _one_page_scale(painter: QPainter, page: QRectF, certificate: IssuedCertificate) -> float | None:
    for scale in _SCALES:
        if scale < _SMALLEST_ONE_PAGE:
            return None
        probe = _Layout(painter, page, scale, paint=False)
        if _layout_page(probe, certificate, list(range(len(certificate.table()[1]))), 0, 1) + probe.s(4) \
                <= _footer(probe, certificate, 1, 1):
            return scale
    return None


def _layout_page(layout: _Layout, certificate: IssuedCertificate, rows: list[int], number: int, pages: int) -> float:
    """One page: its head, its rows of the table, and on the last page the closing part; returns the bottom."""
    left, right, _top = _margins(layout)
    y = _head(layout, certificate) if number == 0 else _continued(layout, certificate)
    header, all_rows = certificate.table()
    if rows:
        y = _table(layout, left, right - left, y, header, [all_rows[i] for i in rows], _columns(certificate))
        y += layout.s(4)
    if number == pages - 1:
        y = _tail(layout, certificate, y)
    return y


def page_count(certificate: IssuedCertificate) -> int:
    """How many A4 pages the certificate takes (one unless a long 缴费证明 does not fit one readable page)."""
    _require_gui()
    probe = QImage(10, 10, QImage.Format.Format_RGB32)
    probe.setDotsPerMeterX(round(300 / 0.0254))
    probe.setDotsPerMeterY(round(300 / 0.0254))
    painter = QPainter(probe)
    try:
        page = QRectF(0, 0, round(_A4_WIDTH_MM / 25.4 * 300), round(_A4_HEIGHT_MM / 25.4 * 300))
        return 1 if _one_page_scale(painter, page, certificate) is not None else len(
            _plan(painter, page, certificate, _PAGED_SCALE))
    finally:
        painter.end()


def _paint(painter: QPainter, page_at: Callable[[int], QRectF], next_page: Callable[[], object],
           certificate: IssuedCertificate) -> list[str]:
    """Paints on one page at the largest text scale that fits, else on several at a readable scale; returns the
    texts drawn (for the PDF's text map). ``page_at(n)``: the paintable rectangle of page n; ``next_page``
    starts the next page on a paged device."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    first = page_at(0)
    scale = _one_page_scale(painter, first, certificate)
    if scale is not None:
        plan = [list(range(len(certificate.table()[1])))]
    else:
        scale = _PAGED_SCALE
        plan = _plan(painter, first, certificate, scale)
    drawn: list[str] = []
    for number, rows in enumerate(plan):
        if number > 0:
            next_page()
        final = _Layout(painter, page_at(number), scale, paint=True)
        _layout_page(final, certificate, rows, number, len(plan))
        _footer(final, certificate, number + 1, len(plan))
        drawn += final.drawn
    return drawn


def certificate_pdf(certificate: IssuedCertificate) -> bytes:
    """The certificate as an A4 PDF (300 dpi; one page unless a long 缴费证明 needs more), titled with its code,
    searchable."""
    return a4_pdf(f"{certificate.title} {certificate.code_text}",
                  lambda painter, page, writer: _paint(painter, lambda _n: page, writer.newPage, certificate))


def certificate_image(certificate: IssuedCertificate, dpi: int = 150) -> QImage:
    """The same pages on one white image at ``dpi``, one below the other (the screen's preview)."""
    _require_gui()
    width, height = round(_A4_WIDTH_MM / 25.4 * dpi), round(_A4_HEIGHT_MM / 25.4 * dpi)
    pages = page_count(certificate)
    gap = round(dpi / 10) if pages > 1 else 0
    image = QImage(width, height * pages + gap * (pages - 1), QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        for number in range(1, pages):  # a grey band between the pages
            painter.fillRect(QRectF(0, number * (height + gap) - gap, width, gap), QColor("#c8ccd2"))
        _paint(painter, lambda n: QRectF(0, n * (height + gap), width, height), lambda: None, certificate)
    finally:
        painter.end()
    return image


def print_certificate(certificate: IssuedCertificate, printer: QPrinter) -> None:
    """Paints the certificate on a paper printer (paper is verified by its code and QR code; a printer set to
    PDF output gets the registered bytes instead, ``app.usecases.certificate.deliver_certificate``)."""
    printer.setDocName(certificate.code_text)
    painter = QPainter()
    if not painter.begin(printer):
        raise DeviceError(f"cannot start printing on {printer.printerName() or printer.outputFileName()}",
                          user_message="无法开始打印证明。", hint="请检查打印机是否连接并就绪后重试。")
    try:
        page = QRectF(0, 0, printer.width(), printer.height())
        _paint(painter, lambda _n: page, printer.newPage, certificate)
    finally:
        painter.end()
