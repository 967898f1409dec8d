"""The notice bar above the work area, and the status bar's texts that shorten themselves to fit.

The status bar holds three device indicators (``app.ui.device_indicator``), the connection, what is
pending, the last sync, the reference data's age and the sync error. At 1366 px and 150 % or 200 %
text their full words do not fit; a QStatusBar then clips them. Each text therefore comes in up to
three forms (full, short, shortest: a symbol), and ``StatusStrip`` picks for each the longest that
lets the whole row fit, shortening the least important first. The full words are always in the
tooltip and the accessible name. Only the error, free text of any length, is elided (with a tooltip).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QPushButton, QSizePolicy, QWidget


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


class StatusText(QLabel):
    """One status-bar text in its full form and shorter ones; ``StatusStrip`` says which to show.

    The tooltip carries the full text (and ``details``, when given) whichever form is shown, and so
    does the accessible name, so nothing is lost when the bar is narrow.
    """

    #: the texts changed: the strip fits the row again
    changed = Signal()

    def __init__(self, full: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._forms: tuple[str, ...] = (full,)
        self._details = ""
        self._level = 0
        self._show()

    def set_forms(self, full: str, *shorter: str, details: str = "") -> None:
        """The full text and, shortest last, the shorter ones (a shorter form equal to the previous is skipped)."""
        forms = [full]
        for text in shorter:
            if text and text != forms[-1]:
                forms.append(text)
        self._forms, self._details = tuple(forms), details
        self._show()
        self.changed.emit()

    def full_text(self) -> str:
        """What the text says in full (what tests and screen readers read)."""
        return self._forms[0]

    def details(self) -> str:
        return self._details

    @property
    def levels(self) -> int:
        """How many forms there are (1: it cannot be shortened)."""
        return len(self._forms)

    @property
    def level(self) -> int:
        return min(self._level, len(self._forms) - 1)

    def set_level(self, level: int) -> None:
        if level != self._level:
            self._level = level
            self._show()

    def width_at(self, level: int) -> int:
        """The width the label needs to show the form at ``level`` whole (padding included)."""
        self.ensurePolished()
        metrics = self.fontMetrics()
        chrome = self.sizeHint().width() - metrics.horizontalAdvance(self.text())
        return metrics.horizontalAdvance(self._forms[min(level, len(self._forms) - 1)]) + max(chrome, 0)

    def _show(self) -> None:
        self.setText(self._forms[self.level])
        full = self._forms[0]
        self.setToolTip(f"{full}\n\n{self._details}" if self._details else full)
        self.setAccessibleName(full)


class ElidedText(QLabel):
    """Free text of any length (the sync error): elided to the room left, the whole of it in the tooltip."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_message(self, text: str) -> None:
        if text == self._full:
            return
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()
        self.changed.emit()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 0)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


class StatusStrip(QWidget):
    """The status bar's texts in one row, each shown in the longest form that lets the row fit.

    ``shorten_first`` orders groups of texts from least to most important: every group is tried at
    its short form first, in that order, before any goes down to its shortest; a group (the devices)
    shortens together, so its texts read alike. The error (``tail``) keeps room for its first words
    (``TAIL_EMS``) when there is one, takes what is left and elides. The strip asks for no more than
    its shortest forms as its minimum, so a narrow window is never pushed wider by its status bar.
    """

    #: the room kept for the error's first words, in widths of one Chinese character
    TAIL_EMS = 8

    def __init__(self, texts: Sequence[StatusText], shorten_first: Sequence[Sequence[StatusText]],
                 tail: ElidedText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.texts = list(texts)
        grouped = [text for group in shorten_first for text in group]
        self._order = [list(group) for group in shorten_first] + [[text] for text in texts if text not in grouped]
        self.tail = tail
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # our minimum, not the texts' sum
        for text in self.texts:
            layout.addWidget(text)
            text.changed.connect(self._later)
        layout.addWidget(tail, 1)
        tail.changed.connect(self._later)
        self._pending = False

    def _widths(self, levels: dict[StatusText, int]) -> int:
        return sum(text.width_at(levels[text]) for text in self.texts if not text.isHidden())

    def minimumSizeHint(self) -> QSize:
        shortest = {text: text.levels - 1 for text in self.texts}
        return QSize(self._widths(shortest), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self._widths(dict.fromkeys(self.texts, 0)), super().sizeHint().height())

    def fit(self) -> None:
        """Choose each text's form for the width the strip has now."""
        self._pending = False
        room = self.contentsRect().width()
        if self.tail.full_text():
            self.tail.ensurePolished()
            metrics = self.tail.fontMetrics()
            first_words = self.TAIL_EMS * metrics.horizontalAdvance("中")
            room -= min(metrics.horizontalAdvance(self.tail.full_text()), first_words)
        levels = dict.fromkeys(self.texts, 0)
        total = self._widths(levels)
        deepest = max((text.levels for text in self.texts), default=1)
        for level in range(1, deepest):
            for group in self._order:
                if total <= room:
                    break
                for text in group:
                    if text.levels > level:
                        before = text.width_at(levels[text])
                        levels[text] = level
                        total += text.width_at(level) - before
        for text, level in levels.items():
            text.set_level(level)
        self.updateGeometry()

    def _later(self) -> None:
        """Fit once the current burst of changes is over (a sync event changes several texts at once)."""
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._later()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # the text size changed
            self._later()
