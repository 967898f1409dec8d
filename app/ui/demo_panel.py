"""Training/demo controls: insert and remove a simulated card without hardware.

Shown only in demo mode. The simulated card sits behind the real pcscd, so
the window reacts exactly as it does to a real card; these buttons only play
the applicant's hand.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from app.ui.errors import show_error
from app.ui.ops import OpRunner


class DemoDevices(Protocol):
    def card_holders(self) -> list[str]: ...
    def insert_card(self, holder: str) -> None: ...
    def remove_card(self) -> None: ...
    def id_holders(self) -> list[str]: ...
    def lay_id_card(self, holder: str) -> None: ...
    def lift_id_card(self) -> None: ...
    def documents(self) -> list[tuple[str, str]]: ...
    def place_document(self, kind: str) -> None: ...
    def clear_desk(self) -> None: ...


class DemoPanel(QWidget):
    def __init__(self, devices: DemoDevices, ops: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._devices = devices
        self._ops = ops
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 4)
        label = QLabel(self.tr("演示设备："))
        label.setObjectName("demoLabel")
        layout.addWidget(label)
        self._layout = layout
        self.buttons: list[QPushButton] = []
        for holder in devices.card_holders():
            self._add(self.tr("插入社保卡（{name}）").format(name=holder), f"demoInsert_{holder}",
                      partial(devices.insert_card, holder))
        self._add(self.tr("拔出社保卡"), "demoRemove", devices.remove_card)
        layout.addSpacing(16)
        for holder in devices.id_holders()[:2]:
            self._add(self.tr("放置身份证（{name}）").format(name=holder), f"demoLay_{holder}",
                      partial(devices.lay_id_card, holder))
        self._add(self.tr("取走身份证"), "demoLift", devices.lift_id_card)
        layout.addSpacing(16)
        self.document_button = QPushButton(self.tr("高拍仪下放入材料"))
        self.document_button.setObjectName("demoDocument")
        menu = QMenu(self.document_button)
        for kind, title in devices.documents():
            action = menu.addAction(title)
            action.setObjectName(f"demoDocument_{kind}")
            action.triggered.connect(lambda _c=False, k=kind: self._do(lambda: devices.place_document(k)))
        menu.addSeparator()
        menu.addAction(self.tr("清空拍摄区")).triggered.connect(lambda _c=False: self._do(devices.clear_desk))
        self.document_button.setMenu(menu)
        layout.addWidget(self.document_button)
        layout.addStretch(1)

    def _add(self, text: str, name: str, action: Callable[[], None]) -> None:
        """A button that plays one move of the applicant's hand, off the GUI thread."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: self._do(action))
        self._layout.addWidget(button)
        self.buttons.append(button)

    def _do(self, action: Callable[[], None]) -> None:
        self._ops.run(action, lambda _r: None, lambda exc: show_error(self, exc))
