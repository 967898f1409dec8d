"""The 办事指南 dialog (an item's guide, derived from its form definition) and the 一次性告知 dialog.

The guide reads nothing stored: it is ``forms.guide.guide_for`` of the definition in force, shown as
HTML and printed with the receipt's look (``app.document_render``) straight from the GUI thread (it
holds no personal data and touches no database). The notice dialog shows exactly what the notice will
list (the use case's own computation, ``app.usecases.inform.notice_missing``) and asks for an optional
note; the window records and prints it through operations.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.document_render import guide_document, print_document
from app.usecases.inform import InformRequest, notice_missing
from core.errors import mask_id_number
from forms.guide import Guide, GuideEntry
from forms.notice import FIELD_PREFIX, MissingItem


def _entry_html(entry: GuideEntry) -> str:
    text = html.escape(entry.text)
    if entry.condition:
        text += f"<span style='color:#8a5a00'>（{html.escape(entry.condition)}）</span>"
    if entry.basis:
        text += f"<br><span style='color:#555'>依据：{html.escape(entry.basis)}</span>"
    return f"<li style='margin-bottom:6px'>{text}</li>"


def guide_html(guide: Guide) -> str:
    """The guide as the dialog shows it: a heading per section, a list of its entries."""
    parts = [f"<h2 style='color:#1a2f5a'>{html.escape(guide.item_name)}　办事指南</h2>"]
    for section in guide.sections:
        parts.append(f"<h3 style='margin-top:14px'>{html.escape(section.title)}</h3><ol>")
        parts += [_entry_html(entry) for entry in section.entries]
        parts.append("</ol>")
    return "".join(parts)


class GuideDialog(QDialog):
    """An item's guide, on screen and on paper; opened from the form page or the catalogue."""

    def __init__(self, guide: Guide, office_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guide = guide
        self.office_name = office_name
        self.print_dialog: QPrintDialog | None = None
        self.setObjectName("guideDialog")
        self.setWindowTitle(self.tr("办事指南 — {item}").format(item=guide.item_name))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideText")
        self.browser.setHtml(guide_html(guide))
        self.print_button = QPushButton(self.tr("打印指南…"))
        self.print_button.setObjectName("printGuideButton")
        self.print_button.clicked.connect(lambda: self.print_guide())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def fit_to(self, parent: QWidget) -> None:
        """At most nine tenths of the window, so it fits a 1366×768 screen."""
        self.resize(min(760, int(parent.width() * 0.9)), min(720, int(parent.height() * 0.9)))

    def print_guide(self, printer: QPrinter | None = None) -> None:
        """Qt's print dialog, then the guide on the chosen printer (or PDF file)."""
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        self.print_dialog = QPrintDialog(printer, self)
        self.print_dialog.setWindowTitle(self.tr("打印办事指南"))
        self.print_dialog.accepted.connect(lambda: print_document(guide_document(self.guide, self.office_name),
                                                                  printer))
        self.print_dialog.finished.connect(lambda _r: setattr(self, "print_dialog", None))
        self.print_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.print_dialog.show()


class InformDialog(QDialog):
    """What the applicant still has to bring, as the notice will list it; confirming records and prints it.

    Missing materials are listed as they are (the definition says they are required). Empty required
    entries are offered with a tick box: the clerk ticks those the applicant needs a document for (a bank
    account: the bank card), not those simply said at the window.
    """

    # emitted when the clerk confirms: the note (possibly empty) and the field keys ticked
    confirmed = Signal(str, list)

    def __init__(self, request: InformRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("informDialog")
        self.setWindowTitle(self.tr("一次性告知"))
        candidates = notice_missing(request, candidates=True)
        self.missing: list[MissingItem] = [m for m in candidates if not m.key.startswith(FIELD_PREFIX)]
        self.field_boxes: dict[str, QCheckBox] = {}
        name_field = request.form.identity_field("name")
        id_field = request.form.identity_field("id_number")
        self.applicant_name = request.values.get(name_field.key, "").strip() if name_field is not None else ""
        number = request.values.get(id_field.key, "").strip() if id_field is not None else ""
        who = QLabel(self.tr("事项：{item}<br>申请人：{name}　{number}").format(
            item=html.escape(request.item_name), name=html.escape(self.applicant_name) or self.tr("（未填写姓名）"),
            number=mask_id_number(number) if number else ""))
        who.setObjectName("informWho")
        who.setWordWrap(True)
        intro = QLabel(self.tr("本次不能受理。告知书将一次性列明申请人需补齐的以下材料及依据："))
        intro.setWordWrap(True)
        self.list_label = QLabel("<ol>" + "".join(
            f"<li style='margin-bottom:4px'>{html.escape(m.name)}<br><span style='color:#555'>依据："
            f"{html.escape(m.basis)}</span></li>" for m in self.missing) + "</ol>"
            if self.missing else self.tr("（申请材料已齐全或已免提交）"))
        self.list_label.setObjectName("informMissing")
        self.list_label.setWordWrap(True)
        self.list_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 8, 0)
        inner.addWidget(intro)
        inner.addWidget(self.list_label)
        fields = [m for m in candidates if m.key.startswith(FIELD_PREFIX)]
        if fields:
            ask = QLabel(self.tr("表单尚有未填写的必填项。需申请人携带证明材料的，请勾选列入告知书："))
            ask.setWordWrap(True)
            inner.addWidget(ask)
            for item in fields:
                box = QCheckBox(item.name)
                box.setObjectName("informField")
                box.toggled.connect(self._update)
                self.field_boxes[item.key.removeprefix(FIELD_PREFIX)] = box
                inner.addWidget(box)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("informScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        self._scroll, self._body = scroll, body
        self.problem = QLabel()
        self.problem.setObjectName("informProblem")
        self.problem.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("informNote")
        self.note.setPlaceholderText(self.tr("说明（可选），例如：户口簿原件须本人携带"))
        self.note.setMaximumHeight(70)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = QPushButton(self.tr("确认并打印告知书"))
        self.confirm_button.setObjectName("informConfirm")
        self.confirm_button.setProperty("primary", True)
        self.buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel(self.tr("说明：")))
        layout.addWidget(self.note)
        layout.addWidget(QLabel(self.tr("表单保持打开，可继续暂存；告知记录计入“告知未受理”统计。")))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        self._update()

    def fit_to(self, parent: QWidget) -> None:
        """As tall as its list needs, at most 85% of the window's height, so it fits a 1366×768 screen."""
        wanted = self.sizeHint().height() - self._scroll.sizeHint().height() + self._body.sizeHint().height() + 16
        self.resize(max(600, min(720, int(parent.width() * 0.6))), min(wanted, int(parent.height() * 0.85)))

    def chosen_fields(self) -> list[str]:
        """The keys of the empty entries the clerk put on the notice."""
        return [key for key, box in self.field_boxes.items() if box.isChecked()]

    def _update(self) -> None:
        something = bool(self.missing) or bool(self.chosen_fields())
        if not self.applicant_name:
            self.problem.setText(self.tr("告知书须写明申请人姓名：请先在表单中填写姓名。"))
        elif not something and not self.field_boxes:
            self.problem.setText(self.tr("材料和信息已齐全，无需一次性告知，请直接提交受理。"))
        elif not something:
            self.problem.setText(self.tr("请勾选需申请人补充证明的项目，或取消后直接暂存。"))
        else:
            self.problem.setText("")
        self.problem.setVisible(bool(self.problem.text()))
        self.confirm_button.setEnabled(something and bool(self.applicant_name))

    def _accept(self) -> None:
        self.confirmed.emit(self.note.toPlainText().strip(), self.chosen_fields())
        self.accept()
