"""Every key the clerk's window answers to, in one list: bound from it, shown from it.

A clerk who cannot use a mouse well (or who works faster without one) needs every action on a key, and
needs to find the keys. The keys are bound (``bind``), hinted on the buttons (``hint``) and listed in the
快捷键 overview (``ShortcutsDialog``) from this one registry, so what the overview says can never disagree
with what is bound. The keys a form answers to without a shortcut (Tab, Enter) are listed here too
(``FIELD_KEYS``), for the overview.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

CONTEXT = "Shortcuts"


@dataclass(frozen=True)
class Shortcut:
    """An action's keys (the first one is the one shown on buttons), what it does and where it works."""

    action: str
    keys: tuple[str, ...]
    label: str
    scope: str

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(key) for key in self.keys]

    def shown(self) -> str:
        """The keys as the clerk reads them (``Ctrl+Enter``, ``F3``), in the platform's words."""
        return " / ".join(QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in self.keys)


#: the window's shortcuts, in the order the overview lists them
SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("search", ("Ctrl+F", "F3", "Ctrl+K"),
             str(QT_TRANSLATE_NOOP("Shortcuts", "搜索服务事项（打开事项目录并定位到搜索框）")), "global"),
    Shortcut("guide", ("F1",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "办事指南（当前表单或所选事项）")), "global"),
    Shortcut("capture", ("F6",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "拍摄材料（第一项尚未齐全的材料）")), "form"),
    Shortcut("agent_card", ("F7", "Ctrl+Shift+A"),
             str(QT_TRANSLATE_NOOP("Shortcuts", "读取代办人证件")), "form"),
    Shortcut("submit", ("Ctrl+Return", "Ctrl+Enter"),
             str(QT_TRANSLATE_NOOP("Shortcuts", "提交")), "form"),
    Shortcut("save_draft", ("Ctrl+S",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "暂存（保存为草稿）")), "form"),
    Shortcut("home", ("Alt+Home",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "返回首页")), "global"),
    Shortcut("records", ("Ctrl+Shift+F",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "办件查询")), "global"),
    Shortcut("lock", ("Ctrl+L",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "锁定屏幕")), "global"),
    Shortcut("larger", ("Ctrl+=", "Ctrl++"),
             str(QT_TRANSLATE_NOOP("Shortcuts", "放大字号（125%、150%、200%）")), "global"),
    Shortcut("smaller", ("Ctrl+-",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "缩小字号")), "global"),
    Shortcut("normal_size", ("Ctrl+0",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "恢复正常字号（100%）")), "global"),
    Shortcut("high_contrast", ("Ctrl+Alt+H",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "高对比度显示：开/关")), "global"),
    Shortcut("speech", ("Ctrl+Alt+S",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "语音提示：开/关")), "global"),
    Shortcut("shortcuts", ("Ctrl+/",),
             str(QT_TRANSLATE_NOOP("Shortcuts", "快捷键一览（本表）")), "global"),
)

#: keys a form answers to by itself (no shortcut): listed in the overview
FIELD_KEYS: tuple[tuple[str, str], ...] = (
    ("Tab / Shift+Tab", str(QT_TRANSLATE_NOOP("Shortcuts", "下一项 / 上一项（按表单从左到右、从上到下的顺序）"))),
    ("Enter", str(QT_TRANSLATE_NOOP("Shortcuts", "在文本框中：转到下一项"))),
    ("Esc", str(QT_TRANSLATE_NOOP("Shortcuts", "在事项搜索框中：收起目录，回到表单"))),
    ("Space", str(QT_TRANSLATE_NOOP("Shortcuts", "拍摄窗口中：拍摄"))),
    ("E", str(QT_TRANSLATE_NOOP("Shortcuts", "拍摄窗口中：调整所选页的材料边缘（整幅保留的页面）"))),
)

BY_ACTION: Mapping[str, Shortcut] = {s.action: s for s in SHORTCUTS}


def label(shortcut: Shortcut) -> str:
    return QCoreApplication.translate(CONTEXT, shortcut.label)


#: where a key works, for the overview's last column
FORM_PAGES = str(QT_TRANSLATE_NOOP("Shortcuts", "表单页面"))
ANY_PAGE = str(QT_TRANSLATE_NOOP("Shortcuts", "任何页面"))


def scope(shortcut: Shortcut) -> str:
    return QCoreApplication.translate(CONTEXT, FORM_PAGES if shortcut.scope == "form" else ANY_PAGE)


def bind(window: QWidget, handlers: Mapping[str, Callable[[], None]]) -> dict[str, list[QShortcut]]:
    """One ``QShortcut`` per key of every registered action that ``handlers`` has; an unknown handler name
    is a programming error (a key bound without an entry here would be missing from the overview)."""
    unknown = set(handlers) - set(BY_ACTION)
    if unknown:
        raise KeyError(f"actions without a registry entry: {sorted(unknown)}")
    bound: dict[str, list[QShortcut]] = {}
    for shortcut in SHORTCUTS:
        handler = handlers.get(shortcut.action)
        if handler is None:
            continue
        bound[shortcut.action] = []
        for sequence in shortcut.sequences():
            made = QShortcut(sequence, window)
            made.setContext(Qt.ShortcutContext.WindowShortcut)
            made.activated.connect(handler)
            bound[shortcut.action].append(made)
    return bound


def hint(button: QAbstractButton, action: str) -> None:
    """The action's key in the button's tooltip ("提交（Ctrl+Enter）"), so a pointer user learns it."""
    shortcut = BY_ACTION[action]
    first = QKeySequence(shortcut.keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
    base = button.toolTip() or button.text()
    if first not in base:
        button.setToolTip(f"{base}（{first}）")


def menu_text(text: str, action: str) -> str:
    """A menu entry with its key shown in the menu's key column (shown only: the window binds the key)."""
    return f"{text}\t{QKeySequence(BY_ACTION[action].keys[0]).toString(QKeySequence.SequenceFormat.NativeText)}"


class ShortcutsDialog(QDialog):
    """快捷键一览: the registry's actions that this window has bound, then the form's own keys."""

    def __init__(self, bound: Mapping[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("快捷键一览"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("以下操作均可只用键盘完成。按钮的提示中也标有对应的快捷键。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        rows = [(s.shown(), label(s), scope(s)) for s in SHORTCUTS if s.action in bound]
        rows += [(keys, QCoreApplication.translate(CONTEXT, text), QCoreApplication.translate(CONTEXT, FORM_PAGES))
                 for keys, text in FIELD_KEYS]
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("操作"), self.tr("适用")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for row, cells in enumerate(rows):
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        """(keys, action) as listed."""
        def text(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1)) for r in range(self.table.rowCount())]

    def fit_to(self, window: QWidget) -> None:
        """Most of the window, so the whole list shows without scrolling at large text where it can."""
        self.resize(min(window.width() - 40, max(640, window.width() * 2 // 3)), min(window.height() - 40, 720))
