"""单位一站式查询: an employer by unit number or unified social credit code, with the clerk's reason.

An employer has no card to read, so every query is typed and needs a reason (the dialog insists). The page
shows the registration, contacts, insurances, staff count, arrears and the staff list with masked ID numbers.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.employer_query import STAFF_COLUMNS, employer_key, employer_view
from app.lookups import EmployerLookup, LookupOutcome, LookupReason
from app.permissions import ClerkInfo
from app.ui.errors import show_error
from app.ui.operations import OpContext
from app.ui.operations.query import query_employer
from app.ui.query_common import Banner, QueryScreen, rows_box, table
from core.errors import ValidationError


class EmployerQueryPage(QueryScreen):
    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_code: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, "", item_code, parent)
        self.subtitle.setText(self.tr("输入单位编号或统一社会信用代码，并填写查询理由。"))
        self._ctx = ctx
        self._clerk = clerk
        self.lookup: EmployerLookup | None = None
        self.entry.setPlaceholderText(self.tr("单位编号或18位统一社会信用代码"))
        self.entry.setMaxLength(20)
        self.typed.connect(self.look_up)

    def entry_problem_text(self, text: str) -> str | None:
        try:
            employer_key(text)
        except ValidationError as exc:
            return exc.user_message
        return None

    def subject_name(self) -> str:
        return self.tr("单位信息")

    def look_up(self, text: str, note: str) -> None:
        key = employer_key(text)
        self.show_waiting(self.tr("单位信息"))
        query_employer(parent=self, clerk=self._clerk, unit_number=key.unit_number, uscc=key.uscc,
                       reason=LookupReason("typed", note, self.item_code), answered=self.show_lookup) \
            .failure(self._failed).run_in_background(self._ctx)

    def _failed(self, exc: BaseException) -> None:
        self.done_waiting()
        self.banner.hide()
        show_error(self, exc)

    def show_lookup(self, lookup: EmployerLookup) -> None:
        self.lookup = lookup
        if lookup.outcome is not LookupOutcome.FOUND or lookup.employer is None:
            self.show_not_found(lookup.outcome, lookup.message,
                                self.tr("中心系统没有该单位编号或统一社会信用代码的参保登记记录"))
            return
        self.done_waiting()
        view = employer_view(lookup.employer)
        self.clear_result()
        self.banner.say(self.tr("已查询到：{who}").format(who=view.heading),
                        [self.tr("数据来自中心系统（截至 {at}），本机不保存。").format(at=view.as_of)], "ok")
        status = Banner("queryStatusBanner")
        status.say(view.status_line, [], view.status_tone.value)
        self.result.addWidget(status)
        arrears = Banner("queryArrearsBanner")
        arrears.say(view.arrears_line, [], view.arrears_tone.value)
        self.result.addWidget(arrears)
        self.result.addWidget(rows_box(self.tr("单位基本信息"), view.basics))
        if view.contacts:
            self.result.addWidget(rows_box(self.tr("联系人"), view.contacts))
        self.result.addWidget(QLabel(self.tr("参保人员（证件号码已隐去中间位）")))
        if view.staff_note:
            note = QLabel(view.staff_note)
            note.setObjectName("pageSubtitle")
            self.result.addWidget(note)
        self.result.addWidget(table(STAFF_COLUMNS, view.staff_rows, "staffTable"))
        self.result.addStretch(1)
