"""Small status widgets: the card reader indicator and the notice bar above the work area."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.event_types import CameraEvent, CardEvent, IdCardEvent


def _retone(widget: QWidget, tone: str) -> None:
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ReaderIndicator(QLabel):
    """社保卡读卡器: absent, ready, card present, reading, failed, service down."""

    def __init__(self, watching: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerStatus")
        if watching:
            self._set(self.tr("社保卡读卡器：检测中…"), "idle")
        else:
            self._set(self.tr("社保卡读卡器：未启用"), "idle")

    def _set(self, text: str, tone: str) -> None:
        self.setText(text)
        _retone(self, tone)

    def show_event(self, event: CardEvent) -> None:
        kind = event.kind
        if kind == "readers":
            if event.readers:
                self._set(self.tr("● 社保卡读卡器：就绪"), "ok")
            else:
                self._set(self.tr("● 社保卡读卡器：未连接"), "warn")
        elif kind == "inserted":
            self._set(self.tr("● 社保卡读卡器：正在读卡…"), "busy")
        elif kind == "read":
            self._set(self.tr("● 社保卡读卡器：已读卡"), "ok")
        elif kind == "removed":
            self._set(self.tr("● 社保卡读卡器：就绪"), "ok")
        elif kind == "read_failed":
            self._set(self.tr("● 社保卡读卡器：读卡失败"), "error")
        elif kind == "service_down":
            self._set(self.tr("● 社保卡读卡器：读卡服务未运行"), "error")
        elif kind == "service_up":
            self._set(self.tr("● 社保卡读卡器：就绪"), "ok")


class IdReaderIndicator(QLabel):
    """身份证读卡器: searching, ready, card read, failed, lost."""

    def __init__(self, watching: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idReaderStatus")
        self._set(self.tr("身份证读卡器：查找中…") if watching else self.tr("身份证读卡器：未启用"), "idle")

    def _set(self, text: str, tone: str) -> None:
        self.setText(text)
        _retone(self, tone)

    def show_event(self, event: IdCardEvent) -> None:
        if event.kind in ("reader", "removed"):
            self._set(self.tr("● 身份证读卡器：就绪"), "ok")
        elif event.kind == "read":
            self._set(self.tr("● 身份证读卡器：已读卡"), "ok")
        elif event.kind == "read_failed":
            self._set(self.tr("● 身份证读卡器：读卡失败"), "error")
        elif event.kind == "reader_lost":
            self._set(self.tr("● 身份证读卡器：未连接"), "error")


class CameraIndicator(QLabel):
    """高拍仪: searching, ready (with its still resolution), lost."""

    def __init__(self, watching: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraStatus")
        self._lost = False  # after a loss, "not found" goes on meaning "unplugged"
        self._set(self.tr("高拍仪：查找中…") if watching else self.tr("高拍仪：未启用"), "idle")

    def _set(self, text: str, tone: str) -> None:
        self.setText(text)
        _retone(self, tone)

    def show_event(self, event: CameraEvent) -> None:
        if event.kind == "opened":
            megapixels = event.still_mode.width * event.still_mode.height / 1e6 if event.still_mode else 0
            self._set(self.tr("● 高拍仪：就绪（{mp:.0f} 百万像素）").format(mp=megapixels), "ok")
        elif event.kind == "lost":
            self._set(self.tr("● 高拍仪：已断开"), "error")
            self._lost = True
        elif event.kind == "not_found" and not self._lost:
            self._set(self.tr("● 高拍仪：未连接"), "warn")
        if event.kind == "opened":
            self._lost = False


class NoticeBar(QWidget):
    """One line of news for the clerk (card read, card removed, read failed); info fades by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # let the style sheet paint the tone
        self.label = QLabel()
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        close = QPushButton("×")
        close.setObjectName("noticeClose")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 8, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, tone: str = "info") -> None:
        """tone: ok | info | warn | error; errors and warnings stay until closed."""
        self.label.setText(text)
        _retone(self, tone)
        self.show()
        if tone in ("ok", "info"):
            self._timer.start(8000)
        else:
            self._timer.stop()
