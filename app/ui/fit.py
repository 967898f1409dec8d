"""A row that never makes its window wider: it shows as many of its widgets as fit, in order.

At 150 % or 200 % text a row of shortcut tiles (the home page's 热门事项) is wider than a 1366-pixel
laptop; rather than push the window past the screen or cut a tile in half, the tiles that do not fit are
left out (every one of them is also in the catalogue beside it).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QSizePolicy, QStackedWidget, QWidget


class FitRow(QWidget):
    """``widgets`` left to right; those past the row's width hidden until there is room again."""

    def __init__(self, widgets: Sequence[QWidget], spacing: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = list(widgets)
        self._spacing = spacing
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(spacing)
        for widget in self.items:
            layout.addWidget(widget)
        layout.addStretch(1)
        # the row asks for no width of its own: it takes what the page gives and fills it
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        #: the widgets a caller hid on purpose (a clerk who may not take applications): never shown here
        self.withheld: set[QWidget] = set()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible:
            self.refit()

    def refit(self) -> None:
        """Show the leading widgets that fit the width, hide the rest."""
        room = self.width()
        used = 0
        for widget in self.items:
            if widget in self.withheld:
                widget.hide()
                continue
            need = widget.sizeHint().width() + (self._spacing if used else 0)
            fits = used + need <= room
            widget.setVisible(fits)
            if fits:
                used += need
            else:
                room = -1  # keep the order: nothing after the first that does not fit


class _Holder(QWidget):
    """The stack's parent inside the scroll area: no layout, so no height-for-width of every page (a
    stacked layout answers for all its pages, and one wrapped label anywhere would make each page scroll)."""

    def __init__(self, stack: QStackedWidget) -> None:
        super().__init__()
        self.stack = stack
        stack.setParent(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.stack.setGeometry(self.rect())


class PageScroller(QScrollArea):
    """The window's pages in a scroll area that is as large as the page shown asks, not the largest page.

    A stacked widget asks for the largest minimum of all its pages; at 200 % text the records list asks for
    more than a laptop has, and every page, forms included, would then scroll sideways. Here only a page
    that truly needs more room than the window has scrolls, and only while it is shown.
    """

    def __init__(self, stack: QStackedWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.setObjectName("pageScroller")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.holder = _Holder(stack)
        self.setWidget(self.holder)
        stack.currentChanged.connect(lambda _i: self.refit())
        stack.currentChanged.connect(lambda _i: QTimer.singleShot(0, self.refit))  # a new page once laid out
        self.refit()

    def refit(self) -> None:
        """The minimum is the shown page's (again after the text size changed)."""
        page = self.stack.currentWidget()
        hint = page.minimumSizeHint() if page is not None else QSize(1, 1)
        self.holder.setMinimumSize(hint.expandedTo(QSize(1, 1)))
