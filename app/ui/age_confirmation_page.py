"""到龄确认查询: one person (card, ID card or typed number) or one unit's staff (unit number or credit code).

A person is the one-stop person page with the retirement answer first (``Focus.AGE``); a unit key lists the
staff who reach the statutory age within the months chosen (``app.retirement_due``), ID numbers masked.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from app.employer_query import employer_key
from app.lookups import LookupOutcome, LookupReason
from app.permissions import ClerkInfo
from app.person_query import Focus, typed_id_problem
from app.retirement_due import DUE_COLUMNS, HORIZONS, RetirementDue, due_headline, due_rows
from app.ui.operations import OpContext
from app.ui.operations.query import query_retirement_due
from app.ui.person_query_page import PersonQueryPage
from app.ui.query_common import table
from core.errors import ValidationError


def _looks_like_id(text: str) -> bool:
    return len(text) == 18 and text[:17].isdigit()


class AgeConfirmationPage(PersonQueryPage):
    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_code: str, title: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, clerk, item_code, title, Focus.AGE, today, parent)
        self.subtitle.setText(self.tr("读取证件或输入公民身份号码查询本人；输入单位编号或统一社会信用代码，"
                                      "列出该单位即将到龄的人员。"))
        self.entry.setPlaceholderText(self.tr("公民身份号码，或单位编号／统一社会信用代码"))
        self.entry.setMaxLength(20)
        self.horizon = QComboBox()
        self.horizon.setObjectName("dueHorizon")
        for months in HORIZONS:
            self.horizon.addItem(self.tr("{n} 个月内到龄").format(n=months), months)
        self.horizon.setCurrentIndex(1)
        self.search_row.insertWidget(1, self.horizon)
        self.due: RetirementDue | None = None

    def entry_problem_text(self, text: str) -> str | None:
        if _looks_like_id(text):
            return typed_id_problem(text, today=self._today)
        try:
            employer_key(text)
        except ValidationError as exc:
            return exc.user_message
        return None

    def subject_name(self) -> str:
        return self.tr("人员或单位的到龄信息")

    def typed_key(self, key: str, note: str) -> None:
        if _looks_like_id(key):
            self.look_up(key, LookupReason("typed", note, self.item_code))
            return
        unit = employer_key(key)
        self.show_waiting(self.tr("单位到龄人员"))
        query_retirement_due(parent=self, clerk=self._clerk, unit_number=unit.unit_number, uscc=unit.uscc,
                             months_ahead=int(self.horizon.currentData()), today=self._today,
                             reason=LookupReason("typed", note, self.item_code), answered=self.show_due) \
            .failure(self._failed).run_in_background(self._ctx)

    def show_due(self, due: RetirementDue) -> None:
        self.due = due
        if due.outcome is not LookupOutcome.FOUND:
            self.show_not_found(due.outcome, due.message,
                                self.tr("中心系统没有该单位编号或统一社会信用代码的参保登记记录"))
            return
        self.done_waiting()
        self.clear_result()
        self.banner.say(due_headline(due), [
            self.tr("到龄月份按渐进式延迟法定退休年龄计算；企业女职工按档案原岗位（工人或干部）确定。"),
            self.tr("数据来自中心系统，本机不保存。")], "ok" if not due.persons else "warn")
        if due.persons:
            self.result.addWidget(table(DUE_COLUMNS, due_rows(due, self._today), "dueTable"))
        else:
            self.result.addWidget(QLabel(self.tr("该单位在所选期间内没有到龄人员。")))
        self.result.addStretch(1)
