"""个人一站式查询 and its focused tiles (资格认证查询, 死亡上报查询, 到龄确认查询): one page, one lookup.

The person is identified by reading their card or ID card (the read is the reason) or by a typed ID number with
a typed reason. What comes back is laid out from ``app.person_query``'s view model; a lost or replaced card is a
red banner above everything. The ID number is masked; 显示完整号码 is for a clerk with the permission, audited.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.cards import IdentityReading
from app.lookups import LookupOutcome, LookupReason, PersonLookup
from app.permissions import ClerkInfo, Permission, allowed
from app.person_query import (
    CARD_ALERT,
    INSURANCE_COLUMNS,
    PERIOD_COLUMNS,
    Focus,
    card_state_label,
    focus_answer,
    person_view,
    typed_id_problem,
)
from app.ui.errors import show_error
from app.ui.operations import OpContext
from app.ui.operations.query import query_person, reveal_id_number
from app.ui.query_common import Banner, QueryScreen, reason_for, rows_box, table
from core.errors import mask_id_number


class PersonQueryPage(QueryScreen):
    """One person's record from the central system; ``focus`` puts one tile's answer first."""

    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_code: str, title: str, focus: Focus,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(title, "", item_code, parent)
        self.subtitle.setText(self.tr("读取社保卡或居民身份证即查询；未带证件时输入公民身份号码，并填写查询理由。"))
        self._ctx = ctx
        self._clerk = clerk
        self.focus = focus
        self._today = today
        self.lookup: PersonLookup | None = None
        self.full_id_shown = False
        self.entry.setPlaceholderText(self.tr("输入18位公民身份号码"))
        self.entry.setMaxLength(18)
        self.reveal_button: QPushButton | None = None
        self.typed.connect(self.typed_key)

    def typed_key(self, key: str, note: str) -> None:
        """A typed number with the clerk's reason."""
        self.look_up(key, LookupReason("typed", note, self.item_code))

    def entry_problem_text(self, text: str) -> str | None:
        return typed_id_problem(text, today=self._today)

    def subject_name(self) -> str:
        return self.tr("个人信息")

    def masked_key(self, key: str) -> str:
        return mask_id_number(key)

    def identity_read(self, reading: IdentityReading) -> bool:
        if self.busy:
            return False
        self.entry.clear()
        self.entry_problem.clear()
        self.entry_problem.hide()
        self.look_up(reading.id_number, reason_for(reading, self.item_code))
        return True

    def look_up(self, id_number: str, reason: LookupReason) -> None:
        self.show_waiting(self.tr("个人信息"))
        self.full_id_shown = False
        query_person(parent=self, clerk=self._clerk, id_number=id_number, reason=reason,
                     answered=self.show_lookup).failure(self._failed).run_in_background(self._ctx)

    def _failed(self, exc: BaseException) -> None:
        self.done_waiting()
        self.banner.hide()
        show_error(self, exc)

    def show_lookup(self, lookup: PersonLookup) -> None:
        """What the lookup came back with: the record, or why there is none."""
        self.lookup = lookup
        if lookup.outcome is not LookupOutcome.FOUND or lookup.person is None:
            self.show_not_found(lookup.outcome, lookup.message,
                                self.tr("中心系统没有该公民身份号码的参保登记记录"))
            return
        self.done_waiting()
        self._render()

    def _render(self) -> None:
        lookup = self.lookup
        if lookup is None or lookup.person is None:
            return
        person = lookup.person
        view = person_view(person, show_full_id=self.full_id_shown)
        self.clear_result()
        answer = focus_answer(person, self.focus, self._today)
        if answer is not None:
            self.banner.say(f"{answer.title}：{answer.headline}", answer.lines, answer.tone.value)
        elif person.card.status in CARD_ALERT:  # the card in the applicant's hand is not the valid one
            self.banner.say(self.tr("已查询到：{who}　注意：社会保障卡{state}").format(
                who=view.heading, state=card_state_label(person)),
                [self.tr("数据来自中心系统（截至 {at}），本机不保存。").format(at=view.as_of)], "warn")
        else:
            self.banner.say(self.tr("已查询到：{who}").format(who=view.heading),
                            [self.tr("数据来自中心系统（截至 {at}），本机不保存。").format(at=view.as_of)], "ok")
        card = Banner("queryCardBanner")
        card.say(view.card_line, [], view.card_tone.value)
        self.result.addWidget(card)
        beside: dict[str, QWidget] = {}
        self.reveal_button = None
        if allowed(self._clerk, Permission.SHOW_ID_NUMBER) and not self.full_id_shown:
            self.reveal_button = QPushButton(self.tr("显示完整号码"))
            self.reveal_button.setObjectName("revealIdButton")
            self.reveal_button.setProperty("link", True)
            self.reveal_button.setToolTip(self.tr("显示完整的证件号码，此操作将记入审计日志"))
            self.reveal_button.clicked.connect(self.reveal)
            beside["公民身份号码"] = self.reveal_button
        self.result.addWidget(rows_box(self.tr("基本信息"), view.identity, columns=2, beside=beside))
        self.result.addWidget(QLabel(self.tr("五险参保状态")))
        self.result.addWidget(table(INSURANCE_COLUMNS, view.insurance_rows, "insuranceTable", stretch_last=False))
        self.result.addWidget(QLabel(self.tr("缴费记录（按险种）")))
        self.result.addWidget(table(PERIOD_COLUMNS, view.period_rows, "periodTable"))
        accounts = QHBoxLayout()
        if view.pension:
            accounts.addWidget(rows_box(self.tr("养老保险个人权益"), view.pension), 1)
        accounts.addWidget(rows_box(self.tr("待遇领取"), view.benefit), 1)
        holder = QWidget()
        holder.setLayout(accounts)
        accounts.setContentsMargins(0, 0, 0, 0)
        self.result.addWidget(holder)
        self.result.addStretch(1)

    def reveal(self) -> None:
        lookup = self.lookup
        if lookup is None:
            return

        def shown(_number: str) -> None:
            if self.lookup is lookup:
                self.full_id_shown = True
                self._render()

        reveal_id_number(parent=self, clerk=self._clerk, lookup=lookup, screen=self.item_code,
                         shown=shown).run_in_background(self._ctx)
