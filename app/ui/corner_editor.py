"""Setting a page's edges by hand on a still the detector was not sure of.

A page kept whole (the outline was not trusted, or there was none) is evidence with desk around it. Rather
than retake it, the clerk drags the four corners onto the page's corners, starting from the outline the
detector suggested (or a frame a little inside the picture), and the page is cut from the same still. The
corners go where the clerk puts them, by mouse, pen or finger, or from the keyboard alone: Tab steps from
corner to corner (then on to the buttons), the arrow keys move the chosen one (with Shift, ten times as far).
While a corner moves, a magnified view of the photo around it shows where exactly it sits. A small
outline (an ID card at the document camera's scale fills a sixth of an 8 MP still) opens zoomed onto it; the
wheel or +/- zoom about the pointer or the chosen corner, 0 shows the whole photo again.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.ui.case_view import fit_to_screen
from app.ui.preview import thumbnail, to_qimage

#: the photo is shown from a copy at most this wide or high (an 8 MP still would cost every repaint)
SHOWN_LONG_SIDE = 1600
#: the starting outline when the detector suggested none: this share of the frame left free all round
INSET = 0.06
#: magnification of the view around the corner being moved, and its size on screen
LOUPE_ZOOM = 3.0
LOUPE_SIZE = 150
#: an outline covering at most this share of the photo opens zoomed onto it (an ID card: 2-10 %, a page:
#: 25 % and more), with ``ZOOM_ROOM`` of its size free around it
SMALL_OUTLINE = 0.15
ZOOM_ROOM = 0.2
#: zoom per wheel notch or key press, and the narrowest view (share of the photo's width)
ZOOM_STEP = 1.25
NARROWEST = 0.08


def frame_corners(width: int, height: int, inset: float = 0.0) -> NDArray[np.float32]:
    """The frame's own corners (clockwise from top left), ``inset`` of each side in from the border."""
    dx, dy = inset * width, inset * height
    return np.array([[dx, dy], [width - dx, dy], [width - dx, height - dy], [dx, height - dy]], dtype=np.float32)


class CornerCanvas(QWidget):
    """The still, fitted to the widget, with four corners to drag; everything outside them is dimmed."""

    changed = Signal()

    def __init__(self, frame: NDArray[np.uint8], corners: NDArray[np.float32], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cornerCanvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(480, 360)
        self.setAccessibleName(self.tr("材料边缘：四个角点"))
        height, width = frame.shape[:2]
        self.frame_size = (width, height)
        shown = thumbnail(frame, QSize(SHOWN_LONG_SIDE, SHOWN_LONG_SIDE))
        self._image: QImage = to_qimage(shown)
        self._shown_scale = shown.shape[1] / width  # shown px per frame px
        self._corners = np.array(corners, dtype=np.float32).reshape(4, 2)
        self.selected = 0
        self._dragging = False
        self.view = QRectF(0, 0, width, height)  # the part of the photo shown, in its own pixels
        self.zoom_to_outline()

    # -- geometry ---------------------------------------------------------------------------------
    def _fit(self) -> tuple[float, QPointF]:
        """Screen px per frame px and where the frame's origin lies on the widget: the view fitted to the
        widget with a handle's width free all round, so a corner at the photo's border is still whole to grab."""
        view = self.view
        margin = 2 * (self.handle_radius() + 4)
        scale = max(min((self.width() - margin) / view.width(), (self.height() - margin) / view.height()), 1e-3)
        return scale, QPointF((self.width() - view.width() * scale) / 2 - view.x() * scale,
                              (self.height() - view.height() * scale) / 2 - view.y() * scale)

    def zoomed(self) -> bool:
        width, height = self.frame_size
        return bool(self.view.width() < width - 0.5 or self.view.height() < height - 0.5)

    def show_whole(self) -> None:
        width, height = self.frame_size
        self.view = QRectF(0, 0, width, height)
        self.update()

    def zoom_to_outline(self) -> None:
        """Zoom onto the corners when they span little of the photo (a card); otherwise show it whole."""
        width, height = self.frame_size
        low, high = self._corners.min(axis=0), self._corners.max(axis=0)
        span = high - low
        x, y = self._corners[:, 0].astype(np.float64), self._corners[:, 1].astype(np.float64)
        area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))  # the shoelace formula
        if area > SMALL_OUTLINE * width * height:
            self.show_whole()
            return
        room = span * ZOOM_ROOM + np.float32(0.01 * max(width, height))
        self._set_view(QRectF(float(low[0] - room[0]), float(low[1] - room[1]), float(span[0] + 2 * room[0]),
                              float(span[1] + 2 * room[1])))

    def zoom(self, factor: float, about: QPointF | None = None) -> None:
        """Zoom in (``factor`` > 1) or out, keeping the photo's point under ``about`` (widget px; the chosen
        corner when None) where it is on the screen."""
        centre = self.to_screen(self._corners[self.selected]) if about is None else about
        fixed = self.to_frame(centre, clamp=False)
        width, height = self.frame_size
        factor = min(factor, self.view.width() / (NARROWEST * width))  # no narrower than NARROWEST
        new_width = min(self.view.width() / factor, float(width))  # each way no wider than the photo
        new_height = min(self.view.height() / factor, float(height))
        share_x = (float(fixed[0]) - self.view.x()) / self.view.width()
        share_y = (float(fixed[1]) - self.view.y()) / self.view.height()
        self._set_view(QRectF(float(fixed[0]) - share_x * new_width, float(fixed[1]) - share_y * new_height,
                              new_width, new_height))

    def _follow(self, index: int) -> None:
        """Move the view (not its zoom) so that a corner moved from the keyboard stays in it."""
        x, y = (float(v) for v in self._corners[index])
        view = self.view
        room = 0.05 * view.width()
        dx = min(0.0, x - room - view.left()) + max(0.0, x + room - view.right())
        dy = min(0.0, y - room - view.top()) + max(0.0, y + room - view.bottom())
        if dx or dy:
            self._set_view(view.translated(dx, dy))

    def _set_view(self, view: QRectF) -> None:
        """``view`` kept inside the photo (moved, then shrunk if need be)."""
        width, height = self.frame_size
        w, h = min(view.width(), float(width)), min(view.height(), float(height))
        x = min(max(view.x(), 0.0), width - w)
        y = min(max(view.y(), 0.0), height - h)
        self.view = QRectF(x, y, w, h)
        self.update()

    def to_screen(self, point: NDArray[np.float32]) -> QPointF:
        scale, origin = self._fit()
        return QPointF(origin.x() + float(point[0]) * scale, origin.y() + float(point[1]) * scale)

    def to_frame(self, point: QPointF, clamp: bool = True) -> NDArray[np.float32]:
        scale, origin = self._fit()
        width, height = self.frame_size
        x, y = (point.x() - origin.x()) / scale, (point.y() - origin.y()) / scale
        if clamp:
            x, y = min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))
        return np.array([x, y], dtype=np.float32)

    def handle_radius(self) -> float:
        """Big enough for a finger, and growing with the large-text setting."""
        return max(12.0, self.fontMetrics().height() * 0.75)

    def corners(self) -> NDArray[np.float32]:
        """The four corners in the still's own pixels, in the order they were given."""
        return self._corners.copy()

    def set_corners(self, corners: NDArray[np.float32]) -> None:
        self._corners = np.array(corners, dtype=np.float32).reshape(4, 2)
        self.changed.emit()
        self.update()

    def move_corner(self, index: int, to: NDArray[np.float32]) -> None:
        width, height = self.frame_size
        self._corners[index] = (min(max(float(to[0]), 0.0), float(width)), min(max(float(to[1]), 0.0), float(height)))
        self.changed.emit()
        self.update()

    # -- input -------------------------------------------------------------------------------------
    def _nearest(self, at: QPointF) -> int | None:
        """The corner whose handle is under the pointer (a little beyond the drawn circle), if any."""
        reach = self.handle_radius() * 2.0
        distances = [(QPointF(self.to_screen(c)) - at).manhattanLength() for c in self._corners]
        best = int(np.argmin(distances))
        return best if distances[best] <= reach * 1.4 else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self._nearest(event.position())
        if event.button() == Qt.MouseButton.LeftButton and index is not None:
            self.selected = index
            self._dragging = True
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.update()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.move_corner(self.selected, self.to_frame(event.position()))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self._dragging = False
            self.update()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        key = Qt.Key(event.key())
        if key in steps:
            scale, _origin = self._fit()
            screen_px = 10.0 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1.0
            dx, dy = steps[key]
            delta = np.array([dx, dy], dtype=np.float32) * np.float32(screen_px / scale)
            self.move_corner(self.selected, self._corners[self.selected] + delta)
            self._follow(self.selected)
            return
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_4:
            self.selected = int(key) - int(Qt.Key.Key_1)
            self.update()
            return
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            self.zoom(ZOOM_STEP if key != Qt.Key.Key_Minus else 1 / ZOOM_STEP)
            return
        if key == Qt.Key.Key_0:
            self.show_whole()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120.0
        if notches:
            self.zoom(ZOOM_STEP ** notches, event.position())
        event.accept()

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab goes from corner to corner first, then on to the buttons (Shift+Tab the other way)."""
        if forward and self.selected < 3:
            self.selected += 1
            self.update()
            return True
        if not forward and self.selected > 0:
            self.selected -= 1
            self.update()
            return True
        return super().focusNextPrevChild(forward)

    # -- painting ----------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(self.rect(), QColor("#1e1e1e"))
        scale, origin = self._fit()
        shown = self._shown_scale
        # as much of the photo as the widget holds at the view's scale (the view may be narrower than the
        # widget's shape), and no more
        corner_a, corner_b = self.to_frame(QPointF(0, 0)), self.to_frame(QPointF(self.width(), self.height()))
        seen = QRectF(QPointF(float(corner_a[0]), float(corner_a[1])), QPointF(float(corner_b[0]), float(corner_b[1])))
        target = QRectF(origin.x() + seen.x() * scale, origin.y() + seen.y() * scale, seen.width() * scale,
                        seen.height() * scale)
        painter.drawImage(target, self._image, QRectF(seen.x() * shown, seen.y() * shown, seen.width() * shown,
                                                      seen.height() * shown))
        outline = QPolygonF([self.to_screen(c) for c in self._corners])
        shade = QPainterPath()
        shade.addRect(target)
        inside = QPainterPath()
        inside.addPolygon(outline)
        inside.closeSubpath()
        painter.fillPath(shade.subtracted(inside), QColor(0, 0, 0, 120))  # what will be cut away
        painter.setPen(QPen(QColor("#2ecc71"), 3))
        painter.drawPolygon(outline)
        radius = self.handle_radius()
        focused = self.hasFocus()
        for index, corner in enumerate(self._corners):
            centre = self.to_screen(corner)
            chosen = index == self.selected
            painter.setPen(QPen(QColor("#f39c12" if chosen and focused else "#2ecc71"), 4 if chosen else 3))
            painter.setBrush(QColor(255, 255, 255, 110))  # the photo shows through
            painter.drawEllipse(centre, radius, radius)
            painter.setPen(QColor("#1b1b1b"))
            painter.drawText(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius),
                             Qt.AlignmentFlag.AlignCenter, str(index + 1))
        if self._dragging or focused:
            self._paint_loupe(painter, scale)
        painter.end()

    def _paint_loupe(self, painter: QPainter, scale: float) -> None:
        """The photo around the chosen corner, magnified, in the widget's top corner away from it."""
        corner = self._corners[self.selected]
        shown = self._shown_scale
        half = LOUPE_SIZE / (2 * LOUPE_ZOOM * scale)  # frame px either side of the corner
        source = QRectF((float(corner[0]) - half) * shown, (float(corner[1]) - half) * shown,
                        2 * half * shown, 2 * half * shown)
        left = self.to_screen(corner).x() > self.width() / 2
        box = QRectF(8 if left else self.width() - LOUPE_SIZE - 8, 8, LOUPE_SIZE, LOUPE_SIZE)
        painter.save()
        clip = QPainterPath()
        clip.addEllipse(box)
        painter.setClipPath(clip)
        painter.fillRect(box, QColor("#1e1e1e"))
        painter.drawImage(box, self._image, source)
        painter.restore()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#ffffff"), 2))
        painter.drawEllipse(box)
        painter.setPen(QPen(QColor("#f39c12"), 1))
        centre = box.center()
        painter.drawLine(QPointF(centre.x() - 14, centre.y()), QPointF(centre.x() + 14, centre.y()))
        painter.drawLine(QPointF(centre.x(), centre.y() - 14), QPointF(centre.x(), centre.y() + 14))


class CornerEditor(QDialog):
    """Four corners over a still; ``corners()`` after ``accept`` is where the clerk put them.

    ``reason`` says why the editor opened when the clerk did not open it (an ID card's outline the detector
    was not sure of): shown above the photo, since the editor covers the capture dialog's own status line.
    """

    def __init__(self, frame: NDArray[np.uint8], suggested: NDArray[np.float32] | None,
                 parent: QWidget | None = None, *, title: str | None = None, reason: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cornerEditor")
        self.setWindowTitle(title or self.tr("调整材料边缘"))
        height, width = frame.shape[:2]
        self._suggested = (np.array(suggested, dtype=np.float32).reshape(4, 2) if suggested is not None
                           else frame_corners(width, height, INSET))
        self.canvas = CornerCanvas(frame, self._suggested)
        hint = QLabel(self.tr("将四个角点拖到材料的四个角上，框外部分将被裁去。滚轮或 +/- 缩放，0 显示整幅画面。"
                              "键盘：Tab 依次选择角点，方向键微调（按住 Shift 移动更快），回车确定。"))
        hint.setObjectName("cornerHint")
        hint.setWordWrap(True)
        self.reset_button = QPushButton(self.tr("撤销本次调整"))
        self.reset_button.setObjectName("resetCornersButton")
        self.reset_button.clicked.connect(lambda: self.canvas.set_corners(self._suggested))
        self.whole_button = QPushButton(self.tr("框选整幅画面"))
        self.whole_button.setObjectName("wholeFrameButton")
        self.whole_button.clicked.connect(self._whole_frame)
        self.cancel_button = QPushButton(self.tr("取消（Esc）"))
        self.cancel_button.setObjectName("cancelCornersButton")
        self.cancel_button.clicked.connect(self.reject)
        self.crop_button = QPushButton(self.tr("按此边缘裁切（回车）"))
        self.crop_button.setObjectName("cropButton")
        self.crop_button.setProperty("primary", True)
        self.crop_button.setDefault(True)
        self.crop_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.whole_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.crop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        self.reason = QLabel(reason or "")
        self.reason.setObjectName("cornerReason")
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        layout.addWidget(self.reason)
        layout.addWidget(hint)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1240, 860)  # as large as the screen allows: the corners are set by eye
        self.setFocusProxy(self.canvas)  # the corners, not a button, take the keys when it opens

    def _whole_frame(self) -> None:
        """The corners on the photo's own corners, and the whole photo in view to see them."""
        width, height = self.canvas.frame_size
        self.canvas.set_corners(frame_corners(width, height))
        self.canvas.show_whole()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
            return
        super().keyPressEvent(event)

    def corners(self) -> NDArray[np.float32]:
        return self.canvas.corners()
