"""One renderer for every form definition: widgets, live validation, derived fields.

No form is built by hand: what a field is and how it is checked comes from its
definition in resources/forms, and the messages come from forms.validate, the
same code the submit use case runs.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.theme import current_look, scaled
from app.ui.wheel_guard import WheelGuard, guard_wheel
from forms import uscc
from forms.definitions import Choice, FieldDef, FormDef, load_choices
from forms.idnumber import find_problem, region_of
from forms.validate import derive_fields, shown_values, validate_form

FieldWidget = QLineEdit | QComboBox | QPlainTextEdit


# an input's least width: an ID number (18 monospaced characters) still fits
FIELD_MIN_WIDTH = 230
# the label column's widest; longer labels wrap
LABEL_MAX_WIDTH = 160
# what the form adds around its fields: margins, group box padding, the scroll bar
FORM_CHROME = 70


def _choices(field: FieldDef) -> list[Choice]:
    return list(field.choices) or (load_choices(field.choices_from) if field.choices_from else [])


class FormView(QScrollArea):
    """Shows a form; ``validity_changed`` tells the owner when submit may be enabled."""

    validity_changed = Signal(bool)
    #: any value changed (materials whose need depends on a field re-check themselves)
    values_changed = Signal()

    def __init__(self, form: FormDef, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self._today = today
        self._widgets: dict[str, FieldWidget] = {}
        self._errors: dict[str, QLabel] = {}
        # under each ID-number field: the region its first six digits name, for the clerk to confirm aloud
        self._notes: dict[str, QLabel] = {}
        self._noted: dict[str, str] = {}  # the value each note was made for
        #: labels of fields required only in some cases: their star follows the other fields
        self._conditional_labels: dict[str, QLabel] = {}
        #: rows of fields shown only in some cases (a woman employee's post): shown as the values change
        self._conditional_rows: dict[str, tuple[QLabel, QWidget]] = {}
        #: the labels of the rows hidden now (a widget not yet in a shown window is "hidden" to Qt, so kept here)
        self._hidden_rows: set[QLabel] = set()
        self._touched: set[str] = set()
        self._valid = False
        # what validate_form said at the last check (field key -> message)
        self._problems: dict[str, str] = {}
        #: field key -> the device it was read from (e.g. 社保卡); locked until overridden
        self._from_device: dict[str, str] = {}
        self._overrides: list[dict[str, object]] = []
        #: field key -> the value as the device read it (to tell the reviewer which values a correction changed)
        self._device_values: dict[str, str] = {}
        #: more of where values came from, added by whoever filled them (the central system's lookup)
        self.more_provenance: Callable[[], dict[str, object]] | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body.setObjectName("formBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(4, 4, 12, 4)
        outer.setSpacing(14)
        # per section: its grid and its rows (label, the input with its message, whether it spans the width)
        self._sections: list[tuple[QGridLayout, list[tuple[QLabel, QWidget, bool]]]] = []
        self._columns = 0
        labels: list[QLabel] = []
        for section in form.sections:
            box = QGroupBox(section.title)
            grid = QGridLayout(box)
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(6)
            rows: list[tuple[QLabel, QWidget, bool]] = []
            for field in section.fields:
                widget = self._make_widget(field)
                error = QLabel()
                error.setObjectName(f"error_{field.key}")
                error.setProperty("role", "fieldError")
                error.setTextFormat(Qt.TextFormat.RichText)
                error.setWordWrap(True)
                error.hide()
                cell = QWidget()
                cell_layout = QVBoxLayout(cell)
                cell_layout.setContentsMargins(0, 0, 0, 0)
                cell_layout.setSpacing(2)
                cell_layout.addWidget(widget)
                cell_layout.addWidget(error)
                if field.type == "idnumber":  # where the number was issued, once it is whole and valid
                    note = QLabel()
                    note.setObjectName(f"note_{field.key}")
                    note.setProperty("role", "fieldNote")
                    note.setWordWrap(True)
                    note.hide()
                    cell_layout.addWidget(note)
                    self._notes[field.key] = note
                label = QLabel(self._label_text(field, field.required))
                label.setTextFormat(Qt.TextFormat.RichText)
                if field.required_when is not None:
                    self._conditional_labels[field.key] = label
                if field.shown_when is not None:
                    self._conditional_labels[field.key] = label
                    self._conditional_rows[field.key] = (label, cell)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                label.setBuddy(widget)
                labels.append(label)
                rows.append((label, cell, field.type == "textarea"))
                self._widgets[field.key] = widget
                self._errors[field.key] = error
            self._sections.append((grid, rows))
            outer.addWidget(box)
        # one label width for the whole form, so the inputs of every section line up; where room is short a
        # long label (待遇享受人员公民身份号码) wraps onto two lines rather than take a second column's room
        self._natural = {label: label.sizeHint().width() + 4 for label in labels}
        for key, label in self._conditional_labels.items():  # room for the star a situation may add
            plain = label.text()
            label.setText(self._label_text(self.form.field(key), True))
            self._natural[label] = max(self._natural[label], label.sizeHint().width() + 4)
            label.setText(plain)
        self._label_width = 0
        self._set_label_width(min(max(self._natural.values(), default=0), LABEL_MAX_WIDTH))
        self._lay_out(1)
        outer.addStretch(1)
        self.setWidget(body)
        guard_wheel(body, WheelGuard(self))  # the wheel scrolls the form, not the 户口性质 under the pointer
        self._refresh_validity()

    # -- layout: one or two columns of fields ------------------------------------------------------
    def fit(self, width: int) -> tuple[int, int]:
        """Columns and label width for a form ``width`` wide: two columns with whole labels if they fit,
        else two with long labels wrapped, else one."""
        natural = max(self._natural.values(), default=0)
        # the widest input's minimum (the ID number's, at large text) rather than the usual one
        field = max((w.minimumWidth() for w in self._widgets.values()), default=FIELD_MIN_WIDTH)
        for label in (natural, min(natural, LABEL_MAX_WIDTH)):
            if width >= 2 * (label + 12 + field) + 24 + FORM_CHROME:
                return 2, label
        return 1, min(natural, max(LABEL_MAX_WIDTH, width - FORM_CHROME - 12 - field))

    def columns_for(self, width: int) -> int:
        return self.fit(width)[0]

    def _set_label_width(self, width: int) -> None:
        if width != self._label_width:
            self._label_width = width
            for label, natural in self._natural.items():
                label.setWordWrap(natural > width)
                label.setFixedWidth(width)

    def columns(self) -> int:
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:
        # the scroll area's own width (not the viewport's): a scroll bar coming and going must not flip it
        columns, label_width = self.fit(self.width())
        self._set_label_width(label_width)
        self._lay_out(columns)
        super().resizeEvent(event)

    def _lay_out(self, columns: int) -> None:
        """Place every section's rows in ``columns`` label/input pairs, left to right, then down (the tab order).

        A text area takes a whole row.
        """
        if columns == self._columns:
            return
        self._columns = columns
        for grid, rows in self._sections:
            for label, cell, _wide in rows:
                grid.removeWidget(label)
                grid.removeWidget(cell)
            row = col = 0
            for label, cell, wide in rows:
                if label in self._hidden_rows:  # a field this situation does not ask for (``shown_when``): no gap
                    continue
                if wide and col:
                    row, col = row + 1, 0
                grid.addWidget(label, row, 2 * col)
                grid.addWidget(cell, row, 2 * col + 1, 1, 2 * columns - 1 if wide else 1)
                if wide or col == columns - 1:
                    row, col = row + 1, 0
                else:
                    col += 1
            for c in range(4):
                grid.setColumnStretch(c, 1 if c % 2 and c < 2 * columns else 0)

    # -- building -------------------------------------------------------------------------------
    @staticmethod
    def _label_text(field: FieldDef, required: bool) -> str:
        return field.label + ("<span style='color:#c0392b'> *</span>" if required else "")

    def _make_widget(self, field: FieldDef) -> FieldWidget:
        widget: FieldWidget
        if field.type == "choice":
            combo = QComboBox()
            combo.addItem(self.tr("请选择"), "")
            for choice in _choices(field):
                combo.addItem(choice.label, choice.value)
            if field.default:
                combo.setCurrentIndex(max(0, combo.findData(field.default)))
            combo.currentIndexChanged.connect(lambda _i, k=field.key: self._edited(k))
            widget = combo
        elif field.type == "textarea":
            area = QPlainTextEdit()
            area.setFixedHeight(scaled(72, current_look().scale))  # three lines at the clerk's text size
            area.setProperty("role", "longText")  # the style sheet's min-height would squeeze it to one line
            area.textChanged.connect(lambda k=field.key: self._edited(k))
            widget = area
        else:
            line = QLineEdit()
            if field.max_length:
                line.setMaxLength(field.max_length)
            if field.type in ("idnumber", "uscc"):
                line.setMaxLength(18)
                line.setProperty("role", "idNumber")
                # all 18 characters in view up to 150 % text (a monospaced 17 px at 100 %); at 200 % the line
                # scrolls its text rather than push a one-column form wider than a laptop
                line.setMinimumWidth(max(FIELD_MIN_WIDTH, scaled(225, min(current_look().scale, 150))))
            hints = {"date": "YYYY-MM-DD", "month": "YYYY-MM", "phone": self.tr("手机或座机号码"),
                     "money": self.tr("元"), "integer": self.tr("整数")}
            placeholder = field.placeholder or hints.get(field.type)
            if placeholder:
                line.setPlaceholderText(placeholder)
            if field.default:
                line.setText(field.default)
            line.textChanged.connect(lambda _t, k=field.key: self._edited(k))
            line.returnPressed.connect(line.focusNextChild)  # Enter goes on to the next field, as Tab does
            widget = line
        widget.setObjectName(f"field_{field.key}")
        if field.help:
            widget.setToolTip(field.help)
        if field.derived_from:
            widget.setEnabled(False)
            widget.setToolTip(field.help or self.tr("根据其他字段自动填写"))
        widget.setMinimumWidth(max(FIELD_MIN_WIDTH, widget.minimumWidth()))
        return widget

    # -- values ---------------------------------------------------------------------------------
    def value(self, key: str) -> str:
        widget = self._widgets[key]
        if isinstance(widget, QComboBox):
            return str(widget.currentData() or "")
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        return widget.text().strip()

    def values(self) -> dict[str, str]:
        """What the form holds now; a field hidden now counts as empty (``shown_values``)."""
        return shown_values(self.form, {key: self.value(key) for key in self._widgets})

    def set_value(self, key: str, value: str) -> None:
        widget = self._widgets[key]
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            widget.setText(value)

    def widget(self, key: str) -> FieldWidget:  # type: ignore[override]
        return self._widgets[key]

    def clear(self) -> None:
        self.unlock_device_fields()
        self._from_device.clear()
        self._device_values.clear()
        self._overrides.clear()
        for field in self.form.fields():
            self.set_value(field.key, field.default or "")
        self._touched.clear()
        for label in self._errors.values():
            label.hide()
        self._refresh_validity()

    # -- values read from a device ----------------------------------------------------------------
    def fill_from_device(self, identity: dict[str, str], source: str, role: str = "applicant") -> list[str]:
        """Fill one person's fields from a card or ID reader and lock them; returns the keys filled.

        ``identity`` holds identity attributes (id_number, name, ...); each field of
        a section of ``role`` takes the attribute its definition names as its
        ``source``. Derived fields (sex, birth date) follow from the ID number as
        usual, so only fields a clerk could otherwise type are locked here.
        """
        fields = [f for sec in self.form.sections if sec.role == role for f in sec.fields]
        for field in fields:  # a new read replaces this person's earlier one
            if field.key in self._from_device:
                self._lock(field.key, False)
                del self._from_device[field.key]
                self._device_values.pop(field.key, None)
        filled: list[str] = []
        for field in fields:
            if field.source is None or field.derived_from or field.source not in identity:
                continue
            self.set_value(field.key, identity[field.source])
            self._from_device[field.key] = source
            self._device_values[field.key] = self.value(field.key)
            self._lock(field.key, True, source)
            filled.append(field.key)
        return filled

    def has_role(self, role: str) -> bool:
        return any(sec.role == role for sec in self.form.sections)

    def _lock(self, key: str, locked: bool, source: str = "") -> None:
        widget = self._widgets[key]
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setReadOnly(locked)
        else:
            widget.setEnabled(not locked)
        widget.setProperty("fromDevice", locked)
        if locked:
            widget.setToolTip(self.tr("读自{source}，如需更正请点击“更正读卡信息”并说明原因").format(source=source))
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def device_fields(self) -> dict[str, str]:
        return dict(self._from_device)

    def locked_fields(self) -> list[str]:
        return [k for k in self._from_device if self._widgets[k].property("fromDevice")]

    def unlock_device_fields(self, reason: str | None = None, clerk_id: str | None = None) -> None:
        """Let the clerk correct what a device read; with a reason, the override is recorded."""
        locked = self.locked_fields()
        for key in locked:
            self._lock(key, False)
        if reason and locked:
            self._overrides.append({"fields": locked, "reason": reason, "clerk_id": clerk_id,
                                    "at": datetime.now(UTC).isoformat(timespec="seconds")})

    def provenance(self) -> dict[str, object]:
        """Which values came from which device, every override with its reason, and which device-read values
        differ from what the device read (``changed``: keys only), kept with the submission for the reviewer."""
        changed = [key for key, read in self._device_values.items() if self.value(key) != read]
        more = self.more_provenance() if self.more_provenance is not None else {}
        return {"from_device": dict(self._from_device), "overrides": list(self._overrides), "changed": changed, **more}

    # -- validation -----------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        self._touched.add(key)
        field = self.form.field(key)
        if field.type == "idnumber":
            derived = derive_fields(self.form, self.values(), today=self._today)
            for dependent in self.form.fields():
                if dependent.derived_from == key:
                    self.set_value(dependent.key, derived.get(dependent.key, ""))
        self._refresh_validity()

    def _show_field_problem(self, field: FieldDef, message: str | None) -> None:
        value = self.value(field.key)
        label = self._errors[field.key]
        widget = self._widgets[field.key]
        if message is None:
            label.hide()
            widget.setProperty("invalid", False)
        else:
            text = html.escape(message)
            if field.type in ("idnumber", "uscc"):
                text = self._id_number_markup(value, field.type) + text
            label.setText(text)
            label.show()
            widget.setProperty("invalid", True)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _show_region(self, key: str, note: QLabel, valid: bool) -> None:
        """号码归属地 under a whole, valid ID number: a transposed digit in the region part still makes a valid
        number more often than not, and the applicant knows where they were registered when asked."""
        value = self.value(key) if valid else ""
        if self._noted.get(key) == value:
            return  # every keystroke anywhere re-checks the form; the region changes only with the number
        self._noted[key] = value
        place = region_of(value, today=self._today) if len(value.strip()) == 18 else None
        if place is None:
            note.hide()
            return
        text = self.tr("号码归属地：{place}").format(place=place.name)
        if place.in_use_from is not None:
            text += self.tr("（该地区代码自{year}年起使用）").format(year=place.in_use_from)
        note.setText(text)
        note.show()

    def _id_number_markup(self, value: str, kind: str = "idnumber") -> str:
        """The number (or credit code) as typed with the offending character in red, so the clerk sees where."""
        problem = find_problem(value, today=self._today) if kind == "idnumber" else uscc.find_problem(value)
        if problem is None or problem.position is None or problem.position >= len(value):
            return ""
        pos = problem.position
        return (
            "<span style='font-family:monospace;color:#333'>"
            f"{html.escape(value[:pos])}<b style='color:#fff;background:#c0392b'>&nbsp;{html.escape(value[pos])}"
            f"&nbsp;</b>{html.escape(value[pos + 1:])}</span>&nbsp;&nbsp;"
        )

    def _refresh_validity(self) -> None:
        """Re-check the whole form: a value can make another field required or out of order.

        Messages show only at fields the clerk has touched (or after a refused submit), and come
        from the same ``validate_form`` the submit use case runs, cross-field checks included.
        """
        values = self.values()
        problems = validate_form(self.form, values, today=self._today)
        self._problems = problems
        for key, label in self._conditional_labels.items():
            field = self.form.field(key)
            label.setText(self._label_text(field, field.is_required(values)))
        moved = False
        for key, (label, cell) in self._conditional_rows.items():
            shown = self.form.field(key).is_shown(values)
            if shown == (label in self._hidden_rows):
                label.setVisible(shown)
                cell.setVisible(shown)
                (self._hidden_rows.discard if shown else self._hidden_rows.add)(label)
                moved = True
        if moved and self._columns:  # the rows after a shown or hidden one move up or down
            columns, self._columns = self._columns, 0
            self._lay_out(columns)
        for field in self.form.fields():
            if field.key in self._touched or not self._errors[field.key].isHidden():
                self._show_field_problem(field, problems.get(field.key))
        for key, note in self._notes.items():
            self._show_region(key, note, key not in problems)
        valid = not problems
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
        self.values_changed.emit()

    def is_valid(self) -> bool:
        return self._valid

    def problems(self) -> dict[str, str]:
        """Field key -> message, as of the last check (empty: the form may be submitted)."""
        return dict(self._problems)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Mark every problem (after a refused submit), including untouched fields."""
        for field in self.form.fields():
            if field.key in problems:
                self._show_field_problem(field, problems[field.key])
        first = next((self._widgets[k] for k in self._widgets if k in problems), None)
        if first is not None:
            self.ensureWidgetVisible(first)
            first.setFocus()
