"""The 好差评 panel the applicant sees after acceptance: five large buttons, reasons for the two lowest.

The national 好差评 system rates each handled case on five levels (``protocol.ratings`` through
``app.customer_view``); a poor rating (不满意, 非常不满意) must say why, so those two levels open the
reasons and a 提交评价 button that stays disabled until one is checked. A better level is one tap. 跳过
leaves no rating at all, and so does walking away: after ``timeout_ms`` without a touch the panel
finishes by itself. Every touch restarts that wait (an elderly applicant may take a while over the
reasons). After a rating the panel thanks the applicant for ``thanks_ms`` and then finishes.

The panel only says what was chosen (``rated(level, reasons)``); storing it is the owner's business.
Both waits run on ``timer``, whose ``timeout`` a test emits instead of waiting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.customer_view import needs_reason, rating_levels, rating_problem, rating_reasons

#: how long the panel waits for a touch before it goes back to the welcome (no rating)
RATING_TIMEOUT_MS = 90_000
#: how long the thanks stay on screen
THANKS_MS = 3_000


class RatingPanel(QWidget):
    """``rated(level, reasons)`` once the applicant rates; ``finished`` when the panel is done (rated or not)."""

    rated = Signal(int, list)
    skipped = Signal()
    finished = Signal()

    def __init__(self, summary: str = "", parent: QWidget | None = None, *,
                 timeout_ms: int = RATING_TIMEOUT_MS, thanks_ms: int = THANKS_MS) -> None:
        super().__init__(parent)
        self.setObjectName("ratingPanel")
        self._timeout_ms, self._thanks_ms = timeout_ms, thanks_ms
        self.level: int | None = None
        self.done = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._finish)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        if summary:
            head = QLabel(summary)
            head.setObjectName("customerDue")
            head.setWordWrap(True)
            layout.addWidget(head)
        layout.addStretch(1)  # the question and the levels sit in the middle while no reasons are asked
        self.question = QLabel(self.tr("请您对本次服务进行评价"))
        self.question.setObjectName("customerTitle")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setWordWrap(True)
        layout.addWidget(self.question)
        row = QHBoxLayout()
        row.setSpacing(12)
        #: level -> its button, best first
        self.level_buttons: dict[int, QPushButton] = {}
        for level, words in rating_levels():
            button = QPushButton(words)
            button.setObjectName(f"rate_{level}")
            button.setProperty("level", str(level))
            button.setCheckable(True)
            button.setMinimumHeight(110)
            button.clicked.connect(lambda _c=False, lv=level: self.choose(lv))
            self.level_buttons[level] = button
            row.addWidget(button, 1)
        layout.addLayout(row)
        self.reasons_box = QWidget()
        self.reasons_box.setObjectName("ratingReasons")
        reasons = QVBoxLayout(self.reasons_box)
        reasons.setContentsMargins(0, 0, 0, 0)
        prompt = QLabel(self.tr("请选择不满意的原因（可多选，至少一项）"))
        prompt.setObjectName("customerSection")
        reasons.addWidget(prompt)
        grid = QGridLayout()
        #: reason code -> its checkable button
        self.reason_buttons: dict[str, QPushButton] = {}
        for n, (code, words) in enumerate(rating_reasons()):
            button = QPushButton(words)
            button.setObjectName(f"reason_{code}")
            button.setCheckable(True)
            button.toggled.connect(lambda _on: self._reasons_changed())
            self.reason_buttons[code] = button
            grid.addWidget(button, n // 2, n % 2)
        reasons.addLayout(grid)
        self.submit_button = QPushButton(self.tr("提交评价"))
        self.submit_button.setObjectName("submitRating")
        self.submit_button.setProperty("primary", True)
        self.submit_button.setEnabled(False)
        self.submit_button.clicked.connect(self.submit)
        self.submit_button.hide()  # with the reasons
        self.reasons_box.hide()
        layout.addWidget(self.reasons_box)
        self.thanks = QLabel(self.tr("感谢您的评价！"))
        self.thanks.setObjectName("customerTitle")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.hide()
        layout.addWidget(self.thanks)
        layout.addStretch(1)
        self.skip_button = QPushButton(self.tr("跳过"))
        self.skip_button.setObjectName("skipRating")
        self.skip_button.clicked.connect(self.skip)
        bottom = QHBoxLayout()  # 跳过 and 提交评价 on one row: the reasons leave room for both at 1024x768
        bottom.addWidget(self.skip_button)
        bottom.addStretch(1)
        bottom.addWidget(self.submit_button)
        layout.addLayout(bottom)
        self.timer.start(self._timeout_ms)

    def chosen_reasons(self) -> list[str]:
        return [code for code, button in self.reason_buttons.items() if button.isChecked()]

    def choose(self, level: int) -> None:
        """A level touched: a good one is the rating; a poor one asks why first."""
        if self.done:
            return
        self.timer.start(self._timeout_ms)
        self.level = level
        for lv, button in self.level_buttons.items():
            button.setChecked(lv == level)
        if needs_reason(level):
            self.reasons_box.show()
            self.submit_button.show()
            self._reasons_changed()
            return
        self.reasons_box.hide()
        self.submit_button.hide()
        self._rate(level, [])

    def _reasons_changed(self) -> None:
        self.timer.start(self._timeout_ms)
        level = self.level
        self.submit_button.setEnabled(level is not None and needs_reason(level)
                                      and rating_problem(level, self.chosen_reasons()) is None)

    def submit(self) -> None:
        """提交评价 for a poor level with its reasons (refused while none is checked)."""
        level, reasons = self.level, self.chosen_reasons()
        if self.done or level is None or rating_problem(level, reasons) is not None:
            return
        self._rate(level, reasons)

    def _rate(self, level: int, reasons: list[str]) -> None:
        self.done = True
        self.rated.emit(level, reasons)
        for button in (*self.level_buttons.values(), *self.reason_buttons.values(), self.submit_button,
                       self.skip_button):
            button.setEnabled(False)
        self.reasons_box.hide()
        self.submit_button.hide()
        self.skip_button.hide()
        self.thanks.show()
        self.timer.start(self._thanks_ms)

    def skip(self) -> None:
        """跳过: no rating."""
        if self.done:
            return
        self.done = True
        self.skipped.emit()
        self._finish()

    def _finish(self) -> None:
        self.timer.stop()
        self.done = True
        self.finished.emit()
