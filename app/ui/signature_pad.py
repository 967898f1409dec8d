"""A signature pad: the applicant (or agent) signs with a pen tablet, a finger on a touch screen, or a mouse.

Strokes are kept as point lists on a fixed 600x200 canvas (a 3:1 box, the shape of a signature line), so
the same signature renders the same at any widget size and on the receipt. A pen's pressure sets the
stroke's width; a finger or a mouse draws at a medium width. The pad refuses an empty signature or a
trivial mark (a dot, a tick) with a hint in Chinese, because a case confirmed by a dot confirms nothing.

``SignaturePanel`` is the pad with its prompt and 清除/确认 buttons, a plain widget that can live on the
customer screen (``CustomerScreen.show_panel``); ``SignatureDialog`` (``app.ui.signature_dialog``) wraps
it for a window that can be placed on any screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

# the canvas strokes are kept on (and the PNG's size): at 300 dpi about 51 x 17 mm, a signature line
CANVAS = QSize(600, 200)
# the PNG's resolution, so that a printer or PDF places it at its true size
PNG_DPI = 300
# a stroke's width on the canvas at no pressure and the width full pressure adds
_BASE_WIDTH = 1.6
_PRESSURE_WIDTH = 5.0
# the pressure taken for a finger or a mouse (they report none, or a constant)
_DEFAULT_PRESSURE = 0.5
# what is too little to be a signature: ink shorter than this, or a mark inside a box this small (canvas units)
MIN_INK_LENGTH = 60.0
MIN_EXTENT = 30.0

_INK = QColor("#10204a")
_GUIDE = QColor("#b8c2d6")


@dataclass(frozen=True)
class StrokePoint:
    """One sampled point on the canvas, with the pen's pressure (0..1)."""

    x: float
    y: float
    pressure: float


Stroke = list[StrokePoint]


def ink_length(strokes: list[Stroke]) -> float:
    """The total length drawn, in canvas units."""
    total = 0.0
    for stroke in strokes:
        for a, b in pairwise(stroke):
            total += ((b.x - a.x) ** 2 + (b.y - a.y) ** 2) ** 0.5
    return total


def signature_problem(strokes: list[Stroke]) -> str | None:
    """Why these strokes are not a signature, in Chinese (what happened and what to do); None when they are."""
    if not any(strokes):
        return "还没有签字。请在框内签上姓名后点“确认”。"
    xs = [p.x for s in strokes for p in s]
    ys = [p.y for s in strokes for p in s]
    if ink_length(strokes) < MIN_INK_LENGTH or max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_EXTENT:
        return "签字过短，看不出是签名。请点“清除”后在框内完整签上姓名。"
    return None


def _width(pressure: float) -> float:
    return _BASE_WIDTH + _PRESSURE_WIDTH * max(0.0, min(1.0, pressure))


def paint_strokes(painter: QPainter, strokes: list[Stroke], target: QRectF) -> None:
    """Draw canvas strokes into ``target`` (scaled uniformly from the 600x200 canvas)."""
    scale = min(target.width() / CANVAS.width(), target.height() / CANVAS.height())
    origin = QPointF(target.x() + (target.width() - CANVAS.width() * scale) / 2,
                     target.y() + (target.height() - CANVAS.height() * scale) / 2)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def at(p: StrokePoint) -> QPointF:
        return QPointF(origin.x() + p.x * scale, origin.y() + p.y * scale)

    for stroke in strokes:
        if len(stroke) == 1:
            pen = QPen(_INK, _width(stroke[0].pressure) * scale * 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPoint(at(stroke[0]))
            continue
        for a, b in pairwise(stroke):
            pen = QPen(_INK, _width((a.pressure + b.pressure) / 2) * scale, Qt.PenStyle.SolidLine,
                       Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawLine(at(a), at(b))


def strokes_png(strokes: list[Stroke], *, white: bool = False) -> bytes:
    """The strokes as a 600x200 PNG at 300 dpi, on a transparent (or white) ground."""
    image = QImage(CANVAS, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff") if white else Qt.GlobalColor.transparent)
    dots_per_metre = round(PNG_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        paint_strokes(painter, strokes, QRectF(0, 0, CANVAS.width(), CANVAS.height()))
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, the binding a str
    buffer.close()
    return bytes(data.data())


class SignaturePad(QWidget):
    """The box signed in. Takes tablet (pen, with pressure), touch and mouse input; ``changed`` on every stroke."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking, False)
        self.setMinimumSize(360, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.strokes: list[Stroke] = []
        self._drawing = False

    def sizeHint(self) -> QSize:
        return QSize(720, 240)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * CANVAS.height() // CANVAS.width()

    # -- geometry
    def _box(self) -> QRectF:
        """Where the canvas lies in the widget: the largest 3:1 box, centred."""
        scale = min(self.width() / CANVAS.width(), self.height() / CANVAS.height())
        w, h = CANVAS.width() * scale, CANVAS.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def _canvas_point(self, position: QPointF, pressure: float) -> StrokePoint:
        box = self._box()
        scale = box.width() / CANVAS.width()
        x = min(max((position.x() - box.x()) / scale, 0.0), float(CANVAS.width()))
        y = min(max((position.y() - box.y()) / scale, 0.0), float(CANVAS.height()))
        return StrokePoint(x, y, pressure)

    # -- strokes
    def begin_stroke(self, position: QPointF, pressure: float = _DEFAULT_PRESSURE) -> None:
        self._drawing = True
        self.strokes.append([self._canvas_point(position, pressure)])
        self.update()

    def extend_stroke(self, position: QPointF, pressure: float = _DEFAULT_PRESSURE) -> None:
        if not self._drawing:
            return
        self.strokes[-1].append(self._canvas_point(position, pressure))
        self.update()

    def end_stroke(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def clear(self) -> None:
        """Start again (清除)."""
        self.strokes = []
        self._drawing = False
        self.update()
        self.changed.emit()

    def is_empty(self) -> bool:
        return not any(self.strokes)

    def problem(self) -> str | None:
        """Why what is drawn is not a signature yet (Chinese), or None."""
        return signature_problem(self.strokes)

    def to_png(self, *, white: bool = False) -> bytes:
        """The signature as a 600x200 PNG (300 dpi), transparent unless ``white``."""
        return strokes_png(self.strokes, white=white)

    # -- input
    def tabletEvent(self, event: QTabletEvent) -> None:
        """A pen on a signature pad or tablet: its pressure sets the width."""
        kind = event.type()
        pressure = event.pressure() if event.pressure() > 0 else _DEFAULT_PRESSURE
        if kind == QEvent.Type.TabletPress:
            self.begin_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove:
            self.extend_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self.extend_stroke(event.position(), pressure)
            self.end_stroke()
        event.accept()  # accepted: Qt synthesises no mouse event from it, so nothing is drawn twice

    def event(self, event: QEvent) -> bool:
        """A finger on a touch screen (the first touch point draws; a second finger is ignored)."""
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel) and isinstance(event, QTouchEvent):
            points = event.points()
            if points:
                point = points[0]
                pressure = point.pressure() if 0 < point.pressure() < 1 else _DEFAULT_PRESSURE
                if kind == QEvent.Type.TouchBegin:
                    self.begin_stroke(point.position(), pressure)
                elif kind == QEvent.Type.TouchUpdate:
                    self.extend_stroke(point.position(), pressure)
                else:
                    self.extend_stroke(point.position(), pressure)
                    self.end_stroke()
            event.accept()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())
            self.end_stroke()

    # -- drawing
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            box = self._box()
            painter.fillRect(box, QColor("#ffffff"))
            painter.setPen(QPen(_GUIDE, 1, Qt.PenStyle.DashLine))
            painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
            base = box.top() + box.height() * 0.78
            painter.drawLine(QPointF(box.left() + box.width() * 0.06, base),
                             QPointF(box.right() - box.width() * 0.06, base))
            if self.is_empty():
                font = QFont(self.font())
                font.setPixelSize(max(14, round(box.height() * 0.14)))
                painter.setFont(font)
                painter.setPen(_GUIDE)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.tr("请在此处签名"))
            paint_strokes(painter, self.strokes, box)
        finally:
            painter.end()


class SignaturePanel(QWidget):
    """The prompt, who signs, the pad, and 清除/确认: ``signed(bytes)`` with the PNG once it is a signature.

    ``cancelled`` when the clerk (or applicant) gives up. A plain widget, so the customer screen can show
    it (``CustomerScreen.show_panel``) as well as ``SignatureDialog``.
    """

    signed = Signal(bytes)
    cancelled = Signal()

    # the clerk says the applicant cannot sign (shown only with ``unable=True``)
    unable = Signal()

    def __init__(self, signer_label: str, signer_name: str = "", parent: QWidget | None = None, *,
                 white: bool = False, unable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePanel")
        # large type for the applicant (the window's style sheet sets a clerk-sized font on every label)
        self.setStyleSheet("#signaturePrompt { font-size: 28px; font-weight: bold; }"
                           " #signatureSigner { font-size: 22px; }"
                           " #signatureHint { font-size: 20px; color: #c0392b; }"
                           " #signatureNote { font-size: 20px; }"
                           " #signaturePanel QPushButton { font-size: 20px; }")
        self._white = white
        self.prompt = QLabel(self.tr("请核对屏幕上的信息并签字"))
        self.prompt.setObjectName("signaturePrompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setObjectName("signatureSigner")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setObjectName("signatureNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.hide()
        self.set_signer(signer_label, signer_name)
        self.pad = SignaturePad()
        self.hint = QLabel()
        self.hint.setObjectName("signatureHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.clear_button = QPushButton(self.tr("清除"))
        self.clear_button.setObjectName("signatureClear")
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("signatureCancel")
        self.confirm_button = QPushButton(self.tr("确认"))
        self.confirm_button.setObjectName("signatureConfirm")
        self.confirm_button.setProperty("primary", True)
        self.unable_button = QPushButton(self.tr("申请人无法签字…"))
        self.unable_button.setObjectName("signatureUnable")
        self.unable_button.setToolTip(self.tr("申请人不能书写签名且无代办人时，由在场的见证人签字并注明原因"))
        self.unable_button.setVisible(unable)
        self.unable_button.clicked.connect(self.unable)
        for button in (self.clear_button, self.unable_button, self.cancel_button, self.confirm_button):
            button.setMinimumSize(140, 48)
        self.clear_button.clicked.connect(self.pad.clear)
        self.cancel_button.clicked.connect(self.cancelled)
        self.confirm_button.clicked.connect(self.confirm)
        self.pad.changed.connect(lambda: self.hint.clear())
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.unable_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.who)
        layout.addWidget(self.note)
        layout.addWidget(self.pad, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)

    def set_signer(self, signer_label: str, signer_name: str = "", note: str | None = None) -> None:
        """Who signs (and, for a witness, the line saying for whom and why); clears what was drawn when the
        signer changes, so one person's strokes never become another's signature."""
        who = f"{signer_label}：{signer_name}" if signer_name else signer_label
        text = self.tr("签字人　{who}").format(who=who)
        if self.who.text() and self.who.text() != text:
            self.pad.clear()
        self.who.setText(text)
        self.note.setText(note or "")
        self.note.setVisible(bool(note))
        if note:
            self.prompt.setText(self.tr("请见证人核对屏幕上的信息并签字"))
            self.unable_button.hide()

    def confirm(self) -> bool:
        """Take the signature when it is one (``signed``), else say why under the pad; whether it was taken."""
        problem = self.pad.problem()
        if problem is not None:
            self.hint.setText(problem)
            return False
        self.signed.emit(self.pad.to_png(white=self._white))
        return True
