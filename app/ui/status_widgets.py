"""The notice bar above the work area (the devices' indicators are ``app.ui.device_indicator``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


def _retone(widget: QWidget, tone: str) -> None:
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


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
