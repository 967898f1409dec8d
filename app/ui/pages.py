"""The pages of the work area: a service item's form, and what became of a submission."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.cards import IdentityReading
from app.ui.form_view import FormView
from app.ui.materials_panel import MaterialsPanel
from core.errors import mask_id_number
from forms.catalogue import ServiceItem
from forms.definitions import FormDef
from local_db.models import SubmissionState
from local_db.submissions import SubmissionView


def heading(text: str, name: str = "pageTitle") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class FormPage(QWidget):
    """A service item's form with its time limit and the submit/reset/back buttons."""

    def __init__(self, item: ServiceItem, form: FormDef, clerk_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.clerk_id = clerk_id
        self.form = form
        self.view = FormView(self.form)
        if self.form.time_limit_working_days is None:
            limit_text = self.tr("办理时限：{basis}").format(basis=self.form.time_limit_basis)
        else:
            limit_text = self.tr("办理时限：{days} 个工作日（{basis}）").format(
                days=self.form.time_limit_working_days, basis=self.form.time_limit_basis)
        limit = QLabel(limit_text + self.tr("　　带 <span style='color:#c0392b'>*</span> 为必填项"))
        limit.setWordWrap(True)
        limit.setObjectName("pageSubtitle")
        self.submit_button = QPushButton(self.tr("提交"))
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setProperty("primary", True)
        self.submit_button.setEnabled(self.view.is_valid())
        self.view.validity_changed.connect(self.submit_button.setEnabled)
        self.reset_button = QPushButton(self.tr("重置"))
        self.reset_button.setObjectName("resetButton")
        self.reset_button.clicked.connect(self.view.clear)
        self.materials = MaterialsPanel(self.form.materials)
        self.materials.setVisible(bool(self.form.materials))
        self.reset_button.clicked.connect(self.materials.clear)
        self.view.values_changed.connect(lambda: self.materials.update_required(self.view.values()))
        self.materials.update_required(self.view.values())
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setObjectName("backButton")
        buttons = QHBoxLayout()
        self.agent_armed = False
        self.agent_button: QPushButton | None = None
        self._banner: dict[str, str] = {}
        if self.view.has_role("agent"):
            self.agent_button = QPushButton(self.tr("读取代办人证件"))
            self.agent_button.setObjectName("agentButton")
            self.agent_button.setCheckable(True)
            self.agent_button.clicked.connect(lambda checked: self.arm_agent(bool(checked)))
            buttons.addWidget(self.agent_button)
        buttons.addStretch(1)
        for b in (self.back_button, self.reset_button, self.submit_button):
            b.setMinimumWidth(110)
            buttons.addWidget(b)
        self.card_banner = QFrame()
        self.card_banner.setObjectName("cardBanner")
        banner = QHBoxLayout(self.card_banner)
        banner.setContentsMargins(12, 6, 8, 6)
        self.card_label = QLabel()
        self.card_label.setObjectName("cardBannerText")
        self.card_label.setWordWrap(True)
        self.override_button = QPushButton(self.tr("更正读卡信息"))
        self.override_button.setObjectName("overrideButton")
        self.override_button.clicked.connect(self.ask_override)
        banner.addWidget(self.card_label, 1)
        banner.addWidget(self.override_button)
        self.card_banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading(self.form.name))
        layout.addWidget(limit)
        layout.addWidget(self.card_banner)
        # the form and its materials share the height; the clerk can move the divider
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("formSplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.view)
        materials_scroll = QScrollArea()
        materials_scroll.setObjectName("materialsScroll")
        materials_scroll.setWidgetResizable(True)
        materials_scroll.setFrameShape(QFrame.Shape.NoFrame)
        materials_scroll.setWidget(self.materials)
        materials_scroll.setVisible(bool(self.form.materials))
        materials_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        materials_scroll.setMinimumHeight(120)
        split.addWidget(materials_scroll)
        # the materials get what their rows need, up to about a third of the page; the form the rest
        rows = len(self.form.materials)
        split.setSizes([560, min(60 + 40 * rows, 250)])
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.override_dialog: OverrideDialog | None = None

    def apply_identity(self, reading: IdentityReading) -> None:
        """Fill the applicant (or, when armed, the agent) from a read and say what came from it."""
        role = "agent" if self.agent_armed else "applicant"
        self.arm_agent(False)
        filled = self.view.fill_from_device(reading.values, reading.source, role)
        labels = [f.label for f in self.form.fields() if f.key in filled]
        whose = self.tr("代办人") if role == "agent" else self.tr("申请人")
        text = self.tr("{whose}：已读取{source}：{who}。以下信息读自证件，不可直接修改：{fields}").format(
            whose=whose, source=reading.source, who=reading.summary, fields="、".join(labels))
        for warning in reading.warnings:
            text += f"<br><span style='color:#b9770e'>⚠ {warning}</span>"
        self._banner[role] = text
        self.card_label.setText("<br>".join(self._banner[r] for r in ("applicant", "agent") if r in self._banner))
        self.override_button.setEnabled(bool(self.view.locked_fields()))
        self.card_banner.show()

    def arm_agent(self, armed: bool) -> None:
        """The next identity read goes to the 代办人 section (one read only)."""
        self.agent_armed = armed
        if self.agent_button is not None:
            self.agent_button.setChecked(armed)
            self.agent_button.setText(self.tr("请放置代办人证件…（点击取消）") if armed else self.tr("读取代办人证件"))

    def ask_override(self) -> None:
        self.override_dialog = OverrideDialog(self)
        self.override_dialog.reason_given.connect(self._override)
        self.override_dialog.open()

    def _override(self, reason: str) -> None:
        self.view.unlock_device_fields(reason, self.clerk_id)
        self.override_button.setEnabled(False)
        self.card_label.setText(self.card_label.text() + self.tr("<br>已解锁更正，原因：{reason}").format(
            reason=reason))


class OverrideDialog(QDialog):
    """Asks why the clerk corrects what the card says; the reason is kept with the submission."""

    reason_given = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("更正读卡信息"))
        self.setObjectName("overrideDialog")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setPlaceholderText(self.tr("例如：卡内姓名为生僻字无法显示，按身份证更正"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.reason.textChanged.connect(lambda: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            len(self.reason.toPlainText().strip()) >= 4))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("请说明更正原因（将随业务一并记录）：")))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def _accept(self) -> None:
        self.reason_given.emit(self.reason.toPlainText().strip())
        self.accept()


class ResultPage(QWidget):
    """What became of the submission: saved, queued offline, or accepted with a receipt number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submission_id: str | None = None
        #: material key -> its name, for the form the shown submission was made with
        self.material_names: dict[str, str] = {}
        self.status = QLabel()
        self.status.setObjectName("resultStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel()
        self.detail.setObjectName("resultDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.again_button = QPushButton(self.tr("继续办理本事项"))
        self.again_button.setObjectName("againButton")
        self.home_button = QPushButton(self.tr("返回首页"))
        self.home_button.setObjectName("homeButton")
        self.home_button.setProperty("primary", True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.home_button)
        buttons.addStretch(1)
        card = QFrame()
        card.setObjectName("resultCard")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 36, 40, 36)
        inner.setSpacing(18)
        inner.addWidget(self.status)
        inner.addWidget(self.detail)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_submission(self, view: SubmissionView, item_name: str, offline_reason: str | None = None) -> None:
        self.submission_id = view.id
        who = f"{view.applicant_name or ''}（{mask_id_number(view.applicant_id_number or '')}）"
        if view.state is SubmissionState.ACCEPTED:
            self.status.setText(self.tr("✔ 已受理"))
            self.status.setProperty("tone", "ok")
            self.detail.setText(self.tr("{item}　申请人：{who}<br>受理编号：<b>{receipt}</b>").format(
                item=item_name, who=who, receipt=view.receipt_number))
        elif offline_reason:
            self.status.setText(self.tr("未连接中心系统，已离线保存"))
            self.status.setProperty("tone", "warn")
            self.detail.setText(self.tr("{item}　申请人：{who}<br>{reason}").format(
                item=item_name, who=who, reason=offline_reason))
        else:
            self.status.setText(self.tr("已保存，正在发送…"))
            self.status.setProperty("tone", "busy")
            self.detail.setText(self.tr("{item}　申请人：{who}<br>已保存在本机，正在发送至中心系统。").format(
                item=item_name, who=who))
        if view.attachments:
            name = self.material_names.get
            listed = "、".join(self.tr("{name} {n} 页").format(name=name(a.material_key, a.material_key), n=a.pages)
                              for a in view.attachments)
            self.detail.setText(self.detail.text() + self.tr("<br>已附材料（加密保存于本机）：{materials}").format(
                materials=listed))
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
