"""The system administrator's window: clerk management and nothing of the business (Art. 26).

An administrator manages clerks, the terminal and its settings and never handles business or sees
personal data (个人权益记录管理办法 Art. 26). So this window is not the clerk's window with parts hidden:
it builds no catalogue, no records list, no result page and listens to no reader, so no name or ID
number is ever read into it. The use cases refuse the administrator's business regardless
(``app/permissions.py``). It locks and signs out like every session (``SessionGuard``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.terminal import Terminal
from app.ui.clerk_admin import ClerkAdminPage
from app.ui.header import HeaderBar
from app.ui.idle import Clock
from app.ui.operations import OpContext
from app.ui.ops import OpRunner
from app.ui.reference_alerts import ReferenceAlertBar
from app.ui.session_guard import SessionGuard
from app.usecases import ClerkInfo


class AdminWindow(QMainWindow):
    """An administrator's session; ``session_ended`` as ``MainWindow``'s."""

    session_ended = Signal(object)

    def __init__(self, terminal: Terminal, clerk: ClerkInfo, ops: OpRunner, *, clock: Clock | None = None) -> None:
        super().__init__()
        self.terminal, self.clerk, self.ops = terminal, clerk, ops
        self.ctx = OpContext(terminal, ops)
        self.setObjectName("adminWindow")
        self.setWindowTitle(self.tr("社会保险经办柜台终端（系统管理）— {office}").format(
            office=terminal.settings.office_name or self.tr("未命名网点")))
        self.clerks = ClerkAdminPage(self.ctx, clerk)
        outer = QWidget()
        col = QVBoxLayout(outer)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self._build_header())
        #: reference data the terminal refused or holds back for the administrator's confirmation
        self.reference_alerts = ReferenceAlertBar(self.ctx, clerk)
        col.addWidget(self.reference_alerts)
        col.addWidget(self.clerks, 1)
        self.guard = SessionGuard(self, outer, self.ctx, clerk, clock=clock)
        self.guard.ended.connect(self.session_ended)
        self.setCentralWidget(self.guard.frame)
        self.statusBar().addWidget(QLabel(self.tr("终端编号：{id}").format(id=terminal.settings.terminal_id)))

    def _build_header(self) -> QWidget:
        self.header = HeaderBar(self.tr("社会保险经办柜台终端 · 系统管理"), self.terminal.settings.office_name,
                                self.tr("系统管理员：{name}（{id}）").format(name=self.clerk.name, id=self.clerk.id),
                                lock=lambda: self.guard.lock("manual"), sign_out=lambda: self.guard.sign_out())
        self.clock_label = self.header.clock_label
        self.lock_button, self.sign_out_button = self.header.lock_button, self.header.sign_out_button
        return self.header

    def detach(self) -> None:
        self.header.stop()
        self.reference_alerts.detach()
        self.guard.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        super().closeEvent(event)
