"""The pages of the work area: a service item's form, and what became of a submission."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from app import queries
from app.cards import IdentityReading
from app.changes import OpChanges
from app.customer_view import FormState
from app.permissions import ClerkInfo
from app.queries import AttachmentData, SubmissionState, SubmissionView
from app.terminal import Terminal
from app.ui import operations
from app.ui.form_assist import ImpliedChoices
from app.ui.form_view import FormView
from app.ui.guide_page import GuideDialog
from app.ui.materials_panel import MaterialsPanel
from app.ui.operations import OpContext, RefreshingQuery
from app.ui.rule_panel import RulePanel
from app.ui.signature_step import SignatureStep
from app.ui.theme import current_look
from app.usecases.inform import InformRequest
from core.errors import mask_id_number
from forms.agent import acting_for
from forms.catalogue import ServiceItem
from forms.definitions import TIER_LABELS, FormDef
from forms.guide import guide_for
from forms.receipt import Receipt
from forms.rules.figures import ProvincialFigures
from forms.suggest import suggest_from_read

# how many missing fields, wrong values and missing materials the status line names before "等N项"
FIELDS_NAMED = 4
PROBLEMS_NAMED = 2
MATERIALS_NAMED = 2


def _first_few(names: list[str], shown: int, more: str, sep: str = "、") -> str:
    """``a、b、c等7项``: the first ``shown`` names, and how many there are in all when some are left out."""
    if len(names) <= shown:
        return sep.join(names)
    return sep.join(names[:shown]) + more.format(n=len(names))


# the right-hand column (rules and materials): its least and its usual width
SIDE_MIN_WIDTH = 340
#: the key that sends the next card read to the agent (代办人) section (issue 19: every action by keyboard)
AGENT_READ_KEY = "F7"
#: the text scale (per cent) from which the form's "still missing" line sits above the buttons, not beside them
HINT_ROW_FROM = 150
SIDE_WIDTH = 380


def _scrolling(widget: QWidget, name: str) -> QScrollArea:
    """``widget`` in a frameless area that scrolls up and down only (its text wraps to the width)."""
    area = QScrollArea()
    area.setObjectName(name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


def heading(text: str, name: str = "pageTitle") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


class FormPage(QWidget):
    """A service item's form with its time limit and the submit/reset/back buttons.

    ``state_changed`` fires on every change of a value, a material or a waiver (the customer screen
    follows it through ``customer_state``).
    """

    state_changed = Signal()
    #: a card or ID card filled this form: (the ``IdentityReading``, the role it filled)
    identity_applied = Signal(object, str)

    def __init__(self, item: ServiceItem, form: FormDef, clerk_id: str, parent: QWidget | None = None, *,
                 figures: ProvincialFigures | None = None, national: ProvincialFigures | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.clerk_id = clerk_id
        self.form = form
        self.view = FormView(self.form)
        #: the 签字 step before 提交, when the item asks for the applicant's (or agent's) signature
        self.signature = SignatureStep(self.form, self.view, self)
        self.signature.changed.connect(self.update_submit)
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
        self.submit_hint = QLabel()
        self.submit_hint.setObjectName("submitHint")
        self.submit_hint.setWordWrap(True)
        self.draft_button = QPushButton(self.tr("暂存"))
        self.draft_button.setObjectName("draftButton")
        self.draft_button.setToolTip(self.tr("保存已填写的内容和已拍摄的材料，稍后在办件记录中继续办理"))
        #: the draft this form continues (submitting replaces it)
        self.draft_id: str | None = None
        self.reset_button = QPushButton(self.tr("重置"))
        self.reset_button.setObjectName("resetButton")
        self.reset_button.clicked.connect(self.view.clear)
        self.materials = MaterialsPanel(self.form.materials)
        self.materials.setVisible(bool(self.form.materials))
        self.reset_button.clicked.connect(self.materials.clear)
        self.view.values_changed.connect(lambda: self.materials.update_required(self.view.values()))
        self.materials.update_required(self.view.values())
        self.implied = ImpliedChoices(self.form, self.view)  # 参保身份 from what is typed (form_assist.py)
        self.view.values_changed.connect(self.update_submit)
        self.materials.changed.connect(self.update_submit)
        self.view.values_changed.connect(self.state_changed)
        self.materials.changed.connect(self.state_changed)
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setObjectName("backButton")
        buttons = QHBoxLayout()
        self.agent_armed = False
        self.agent_button: QPushButton | None = None
        self._banner: dict[str, str] = {}
        if self.view.has_role("agent"):
            self.agent_button = QPushButton(self.tr("读取代办人证件（F7）"))
            self.agent_button.setObjectName("agentButton")
            # F7 / Ctrl+Shift+A are bound once, by the window's shortcut registry (app/ui/shortcuts.py): a second
            # binding here would make Qt treat the key as ambiguous and fire neither
            self.agent_button.setCheckable(True)
            self.agent_button.clicked.connect(lambda checked: self.arm_agent(bool(checked)))
            buttons.addWidget(self.agent_button)
        # from 150 % the line of what is missing gets a row of its own: beside the buttons it would wrap into a
        # tall narrow column that leaves the form a sliver of the window (1366x768 at 200 %)
        self._hint_row = current_look().scale >= HINT_ROW_FROM
        if self._hint_row:
            buttons.addStretch(1)
        else:
            buttons.addWidget(self.submit_hint, 1)
        self.reset_button.clicked.connect(self.signature.drop)
        for b in (self.back_button, self.draft_button, self.reset_button, self.signature.button, self.submit_button):
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
        # a compact head: the title and its time limit on one line, so the fields get the height
        head = QHBoxLayout()
        head.setSpacing(16)
        head.addWidget(heading(self.form.name))
        head.addWidget(limit, 1)
        #: buttons about the item rather than this application (办事指南, 一次性告知书) go here, top right
        self.head_tools = QHBoxLayout()
        head.addLayout(self.head_tools)
        self._add_guide_buttons(self.head_tools)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.card_banner)
        #: what the central system said about the person (``app/ui/lookup_banner.py``) goes here
        self.lookup_slot = QVBoxLayout()
        layout.addLayout(self.lookup_slot)
        #: why this form cannot be submitted as it stands (a card reported lost), None: nothing stops it
        self.stop: str | None = None
        #: asked before submitting; False when it took over (asks the clerk, then calls the callable given)
        self.before_submit: Callable[[Callable[[], None]], bool] | None = None
        # the fields on the left with all the height; what the rules say and the materials share a column
        # on the right, one above the other (the clerk can move both dividers)
        self.rule_panel: RulePanel | None = None
        side = QSplitter(Qt.Orientation.Vertical)
        side.setObjectName("sideSplit")
        side.setChildrenCollapsible(False)
        if self.form.panel is not None:
            # the rules sit beside the fields they read, so the clerk sees the answer while typing
            self.rule_panel = RulePanel(self.form.panel, figures, national)
            side.addWidget(_scrolling(self.rule_panel, "rulePanelScroll"))
            self.view.values_changed.connect(self._update_rule_panel)
            self._update_rule_panel()
        self.materials.set_stacked(True)
        materials_scroll = _scrolling(self.materials, "materialsScroll")
        materials_scroll.setMinimumHeight(120)
        side.addWidget(materials_scroll)
        side.setVisible(bool(self.form.materials) or self.rule_panel is not None)
        materials_scroll.setVisible(bool(self.form.materials))
        if self.rule_panel is not None:
            side.setSizes([3000, 2000])  # proportions: three fifths for the rules
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("formSplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.view)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        side.setMinimumWidth(SIDE_MIN_WIDTH)
        split.setSizes([4000, SIDE_WIDTH])
        self.split = split
        layout.addWidget(split, 1)
        if self._hint_row:
            layout.addWidget(self.submit_hint)
        layout.addLayout(buttons)
        self.override_dialog: OverrideDialog | None = None
        #: the returned submission this form corrects, and its (or a draft's) sealed materials the clerk keeps
        self.corrects: str | None = None
        self.carried: list[AttachmentData] = []
        self.update_submit()

    def _add_guide_buttons(self, buttons: QHBoxLayout) -> None:
        """办事指南 (the item's guide) and 一次性告知 (the window records and prints the notice)."""
        # the office printed at the head of the guide (the window sets it)
        self.office_name = ""
        self.guide_dialog: GuideDialog | None = None
        self.guide_button = QPushButton(self.tr("办事指南"))
        self.guide_button.setObjectName("guideButton")
        self.guide_button.setToolTip(self.tr("本事项的申请条件、材料及依据、办理时限"))
        self.guide_button.clicked.connect(self.show_guide)
        self.inform_button = QPushButton(self.tr("一次性告知…"))
        self.inform_button.setObjectName("informButton")
        self.inform_button.setToolTip(self.tr("材料不齐、今天不能受理时：打印一次性告知书，列明需补齐的材料"))
        buttons.addWidget(self.guide_button)
        buttons.addWidget(self.inform_button)

    def show_guide(self) -> None:
        """The item's guide as its definition (this version) says."""
        self.guide_dialog = GuideDialog(guide_for(self.form, self.item), self.office_name, self)
        self.guide_dialog.fit_to(self.window())
        self.guide_dialog.finished.connect(lambda _r: setattr(self, "guide_dialog", None))
        self.guide_dialog.open()

    def inform_request(self, clerk: ClerkInfo, note: str | None = None,
                       fields: frozenset[str] = frozenset()) -> InformRequest:
        """The form as it stands, for a 一次性告知书: values, materials attached or kept, waivers."""
        present = {key for key, pages in self.materials.attached().items() if pages}
        present |= {a.material_key for a in self.kept_attachments()}
        return InformRequest(clerk=clerk, form=self.form, item_name=self.item.name, values=self.view.values(),
                             present=frozenset(present), waivers=self.materials.waivers(), note=note,
                             fields=fields)

    def _fill_from(self, record: SubmissionView) -> None:
        for key, value in record.payload.items():
            if not key.startswith("_") and isinstance(value, str) and key in self.view._widgets:
                self.view.set_value(key, value)

    def continue_draft(self, record: SubmissionView) -> None:
        """Fill the form from a draft saved earlier, with its sealed scans and waivers; submitting replaces it."""
        self.draft_id = record.id
        self._carry_from(record)

    def _carry_from(self, record: SubmissionView) -> None:
        """The record's values, and its sealed materials and waivers kept unless retaken or withdrawn."""
        self.carried = [a for a in record.attachments if a.material_key in self.materials.pages]
        self._fill_from(record)
        waivers = record.payload.get("_waivers")
        self.materials.carry({a.material_key: a.pages for a in self.carried},
                             dict(waivers) if isinstance(waivers, dict) else {})

    def kept_attachments(self) -> tuple[AttachmentData, ...]:
        """The carried sealed materials the clerk still keeps (not retaken)."""
        return tuple(a for a in self.carried if a.material_key in self.materials.carried)

    def start_correction(self, record: SubmissionView) -> None:
        """Fill the form from a returned submission so the clerk corrects only what the reviewer named."""
        self.corrects = record.id
        self._carry_from(record)
        self.card_label.setText(self.tr("<b>更正被退回的业务（将作为第{n}版重新报送）</b><br>退回原因：{reason}").format(
            n=record.case_version + 1, reason=html.escape(record.status_reason or self.tr("（未注明）"))))
        self.override_button.hide()
        self.card_banner.setProperty("tone", "warn")  # amber: something to fix, not a device read
        self.card_banner.style().unpolish(self.card_banner)
        self.card_banner.style().polish(self.card_banner)
        self.card_banner.show()

    def customer_state(self) -> FormState:
        """The form as it stands, for the applicant's screen: values, pages taken or kept, waivers."""
        pages = {key: len(taken) for key, taken in self.materials.pages.items() if taken}
        pages |= {key: n for key, n in self.materials.carried.items() if key not in pages}
        return FormState(self.form, self.item.name, self.view.values(), pages, frozenset(self.materials.waivers()))

    def _update_rule_panel(self) -> None:
        if self.rule_panel is not None:
            self.rule_panel.update_values(self.view.values())

    def update_submit(self) -> None:
        """Submit only a valid form whose required materials are all attached or waived, and say what is left."""
        missing = self.materials.missing()
        valid = self.view.is_valid()
        unsigned = self.signature.missing()
        self.submit_button.setEnabled(valid and not missing and self.stop is None)  # unsigned: asks to sign first
        parts = [self.stop.rstrip("。")] if self.stop is not None else []
        parts += self.form_summary() if not valid else []
        if missing:
            parts.append(self.tr("尚缺材料：{names}（拍摄或免提交）").format(names=_first_few(
                [m.name for m in missing], MATERIALS_NAMED, self.tr("等{n}项"))))
        if unsigned is not None:
            parts.append(unsigned)
        self.submit_hint.setText("；".join(parts))

    def form_summary(self) -> list[str]:
        """What keeps the form from being submitted, by field: the empty required ones, then the wrong ones.

        Short enough for one status line: the first few names and "等N项". A field worked out from another
        (sex and birth date from the ID number) is not named while its source is the thing missing.
        """
        problems = self.view.problems()
        values = self.view.values()
        fields = [f for f in self.form.fields() if f.key in problems
                  and not (f.derived_from and f.derived_from in problems)]
        empty = [f.label for f in fields if not values.get(f.key, "")]
        wrong = [problems[f.key] if problems[f.key].startswith(f.label) else f"{f.label}：{problems[f.key]}"
                 for f in fields if values.get(f.key, "")]
        more = self.tr("等{n}项")
        parts = []
        if empty:
            parts.append(self.tr("还需填写：{names}").format(names=_first_few(empty, FIELDS_NAMED, more)))
        if wrong:
            parts.append(_first_few(wrong, PROBLEMS_NAMED, more, "；"))
        return parts

    def apply_identity(self, reading: IdentityReading) -> None:
        """Fill the applicant (or, when armed, the agent) from a read and say what came from it."""
        role = "agent" if self.agent_armed else "applicant"
        self.arm_agent(False)
        filled = self.view.fill_from_device(reading.values, reading.source, role)
        labels = [f.label for f in self.form.fields() if f.key in filled]
        suggested = suggest_from_read(self.form, filled, self.view.value, self.view.set_value)
        whose = self.tr("代办人") if role == "agent" else self.tr("申请人")
        text = self.tr("{whose}：已读取{source}：{who}。以下信息读自证件，不可直接修改：{fields}").format(
            whose=whose, source=reading.source, who=reading.summary, fields="、".join(labels))
        if suggested:
            text += self.tr("<br>已按证件预填（可修改）：{fields}").format(fields="、".join(suggested))
        for warning in reading.warnings:
            text += f"<br><span style='color:#b9770e'>⚠ {warning}</span>"
        self._banner[role] = text
        self.card_label.setText("<br>".join(self._banner[r] for r in ("applicant", "agent") if r in self._banner))
        self.override_button.setEnabled(bool(self.view.locked_fields()))
        self.card_banner.show()
        self.identity_applied.emit(reading, role)

    def arm_agent(self, armed: bool) -> None:
        """The next identity read goes to the 代办人 section (one read only)."""
        self.agent_armed = armed
        if self.agent_button is not None:
            self.agent_button.setChecked(armed)
            self.agent_button.setText(self.tr("请放置代办人证件…（F7 或点击取消）") if armed
                                      else self.tr("读取代办人证件（F7）"))

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
    """What became of the submission: saved, queued offline, or accepted with a receipt number.

    It follows its submission by itself: when an operation or the sync engine reports that the
    submission shown changed, the page reads it again.
    """

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_names: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        #: the signed-in clerk, who re-reads the shown case and prints its receipt
        self.clerk = clerk
        self._item_names = item_names
        self.submission_id: str | None = None
        #: why the shown submission is not sent yet, as last said (kept when an operation changes it)
        self._offline_reason: str | None = None
        self._query = RefreshingQuery(self, ctx, self._load, self._reloaded)
        ctx.runner.changed.connect(self._changed)
        #: the counter's receipt of the shown submission (kept while status updates come in)
        self.receipt: Receipt | None = None
        self.print_dialog: QPrintDialog | None = None
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
        self.approve_button = QPushButton(self.tr("复核…"))
        self.approve_button.setObjectName("resultApproveButton")
        self.approve_button.hide()
        #: whether the signed-in clerk reviews (复核/审批); the button stays hidden otherwise
        self.may_approve = True
        self.print_button = QPushButton(self.tr("打印回执…"))
        self.print_button.setObjectName("printReceiptButton")
        self.print_button.clicked.connect(lambda: self.print_receipt())
        # label/value rows in a form layout: wrapped values get their full height (rich-text tables do not)
        self.receipt_box = QFrame()
        self.receipt_box.setObjectName("receiptBox")
        rows = QFormLayout(self.receipt_box)
        rows.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        rows.setContentsMargins(40, 0, 40, 0)
        self.receipt_no_label, self.due_label, self.clerk_label = QLabel(), QLabel(), QLabel()
        self.due_caption = QLabel()
        for value in (self.receipt_no_label, self.due_label, self.clerk_label):
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.receipt_no_label.setObjectName("receiptNo")
        self.due_label.setObjectName("receiptDue")
        rows.addRow(self.tr("回执编号："), self.receipt_no_label)
        rows.addRow(self.due_caption, self.due_label)
        rows.addRow(self.tr("受理人："), self.clerk_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.again_button)
        buttons.addWidget(self.home_button)
        buttons.addStretch(1)
        card = QFrame()
        card.setObjectName("resultCard")
        card.setFixedWidth(680)  # a fixed width lets the wrapped texts claim their full height
        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 36, 40, 36)
        inner.setSpacing(18)
        inner.addWidget(self.status)
        inner.addWidget(self.detail)
        inner.addWidget(self.receipt_box)
        inner.addLayout(buttons)
        # centred by stretches, not by an alignment flag: an aligned widget gets its size hint and its
        # wrapped lines would be cut off, while a stretched row passes the real width down
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(card)
        centred.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(2)

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if self.submission_id is not None and self.submission_id in changes.submissions:
            if changes.sync:  # the sync engine says why it is not sent yet (or that it is on its way)
                self._offline_reason = changes.offline_reason
            self._query.request()

    def _load(self, terminal: Terminal) -> SubmissionView | None:
        sid = self.submission_id
        return queries.submission(terminal, self.clerk, sid, audited=False) if sid is not None else None

    def _reloaded(self, view: SubmissionView | None) -> None:
        if view is not None and view.id == self.submission_id:
            self.show_submission(view, self._item_names.get(view.item_code, view.item_code),
                                 None if view.state is SubmissionState.ACCEPTED else self._offline_reason)

    def stop(self) -> None:
        """The window closes: answers still on their way fill nothing."""
        self._query.stop()

    def show_submission(self, view: SubmissionView, item_name: str, offline_reason: str | None = None,
                        receipt: Receipt | None = None) -> None:
        if receipt is not None or view.id != self.submission_id:
            self.receipt = receipt
        self.submission_id = view.id
        self._offline_reason = offline_reason
        who = f"{view.applicant_name or ''}（{mask_id_number(view.applicant_id_number or '')}）"
        self.approve_button.setVisible(self.may_approve and view.state is SubmissionState.AWAITING_APPROVAL)
        if view.state is SubmissionState.AWAITING_APPROVAL:
            self.status.setText(self.tr("已受理，待复核"))
            self.status.setProperty("tone", "busy")
            self.detail.setText(self.tr(
                "{item}　申请人：{who}<br>本事项为重点业务（{tier}），须由其他柜员签字后报送中心系统。").format(
                item=item_name, who=who, tier=TIER_LABELS.get(view.review_tier or "review", "复核")))
        elif view.state is SubmissionState.REVIEW_ELSEWHERE:
            self.status.setText(self.tr("已送中心，待他机复核"))
            self.status.setProperty("tone", "busy")
            self.detail.setText(self.tr(
                "{item}　申请人：{who}<br>已送中心系统待复核，由中心或本大厅其他终端的柜员签字后受理。").format(
                item=item_name, who=who))
        elif view.state is SubmissionState.ACCEPTED:
            self.status.setText(self.tr("✔ 已受理"))
            self.status.setProperty("tone", "ok")
            self.detail.setText(self.tr("{item}　申请人：{who}<br>中心受理编号：<b>{receipt}</b>").format(
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
        acting = acting_for(view.payload)  # who acted for whom, the agent's ID masked
        if acting:
            self.detail.setText(self.detail.text() + "<br>" + html.escape(acting))
        listed = "、".join(self.tr("{name} {n} 页").format(name=self.material_names[a.material_key], n=a.pages)
                          for a in view.attachments if a.material_key in self.material_names)
        if listed:  # the receipt is kept with the submission too, but it is not a material
            self.detail.setText(self.detail.text() + self.tr("<br>已附材料（加密保存于本机）：{materials}").format(
                materials=listed))
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self._show_receipt()

    def _show_receipt(self) -> None:
        receipt = self.receipt
        self.print_button.setVisible(receipt is not None)
        self.receipt_box.setVisible(receipt is not None)
        if receipt is None:
            return
        self.receipt_no_label.setText(receipt.receipt_no)
        self.due_caption.setText(self.tr("办结期限：") if receipt.due is not None else self.tr("办结时限："))
        self.due_label.setText(receipt.due_text())  # a provisional date says 预计 and which schedule decides it
        self.due_label.setProperty("tone", "warn" if receipt.due_provisional else "")
        self.due_label.style().unpolish(self.due_label)
        self.due_label.style().polish(self.due_label)
        self.clerk_label.setText(receipt.clerk_text())

    def receipt_text(self) -> str:
        """What the receipt box says, as plain text (tests, and a clerk's copy)."""
        return "\n".join(label.text() for label in (self.receipt_no_label, self.due_label, self.clerk_label))

    def print_receipt(self, printer: QPrinter | None = None) -> None:
        """Qt's print dialog, then the print operation on the chosen printer (or PDF file).

        ``printer`` presets the dialog (the hall's default printer, or a file in tests).
        """
        receipt = self.receipt
        if receipt is None:
            return
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(receipt.receipt_no)
        self.print_dialog = QPrintDialog(printer, self)
        self.print_dialog.setWindowTitle(self.tr("打印受理回执"))

        def chosen() -> None:  # a printer that fails shows why; the page the clerk is on stays
            operations.print_receipt(parent=self, clerk=self.clerk, receipt=receipt, printer=printer) \
                .run_in_background(self._ctx)

        self.print_dialog.accepted.connect(chosen)
        self.print_dialog.finished.connect(lambda _r: setattr(self, "print_dialog", None))
        self.print_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.print_dialog.show()
