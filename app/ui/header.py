"""The blue bar across the top of every session's window: what this is, where, who, the time, lock, sign-out.

The clerk's window and the administrator's window both show it (they differ in title, in who is named and
in the buttons a role adds), so it is one widget with its own clock rather than two copies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class HeaderBar(QFrame):
    """Title and office on the left; the role's extra buttons, who is signed in, the clock, 锁定 and 退出登录
    on the right. ``stop()`` stops the clock before the window goes."""

    def __init__(self, title: str, office: str, who: str, *, lock: Callable[[], None],
                 sign_out: Callable[[], None], extra: Sequence[QWidget] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headerBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 10, 18, 10)
        title_label = QLabel(title)
        title_label.setObjectName("headerTitle")
        office_label = QLabel(office)
        office_label.setObjectName("headerOffice")
        who_label = QLabel(who)
        who_label.setObjectName("headerClerk")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("headerClock")
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
        self.clock_label.setText(datetime.now().strftime("%Y-%m-%d %H:%M:%S"))

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
