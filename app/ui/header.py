"""The blue bar across the top of every session's window: what this is, where, who, the time, lock, sign-out.

The clerk's window and the administrator's window both show it (they differ in title, in who is named and
in the buttons a role adds), so it is one widget with its own clock rather than two copies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class HeaderBar(QFrame):
    """Title and office on the left; the role's extra buttons, who is signed in, the clock, 锁定 and 退出登录
    on the right. ``stop()`` stops the clock before the window goes.

    Where large text (125 % and more) leaves no room (a laptop at 150 %), the bar compacts itself rather than widen the
    window: the clock loses its date and seconds, the office goes (it is also in the window's title), the
    title shortens, then the clerk's staff number goes. The buttons always stay whole.
    """

    def __init__(self, title: str, office: str, who: str, *, lock: Callable[[], None],
                 sign_out: Callable[[], None], extra: Sequence[QWidget] = (), parent: QWidget | None = None,
                 short_who: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headerBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        self._title, self._who, self._short_who = title, who, short_who or who
        self.title_label = title_label = QLabel(title)
        title_label.setObjectName("headerTitle")
        self.office_label = office_label = QLabel(office)
        office_label.setObjectName("headerOffice")
        self.who_label = who_label = QLabel(who)
        who_label.setObjectName("headerClerk")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("headerClock")
        #: 0: everything; higher: more left out (``_compact``)
        self.compaction = 0
        for label in (title_label, office_label, who_label, self.clock_label):  # their width is the bar's choice
            label.setMinimumWidth(1)
        self.lock_button = QPushButton(self.tr("锁定"))
        self.lock_button.setObjectName("lockButton")
        self.lock_button.clicked.connect(lambda: lock())
        self.sign_out_button = QPushButton(self.tr("退出登录"))
        self.sign_out_button.setObjectName("signOutButton")
        self.sign_out_button.clicked.connect(lambda: sign_out())
        layout.addWidget(title_label)
        layout.addSpacing(16)
        layout.addWidget(office_label)
        layout.addStretch(1)
        for widget in (*extra, who_label, self.clock_label):
            layout.addWidget(widget)
            layout.addSpacing(16)
        layout.addWidget(self.lock_button)
        layout.addWidget(self.sign_out_button)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(1000)
        self._tick()

    def _tick(self) -> None:
        self.clock_label.setText(datetime.now().strftime("%H:%M" if self.compaction else "%Y-%m-%d %H:%M:%S"))

    def _needed(self) -> int:
        """The width the bar's shown parts ask for at their full size (the labels' too: they may shrink)."""
        layout = self.layout()
        assert layout is not None
        layout.invalidate()
        return layout.sizeHint().width()

    def _compact(self) -> None:
        """The least compaction whose parts fit the bar's width: at 1366 px a supervisor's header (every post's
        button) does not fit even at normal text size, and a clipped clerk number or clock helps nobody."""
        for level in range(5):
            self._apply(level)
            if self._needed() <= self.width():
                return

    def _apply(self, level: int) -> None:
        self.compaction = level
        self._tick()
        self.office_label.setHidden(level >= 2)
        self.title_label.setText(QCoreApplication.translate("HeaderBar", "柜台终端") if level >= 3 else self._title)
        self.who_label.setText(self._short_who if level >= 4 else self._who)
        self.who_label.setToolTip(self._who)  # the whole name and staff number, whatever the bar leaves out
        self.title_label.setToolTip(self._title)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._compact()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):  # larger or smaller text
            self._compact()

    def minimumSizeHint(self) -> QSize:
        """The buttons whole and a little of the title: the rest compacts (``_compact``)."""
        buttons = sum(w.sizeHint().width() + 16 for w in self.findChildren(QPushButton)
                      if w.parentWidget() is self and not w.isHidden())
        return QSize(buttons + 200, super().minimumSizeHint().height())

    def stop(self) -> None:
        self._clock.stop()


def page_heading(title: str, back_name: str) -> tuple[QHBoxLayout, QPushButton]:
    """A page's title on the left and its 返回首页 button on the right (办件查询, 业务统计, 审计日志): the row
    and the button, which the window connects to its home page."""
    label = QLabel(title)
    label.setObjectName("pageTitle")
    back = QPushButton(QCoreApplication.translate("PageHeading", "返回首页"))
    back.setObjectName(back_name)
    row = QHBoxLayout()
    row.addWidget(label)
    row.addStretch(1)
    row.addWidget(back)
    return row, back
