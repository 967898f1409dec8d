"""The mouse wheel scrolls the page, not the value of a field the pointer happens to pass over.

A combo box, spin box or date edit takes wheel steps as value changes; in a long form the clerk
scrolling down would change 户口性质 to 农村 without noticing. Guarded widgets take the wheel only
while they have the keyboard focus (the clerk clicked or tabbed into them, or a combo's list is open,
which takes the wheel itself); otherwise the step goes to the nearest scroll area around them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

#: field widgets whose value a wheel step changes
GUARDED = (QComboBox, QAbstractSpinBox)


class WheelGuard(QObject):
    """Event filter: an unfocused guarded widget hands the wheel to the scroll area it sits in.

    Installed on one widget (``guard_wheel``) or on the application (``guard_application``), where it
    also gives every guarded widget strong focus as it is first shown (polished).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, GUARDED):
            return False
        if event.type() == QEvent.Type.Polish:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            return False
        if event.type() != QEvent.Type.Wheel or watched.hasFocus():
            return False
        area = _scroll_area_of(watched)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)
        event.ignore()
        return True


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def guard_wheel(root: QWidget, guard: WheelGuard) -> None:
    """Guard ``root`` (if it is a field widget) and every field widget inside it.

    Strong focus instead of Qt's wheel focus: a wheel step must not give such a widget the focus first.
    """
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, GUARDED):
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            widget.installEventFilter(guard)


def guard_application(owner: QObject) -> WheelGuard:
    """Guard every combo, spin and date box of the application while ``owner`` (the main window) lives."""
    guard = WheelGuard(owner)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(guard)
    return guard
