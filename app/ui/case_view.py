"""The whole case, read-only: what the reviewer checks before signing, and what a records row opens.

Left, every field by section with where its value came from (社保卡, 身份证阅读器, 手工录入, 已更正 with
the reason), the review tier and why it applies, corrections of what a device read, the materials
(photographed, or waived and why). Right, the scans, opened from the sealed store one material at
a time and shown page by page. Every read goes through ``app/queries.py`` (``case_file``,
``case_scan``, ``full_id_number``), which check the clerk's post and write the audit trail.

ID numbers are masked. "显示完整号码" (only for a clerk whose post allows it) asks for one number,
which is audited, and shows it in this view until the view is hidden or closed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QHideEvent, QPixmap, QShowEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.casefile import CaseField, CaseFile, CaseMaterial, CaseSection
from app.permissions import Permission, allowed
from app.queries import CaseScan, CaseSource, LocalCases, SubmissionState, SubmissionView
from app.signature import CaseSignature, case_signature
from app.ui.errors import describe
from app.ui.operations import OpContext, QueryOp
from app.ui.records_view import STATE_LABELS
from app.ui.scan_viewer import ScanViewer
from app.usecases import ClerkInfo
from app.usecases.remind import ReminderView, case_reminders, may_remind

__all__ = ["CaseDialog", "CaseView"]

#: the field-label (at least; the longest label of the case) and where-from columns, in pixels: the same in
#: every section, so the values line up
_LABEL_WIDTH = 100
_ORIGIN_WIDTH = 150


def _label(text: str, name: str | None = None, *, wrap: bool = False, select: bool = False) -> QLabel:
    label = QLabel(text)
    if name is not None:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if select:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CaseView(QWidget):
    """One case, read-only, with its scans. ``CaseView(ctx, clerk, submission_id)``; loads itself.

    ``clerk`` is the signed-in clerk the reads are made (and audited) as; ``source`` where the case is read
    from (this terminal's store unless given, e.g. the central system for review on another terminal).
    """

    #: the case was read and is shown (the ``CaseFile``)
    loaded = Signal(object)
    #: a material's scan is on screen (its key)
    scan_shown = Signal(str)

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, submission_id: str, parent: QWidget | None = None, *,
                 source: CaseSource | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseView")
        self._ctx, self._clerk, self.submission_id = ctx, clerk, submission_id
        self._source: CaseSource = source if source is not None else LocalCases()
        self.case: CaseFile | None = None
        #: the full numbers asked for, by field key; kept only while shown
        self._revealed: dict[str, str] = {}
        self._value_labels: dict[str, QLabel] = {}
        self.reveal_buttons: dict[str, QPushButton] = {}
        self.scan_buttons: dict[str, QPushButton] = {}
        #: the materials whose scan this view has shown (the signing part may ask that none is left unseen)
        self.seen: set[str] = set()
        #: the material last on screen, opened again when the view comes back after being hidden
        self._last_material: str | None = None
        self.message = _label(self.tr("正在读取业务…"), "caseMessage", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QWidget()
        self.details.setObjectName("caseDetails")
        self._details_layout = QVBoxLayout(self.details)
        self._details_layout.setContentsMargins(4, 4, 12, 4)
        self._details_layout.setSpacing(12)
        self.details_area = scroll = QScrollArea()
        scroll.setObjectName("caseScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.details)
        self.scans = ScanViewer()
        self.scans.material_requested.connect(self.open_scan)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("caseSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.scans)
        self.splitter.setStretchFactor(0, 11)
        self.splitter.setStretchFactor(1, 9)
        scroll.setMinimumWidth(480)
        self.scans.setMinimumWidth(360)
        self.splitter.setSizes([11000, 9000])  # scaled to the width it gets: the fields a little wider
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self.splitter.hide()
        self.reload()

    # -- reading ------------------------------------------------------------------------------------
    def reload(self) -> None:
        clerk, sid, source = self._clerk, self.submission_id, self._source
        QueryOp(self, lambda t: source.case_file(t, clerk, sid), self._show_case) \
            .failure(self._case_failed).run_in_background(self._ctx)

    def _case_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):  # closed while the answer was on its way
            return
        what, todo = describe(exc)
        self.message.setText(f"{what}\n{todo}")
        self.message.show()
        self.splitter.hide()

    def open_scan(self, material_key: str) -> None:
        """Open a material's scan from the sealed store (audited) and show its first page."""
        clerk, sid, source = self._clerk, self.submission_id, self._source
        self.scans.select_material(material_key)
        self.scans.show_message(self.tr("正在打开扫描件…"))
        QueryOp(self, lambda t: source.case_scan(t, clerk, sid, material_key), self._show_scan) \
            .failure(self._scan_failed).run_in_background(self._ctx)

    def _show_scan(self, scan: CaseScan) -> None:
        if not shiboken6.isValid(self):
            return
        self.scans.show_scan(scan)
        self.seen.add(scan.material_key)
        self._last_material = scan.material_key
        button = self.scan_buttons.get(scan.material_key)
        if button is not None:
            button.setText(self.tr("已查看 ✓"))
        self.scan_shown.emit(scan.material_key)

    def unseen_scans(self) -> list[str]:
        """The keys of photographed materials this view has not shown yet (all of them before the case loads)."""
        if self.case is None:
            return ["*"]
        return [m.key for m in self.case.materials if m.attachment is not None and m.key not in self.seen]

    def _scan_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        what, todo = describe(exc)
        self.scans.show_message(f"{what}\n{todo}")

    def reveal(self, field_key: str) -> None:
        """Show one full ID number (audited); asked again it hides the number."""
        if field_key in self._revealed:
            self._hide_number(field_key)
            return
        clerk, sid, source = self._clerk, self.submission_id, self._source
        button = self.reveal_buttons[field_key]
        button.setEnabled(False)

        def shown(number: str) -> None:
            if not shiboken6.isValid(self) or not self.isVisible():  # closed meanwhile: the number is not shown
                return
            self._revealed[field_key] = number
            self._value_labels[field_key].setText(number)
            self._value_labels[field_key].setProperty("revealed", True)
            _repolish(self._value_labels[field_key])
            button.setText(self.tr("隐藏号码"))
            button.setEnabled(True)

        def refused(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            button.setEnabled(True)
            what, todo = describe(exc)
            button.setToolTip(f"{what}{todo}")

        QueryOp(self, lambda t: source.full_id_number(t, clerk, sid, field_key), shown) \
            .failure(refused).run_in_background(self._ctx)

    def _hide_number(self, field_key: str) -> None:
        self._revealed.pop(field_key, None)
        if self.case is not None:
            label = self._value_labels[field_key]
            label.setText(self.case.field(field_key).value)
            label.setProperty("revealed", False)
            _repolish(label)
            self.reveal_buttons[field_key].setText(self.tr("显示完整号码"))

    def forget(self) -> None:
        """Mask every number shown in full again and drop the scan's pages."""
        for key in list(self._revealed):
            self._hide_number(key)
        self.scans.forget()

    def revealed(self) -> dict[str, str]:
        """The full numbers on screen now, by field key (tests; empty once hidden)."""
        return dict(self._revealed)

    def hideEvent(self, event: QHideEvent) -> None:
        self.forget()  # the dialog closed, the terminal locked or the window was minimised: full numbers go
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.case is not None and self.scans.scan is None and self._last_material is not None:
            self.open_scan(self._last_material)  # back after a lock: the page the reviewer was reading (audited)

    # -- drawing --------------------------------------------------------------------------------------
    def _show_case(self, case: CaseFile) -> None:
        if not shiboken6.isValid(self):
            return
        self.case = case
        layout = self._details_layout
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._value_labels.clear()
        self.reveal_buttons.clear()
        self.scan_buttons.clear()
        layout.addWidget(self._header(case))
        metrics = self.fontMetrics()
        label_width = max([_LABEL_WIDTH] + [metrics.horizontalAdvance(f.label) + 4 for sec in case.sections
                                            for f in sec.fields])
        for section in case.sections:
            layout.addWidget(self._section(section, label_width))
        layout.addWidget(self._materials(case.materials))
        self.signature_box = QGroupBox(self.tr("签名"))
        self.signature_box.setObjectName("caseSection")
        self.signature_box.hide()
        layout.addWidget(self.signature_box)
        self._load_signature()
        layout.addStretch(1)
        scanned = [m for m in case.materials if m.attachment is not None]
        self.scans.set_materials([(m.key, self.tr("{name}（{n}页）").format(name=m.name, n=m.pages))
                                  for m in scanned])
        self.message.hide()
        self.splitter.show()
        self.loaded.emit(case)
        if scanned:  # the reviewer starts with the first material; each opening is on the trail
            self.open_scan(scanned[0].key)

    def _load_signature(self) -> None:
        """The signature drawn at the counter, when this terminal keeps the case (a case fetched for review
        from the central system is shown without it)."""
        if not isinstance(self._source, LocalCases):
            return
        clerk, sid = self._clerk, self.submission_id
        QueryOp(self, lambda t: case_signature(t, clerk, sid), self._show_signature) \
            .failure(lambda _exc: None).run_in_background(self._ctx)

    def _show_signature(self, signature: CaseSignature | None) -> None:
        if signature is None or not shiboken6.isValid(self) or not shiboken6.isValid(self.signature_box):
            return
        image = QPixmap()
        image.loadFromData(signature.png)
        self.signature_box.setTitle(self.tr("{who}签名").format(who=signature.signer_label))
        picture = QLabel()
        picture.setObjectName("caseSignature")
        picture.setPixmap(image.scaledToHeight(90, Qt.TransformationMode.SmoothTransformation))
        picture.setStyleSheet("background: #ffffff;")
        box = QHBoxLayout(self.signature_box)
        box.addWidget(picture)
        if signature.note:  # a witness signed for an applicant who could not
            note = QLabel(signature.note)
            note.setObjectName("caseSignatureNote")
            note.setWordWrap(True)
            box.addWidget(note, 1)
        else:
            box.addStretch(1)
        self.signature_box.show()

    def _header(self, case: CaseFile) -> QWidget:
        """Who, what, where it stands; the review tier and why; corrections of what a device read."""
        box = QFrame()
        box.setObjectName("caseHeader")
        col = QVBoxLayout(box)
        col.setContentsMargins(16, 10, 16, 10)
        col.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(_label(case.item_name, "caseTitle", wrap=True), 1)
        tier = _label(self.tr("审核级别：{tier}").format(tier=case.review_tier_label), "caseTier")
        tier.setProperty("tier", case.review_tier)
        top.addWidget(tier, 0, Qt.AlignmentFlag.AlignTop)
        col.addLayout(top)
        state = next((s for s in SubmissionState if s.value == case.state), None)
        state_text = (QCoreApplication.translate("RecordsView", STATE_LABELS[state])
                      if state is not None and state in STATE_LABELS else case.state)
        facts = [self.tr("申请人：{name}（{id}）").format(name=case.applicant_name, id=case.masked_id_number),
                 self.tr("状态：{state}").format(state=state_text),
                 self.tr("受理编号：{no}").format(no=case.receipt_number or case.counter_receipt_no or "—"),
                 self.tr("受理：柜员 {clerk}，{when}").format(clerk=case.clerk_id or "—",
                                                        when=case.created_at.astimezone().strftime("%Y-%m-%d %H:%M"))]
        due = case.due_text()
        if due is not None:
            facts.append(self.tr("办结期限：{due}").format(due=due))
        if case.service is not None:
            facts.append(self.tr("服务方式：{service}").format(service=case.service))
        if case.case_version > 1:
            facts.append(self.tr("第{n}版（退回后更正重报）").format(n=case.case_version))
        if case.approved_by:
            facts.append(self.tr("复核柜员：{clerk}").format(clerk=case.approved_by))
        if case.acting_for:  # who acted for whom, and whether the agent's ID was read from a card or typed
            origin = case.agent_id_origin.label if case.agent_id_origin is not None else ""
            facts.append(self.tr("{acting}；代办人证件号码：{origin}").format(acting=case.acting_for,
                                                                          origin=origin or "—"))
        grid = QGridLayout()
        grid.setContentsMargins(0, 2, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(3)
        for index, fact in enumerate(facts):
            grid.addWidget(_label(fact, "caseFact", wrap=True, select=True), index // 2, index % 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        col.addLayout(grid)
        for reason in case.review_reasons:  # why this case needs more signatures than the item's base tier
            col.addWidget(_label(self.tr("审核级别提高：{reason}").format(reason=reason), "caseReviewReason",
                                 wrap=True))
        for fix in case.corrections:
            who = "，".join(part for part in (self.tr("柜员 {id}").format(id=fix.clerk_id) if fix.clerk_id else "",
                                              _local_time(fix.at)) if part)
            what = "、".join(fix.fields) if fix.fields else self.tr("解锁后未改动")
            col.addWidget(_label(self.tr("读卡信息更正：{fields} — {reason}（{who}）").format(
                fields=what, reason=fix.reason or self.tr("未说明原因"), who=who or "—"), "caseWarning", wrap=True))
        if case.status_reason:
            col.addWidget(_label(self.tr("中心系统意见：{reason}").format(reason=case.status_reason), "caseWarning",
                                 wrap=True))
        if case.labels_from_version is not None:
            col.addWidget(_label(self.tr("本业务按第{old}版表单受理，字段名称按现行第{new}版显示。").format(
                old=case.form_version, new=case.labels_from_version), "caseNote", wrap=True))
        return box

    def _section(self, section: CaseSection, label_width: int) -> QWidget:
        box = QGroupBox(section.title)
        box.setObjectName("caseSection")
        grid = QGridLayout(box)
        grid.setContentsMargins(14, 12, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(7)
        grid.setColumnMinimumWidth(0, label_width)  # the same columns in every section
        grid.setColumnMinimumWidth(2, _ORIGIN_WIDTH)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        if section.empty:
            grid.addWidget(_label(self.tr("未填写"), "caseEmpty"), 0, 0)
            return box
        for row, field in enumerate(section.fields):
            name = _label(field.label, "caseFieldLabel")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(name, row, 0)
            grid.addWidget(self._value(field), row, 1)
            origin = _label(field.origin.label, "caseOrigin", wrap=True)
            origin.setProperty("origin", field.origin.kind.value)
            if field.origin.document and field.origin.kind.value == "corrected":
                origin.setToolTip(self.tr("原读自{document}").format(document=field.origin.document))
            grid.addWidget(origin, row, 2)
        return box

    def _value(self, field: CaseField) -> QWidget:
        value = _label(field.value or "—", "caseValue", wrap=True, select=True)
        value.setProperty("empty", not field.value)
        if not field.id_number or not field.value:
            return value
        value.setProperty("idNumber", True)
        self._value_labels[field.key] = value
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(value)
        if allowed(self._clerk, Permission.SHOW_ID_NUMBER):
            button = QPushButton(self.tr("显示完整号码"))
            button.setObjectName("revealIdButton")
            button.setProperty("link", True)
            button.setToolTip(self.tr("显示完整的证件号码，此操作将记入审计日志"))
            button.clicked.connect(lambda _c=False, key=field.key: self.reveal(key))
            self.reveal_buttons[field.key] = button
            row.addWidget(button)
        row.addStretch(1)
        return cell

    def _materials(self, materials: tuple[CaseMaterial, ...]) -> QWidget:
        box = QGroupBox(self.tr("申请材料"))
        box.setObjectName("caseSection")
        grid = QGridLayout(box)
        grid.setContentsMargins(14, 12, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        shown = [m for m in materials if m.required or m.attachment is not None or m.waiver]
        for row, material in enumerate(shown):
            name = _label(material.name, "caseMaterialName", wrap=True)
            name.setToolTip(material.legal_basis)
            grid.addWidget(name, row, 0)
            if material.attachment is not None:
                status, tone = self.tr("已拍摄 {n} 页").format(n=material.pages), "ok"
            elif material.waiver:
                status, tone = self.tr("免于提交：{reason}").format(reason=material.waiver), "warn"
            else:
                status, tone = self.tr("未提交"), "error"
            label = _label(status, "caseMaterialStatus", wrap=True)
            label.setProperty("tone", tone)
            grid.addWidget(label, row, 1, 1, 1 if material.attachment is not None else 2)
            if material.attachment is not None:
                button = QPushButton(self.tr("查看扫描件"))
                button.setObjectName("openScanButton")
                button.clicked.connect(lambda _c=False, key=material.key: self.open_scan(key))
                self.scan_buttons[material.key] = button
                grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
        others = [m.name for m in materials if m not in shown]
        if others:
            grid.addWidget(_label(self.tr("本业务无需提交：{names}").format(names="；".join(others)), "caseNote",
                                  wrap=True), len(shown), 0, 1, 3)
        return box


def _local_time(stamp: str | None) -> str:
    """An ISO time as the hall's clock shows it (minutes), or the text as given when it is not one."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class CaseDialog(QDialog):
    """A case opened read-only from the records list (every state, a purged one says what is left).

    With the ``record`` it was opened from, it offers 补打回执 (a case with a counter receipt) and 催办 (a
    case pending at the central system), and lists the case's reminders.
    """

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, submission_id: str, parent: QWidget | None = None, *,
                 record: SubmissionView | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseDialog")
        self.setWindowTitle(self.tr("查看办件（只读）"))
        self._ctx, self._clerk, self.record = ctx, clerk, record
        self.view = CaseView(ctx, clerk, submission_id, self)
        self.view.loaded.connect(lambda case: self.setWindowTitle(
            self.tr("查看办件（只读）— {item}").format(item=case.item_name)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        self.reprint_button = buttons.addButton(self.tr("补打回执…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.reprint_button.setObjectName("caseReprintButton")
        self.remind_button = buttons.addButton(self.tr("催办…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.remind_button.setObjectName("caseRemindButton")
        live = record is not None and not record.purged
        self.reprint_button.setVisible(live and record is not None and record.counter_receipt_no is not None)
        self.remind_button.setVisible(live and record is not None and may_remind(record.state, record.answered_at))
        self.reprint_button.clicked.connect(self.reprint)
        self.remind_button.clicked.connect(lambda: self.remind())
        self.reminders = _label("", "caseReminders", wrap=True)
        self.reminders.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reminders)
        layout.addWidget(buttons)
        fit_to_screen(self)
        self.load_reminders()

    def reprint(self, printer: QPrinter | Path | None = None) -> None:
        """补打回执 of this case (``printer``: a preset printer or, in tests, a PDF path printed at once)."""
        from app.ui.records_page import reprint_case

        if self.record is not None:
            reprint_case(self, self._ctx, self._clerk, self.record, printer)

    def remind(self, note: str | None = None, *, ask: bool = True) -> None:
        """催办 this case: the note asked for (or given), recorded, then the list of reminders read again."""
        from app.ui import operations

        if self.record is None:
            return
        if ask:
            text, ok = QInputDialog.getText(self, self.tr("催办"),
                                            self.tr("向中心系统催办此业务。可填写说明（可不填）："))
            if not ok:
                return
            note = text
        operations.remind_case(parent=self, clerk=self._clerk, submission_id=self.record.id, note=note or None) \
            .success(lambda _v: self.load_reminders()).run_in_background(self._ctx)

    def load_reminders(self) -> None:
        if self.record is None or self.record.purged:
            return
        clerk, sid = self._clerk, self.record.id
        QueryOp(self, lambda t: case_reminders(t, clerk, sid), self._show_reminders).run_in_background(self._ctx)

    def _show_reminders(self, reminders: list[ReminderView]) -> None:
        if not shiboken6.isValid(self) or not reminders:
            return
        lines = [self.tr("{when}　柜员 {clerk}　{state}{note}").format(
            when=r.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), clerk=r.clerk_id,
            state=self.tr("已送达中心系统") if r.sent_at is not None else self.tr("待发送"),
            note=f"　{r.note}" if r.note else "") for r in reminders]
        self.reminders.setText(self.tr("催办记录（{n} 次）：").format(n=len(reminders)) + "\n" + "\n".join(lines))
        self.reminders.show()


def fit_to_screen(dialog: QDialog, width: int = 1440, height: int = 960) -> None:
    """Open large (the case and its scans side by side) but never beyond the screen's free area."""
    screen = dialog.screen() if dialog.screen() is not None else None
    if screen is not None:
        free = screen.availableGeometry()
        width, height = min(width, free.width() - 40), min(height, free.height() - 40)
    dialog.resize(width, height)
