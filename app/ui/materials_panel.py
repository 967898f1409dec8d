"""The form's materials: which are needed now, how many pages of each were taken, and a button to take them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from devices.scan.pipeline import ScannedPage
from forms.definitions import MaterialDef


class MaterialsPanel(QFrame):
    """One row per material; ``capture_requested`` names the material the clerk wants to photograph."""

    capture_requested = Signal(str)

    def __init__(self, materials: Sequence[MaterialDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("materialsBox")
        self.materials = list(materials)
        self.pages: dict[str, list[ScannedPage]] = {m.key: [] for m in self.materials}
        self._required: dict[str, bool] = {m.key: m.required_when is None for m in self.materials}
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        title = QLabel(self.tr("申请材料"))
        title.setObjectName("sectionTitle")
        grid.addWidget(title, 0, 0, 1, 4)
        self._names: dict[str, QLabel] = {}
        self._counts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        for row, material in enumerate(self.materials, start=1):
            name = QLabel()
            name.setObjectName("materialName")
            basis = QLabel(material.legal_basis)
            basis.setObjectName("fieldHint")
            basis.setWordWrap(True)  # long legal bases wrap instead of widening the panel
            count = QLabel()
            count.setObjectName("materialPages")
            button = QPushButton(self.tr("拍摄…"))
            button.setObjectName(f"capture_{material.key}")
            button.clicked.connect(lambda _c=False, key=material.key: self.capture_requested.emit(key))
            grid.addWidget(name, row, 0)
            grid.addWidget(basis, row, 1)
            grid.addWidget(count, row, 2)
            grid.addWidget(button, row, 3)
            self._names[material.key], self._counts[material.key], self.buttons[material.key] = name, count, button
        grid.setColumnStretch(1, 1)
        self._show()

    def update_required(self, values: Mapping[str, str]) -> None:
        """A material such as the authorisation letter is needed only when an agent is named."""
        required = {m.key: m.is_required(values) for m in self.materials}
        if required != self._required:
            self._required = required
            self._show()

    def set_pages(self, key: str, pages: list[ScannedPage]) -> None:
        self.pages[key] = pages
        self._show()

    def attached(self) -> dict[str, list[ScannedPage]]:
        return {key: pages for key, pages in self.pages.items() if pages}

    def clear(self) -> None:
        self.pages = {m.key: [] for m in self.materials}
        self._show()

    def _show(self) -> None:
        for material in self.materials:
            star = "<span style='color:#c0392b'>*</span> " if self._required[material.key] else ""
            self._names[material.key].setText(star + material.name)
            pages = len(self.pages[material.key])
            label = self._counts[material.key]
            if pages:
                label.setText(self.tr("已拍 {n} 页").format(n=pages))
                tone = "ok"
            else:
                label.setText(self.tr("未拍摄") if self._required[material.key] else self.tr("无需提供"))
                tone = "warn" if self._required[material.key] else ""
            label.setProperty("tone", tone)
            label.style().unpolish(label)
            label.style().polish(label)
            self.buttons[material.key].setText(self.tr("查看/重拍…") if pages else self.tr("拍摄…"))
