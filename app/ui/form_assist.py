"""Small helps on the form page so the clerk enters less: an implied choice, where the cursor starts.

Kept out of ``pages.py`` (shared by many): the rules are pure functions in ``forms/suggest.py``; this
module applies them to a ``FormView``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.form_view import FormView
from forms.definitions import FormDef
from forms.suggest import implied_choices


class ImpliedChoices:
    """Keeps a required choice set to the answer a typed value implies (a contribution base declared by
    the person: 灵活就业人员), and takes it back when that value goes; a choice the clerk made stays."""

    def __init__(self, form: FormDef, view: FormView) -> None:
        self.form, self.view = form, view
        self._implied: dict[str, str] = {}  # choices set here, and to what
        self._busy = False
        view.values_changed.connect(self.update)
        self.update()  # a default answer shows from the start (参保身份 of a person without an employer)

    def update(self) -> None:
        if self._busy:
            return
        values = self.view.values()
        for key, value in self._implied.items():  # judged as if our own earlier answers were not there
            if values.get(key) == value:
                values[key] = ""
        implied = implied_choices(self.form, values)
        self._busy = True
        try:
            for key, value in self._implied.items():
                if key not in implied and self.view.value(key) == value:
                    self.view.set_value(key, "")
            for key, value in implied.items():
                self.view.set_value(key, value)
        finally:
            self._busy = False
        self._implied = implied


def focus_first_empty(form: FormDef, view: FormView) -> None:
    """Start where the clerk has something to type: the first required field still empty (after a card
    read, 联系电话), so typing needs no click into the form first."""
    values = view.values()
    for field in form.fields():
        widget = view.widget(field.key)
        if field.is_required(values) and not values.get(field.key) and widget.isEnabled():
            view.ensureWidgetVisible(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
