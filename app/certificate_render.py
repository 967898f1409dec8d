"""A 参保证明 / 缴费证明 on paper and as PDF (issue 20), in the receipt's look (``app.receipt_render``).

One A4 page: the office and the title, the QR code top right (it holds the public verification address with
the code), the opening sentence, the table of facts, the closing lines, the verification code in text, the
date and the office's seal text at the bottom right. Like the receipt, every size follows the page's width,
the text shrinks step by step until everything fits, and the PDF's text is searchable (the code, the name,
the insurances), which is how the tests read it back.
"""

from __future__ import annotations

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


def _layout(layout: _Layout, certificate: IssuedCertificate) -> float:
    page, mm, s = layout.page, layout.mm, layout.s
    left, right = page.left() + 18 * mm, page.right() - 18 * mm
    top = page.top() + 16 * mm
    width = right - left
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | _WRAP)
    centred = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP)

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
                            _font(s(2.8)), centred)
    gutter = qr_side + 4 * mm
    title_rect = QRectF(left + gutter, top + 4 * mm, width - 2 * gutter, 0)
    y = title_rect.y() + layout.text(title_rect, certificate.office, _font(s(4.8)), centred)
    y += s(2.5)
    y += layout.text(QRectF(title_rect.x(), y, title_rect.width(), 0), certificate.title, _font(s(7.6), bold=True),
                     centred, _TITLE_INK)
    y = max(y, qr_top + drawn + caption_h) + s(6)

    y += layout.text(QRectF(left, y, width, 0), certificate.opening(), _font(s(3.9)), flags) + s(4)
    header, rows = certificate.table()
    y = _table(layout, left, width, y, header, rows,
               _PAYMENT_COLUMNS if certificate.kind == "payment" else _COLUMNS) + s(4)
    for line in certificate.closing():
        y += layout.text(QRectF(left, y, width, 0), line, _font(s(3.7)), flags) + s(1.6)
    y += s(3)
    box_top = y
    pad = s(2.2)
    inner = QRectF(left + pad, y + pad, width - 2 * pad, 0)
    inner_y = inner.y()
    for index, line in enumerate(certificate.verification_lines()):
        font = _font(s(3.9 if index == 0 else 3.2), bold=index == 0)
        inner_y += layout.text(QRectF(inner.x(), inner_y, inner.width(), 0), line, font, flags) + s(1)
    if layout.paint:
        pen = QPen(_INK)
        pen.setWidthF(0.25 * mm)
        layout.painter.setPen(pen)
        layout.painter.setBrush(Qt.BrushStyle.NoBrush)
        layout.painter.drawRect(QRectF(left, box_top, width, inner_y - box_top + pad))
    y = inner_y + pad + s(6)
    return _seal(layout, certificate, right, y)


def _footer(layout: _Layout) -> float:
    page, mm = layout.page, layout.mm
    left, right = page.left() + 18 * mm, page.right() - 18 * mm
    font = _font(layout.s(3.2))
    flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | _WRAP)
    height = _Layout(layout.painter, page, layout.scale, paint=False).text(QRectF(left, 0, right - left, 0), FOOTER,
                                                                           font, flags)
    top = page.bottom() - 14 * mm - height
    layout.text(QRectF(left, top, right - left, 0), FOOTER, font, flags)
    layout.rule(left, top - layout.s(2.5), right, top - layout.s(2.5), 0.2)
    return top - layout.s(2.5)


def _paint(painter: QPainter, page: QRectF, certificate: IssuedCertificate) -> list[str]:
    """Paints at the largest text scale that fits; returns the texts drawn (for the PDF's text map)."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    chosen = _SCALES[-1]
    for scale in _SCALES:
        probe = _Layout(painter, page, scale, paint=False)
        if _layout(probe, certificate) + probe.s(4) <= _footer(probe):
            chosen = scale
            break
    final = _Layout(painter, page, chosen, paint=True)
    _layout(final, certificate)
    _footer(final)
    return final.drawn


def certificate_pdf(certificate: IssuedCertificate) -> bytes:
    """The certificate as a one-page A4 PDF (300 dpi), titled with its code, searchable."""
    return a4_pdf(f"{certificate.title} {certificate.code_text}",
                  lambda painter, page, _writer: _paint(painter, page, certificate))


def certificate_image(certificate: IssuedCertificate, dpi: int = 150) -> QImage:
    """The same page on a white image at ``dpi`` (the screen's preview)."""
    _require_gui()
    width, height = round(_A4_WIDTH_MM / 25.4 * dpi), round(_A4_HEIGHT_MM / 25.4 * dpi)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        _paint(painter, QRectF(0, 0, width, height), certificate)
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
        _paint(painter, QRectF(0, 0, printer.width(), printer.height()), certificate)
    finally:
        painter.end()
