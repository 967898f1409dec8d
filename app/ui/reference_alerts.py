"""The administrator's line about reference data: what was refused, what waits for confirmation.

A self-contained bar for whichever window an administrator works in: it asks once when shown and again
whenever the sync engine refuses a data set or holds an update back, says so in one line, and offers
参考数据待确认（N） to open ``PendingReferenceDialog``. Hidden while there is nothing to say.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app import usecases
from app.event_types import ReferenceAwaiting, ReferenceRefused
from app.ui.bridge import EventBridge
from app.ui.operations import OpContext, QueryOp
from app.ui.reference_dialog import PendingReferenceDialog, reference_label
from app.usecases import ClerkInfo, ReferenceAlerts


class ReferenceAlertBar(QFrame):
    """One line for an administrator (``Permission.MANAGE_TERMINAL``); call ``detach`` before closing."""

    def __init__(self, ctx: OpContext, admin: ClerkInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._admin = ctx, admin
        self.setObjectName("noticeBar")
        self.setProperty("tone", "warn")
        self.label = QLabel()
        self.label.setObjectName("referenceAlertText")
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.button.setObjectName("pendingReferenceButton")
        self.button.clicked.connect(self.show_pending)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.dialog: PendingReferenceDialog | None = None
        self.hide()
        self._bridge = EventBridge(self)
        self._bridge.arrived.connect(self._on_event)
        ctx.terminal.events.subscribe(self._bridge)
        self.refresh()

    def detach(self) -> None:
        """Stop hearing the sync engine (a barrier: the bar may then be destroyed)."""
        self._ctx.terminal.events.unsubscribe(self._bridge)

    def _on_event(self, event: object) -> None:
        if isinstance(event, ReferenceRefused | ReferenceAwaiting):
            self.refresh()

    def refresh(self) -> None:
        """Ask again what was refused and what waits (in the background)."""
        admin = self._admin
        QueryOp(self, lambda t: usecases.reference_alerts(t, admin), self._show).run_in_background(self._ctx)

    def _show(self, alerts: ReferenceAlerts) -> None:
        count = len(alerts.pending)
        by_reason: dict[str, list[str]] = {}
        for name, why in sorted(alerts.refused.items()):
            by_reason.setdefault(why.rstrip("。"), []).append(reference_label(name))
        parts = []
        if by_reason:
            parts.append(self.tr("已拒收中心系统下发的参考数据：{items}。仍按原有数据办理。").format(
                items="；".join(f"{'、'.join(names)}（{why}）" for why, names in by_reason.items())))
        if count:
            parts.append(self.tr("有 {n} 项表单定义更新会降低审核要求，尚未生效，请核实后确认。").format(n=count))
        self.label.setText("".join(parts))
        self.button.setText(self.tr("参考数据待确认（{n}）").format(n=count))
        self.button.setVisible(count > 0)
        self.setVisible(bool(parts))

    def show_pending(self) -> PendingReferenceDialog:
        """The list of held-back updates, each with 确认生效; the bar asks again when it closes."""
        dialog = PendingReferenceDialog(self._ctx, self._admin, self.window())
        dialog.finished.connect(lambda _r: self.refresh())
        self.dialog = dialog
        dialog.open()
        return dialog
