"""The central system's word on the person at the window, applied to the open form (issue 20, item 3).

On an employer item (单位参保信息变更, 缴费基数申报), the unit number or credit code the clerk typed is looked
up the same way once the clerk leaves the field (reason: the item being handled), and fills the unit's codes,
name and legal representative where empty; a unit the registry has as cancelled stops the form.

When a card or ID card fills the applicant, ``FormLookup`` looks the person up in the background (the use
case ``app/usecases/lookup.py`` ``look_up_person``, reason: the card read, with the item's code) and,
when the answer comes, fills what the form lacks (``app/prefill.py`` decides what), marks each filled
field as the central system's, shows what the clerk must know in a banner above the fields, stops the
form on a card reported lost or replaced, and asks for a reason before a second 个人参保登记. On the
survivor form it looks the deceased up too, once the clerk has typed their number.

The form never waits for it: offline or failing, one quiet line says so and the form works as before. An
answer for a form that was closed or now holds another person is dropped. Nothing is kept beyond the
form: the answer lives in this object, which is the page's child.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.cards import IdentityReading
from app.lookups import EmployerLookup, LookupOutcome, LookupReason, PersonLookup
from app.permissions import ClerkInfo, Permission, allowed
from app.prefill import (
    DECEASED_KEY,
    UNIT_KEY,
    Notice,
    Prefill,
    deceased_prefill,
    employer_not_found_notice,
    employer_prefill,
    not_found_notice,
    panel_sources,
    person_prefill,
)
from app.ui.operations import OpContext
from app.ui.operations import lookup as lookup_ops
from app.ui.pages import FormPage
from forms import uscc
from forms.idnumber import find_problem

# the social security card as ``app/cards.py`` names it; every other document is read by the ID reader
CARD_SOURCE = "社保卡"
# the one line shown when the central system could not be asked (or did not answer)
OFFLINE_LINE = "未能连接中心系统查询，已按卡面信息继续办理"
# why the deceased is looked up: the applicant (a survivor) is at the window with their card
DECEASED_NOTE = "申领遗属待遇，查询死亡人员参保及待遇记录"
_ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")
# a unit number as the lookup protocol takes it (``protocol.lookup``: 6-20 digits or capital letters)
_UNIT_PATTERN = re.compile(r"[0-9A-Z]{6,20}")
# the credit code field of an employer item (looked up by it while no unit number is typed)
CODE_KEY = "credit_code"
# the least a reason for a second registration says (as a waiver's reason)
REASON_MIN = 4


class LookupBanner(QFrame):
    """What the central system said, above the fields: info (blue), warn (amber), stop (red), or quiet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookupBanner")
        self.label = QLabel()
        self.label.setObjectName("lookupBannerText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.addWidget(self.label)
        self.hide()

    def show_lines(self, lines: list[str], tone: str) -> None:
        """``lines`` are rich text already escaped; none: the banner goes."""
        self.label.setText("<br>".join(lines))
        self.setProperty("tone", tone)
        for widget in (self, self.label):  # the text's colour follows the banner's tone
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.setVisible(bool(lines))


class DuplicateDialog(QDialog):
    """A second 个人参保登记: the clerk says why before it goes on (kept with the submission)."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateDialog")
        self.setWindowTitle(self.tr("该人员已参保"))
        text = QLabel(question)
        text.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("duplicateReason")
        self.reason.setPlaceholderText(self.tr("例如：灵活就业人员中断缴费后重新参保"))
        self.reason.setFixedHeight(90)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("仍要登记"))
        ok.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("返回核实"))
        self.reason.textChanged.connect(lambda: ok.setEnabled(len(self.given()) >= REASON_MIN))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def given(self) -> str:
        return self.reason.toPlainText().strip()


def _notice_line(notice: Notice) -> str:
    colour = {"stop": "#a93226", "warn": "#9a6210", "info": "#1f4e79"}[notice.tone]
    mark = "⚠ " if notice.tone in ("stop", "warn") else ""
    weight = "font-weight:bold;" if notice.tone == "stop" else ""
    return f"<span style='color:{colour};{weight}'>{mark}{html.escape(notice.text)}</span>"


class FormLookup(QObject):
    """One form's lookups and what they filled; ``current()`` says whether the window still shows this form."""

    def __init__(self, page: FormPage, ctx: OpContext, clerk: ClerkInfo, current: Callable[[], bool]) -> None:
        super().__init__(page)
        self.page, self.ctx, self.clerk, self._current = page, ctx, clerk, current
        self.banner = LookupBanner()
        page.lookup_slot.addWidget(self.banner)
        # field key -> (the value filled, where from); a key leaves when the clerk changes its value
        self.central: dict[str, tuple[str, str]] = {}
        # keys the clerk changed after a fill: theirs, never filled again
        self.owned: set[str] = set()
        self.applicant: Prefill | None = None
        self.deceased: Prefill | None = None
        # an employer item's unit, looked up by the unit number (or credit code) the clerk typed
        self.employer: Prefill | None = None
        self._unit_seq = 0
        self._unit_asked: tuple[str, str] | None = None  # (field key, value) of the last employer lookup
        # what stops the form, per lookup (the applicant's card, the unit)
        self._stops: dict[str, str] = {}
        self.lookup_ids: list[str] = []
        # the reason given for a second registration, once confirmed
        self.duplicate_reason: str | None = None
        self._reason: LookupReason | None = None
        self._seq = 0
        self._deceased_seq = 0
        self._deceased_number: str | None = None
        # lines for the applicant and the deceased apart (each lookup replaces its own)
        self._lines: dict[str, tuple[list[str], str]] = {}
        self._filling = False
        page.identity_applied.connect(self.identity_read)
        page.view.values_changed.connect(self._values_changed)
        page.view.more_provenance = self.provenance
        page.before_submit = self.confirm_submit
        page.reset_button.clicked.connect(self.reset)  # after the form cleared itself (connected first)
        fields = {f.key for f in page.form.fields()}
        # an item about a unit already registered names it by its unit number (单位参保登记 has none yet: a
        # unit found or not found there means something else, and is not looked up)
        for key in (UNIT_KEY, CODE_KEY) if UNIT_KEY in fields else ():
            editor = page.view.widget(key) if key in fields else None
            if isinstance(editor, QLineEdit):  # looked up when the clerk leaves the field, not per keystroke
                editor.editingFinished.connect(self.unit_typed)

    def reset(self) -> None:
        """重置: the form starts over, and so does what the central system said about it."""
        for key in self.central:
            self._mark(key, None)
        self.central.clear()
        self.owned.clear()
        self.applicant = self.deceased = self.employer = None
        self._unit_asked = None
        self._unit_seq += 1
        self._stops.clear()
        self.duplicate_reason = None
        self._reason = self._looked_up = self._deceased_number = None
        self._seq += 1  # answers on their way are for the form as it was
        self._deceased_seq += 1
        self._lines.clear()
        self._redraw()
        self._set_stop(None)

    # -- starting lookups -------------------------------------------------------------------------
    def identity_read(self, reading: IdentityReading, role: str) -> None:
        """The applicant's card or ID card was read: look them up (an agent's read is not a reason)."""
        if role != "applicant" or not allowed(self.clerk, Permission.LOOKUP):
            return
        number = reading.id_number.upper()
        if not reading.ssn_valid or not _ID_PATTERN.fullmatch(number):
            return
        if self.applicant is not None and self._looked_up != number:  # another person: the first's fills go
            self._forget_fills()
        self.applicant = None
        self.duplicate_reason = None
        self._set_stop(None)
        self._reason = LookupReason("card_read" if reading.source == CARD_SOURCE else "id_card_read",
                                    item_code=self.page.item.code)
        self._seq += 1
        self._looked_up = number
        self._show("applicant", [self.tr("正在查询中心系统…")], "quiet")
        seq, reason = self._seq, self._reason
        lookup_ops.look_up_person(parent=self.page, clerk=self.clerk, id_number=number, reason=reason) \
            .success(lambda answer: self._answered(seq, number, reading, answer)) \
            .failure(lambda _exc: self._offline(seq, number)).run_in_background(self.ctx)
        self._deceased_number = None  # the reason changed: the deceased is asked again under it
        self._values_changed()

    _looked_up: str | None = None

    def _look_up_deceased(self, number: str) -> None:
        if self._reason is None:
            return
        reason = LookupReason(self._reason.kind, note=DECEASED_NOTE, item_code=self.page.item.code)
        self._deceased_seq += 1
        self._deceased_number = number
        seq = self._deceased_seq
        self._show("deceased", [self.tr("正在查询死亡人员的参保及待遇记录…")], "quiet")
        lookup_ops.look_up_person(parent=self.page, clerk=self.clerk, id_number=number, reason=reason) \
            .success(lambda answer: self._deceased_answered(seq, number, answer)) \
            .failure(lambda _exc: self._deceased_offline(seq, number)).run_in_background(self.ctx)

    def unit_typed(self) -> None:
        """The clerk left the unit number (or credit code) field of an employer item: look the unit up, once
        per value, by the unit number when there is a whole one, else by a valid credit code."""
        if not allowed(self.clerk, Permission.LOOKUP):
            return
        view = self.page.view
        unit = view.value(UNIT_KEY).strip().upper()
        fields = {f.key for f in self.page.form.fields()}
        code = view.value(CODE_KEY).strip().upper() if CODE_KEY in fields else ""
        if _UNIT_PATTERN.fullmatch(unit):
            asked = (UNIT_KEY, unit)
        elif not unit and len(code) == 18 and uscc.find_problem(code) is None:
            asked = (CODE_KEY, code)
        else:
            return
        if asked == self._unit_asked:
            return
        if self.employer is not None:  # another unit: what the first one filled goes
            self._forget_unit_fills()
        self._unit_asked = asked
        self._unit_seq += 1
        seq = self._unit_seq
        # the reason goes on both sides' trails in the office's language, whatever the window speaks
        reason = LookupReason("typed", note=f"受理{self.page.item.name}", item_code=self.page.item.code)
        self._set_stop(None, "employer")
        self._show("employer", [html.escape(self.tr("正在查询中心系统的单位登记…"))], "quiet")
        by_unit = asked[0] == UNIT_KEY
        lookup_ops.look_up_employer(parent=self.page, clerk=self.clerk, unit_number=asked[1] if by_unit else None,
                                    uscc=None if by_unit else asked[1], reason=reason) \
            .success(lambda answer: self._unit_answered(seq, asked, answer)) \
            .failure(lambda _exc: self._unit_offline(seq, asked)).run_in_background(self.ctx)

    def _unit_live(self, seq: int, asked: tuple[str, str]) -> bool:
        return (seq == self._unit_seq and self._current()
                and self.page.view.value(asked[0]).strip().upper() == asked[1])

    def _unit_answered(self, seq: int, asked: tuple[str, str], answer: EmployerLookup) -> None:
        if not self._unit_live(seq, asked):
            return
        if answer.lookup_id is not None:
            self.lookup_ids.append(answer.lookup_id)
        if answer.outcome is LookupOutcome.FOUND and answer.employer is not None:
            prefill = employer_prefill(self.page.form, answer.employer, self.page.view.values(), owned=self.owned)
            self.employer = prefill
            self._apply(prefill)
            self._show("employer", self._prefill_lines(prefill, self.tr("单位")), _tone(prefill.notices))
            stop = prefill.stop
            self._set_stop(stop.text if stop is not None else None, "employer")
        elif answer.outcome is LookupOutcome.NOT_REGISTERED:
            notice = employer_not_found_notice(self.page.form)
            self._show("employer", [_notice_line(notice)], notice.tone)
        else:
            self._unit_offline(seq, asked)

    def _unit_offline(self, seq: int, asked: tuple[str, str]) -> None:
        if self._unit_live(seq, asked):
            self._show("employer", [html.escape(self.tr("未能连接中心系统查询单位登记，请按单位提供的材料填写"))],
                       "quiet")

    def _forget_unit_fills(self) -> None:
        """Another unit typed: what the central system filled for the first one goes (what was typed stays)."""
        assert self.employer is not None
        self._filling = True
        try:
            for fill in self.employer.fills:
                kept = self.central.pop(fill.key, None)
                if kept is not None and self.page.view.value(fill.key) == kept[0] and fill.key != UNIT_KEY:
                    self.page.view.set_value(fill.key, "")
                self._mark(fill.key, None)
        finally:
            self._filling = False
        self.employer = None
        self._set_stop(None, "employer")

    # -- answers ----------------------------------------------------------------------------------
    def _live(self, seq: int, number: str) -> bool:
        """The answer is still for this form and this person (else it is dropped)."""
        field = self.page.form.identity_field("id_number")  # the applicant's number (法定代表人's on 单位参保登记)
        return (seq == self._seq and self._current() and field is not None
                and self.page.view.value(field.key).upper() == number)

    def _answered(self, seq: int, number: str, reading: IdentityReading, answer: PersonLookup) -> None:
        if not self._live(seq, number):
            return
        if answer.lookup_id is not None:
            self.lookup_ids.append(answer.lookup_id)
        if answer.outcome is LookupOutcome.FOUND and answer.person is not None:
            assert self._reason is not None
            prefill = person_prefill(self.page.form, answer.person, self.page.view.values(),
                                     reason_kind=self._reason.kind, card_number=reading.card_number,
                                     read_name=reading.name, owned=self.owned)
            self.applicant = prefill
            self._apply(prefill)
            self._show("applicant", self._prefill_lines(prefill, self.tr("申请人")), _tone(prefill.notices))
            stop = prefill.stop
            self._set_stop(stop.text if stop is not None else None)
        elif answer.outcome is LookupOutcome.NOT_REGISTERED:
            notice = not_found_notice(self.page.form)
            self._show("applicant", [_notice_line(notice)], notice.tone)
        else:
            self._offline(seq, number)

    def _offline(self, seq: int, number: str) -> None:
        if self._live(seq, number):
            self._show("applicant", [html.escape(self.tr("未能连接中心系统查询，已按卡面信息继续办理"))], "quiet")

    def _deceased_live(self, seq: int, number: str) -> bool:
        return (seq == self._deceased_seq and self._current()
                and self.page.view.value(DECEASED_KEY).upper() == number)

    def _deceased_answered(self, seq: int, number: str, answer: PersonLookup) -> None:
        if not self._deceased_live(seq, number):
            return
        if answer.lookup_id is not None:
            self.lookup_ids.append(answer.lookup_id)
        if answer.outcome is LookupOutcome.FOUND and answer.person is not None:
            prefill = deceased_prefill(self.page.form, answer.person, self.page.view.values(), owned=self.owned)
            self.deceased = prefill
            self._apply(prefill)
            self._show("deceased", self._prefill_lines(prefill, self.tr("死亡人员")), _tone(prefill.notices))
        elif answer.outcome is LookupOutcome.NOT_REGISTERED:
            notice = not_found_notice(self.page.form, deceased=True)
            self._show("deceased", [_notice_line(notice)], notice.tone)
        else:
            self._deceased_offline(seq, number)

    def _deceased_offline(self, seq: int, number: str) -> None:
        if self._deceased_live(seq, number):
            self._show("deceased", [html.escape(self.tr("未能连接中心系统查询死亡人员记录，请按材料填写"))], "quiet")

    # -- the form ---------------------------------------------------------------------------------
    def _apply(self, prefill: Prefill) -> None:
        view = self.page.view
        self._filling = True
        try:
            for fill in prefill.fills:
                view.set_value(fill.key, fill.value)
                self.central[fill.key] = (view.value(fill.key), prefill.source)
                self._mark(fill.key, prefill.source)
        finally:
            self._filling = False
        self._values_changed()

    def _mark(self, key: str, source: str | None) -> None:
        widget = self.page.view.widget(key)
        widget.setProperty("fromCentral", source is not None)
        widget.setToolTip(self.tr("来自{source}，可修改；修改后按手工填写记录").format(source=source) if source else "")
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _forget_fills(self) -> None:
        """Another person's card: what the central system said about the first one goes (what was typed stays)."""
        self._filling = True
        try:
            for key, (value, _source) in list(self.central.items()):
                if self.page.view.value(key) == value:
                    self.page.view.set_value(key, "")
                self._mark(key, None)
        finally:
            self._filling = False
        self.central.clear()
        self.deceased = None
        self._lines.clear()
        self._redraw()

    def _values_changed(self) -> None:
        if self._filling:
            return
        view = self.page.view
        for key, (value, _source) in list(self.central.items()):
            if view.value(key) != value:  # the clerk changed it: theirs from now on
                del self.central[key]
                self.owned.add(key)
                self._mark(key, None)
        if self.page.rule_panel is not None:
            self.page.rule_panel.show_sources(panel_sources(self.page.form, view.values(), self.central))
        try:
            number = view.value(DECEASED_KEY).upper()
        except KeyError:
            return
        if (self._reason is not None and _ID_PATTERN.fullmatch(number) and number != self._deceased_number
                and number != self._looked_up and find_problem(number) is None):
            self._look_up_deceased(number)

    def _set_stop(self, text: str | None, who: str = "applicant") -> None:
        """What stops the form, per lookup: the applicant's card and the unit each keep their own."""
        if text is None:
            self._stops.pop(who, None)
        else:
            self._stops[who] = text
        self.page.stop = next(iter(self._stops.values()), None)
        self.page.update_submit()

    def _show(self, who: str, lines: list[str], tone: str) -> None:
        self._lines[who] = (lines, tone)
        self._redraw()

    def _redraw(self) -> None:
        lines = [line for who in ("applicant", "deceased", "employer") if who in self._lines
                 for line in self._lines[who][0]]
        tones = {tone for _lines, tone in self._lines.values()}
        tone = next((t for t in ("stop", "warn", "info") if t in tones), "quiet")
        self.banner.show_lines(lines, tone)

    def _prefill_lines(self, prefill: Prefill, whose: str) -> list[str]:
        lines = [_notice_line(n) for n in prefill.notices]
        if prefill.fills:
            fields = _named([f.label for f in prefill.fills], self.tr("等{n}项"))
            lines.append(html.escape(self.tr("{whose}：已从{source}填入（可修改）：{fields}").format(
                whose=whose, source=prefill.source, fields=fields)))
        elif not prefill.notices:
            lines.append(html.escape(self.tr("{whose}：已查询{source}，表单无需补充。").format(
                whose=whose, source=prefill.source)))
        return lines

    # -- submitting -------------------------------------------------------------------------------
    def confirm_submit(self, then: Callable[[], None]) -> bool:
        """A second registration goes on only with the clerk's reason; True: nothing to ask."""
        question = self.applicant.confirm if self.applicant is not None else None
        if question is None or self.duplicate_reason is not None:
            return True
        dialog = self.dialog = DuplicateDialog(question, self.page)

        def confirmed() -> None:
            self.duplicate_reason = dialog.given()
            then()

        self.dialog.accepted.connect(confirmed)
        self.dialog.open()
        return False

    dialog: DuplicateDialog | None = None

    def provenance(self) -> dict[str, object]:
        """Kept with the submission: the fields the central system filled (and as of when), the lookups
        made, and the reason a second registration was confirmed."""
        out: dict[str, object] = {}
        if self.central:
            out["from_central"] = {key: source for key, (_value, source) in self.central.items()}
        if self.lookup_ids:
            out["lookups"] = list(self.lookup_ids)
        if self.duplicate_reason is not None:
            out["duplicate_confirmed"] = {"reason": self.duplicate_reason, "clerk_id": self.clerk.id}
        return out


#: the filled fields the banner names; the rest are counted (each is marked blue in the form)
FILLS_NAMED = 4


def _named(names: list[str], more: str) -> str:
    """The first few names, then "等N项" (``more`` with ``{n}``)."""
    return "、".join(names[:FILLS_NAMED]) + (more.format(n=len(names)) if len(names) > FILLS_NAMED else "")


def _tone(notices: tuple[Notice, ...]) -> str:
    tones = {n.tone for n in notices}
    return next((t for t in ("stop", "warn") if t in tones), "info")
