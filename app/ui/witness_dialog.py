"""申请人无法签字: the clerk records why the applicant cannot sign and who witnesses and signs instead.

It opens on the clerk's window (the signature window may be on the applicant's screen): the clerk asks, picks
or types the reason and types the witness's name; the witness then signs on the pad. The rules are
``forms.signature.witness_problem``'s, so the window and the submit use case refuse the same things.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from forms.signature import UNABLE_REASONS, Witness, witness_problem


class WitnessDialog(QDialog):
    """Accepted with ``witness`` set once the reason and the witness's name pass the rules."""

    def __init__(self, applicant_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("witnessDialog")
        self.setWindowTitle(self.tr("申请人无法签字"))
        self.setModal(True)
        self.witness: Witness | None = None
        self._applicant = applicant_name
        intro = QLabel(self.tr("申请人本人无法书写签名、又没有代办人时，由在场的见证人（经办人员或陪同的成年人）"
                               "核对信息后签字，回执上注明原因和见证人。"))
        intro.setWordWrap(True)
        self.reason = QComboBox()
        self.reason.setObjectName("witnessReason")
        self.reason.setEditable(True)
        self.reason.addItems(list(UNABLE_REASONS))
        self.reason.setCurrentIndex(-1)
        editor = self.reason.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(self.tr("选择或填写原因"))
        self.name = QLineEdit()
        self.name.setObjectName("witnessName")
        self.name.setPlaceholderText(self.tr("见证人姓名"))
        self.problem = QLabel()
        self.problem.setObjectName("witnessProblem")
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("无法签字的原因"), self.reason)
        form.addRow(self.tr("见证人"), self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("由见证人签字"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.confirm)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(520, 0)

    def confirm(self) -> bool:
        """Keep the witness when the rules allow it (accepting the dialog), else say why; whether kept."""
        witness = Witness(self.name.text().strip(), self.reason.currentText().strip())
        problem = witness_problem(witness, self._applicant)
        if problem is not None:
            self.problem.setText(problem)
            return False
        self.witness = witness
        self.accept()
        return True
