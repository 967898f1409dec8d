"""The form page's 签字 step: the button that opens the signature window, and the signature it took.

A signature confirms what the applicant saw: the values as they stood when they signed. Changing any
value afterwards drops it, and the status line asks for a new one; so does starting again (重置). A draft
does not keep it either (``app.usecases.drafts``): a draft is unfinished by definition, and a signature
kept with it would later confirm values the applicant never saw. The applicant signs when the case is
submitted, which at a home visit is at the kitchen table too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QScreen, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from app.ui.form_view import FormView
from app.ui.signature_dialog import SignatureDialog
from app.ui.witness_dialog import WitnessDialog
from forms.definitions import FormDef
from forms.signature import SIGNER_LABELS, Witness, has_agent, signer_name, signer_of, witness_note

# the key that opens the signature window from the form
SIGN_SHORTCUT = QKeySequence(Qt.Key.Key_F8)


class SignatureStep(QObject):
    """Owns ``button`` (申请人签字… / 代办人签字…, F8) and ``png``; ``changed`` when the signature comes or goes."""

    changed = Signal()
    # the signature window was opened (the window speaks "请核对屏幕上的信息并签字")
    asked = Signal()

    def __init__(self, form: FormDef, view: FormView, parent: QWidget) -> None:
        super().__init__(parent)
        self.form = form
        self.view = view
        self._parent = parent
        # the screen the signature window opens on (the customer screen's, set by the window); None: here
        self.screen_for_signing: Callable[[], QScreen | None] = lambda: None
        self.png: bytes | None = None
        # who signed ``png`` for an applicant who could not (申请人无法签字), kept and dropped with it
        self.witness: Witness | None = None
        self._pending_witness: Witness | None = None  # chosen in the open signature window, not signed yet
        self._signed_values: dict[str, str] | None = None
        self.dialog: SignatureDialog | None = None
        # what to do once the signature is taken (提交 asked for it: submit)
        self._then: Callable[[], None] | None = None
        self.button = QPushButton()
        self.button.setObjectName("signButton")
        self.button.setVisible(form.needs_signature)
        if form.needs_signature:  # a QShortcut: a button's own shortcut is reset by every setText
            QShortcut(SIGN_SHORTCUT, parent).activated.connect(self.ask)
        self.button.clicked.connect(self.ask)
        view.values_changed.connect(self._values_changed)
        self._label()

    @property
    def signer_label(self) -> str:
        if self.witness is not None:
            return SIGNER_LABELS["witness"]
        return SIGNER_LABELS[signer_of(self.form, self.view.values())]

    def _label(self) -> None:
        done = "✔ " if self.png is not None else ""
        self.button.setText(self.tr("{done}签字… (F8)").format(done=done))  # short: the bar holds six buttons
        self.button.setToolTip(self.tr("请{who}在签字板或触摸屏上核对信息并签字").format(who=self.signer_label))

    def missing(self) -> str | None:
        """What the status line says while a required signature is not there (None: nothing missing)."""
        if not self.form.needs_signature or self.png is not None:
            return None
        return self.tr("提交时请{who}签字").format(who=self.signer_label)

    def ask(self, then: Callable[[], None] | None = None) -> None:
        """Open the signature window (on the customer screen when there is one); once at a time. ``then``
        runs once the signature is taken (not when the window is cancelled)."""
        self._then = then
        if self.dialog is not None:
            return
        values = self.view.values()
        self._pending_witness = None
        alone = not has_agent(self.form, values)  # an agent signs as the agent: no witness then
        self.dialog = SignatureDialog(SIGNER_LABELS[signer_of(self.form, values)], signer_name(self.form, values),
                                      self._parent, screen=self.screen_for_signing(), unable=alone)
        self.dialog.panel.unable.connect(self.ask_witness)
        self.dialog.accepted.connect(self._taken)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        self.asked.emit()

    def ask_witness(self) -> WitnessDialog:
        """申请人无法签字: on the clerk's window, the reason and the witness; once given, the open signature
        window asks the witness to sign (the pad starts empty)."""
        name = self._applicant_name()
        dialog = WitnessDialog(name, self._parent)

        def chosen() -> None:
            witness = dialog.witness
            if witness is None or self.dialog is None:
                return
            self._pending_witness = witness
            self.dialog.setWindowTitle(self.tr("见证人签字"))
            self.dialog.panel.set_signer(SIGNER_LABELS["witness"], witness.name, witness_note(witness, name))

        dialog.accepted.connect(chosen)
        dialog.open()
        return dialog

    def _applicant_name(self) -> str:
        field = self.form.identity_field("name")
        return str(self.view.values().get(field.key) or "").strip() if field is not None else ""

    def _taken(self) -> None:
        if self.dialog is not None and self.dialog.png is not None:
            self.take(self.dialog.png, self._pending_witness)
            then, self._then = self._then, None
            if then is not None:
                then()

    def take(self, png: bytes, witness: Witness | None = None) -> None:
        """Keep a signature for the values as they stand now (a witness's, for an applicant who could not)."""
        self.png = png
        self.witness = witness
        self._signed_values = dict(self.view.values())
        self._label()
        self.changed.emit()

    def drop(self) -> None:
        """Forget the signature (the values changed, or the form starts again)."""
        if self.png is None:
            return
        self.png = None
        self.witness = None
        self._signed_values = None
        self._label()
        self.changed.emit()

    def _values_changed(self) -> None:
        if self._signed_values is not None and dict(self.view.values()) != self._signed_values:
            self.drop()
        else:
            self._label()
