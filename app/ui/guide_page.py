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
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.document_render import guide_document, print_document
from app.usecases.inform import InformRequest, notice_missing
from core.errors import mask_id_number
from forms.guide import Guide, GuideEntry
from forms.notice import MissingItem


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
    """What the applicant still has to bring, as the notice will list it; confirming records and prints it."""

    #: the clerk confirmed, with this note (possibly empty)
    confirmed = Signal(str)

    def __init__(self, request: InformRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("informDialog")
        self.setWindowTitle(self.tr("一次性告知"))
        self.missing: list[MissingItem] = notice_missing(request)
        name_field = request.form.identity_field("name")
        id_field = request.form.identity_field("id_number")
        name = request.values.get(name_field.key, "").strip() if name_field is not None else ""
        number = request.values.get(id_field.key, "").strip() if id_field is not None else ""
        who = QLabel(self.tr("事项：{item}<br>申请人：{name}　{number}").format(
            item=html.escape(request.item_name), name=html.escape(name) or self.tr("（未填写姓名）"),
            number=mask_id_number(number) if number else ""))
        who.setObjectName("informWho")
        who.setWordWrap(True)
        intro = QLabel(self.tr("本次不能受理。告知书将一次性列明申请人需补齐的以下材料（信息）及依据："))
        intro.setWordWrap(True)
        self.list_label = QLabel("<ol>" + "".join(
            f"<li style='margin-bottom:4px'>{html.escape(m.name)}<br><span style='color:#555'>依据："
            f"{html.escape(m.basis)}</span></li>" for m in self.missing) + "</ol>")
        self.list_label.setObjectName("informMissing")
        self.list_label.setWordWrap(True)
        self.list_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setObjectName("informProblem")
        self.problem.setWordWrap(True)
        if not self.missing:
            self.problem.setText(self.tr("材料和信息已齐全，无需一次性告知，请直接提交受理。"))
        elif not name:
            self.problem.setText(self.tr("告知书须写明申请人姓名：请先在表单中填写姓名。"))
        self.note = QPlainTextEdit()
        self.note.setObjectName("informNote")
        self.note.setPlaceholderText(self.tr("说明（可选），例如：户口簿原件须本人携带"))
        self.note.setMaximumHeight(80)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = QPushButton(self.tr("确认并打印告知书"))
        self.confirm_button.setObjectName("informConfirm")
        self.confirm_button.setProperty("primary", True)
        self.confirm_button.setEnabled(bool(self.missing) and bool(name))
        self.buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(intro)
        layout.addWidget(self.list_label)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel(self.tr("说明：")))
        layout.addWidget(self.note)
        layout.addWidget(QLabel(self.tr("表单保持打开，可继续暂存；告知记录计入“告知未受理”统计。")))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _accept(self) -> None:
        self.confirmed.emit(self.note.toPlainText().strip())
        self.accept()
