"""人员信息核验: the applicant's ID card or social security card, checked against the central registry.

Only a document read at the window can be verified (a typed number has nothing to compare), so the page has
no entry: it waits for a read, looks the person up with the read as the reason, and shows each item 一致 /
不一致 with one verdict (``app.verification``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.cards import IdentityReading
from app.lookups import LookupOutcome, PersonLookup
from app.permissions import ClerkInfo
from app.ui.errors import show_error
from app.ui.operations import OpContext
from app.ui.operations.query import query_person
from app.ui.query_common import Banner, QueryScreen, reason_for, table
from app.verification import Match, verify

COLUMNS = ("核验项目", "证件信息", "中心系统登记", "核验结果")


class VerificationPage(QueryScreen):
    def __init__(self, ctx: OpContext, clerk: ClerkInfo, item_code: str, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, "", item_code, parent)
        self.subtitle.setText(self.tr("请将申请人的居民身份证放在阅读器上，或插入社会保障卡：读取后自动核验。"))
        self._ctx = ctx
        self._clerk = clerk
        self.reading: IdentityReading | None = None
        self.lookup: PersonLookup | None = None
        for widget in (self.entry, self.search_button, self.entry_problem):  # verification needs the document
            widget.hide()
        self.banner.say(self.tr("等待读取证件"), [self.tr("核验以证件为准，不能手工输入号码。")], "info")

    def identity_read(self, reading: IdentityReading) -> bool:
        if self.busy:
            return False
        self.reading = reading
        self.show_waiting(self.tr("并核验{who}").format(who=reading.summary))
        query_person(parent=self, clerk=self._clerk, id_number=reading.id_number,
                     reason=reason_for(reading, self.item_code), answered=self.show_lookup) \
            .failure(self._failed).run_in_background(self._ctx)
        return True

    def _failed(self, exc: BaseException) -> None:
        self.done_waiting()
        self.banner.hide()
        show_error(self, exc)

    def show_lookup(self, lookup: PersonLookup) -> None:
        self.lookup = lookup
        reading = self.reading
        if reading is None:
            return
        if lookup.outcome not in (LookupOutcome.FOUND, LookupOutcome.NOT_REGISTERED):
            self.show_not_found(lookup.outcome, lookup.message, "")
            return
        self.done_waiting()
        result = verify(reading, lookup.person)
        self.clear_result()
        self.banner.say(self.tr("核验结果：{verdict}").format(verdict="一致" if result.consistent else "不一致"),
                        [result.verdict], "ok" if result.consistent else "error")
        if result.items:
            rows = [(i.label, i.document, i.registry, ("✔ " if i.match is Match.SAME else "✘ ") + i.match.value)
                    for i in result.items]
            self.result.addWidget(table(COLUMNS, rows, "verificationTable"))
        if result.facts:
            facts = Banner("queryFactsBanner")
            facts.say(self.tr("中心系统其他信息"), result.facts, "info")
            self.result.addWidget(facts)
        self.result.addStretch(1)
