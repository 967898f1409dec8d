"""The service-item catalogue: search by name, keyword or pinyin initials, hot items first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget

from forms.catalogue import ServiceItem, search


class CataloguePanel(QWidget):
    item_chosen = Signal(object)  # ServiceItem
    #: the clerk asked for an item's 办事指南 without starting its form (context menu)
    guide_requested = Signal(object)  # ServiceItem

    def __init__(self, items: Sequence[ServiceItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cataloguePanel")
        self._items = list(items)
        title = QLabel(self.tr("服务事项"))
        title.setObjectName("panelTitle")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("catalogueSearch")
        self.search_edit.setPlaceholderText(self.tr("搜索：名称、关键字或拼音首字母"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._refill)
        self.search_edit.returnPressed.connect(self._choose_first)
        self.list = QListWidget()
        self.list.setObjectName("catalogueList")
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._guide_menu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 8, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list, 1)
        self._refill("")

    def _refill(self, query: str) -> None:
        self.list.clear()
        found = search(self._items, query)
        if not query.strip():  # hot items on top when browsing
            found = [i for i in found if i.hot] + [i for i in found if not i.hot]
        for item in found:
            text = ("★ " if item.hot else "") + item.name
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item)
            limit = item.time_limit_working_days
            days = self.tr(" · 办理时限 {days} 个工作日").format(days=limit) if limit else ""
            entry.setToolTip(item.category + days)
            if item.form_code is None:
                entry.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(entry)

    def visible_items(self) -> list[ServiceItem]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _choose_first(self) -> None:
        if self.list.count():
            self._activated(self.list.item(0))

    def _activated(self, entry: QListWidgetItem) -> None:
        self.item_chosen.emit(entry.data(Qt.ItemDataRole.UserRole))

    def _guide_menu(self, pos: QPoint) -> None:
        """Right click on an item: its 办事指南 (items without a form have none yet)."""
        entry = self.list.itemAt(pos)
        if entry is None:
            return
        item: ServiceItem = entry.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        action = menu.addAction(self.tr("办事指南"))
        action.setEnabled(item.form_code is not None)
        action.triggered.connect(lambda: self.guide_requested.emit(item))
        menu.popup(self.list.viewport().mapToGlobal(pos))
