"""The service-item catalogue: the clerk's 我的收藏 and 最近使用 first, then every item, hot ones first.

Search (name, keyword or pinyin initials) filters the whole catalogue. The panel folds to a narrow strip
while a form is open so the form gets the width; the strip's button (or Ctrl+K in the window) brings it back.
The panel reads nothing itself: the window hands it the clerk's items (``set_my_items``) and runs the
favourite change the panel asks for (``favourite_toggled``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.favourites import MyItems
from forms.catalogue import ServiceItem, search

# the column's width when open, and as a strip while a form has the room
OPEN_WIDTH = 290
FOLDED_WIDTH = 40
# the shortcut that toggles the favourite of the selected item (as a browser's bookmark)
FAVOURITE_KEYS = "Ctrl+D"


class CataloguePanel(QWidget):
    item_chosen = Signal(object)  # ServiceItem
    #: the clerk asked for an item's 办事指南 without starting its form (context menu)
    guide_requested = Signal(object)  # ServiceItem
    # item code, whether it should now be a favourite
    favourite_toggled = Signal(str, bool)
    # the panel folded (True) or opened (False)
    fold_changed = Signal(bool)
    # Esc in the search box: the clerk is done looking (the window folds the panel back over a form)
    dismissed = Signal()

    def __init__(self, items: Sequence[ServiceItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cataloguePanel")
        self._items = list(items)
        self._by_code = {i.code: i for i in self._items}
        self._mine = MyItems()
        self.folded = False
        title = QLabel(self.tr("服务事项"))
        title.setObjectName("panelTitle")
        self.fold_button = QToolButton()
        self.fold_button.setObjectName("catalogueFold")
        self.fold_button.setText("«")
        self.fold_button.setToolTip(self.tr("收起事项目录（Ctrl+K 重新打开并搜索）"))
        self.fold_button.clicked.connect(lambda: self.set_folded(True))
        head = QHBoxLayout()
        head.addWidget(title, 1)
        head.addWidget(self.fold_button)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("catalogueSearch")
        self.search_edit.setPlaceholderText(self.tr("搜索：名称、关键字或拼音首字母"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._refill)
        self.search_edit.returnPressed.connect(self._choose_first)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(self.dismissed)
        self.list = QListWidget()
        self.list.setObjectName("catalogueList")
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.currentItemChanged.connect(lambda *_: self._update_star())
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.star_button = QPushButton()
        self.star_button.setObjectName("favouriteButton")
        self.star_button.setToolTip(self.tr("将所选事项加入或移出“我的收藏”（{keys}；也可右键点击事项）").format(
            keys=FAVOURITE_KEYS))
        self.star_button.clicked.connect(self.toggle_current)
        shortcut = QShortcut(QKeySequence(FAVOURITE_KEYS), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.toggle_current)
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(12, 12, 8, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.star_button)
        # the folded strip: one tall button, so the catalogue is never more than a click away
        self.strip_button = QToolButton()
        self.strip_button.setObjectName("catalogueStrip")
        self.strip_button.setText("»\n\n" + "\n".join(self.tr("事项目录")))
        self.strip_button.setToolTip(self.tr("打开服务事项目录（Ctrl+K）"))
        self.strip_button.setSizePolicy(self.strip_button.sizePolicy().horizontalPolicy(),
                                        self.strip_button.sizePolicy().Policy.Expanding)
        self.strip_button.clicked.connect(self.reveal)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.body)
        outer.addWidget(self.strip_button)
        self.strip_button.hide()
        self.setFixedWidth(OPEN_WIDTH)
        self._refill("")

    # -- folding ------------------------------------------------------------------------------------
    def set_folded(self, folded: bool) -> None:
        """Fold to the strip (a form is open) or open the whole column (home page, or the clerk asked)."""
        if folded == self.folded:
            return
        self.folded = folded
        self.body.setVisible(not folded)
        self.strip_button.setVisible(folded)
        self.setFixedWidth(FOLDED_WIDTH if folded else OPEN_WIDTH)
        self.fold_changed.emit(folded)

    def reveal(self) -> None:
        """Open the column and put the cursor in the search box (Ctrl+K)."""
        self.set_folded(False)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # -- the clerk's items --------------------------------------------------------------------------
    def set_my_items(self, mine: MyItems) -> None:
        """The signed-in clerk's favourites and recently used items, as the last read or change answered."""
        self._mine = mine
        self._refill(self.search_edit.text())

    def is_favourite(self, code: str) -> bool:
        return code in self._mine.favourites

    def current_service_item(self) -> ServiceItem | None:
        entry = self.list.currentItem()
        data = entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None
        return data if isinstance(data, ServiceItem) else None

    def toggle_current(self) -> None:
        item = self.current_service_item()
        if item is not None:
            self.favourite_toggled.emit(item.code, not self.is_favourite(item.code))

    def _update_star(self) -> None:
        item = self.current_service_item()
        self.star_button.setEnabled(item is not None)
        if item is not None and self.is_favourite(item.code):
            self.star_button.setText(self.tr("☆ 取消收藏所选事项"))
        else:
            self.star_button.setText(self.tr("★ 收藏所选事项"))

    def _context_menu(self, pos: QPoint) -> None:
        entry = self.list.itemAt(pos)
        data = entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None
        if entry is None or not isinstance(data, ServiceItem):
            return
        self.list.setCurrentItem(entry)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per right-click; gone when closed
        favourite = self.is_favourite(data.code)
        action = menu.addAction(self.tr("取消收藏") if favourite else self.tr("加入我的收藏"))
        action.triggered.connect(lambda: self.favourite_toggled.emit(data.code, not favourite))
        guide = menu.addAction(self.tr("办事指南"))  # without starting the form; items without a form have none yet
        guide.setEnabled(data.form_code is not None)
        guide.triggered.connect(lambda: self.guide_requested.emit(data))
        menu.popup(self.list.viewport().mapToGlobal(pos))

    # -- the list -----------------------------------------------------------------------------------
    def _header(self, text: str) -> None:
        entry = QListWidgetItem(text)
        entry.setFlags(Qt.ItemFlag.NoItemFlags)
        entry.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "header")
        font = entry.font()
        font.setBold(True)
        entry.setFont(font)
        entry.setForeground(Qt.GlobalColor.darkBlue)
        self.list.addItem(entry)

    def _add(self, item: ServiceItem) -> None:
        text = ("★ " if self.is_favourite(item.code) else "") + item.name
        entry = QListWidgetItem(text)
        entry.setData(Qt.ItemDataRole.UserRole, item)
        limit = item.time_limit_working_days
        days = self.tr(" · 办理时限 {days} 个工作日").format(days=limit) if limit else ""
        entry.setToolTip(item.category + days)
        if item.form_code is None and item.screen is None:
            entry.setForeground(Qt.GlobalColor.gray)
        self.list.addItem(entry)

    def _refill(self, query: str) -> None:
        current = self.current_service_item()
        self.list.clear()
        if query.strip():  # searching: every match, nothing else, so Enter opens the best one
            for item in search(self._items, query):
                self._add(item)
        else:
            groups = [
                (self.tr("我的收藏"), [self._by_code[c] for c in self._mine.favourites if c in self._by_code]),
                (self.tr("最近使用"), [self._by_code[c] for c in self._mine.recent if c in self._by_code]),
                (self.tr("热门事项"), [i for i in self._items if i.hot]),
                (self.tr("全部事项") if not any(i.hot for i in self._items) else self.tr("其他事项"),
                 [i for i in self._items if not i.hot]),
            ]
            for title, found in groups:
                if found:
                    self._header(title)
                    for item in found:
                        self._add(item)
        if current is not None:
            for row in range(self.list.count()):
                if self.list.item(row).data(Qt.ItemDataRole.UserRole) == current:
                    self.list.setCurrentRow(row)
                    break
        self._update_star()

    def section_items(self, title: str) -> list[str]:
        """The item codes listed under one heading (tests, and a reader of the screen)."""
        codes: list[str] = []
        inside = False
        for row in range(self.list.count()):
            entry = self.list.item(row)
            data = entry.data(Qt.ItemDataRole.UserRole)
            if not isinstance(data, ServiceItem):
                inside = entry.text() == title
            elif inside:
                codes.append(data.code)
        return codes

    def visible_items(self) -> list[ServiceItem]:
        """The items listed, each once, in the order shown."""
        seen: list[ServiceItem] = []
        for row in range(self.list.count()):
            data = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(data, ServiceItem) and data not in seen:
                seen.append(data)
        return seen

    def _choose_first(self) -> None:
        items = self.visible_items()
        if items:
            self.item_chosen.emit(items[0])

    def _activated(self, entry: QListWidgetItem) -> None:
        data = entry.data(Qt.ItemDataRole.UserRole)
        if isinstance(data, ServiceItem):
            self.item_chosen.emit(data)
