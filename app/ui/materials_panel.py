"""The form's materials: which are needed now, how many pages of each were taken, and a button to take them.

A required material that the applicant cannot bring (lost, or already held by the office through
shared data) may be waived by the clerk with a reason; the reason travels with the submission so a
reviewer sees why it is missing (条例第三十一条 limits what may be demanded, 第三十八条 records how).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.definitions import MaterialDef

if TYPE_CHECKING:
    from app.scans import ScannedPage

#: a reason shorter than this says nothing a reviewer could check
MIN_REASON = 4


class MaterialsPanel(QFrame):
    """One row per material; ``capture_requested`` names the material the clerk wants to photograph.

    ``changed`` fires whenever what is attached, waived or required changes, so the page can decide
    whether submit is allowed.
    """

    capture_requested = Signal(str)
    changed = Signal()

    def __init__(self, materials: Sequence[MaterialDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("materialsBox")
        self.materials = list(materials)
        self.pages: dict[str, list[ScannedPage]] = {m.key: [] for m in self.materials}
        self._required: dict[str, bool] = {m.key: m.required_when is None for m in self.materials}
        self._waived: dict[str, str] = {}
        #: pages already sealed with the version being corrected, kept unless retaken (key -> page count)
        self.carried: dict[str, int] = {}
        self.waive_dialog: WaiveDialog | None = None
        self._grid = grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        self._title = QLabel(self.tr("申请材料"))
        self._title.setObjectName("sectionTitle")
        self._names: dict[str, QLabel] = {}
        self._bases: dict[str, QLabel] = {}
        self._counts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.waive_buttons: dict[str, QPushButton] = {}
        for material in self.materials:
            name = QLabel()
            name.setObjectName("materialName")
            basis = QLabel(material.legal_basis)
            basis.setObjectName("fieldHint")
            basis.setWordWrap(True)  # long legal bases wrap instead of widening the panel
            count = QLabel()
            count.setObjectName("materialPages")
            count.setWordWrap(True)  # a waiver's reason wraps; the short states stay on one line
            count.setMinimumWidth(96)
            count.setMaximumWidth(220)
            button = QPushButton(self.tr("拍摄…"))
            button.setObjectName(f"capture_{material.key}")
            button.clicked.connect(lambda _c=False, key=material.key: self.capture_requested.emit(key))
            waive = QPushButton(self.tr("免提交…"))
            waive.setObjectName(f"waive_{material.key}")
            waive.setToolTip(self.tr("申请人无法提供且可通过信息共享等方式核实时，说明原因后免于提交"))
            waive.clicked.connect(lambda _c=False, key=material.key: self._waive_clicked(key))
            self._names[material.key], self._counts[material.key] = name, count
            self._bases[material.key] = basis
            self.buttons[material.key], self.waive_buttons[material.key] = button, waive
        self.stacked = False
        self._place()
        self._show()

    def set_stacked(self, stacked: bool) -> None:
        """One row per material (a wide panel below the form), or each material's name, basis and
        buttons one above the other (a narrow column beside the form)."""
        if stacked != self.stacked:
            self.stacked = stacked
            self._place()

    def _place(self) -> None:
        grid = self._grid
        for widget in (self._title, *self._names.values(), *self._bases.values(), *self._counts.values(),
                       *self.buttons.values(), *self.waive_buttons.values()):
            grid.removeWidget(widget)
        grid.addWidget(self._title, 0, 0, 1, 5)
        for column in range(5):
            grid.setColumnStretch(column, 0)
        for n, material in enumerate(self.materials):
            key = material.key
            name, basis, count = self._names[key], self._bases[key], self._counts[key]
            name.setWordWrap(self.stacked)
            count.setMaximumWidth(16777215 if self.stacked else 220)
            if self.stacked:  # name / basis / state and buttons
                row = 1 + 3 * n
                grid.addWidget(name, row, 0, 1, 3)
                grid.addWidget(basis, row + 1, 0, 1, 3)
                grid.addWidget(count, row + 2, 0)
                grid.addWidget(self.buttons[key], row + 2, 1)
                grid.addWidget(self.waive_buttons[key], row + 2, 2)
            else:
                row = 1 + n
                grid.addWidget(name, row, 0)
                grid.addWidget(basis, row, 1)
                grid.addWidget(count, row, 2)
                grid.addWidget(self.buttons[key], row, 3)
                grid.addWidget(self.waive_buttons[key], row, 4)
        grid.setColumnStretch(0 if self.stacked else 1, 1)
        last = 3 * len(self.materials) if self.stacked else len(self.materials)
        for row in range(grid.rowCount()):
            grid.setRowStretch(row, 0)
        grid.setRowStretch(last + 1, 1)  # spare height below the last material, not between the rows

    # -- state ----------------------------------------------------------------------------------
    def update_required(self, values: Mapping[str, str]) -> None:
        """A material such as the authorisation letter is needed only when an agent is named."""
        required = {m.key: m.is_required(values) for m in self.materials}
        if required != self._required:
            self._required = required
            self._show()

    def set_pages(self, key: str, pages: list[ScannedPage]) -> None:
        self.pages[key] = pages
        if pages:
            self._waived.pop(key, None)  # brought after all: the waiver no longer applies
            self.carried.pop(key, None)  # retaken: the new pages replace the earlier version's
        self._show()

    def follow(self, material_key: str) -> Callable[[str, list[ScannedPage]], None]:
        """A receiver for the capture dialog's ``attached``: pages are attached as they are taken.

        The dialog was opened on ``material_key`` with its pages; when the clerk assigns them to
        another material, that material gets them after what it already had, and the one left
        gets back what it had before (nothing: the dialog held its pages).
        """
        before = {key: list(pages) for key, pages in self.pages.items()}
        before[material_key] = []
        now = [material_key]

        def attached(key: str, pages: list[ScannedPage]) -> None:
            if key != now[0]:
                self.set_pages(now[0], before.get(now[0], []))
                now[0] = key
            self.set_pages(key, before.get(key, []) + list(pages))

        return attached

    def first_missing(self) -> str | None:
        """The material a document laid under the camera is most likely for: the first one still missing."""
        missing = self.missing()
        return missing[0].key if missing else None

    def carry(self, pages: dict[str, int], waivers: dict[str, str]) -> None:
        """Start from what the corrected version had: its sealed pages and its waivers."""
        self.carried = {key: n for key, n in pages.items() if key in self.pages}
        self._waived = {key: reason for key, reason in waivers.items() if key in self.pages}
        self._show()

    def waive(self, key: str, reason: str) -> None:
        """Let a required material be missing, for the reason given (kept with the submission)."""
        reason = reason.strip()
        if len(reason) < MIN_REASON:
            raise ValueError("a waiver needs a reason")
        self._waived[key] = reason
        self._show()

    def unwaive(self, key: str) -> None:
        self._waived.pop(key, None)
        self._show()

    def attached(self) -> dict[str, list[ScannedPage]]:
        return {key: pages for key, pages in self.pages.items() if pages}

    def waivers(self) -> dict[str, str]:
        """Reasons for the required materials waived now (a waiver of a material no longer needed is dropped)."""
        return {key: reason for key, reason in self._waived.items() if self._required[key]}

    def missing(self) -> list[MaterialDef]:
        """Required materials neither attached nor waived: submit waits for these."""
        return [m for m in self.materials if self._required[m.key] and not self.pages[m.key]
                and m.key not in self.carried and m.key not in self._waived]

    def clear(self) -> None:
        self.pages = {m.key: [] for m in self.materials}
        self._waived.clear()
        self.carried.clear()
        self._show()

    # -- interaction ----------------------------------------------------------------------------
    def _waive_clicked(self, key: str) -> None:
        if key in self._waived:
            self.unwaive(key)
            return
        name = next(m.name for m in self.materials if m.key == key)
        self.waive_dialog = WaiveDialog(name, self)
        self.waive_dialog.reason_given.connect(lambda reason: self.waive(key, reason))
        self.waive_dialog.open()

    def _show(self) -> None:
        for material in self.materials:
            key = material.key
            required = self._required[key]
            star = "<span style='color:#c0392b'>*</span> " if required else ""
            self._names[key].setText(star + material.name)
            pages = len(self.pages[key])
            label = self._counts[key]
            waived = self._waived.get(key) if required else None
            if pages:
                label.setText(self.tr("已拍 {n} 页").format(n=pages))
                tone = "ok"
            elif key in self.carried:
                label.setText(self.tr("沿用原件 {n} 页").format(n=self.carried[key]))
                tone = "ok"
            elif waived is not None:
                label.setText(self.tr("免提交：{reason}").format(reason=waived))
                tone = "info"
            else:
                label.setText(self.tr("未拍摄") if required else self.tr("无需提供"))
                tone = "warn" if required else ""
            label.setProperty("tone", tone)
            label.style().unpolish(label)
            label.style().polish(label)
            self.buttons[key].setText(self.tr("查看/重拍…") if pages else self.tr("拍摄…"))
            waive = self.waive_buttons[key]
            waive.setVisible(required and not pages and key not in self.carried)
            waive.setText(self.tr("撤销免提交") if waived is not None else self.tr("免提交…"))
        self.changed.emit()


class WaiveDialog(QDialog):
    """Asks why a required material is not provided; the reason is kept with the submission."""

    reason_given = Signal(str)

    def __init__(self, material_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("免于提交材料"))
        self.setObjectName("waiveDialog")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("waiveReason")
        self.reason.setPlaceholderText(self.tr("例如：已通过公安人口信息共享核验，无需另行提供"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.reason.textChanged.connect(lambda: ok.setEnabled(len(self.reason.toPlainText().strip()) >= MIN_REASON))
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        prompt = QLabel(self.tr("“{name}”免于提交的原因（将随业务一并记录，供复核）：").format(name=material_name))
        prompt.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)

    def _accept(self) -> None:
        self.reason_given.emit(self.reason.toPlainText().strip())
        self.accept()
