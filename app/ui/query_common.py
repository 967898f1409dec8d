"""What the query screens share (issue 20): the search row, the typed-reason dialog, toned banners, tables.

A query screen (``QueryScreen``) has a title, a search row (a card read, or a typed key with a reason the
dialog insists on), a banner that says what happened (found, not registered, offline: nothing is kept here) and
a scrolling area its subclass fills from a pure view model. The window hands it card reads (``identity_read``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.cards import IdentityReading
from app.lookups import LookupOutcome, LookupReason
from app.person_query import Row
from app.ui.pages import heading

# the fewest characters a typed reason has (as the wire model: protocol.lookup.REASON_NOTE_MIN)
REASON_MIN, REASON_MAX = 2, 200
# the documents the readers produce, as the lookup's reason kinds
CARD_SOURCE = "社保卡"


def reason_for(reading: IdentityReading, item_code: str) -> LookupReason:
    """A card read at the window is the reason itself: the social security card, or an ID card."""
    return LookupReason("card_read" if reading.source == CARD_SOURCE else "id_card_read", item_code=item_code)


def set_tone(widget: QWidget, tone: str) -> None:
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Banner(QFrame):
    """A toned box: a bold headline and the lines that back it (what happened, what to do)."""

    def __init__(self, name: str = "queryBanner", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.headline = QLabel()
        self.headline.setObjectName("queryHeadline")
        self.headline.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("queryBannerText")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.headline)
        layout.addWidget(self.body)
        self.hide()

    def say(self, headline: str, lines: Sequence[str], tone: str) -> None:
        self.headline.setText(headline)
        self.body.setText("\n".join(lines))
        self.body.setVisible(bool(lines))
        set_tone(self, tone)
        self.show()


def rows_box(title: str, rows: Sequence[Row], name: str = "querySection", *, columns: int = 1,
             beside: dict[str, QWidget] | None = None) -> QGroupBox:
    """Label/value rows in a group box, in ``columns`` pairs of columns (values wrap and can be copied);
    ``beside`` puts a widget (a button) right after the value of the row with that label."""
    box = QGroupBox(title)
    box.setObjectName(name)
    grid = QGridLayout(box)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(6)
    per_column = -(-len(rows) // columns)
    for index, row in enumerate(rows):
        column, line = divmod(index, per_column)
        label = QLabel(row.label + "：")
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        value = QLabel(row.value)
        value.setWordWrap(True)
        value.setObjectName("caseValue")
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(label, line, column * 2)
        extra = (beside or {}).get(row.label)
        if extra is None:
            grid.addWidget(value, line, column * 2 + 1)
        else:
            cell = QHBoxLayout()
            cell.addWidget(value)
            cell.addWidget(extra)
            cell.addStretch(1)
            grid.addLayout(cell, line, column * 2 + 1)
    for column in range(columns):
        grid.setColumnStretch(column * 2 + 1, 1)
    grid.setRowStretch(per_column, 1)  # a short box keeps its rows at the top
    return box


def table(columns: Sequence[str], rows: Sequence[Sequence[str]], name: str, *,
          stretch_last: bool = True) -> QTableWidget:
    """A read-only table sized to its rows (the page scrolls, not the table); ``stretch_last``: the last column
    takes the width left (a long text such as an employer's name), otherwise it stays blank at the right."""
    widget = QTableWidget(len(rows), len(columns))
    widget.setObjectName(name)
    widget.setHorizontalHeaderLabels(list(columns))
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.verticalHeader().hide()
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(stretch_last)
    # one line per row: rows sized to their contents before the table has its width would wrap into tall ones
    widget.setWordWrap(False)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            widget.setItem(r, c, item)
    height = header.sizeHint().height() + widget.verticalHeader().defaultSectionSize() * len(rows) + 4
    widget.setFixedHeight(max(height, header.sizeHint().height() + 30))
    return widget


class ReasonDialog(QDialog):
    """Why the clerk looks someone up without their card: the dialog will not go on without a reason."""

    def __init__(self, subject: str, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(self.tr("查询理由"))
        self.presets = QComboBox()
        self.presets.setObjectName("reasonPresets")
        # common reasons at a counter; the clerk may also write their own
        self.presets.addItems([self.tr("（请选择或填写查询理由）"), self.tr("本人到场，未带证件"),
                               self.tr("代办人持授权委托书办理"), self.tr("单位经办人持介绍信办理"),
                               self.tr("受理业务需核实参保信息")])
        self.presets.currentIndexChanged.connect(self._preset)
        self.note = QLineEdit()
        self.note.setObjectName("reasonNote")
        self.note.setMaxLength(REASON_MAX)
        self.note.setPlaceholderText(self.tr("至少 {n} 个字，将与查询一并记录").format(n=REASON_MIN))
        self.note.textChanged.connect(self._update)
        self.hint = QLabel()
        self.hint.setObjectName("reasonHint")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("查询"))
        ok.setObjectName("reasonOk")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("未读取证件查询{subject}，须填写查询理由（记入查询记录和审计日志）：").format(
            subject=subject))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        shown = QLabel(self.tr("查询号码：{key}").format(key=key))
        shown.setObjectName("reasonKey")
        layout.addWidget(shown)
        layout.addWidget(self.presets)
        layout.addWidget(self.note)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        self._update()

    def _preset(self, index: int) -> None:
        if index > 0:
            self.note.setText(self.presets.currentText())

    def reason_text(self) -> str:
        return self.note.text().strip()

    def _update(self) -> None:
        enough = len(self.reason_text()) >= REASON_MIN
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(enough)
        self.hint.setText("" if enough else self.tr("请填写查询理由后再查询。"))


class QueryScreen(QWidget):
    """A query tile's page: title, search row, result banner and a scrolling result area.

    Subclasses set the entry's placeholder, run the lookup in ``typed_key`` (on ``typed``) / ``identity_read`` and fill
    ``self.result`` (a vertical layout inside the scroll area) from their view model.
    """

    # the clerk typed a key and gave a reason: (key, reason note)
    typed = Signal(str, str)

    def __init__(self, title: str, subtitle: str, item_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item_code = item_code
        self.setObjectName("queryScreen")
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setObjectName("backButton")
        head = QHBoxLayout()
        head.addWidget(heading(title))
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setWordWrap(True)
        head.addWidget(self.subtitle, 1)
        head.addWidget(self.back_button)
        self.entry = QLineEdit()
        self.entry.setObjectName("queryEntry")
        self.entry.returnPressed.connect(self.ask_reason)
        self.search_button = QPushButton(self.tr("查询…"))
        self.search_button.setObjectName("querySearchButton")
        self.search_button.setProperty("primary", True)
        self.search_button.clicked.connect(self.ask_reason)
        self.entry_problem = QLabel()
        self.entry_problem.setObjectName("queryEntryProblem")
        self.entry_problem.setWordWrap(True)
        self.entry_problem.hide()
        # a card read before the screen was opened: one press looks that person up (never by itself: the
        # reading may be the previous applicant's)
        self.read_button = QPushButton()
        self.read_button.setObjectName("queryReadButton")
        self.read_button.hide()
        self._offered: IdentityReading | None = None
        self.read_button.clicked.connect(self._take_offered)
        # the entry and its buttons (a subclass may add a choice beside them)
        self.search_row = search = QHBoxLayout()
        search.addWidget(self.entry, 1)
        search.addWidget(self.search_button)
        search.addWidget(self.read_button)
        self.banner = Banner()
        self.result_widget = QWidget()
        self.result = QVBoxLayout(self.result_widget)
        self.result.setContentsMargins(0, 0, 0, 0)
        self.result.setSpacing(10)
        area = QScrollArea()
        area.setObjectName("queryScroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(self.result_widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addLayout(search)
        layout.addWidget(self.entry_problem)
        layout.addWidget(self.banner)
        layout.addWidget(area, 1)
        self.reason_dialog: ReasonDialog | None = None
        self.busy = False

    # -- the search ----------------------------------------------------------------------------------
    def entry_problem_text(self, text: str) -> str | None:
        """Why the typed key cannot be looked up, or None (subclasses check their own kind of key)."""
        return None if text.strip() else self.tr("请先输入要查询的号码。")

    def subject_name(self) -> str:
        return self.tr("人员信息")

    def masked_key(self, key: str) -> str:
        """The typed key as the reason dialog shows it (an ID number masked)."""
        return key

    def ask_reason(self) -> None:
        """A typed key: checked, then the reason dialog; the lookup runs once a reason is given."""
        key = self.entry.text().strip().upper()
        problem = self.entry_problem_text(key)
        self.entry_problem.setText(problem or "")
        self.entry_problem.setVisible(problem is not None)
        if problem is not None or self.busy:
            return
        self.reason_dialog = ReasonDialog(self.subject_name(), self.masked_key(key), self)
        dialog = self.reason_dialog
        dialog.accepted.connect(lambda: self.typed.emit(key, dialog.reason_text()))
        dialog.finished.connect(lambda _r: setattr(self, "reason_dialog", None))
        dialog.open()

    def identity_read(self, reading: IdentityReading) -> bool:
        """A card or ID card was read while this screen is shown; True when the screen took it."""
        return False

    def offer_reading(self, reading: IdentityReading) -> None:
        """The card read before this screen opened, offered as a button rather than looked up unasked."""
        self._offered = reading
        self.read_button.setText(self.tr("查询已读取的{source}：{who}").format(source=reading.source,
                                                                        who=reading.summary))
        self.read_button.show()

    def _take_offered(self) -> None:
        reading, self._offered = self._offered, None
        self.read_button.hide()
        if reading is not None:
            self.identity_read(reading)

    def clear_result(self) -> None:
        while self.result.count():
            entry = self.result.takeAt(0)
            widget = entry.widget() if entry is not None else None
            if widget is not None:
                widget.deleteLater()

    def show_waiting(self, what: str) -> None:
        self.busy = True
        self.search_button.setEnabled(False)
        self.clear_result()
        self.banner.say(self.tr("正在查询{what}…").format(what=what), [], "info")

    def show_not_found(self, outcome: LookupOutcome, message: str, not_registered: str) -> None:
        """Offline, failed or not registered: say which, and that nothing is kept on this terminal."""
        self.busy = False
        self.search_button.setEnabled(True)
        self.clear_result()
        if outcome is LookupOutcome.OFFLINE:
            # the lookup's own sentence speaks of carrying on with the card (a form's case): a query cannot
            self.banner.say(self.tr("本查询需要连接中心系统，当前无法连接"), [
                self.tr("查询结果只在中心系统，本机不保存任何人员或单位信息；请检查网络连接，恢复后重试。")], "warn")
        elif outcome is LookupOutcome.NOT_REGISTERED:
            self.banner.say(not_registered, [message] if message else [], "warn")
        else:
            self.banner.say(self.tr("中心系统未能完成查询"), [
                message or self.tr("中心系统返回错误。"), self.tr("请稍后重试；如持续出现，请联系系统管理员。")],
                "error")

    def done_waiting(self) -> None:
        self.busy = False
        self.search_button.setEnabled(True)
