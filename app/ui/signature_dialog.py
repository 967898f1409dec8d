"""The signature window: the signature panel in a dialog that can be put on the applicant's screen.

The clerk opens it from the form (申请人签字…); with a customer screen (``CustomerScreen.screen()``) the
window opens there, large, where the applicant reads what was recorded and signs; without one it opens
over the clerk's window and the pad is turned towards the applicant. ``png`` holds the signature once
确认 took it.
"""

from __future__ import annotations

from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from app.ui.signature_pad import SignaturePanel


class SignatureDialog(QDialog):
    """``SignatureDialog(signer_label, signer_name, parent, screen=..., unable=...)``; accepted with ``png`` set.

    ``unable``: the panel offers 申请人无法签字… (``panel.unable``), for an applicant without an agent."""

    def __init__(self, signer_label: str, signer_name: str = "", parent: QWidget | None = None, *,
                 screen: QScreen | None = None, unable: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("signatureDialog")
        self.setWindowTitle(self.tr("{who}签字").format(who=signer_label))
        self.setModal(True)
        self.png: bytes | None = None
        self.panel = SignaturePanel(signer_label, signer_name, unable=unable)
        self.panel.signed.connect(self._signed)
        self.panel.cancelled.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(820, 460)
        if screen is not None:
            self.place_on(screen)

    def place_on(self, screen: QScreen) -> None:
        """Open on ``screen`` (the customer screen), centred, most of its width: the applicant signs there."""
        self.setScreen(screen)
        area = screen.availableGeometry()
        width = min(area.width() - 40, max(820, area.width() * 3 // 4))
        height = min(area.height() - 40, max(460, width * 9 // 16))
        self.setGeometry(area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2,
                         width, height)

    def _signed(self, png: bytes) -> None:
        self.png = png
        self.accept()
