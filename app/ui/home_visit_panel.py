"""Home-visit mode in the clerk's window (上门服务, issue 19 item 6): the header's badge and the status bar's age
of the reference data.

The badge says whether cases taken now are marked as taken at the applicant's home; the clerk switches it
on when leaving for a visit (naming the community or village, if they like) and off on the way back. The
age label says how long ago the terminal last checked its forms, rules and holidays with the central
system, amber after ``reference_warn_days`` and red after twice that, with what to do; its tooltip, and the
badge's, give each kind's version and reach. Both read through one background query
(``operations.home_visit.visit_state``), again after every sync and every ten minutes (the age grows
without any event).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import OpChanges
from app.home_visit import MAX_PLACE_LENGTH, HomeVisit
from app.permissions import Permission, allowed
from app.reference_age import AgeLevel, ReferenceAge, ReferenceKind
from app.ui.operations import OpContext, RefreshingQuery
from app.ui.operations.home_visit import VisitState, switch_home_visit, visit_state
from app.ui.status_widgets import StatusText
from app.usecases.session import ClerkInfo

# how often the age is read again without an event (it grows by itself)
REFRESH_MS = 10 * 60 * 1000


def _retone(widget: QWidget, tone: str) -> None:
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class HomeVisitPanel(QObject):
    """The badge (``badge``, in the header) and the age label (``age_label``, in the status bar) of one window.

    ``now`` is the clock the age is counted at (tests and screenshots turn it forward).
    """

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, parent: QWidget,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._clerk = clerk
        self._window = parent
        self.now = now
        self.state: VisitState | None = None
        self.dialog: PlaceDialog | None = None
        self.badge = QPushButton(self.tr("上门服务"))
        self.badge.setObjectName("homeVisitBadge")
        self.badge.setCheckable(True)
        self.badge.setVisible(allowed(clerk, Permission.SUBMIT))  # only a clerk who takes cases goes out
        self.badge.clicked.connect(self._clicked)
        self.age_label = StatusText()
        self.age_label.setObjectName("referenceAge")
        self._query = RefreshingQuery(parent, ctx, lambda t: visit_state(t, self.now()), self._show)
        ctx.runner.changed.connect(self._changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self.refresh()

    def refresh(self) -> None:
        self._query.request()

    def stop(self) -> None:
        self._timer.stop()
        self._query.stop()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.sync:  # a sync may have checked the reference data
            self.refresh()

    # -- switching ------------------------------------------------------------------------------
    def _clicked(self) -> None:
        on = self.state is not None and self.state.visit.on
        self.badge.setChecked(on)  # it changes when the switch is stored, not before
        if on:
            self.switch(False)
            return
        self.dialog = PlaceDialog(self._window)
        self.dialog.accepted.connect(self._place_given)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()

    def _place_given(self) -> None:
        if self.dialog is not None:
            self.switch(True, self.dialog.place())

    def switch(self, on: bool, place: str | None = None) -> None:
        """Store the switch in the background; the badge follows when it is stored."""
        switch_home_visit(parent=self._window, clerk=self._clerk, on=on, place=place) \
            .success(self._switched).run_in_background(self._ctx)

    def _switched(self, visit: HomeVisit) -> None:
        if self.state is not None:
            self.state = VisitState(visit, self.state.age)
            self._show(self.state)
        self.refresh()

    # -- showing ----------------------------------------------------------------------------------
    def _show(self, state: VisitState) -> None:
        self.state = state
        visit, age = state.visit, state.age
        self.badge.setChecked(visit.on)
        self.badge.setText(self.tr("上门服务中：{place}").format(place=visit.place) if visit.on and visit.place
                           else self.tr("上门服务中") if visit.on else self.tr("上门服务"))
        _retone(self.badge, "on" if visit.on else "off")
        details = self.age_details(age)
        # the status bar shortens its texts on a narrow screen; the tooltip keeps the full words and what to do
        self.age_label.set_forms(self.age_text(age), *self.age_short_texts(age), details=details)
        _retone(self.age_label, {AgeLevel.FRESH: "ok", AgeLevel.WARN: "warn", AgeLevel.STALE: "error"}[age.level])
        mode = (self.tr("已开启上门服务：此时受理的业务均记为上门服务，回执上注明。点击关闭（回到窗口办理时）。")
                if visit.on else
                self.tr("外出上门服务前点击开启：此后受理的业务均记为上门服务。外出期间可离线办理，请先联网同步基础数据。"))
        self.badge.setToolTip(f"{mode}\n\n{details}")

    def age_text(self, age: ReferenceAge) -> str:
        """One short line for the status bar: how long since the reference data was last checked."""
        days = age.days
        if days is None:
            return self.tr("基础数据未曾与中心核对")
        if days == 0:
            return self.tr("基础数据今日已核对")
        return self.tr("基础数据 {n} 天未更新").format(n=days)

    def age_short_texts(self, age: ReferenceAge) -> tuple[str, str]:
        """The age in fewer words for a narrow status bar, then in fewest."""
        days = age.days
        if days is None:
            return self.tr("数据未核对"), self.tr("数据？")
        if days == 0:
            return self.tr("数据今日已核"), self.tr("数据✓")
        return self.tr("数据 {n} 天未更新").format(n=days), self.tr("数据{n}天").format(n=days)

    def age_details(self, age: ReferenceAge) -> str:
        """The tooltip: the last check, each kind's version and reach, and what to do when it is old."""
        names = {ReferenceKind.FORMS: self.tr("表单定义"), ReferenceKind.RULES: self.tr("政策规则与年度指标"),
                 ReferenceKind.HOLIDAYS: self.tr("节假日安排")}
        checked = age.checked_at
        lines = [self.tr("最近一次与中心系统核对基础数据：{time}").format(time=f"{checked.astimezone():%Y-%m-%d %H:%M}")
                 if checked is not None else self.tr("尚未与中心系统核对过基础数据")]
        for kind in age.kinds:
            version = (self.tr("中心下发第 {v} 版（{time} 接收）").format(
                v=kind.version, time=f"{kind.taken_at.astimezone():%Y-%m-%d}" if kind.taken_at else "—")
                if kind.version is not None else self.tr("随软件安装的版本"))
            reach = ""
            if kind.last_year is not None:
                reach = (self.tr("，已有至 {year} 年的安排") if kind.kind is ReferenceKind.HOLIDAYS
                         else self.tr("，年度指标至 {year} 年")).format(year=kind.last_year)
            lines.append(f"· {names[kind.kind]}：{version}{reach}")
        if age.level is not AgeLevel.FRESH:
            lines.append(self.tr("基础数据可能已过期（超过 {n} 天未核对），表单、政策指标或节假日可能已调整。"
                                 "请连接网络后点击“立即同步”。").format(n=age.warn_days))
        return "\n".join(lines)


class PlaceDialog(QDialog):
    """Switching home-visit mode on: what it does, and the community or village (optional)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeVisitDialog")
        self.setWindowTitle(self.tr("开启上门服务"))
        text = QLabel(self.tr("开启后，本机受理的业务均记为“上门服务”，回执上注明服务方式。外出期间无网络也可办理："
                              "业务保存在本机，回到有网络处后自动发送。"))
        text.setWordWrap(True)
        self.place_edit = QLineEdit()
        self.place_edit.setObjectName("visitPlaceEdit")
        self.place_edit.setMaxLength(MAX_PLACE_LENGTH)
        self.place_edit.setPlaceholderText(self.tr("服务地点（可选）：乡镇、社区或村，如“城关镇幸福村”"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        for which, words in ((QDialogButtonBox.StandardButton.Ok, self.tr("开启上门服务")),
                             (QDialogButtonBox.StandardButton.Cancel, self.tr("取消"))):
            button = buttons.button(which)
            button.setText(words)
            button.setIcon(QIcon())  # the platform's stock icons: none elsewhere in the window
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.place_edit)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def place(self) -> str | None:
        return self.place_edit.text().strip() or None
