"""The auditor's screen (稽核): the audit trail, filtered and paged, and a check of its hash chain.

Only a clerk with ``Permission.READ_AUDIT`` is offered it (the main window adds its entry for them);
the use cases (``app/usecases/audit.py``) check again and put every reading on the trail. A person is
looked up by ID number, which the use case turns into its keyed hash: the number is neither shown in
the table nor kept anywhere. "校验完整性" walks the whole chain and says whether it is intact or where
it breaks and how.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.errors import show_error
from app.ui.header import page_heading
from app.ui.operations import OpContext, QueryOp
from app.usecases.audit import (
    ACTION_LABELS,
    DETAIL_VALUE_LABELS,
    PROBLEM_LABELS,
    TrailCheck,
    TrailFilter,
    TrailPage,
    read_trail,
    verify_trail,
)
from app.usecases.session import ClerkInfo
from forms.receipt import CHINA_TZ

#: entries per page on the screen
PAGE_SIZE = 50
#: the earliest day the date filters offer; choosing it means "no bound"
NO_BOUND = QDate(2000, 1, 1)
#: characters of a person key shown (enough to tell entries apart; the full key is in the tooltip)
KEY_SHOWN = 10
#: how detail keys read in the table (a key a newer release wrote is shown as it is)
DETAIL_LABELS = {
    "item_code": "事项", "form_version": "表单版本", "state": "状态", "counter_receipt_no": "回执编号",
    "receipt_no": "回执编号", "case_version": "版本", "fields": "更正字段", "material": "材料", "to": "输出",
    "submitted_by": "受理人", "drafted_by": "起草人", "for": "用途", "change": "变更", "clerk": "柜员",
    "roles": "岗位", "rows": "行数", "total": "总数", "page": "页", "states": "状态", "search": "检索",
    "read": "查阅", "by_person": "按人员", "since": "起", "until": "止", "actions": "操作", "intact": "完整",
    "entries": "条数", "broken_at": "断开于", "problem": "问题", "copy": "第几份", "what": "内容", "format": "格式",
    "central_held": "中心已收到", "central_matches": "与中心副本一致", "pages": "页数", "locked": "已锁定",
    "reason": "原因", "from_clerk": "原柜员", "to_clerk": "接手柜员",
}


def detail_text(detail: dict[str, object], item_names: dict[str, str] | None = None) -> str:
    """An entry's facts as one line, in Chinese where the key and the value are known."""
    parts = []
    for key, value in detail.items():
        if value is None:
            continue
        labels = (item_names or {}) if key == "item_code" else DETAIL_VALUE_LABELS.get(key, {})
        values = value if isinstance(value, list) else [value]
        shown = "、".join(("是" if v else "否") if isinstance(v, bool) else labels.get(str(v), str(v))
                         for v in values)
        parts.append(f"{DETAIL_LABELS.get(key, key)}：{shown}")
    return "；".join(parts)


class AuditPage(QWidget):
    HEADERS = (
        str(QT_TRANSLATE_NOOP("AuditPage", "序号")),
        str(QT_TRANSLATE_NOOP("AuditPage", "时间")),
        str(QT_TRANSLATE_NOOP("AuditPage", "柜员")),
        str(QT_TRANSLATE_NOOP("AuditPage", "操作")),
        str(QT_TRANSLATE_NOOP("AuditPage", "业务编号")),
        str(QT_TRANSLATE_NOOP("AuditPage", "人员密钥")),
        str(QT_TRANSLATE_NOOP("AuditPage", "详情")),
    )

    def __init__(self, ctx: OpContext, auditor: ClerkInfo, item_names: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self._item_names = item_names or {}
        self._ctx = ctx
        self._auditor = auditor
        #: how many pages were asked for: an answer is shown only if no newer request followed it
        self._asked = 0
        self.where = TrailFilter()
        self.page = 0
        self.total = 0
        #: the last check shown (None before the first)
        self.check: TrailCheck | None = None

        heading, self.back_button = page_heading(self.tr("审计日志"), "auditBack")
        subtitle = QLabel(self.tr("每一次查阅都会记入审计日志。按证件号码检索时只使用其密钥哈希，不保存号码。"))
        subtitle.setObjectName("pageSubtitle")

        self.person_edit = QLineEdit()
        self.person_edit.setObjectName("auditPerson")
        self.person_edit.setPlaceholderText(self.tr("证件号码"))
        self.person_edit.setMaxLength(18)
        self.person_edit.setMinimumWidth(190)
        self.since_edit = self._date_edit("auditSince")
        self.until_edit = self._date_edit("auditUntil")
        self.clerk_edit = QLineEdit()
        self.clerk_edit.setObjectName("auditClerk")
        self.clerk_edit.setPlaceholderText(self.tr("柜员工号"))
        self.clerk_edit.setMaximumWidth(110)
        self.action_box = QComboBox()
        self.action_box.setObjectName("auditAction")
        self.action_box.addItem(self.tr("全部操作"), "")
        for value, label in ACTION_LABELS.items():
            self.action_box.addItem(label, value)
        self.search_button = QPushButton(self.tr("查询"))
        self.search_button.setObjectName("auditSearch")
        self.search_button.setProperty("primary", True)
        self.search_button.clicked.connect(self.search)
        self.reset_button = QPushButton(self.tr("重置"))
        self.reset_button.setObjectName("auditReset")
        self.reset_button.clicked.connect(self.reset)
        self.person_edit.returnPressed.connect(self.search)
        self.clerk_edit.returnPressed.connect(self.search)

        filters = QHBoxLayout()
        for label, widget in ((self.tr("人员"), self.person_edit), (self.tr("起"), self.since_edit),
                              (self.tr("止"), self.until_edit), (self.tr("柜员"), self.clerk_edit),
                              (self.tr("操作"), self.action_box)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search_button)
        filters.addWidget(self.reset_button)
        filters.addStretch(1)

        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setObjectName("auditTable")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in self.HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)

        self.verify_button = QPushButton(self.tr("校验完整性"))
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.clicked.connect(self.verify)
        self.report_label = QLabel()
        self.report_label.setObjectName("auditReport")
        self.report_label.setWordWrap(True)
        self.previous_button = QPushButton(self.tr("上一页"))
        self.previous_button.setObjectName("auditPrevious")
        self.previous_button.clicked.connect(lambda: self._load(self.page - 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("auditPageLabel")
        self.next_button = QPushButton(self.tr("下一页"))
        self.next_button.setObjectName("auditNext")
        self.next_button.clicked.connect(lambda: self._load(self.page + 1))
        self.upload_label = QLabel()
        self.upload_label.setObjectName("auditUpload")
        bottom = QHBoxLayout()
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.report_label, 1)
        bottom.addWidget(self.upload_label)
        bottom.addWidget(self.previous_button)
        bottom.addWidget(self.page_label)
        bottom.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(heading)
        layout.addWidget(subtitle)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self._show_pager()

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_BOUND)
        edit.setSpecialValueText(self.tr("不限"))
        edit.setDate(NO_BOUND)
        return edit

    # -- what the auditor asks -------------------------------------------------------------------
    def chosen_filter(self) -> TrailFilter:
        """The filter the fields say (a date at its minimum is no bound; "止" includes its day)."""
        since = self._day(self.since_edit)
        until = self._day(self.until_edit)
        action = str(self.action_box.currentData() or "")
        return TrailFilter(
            id_number=self.person_edit.text().strip() or None,
            since=datetime.combine(since, time(), CHINA_TZ) if since else None,
            until=datetime.combine(until + timedelta(days=1), time(), CHINA_TZ) if until else None,
            clerk_id=self.clerk_edit.text().strip() or None,
            actions=frozenset({action}) if action else frozenset())

    @staticmethod
    def _day(edit: QDateEdit) -> date | None:
        chosen = edit.date()
        return None if chosen == NO_BOUND else date(chosen.year(), chosen.month(), chosen.day())

    def search(self) -> None:
        """List what the filter fields select, from the newest entry."""
        self.where = self.chosen_filter()
        self._load(0)

    def reset(self) -> None:
        self.person_edit.clear()
        self.clerk_edit.clear()
        self.since_edit.setDate(NO_BOUND)
        self.until_edit.setDate(NO_BOUND)
        self.action_box.setCurrentIndex(0)
        self.search()

    def _load(self, page: int) -> None:
        """Read a page in the background; only the newest request's answer is shown (reads run side by
        side on the pool, so an earlier, wider search may finish after a later one)."""
        where, auditor = self.where, self._auditor
        self._asked += 1
        asked = self._asked

        def shown(found: TrailPage) -> None:
            if asked == self._asked:
                self.show_page(found)

        QueryOp(self, lambda t: read_trail(t, auditor, where, page=max(0, page), page_size=PAGE_SIZE),
                shown).run_in_background(self._ctx)

    def verify(self) -> None:
        """Walk the whole chain in the background and say what it found."""
        auditor = self._auditor
        self.verify_button.setEnabled(False)
        self.report_label.setText(self.tr("正在校验…"))
        QueryOp(self, lambda t: verify_trail(t, auditor), self.show_report) \
            .failure(self._verify_failed).run_in_background(self._ctx)

    # -- what comes back ---------------------------------------------------------------------------
    def show_page(self, found: TrailPage) -> None:
        self.page, self.total = found.page, found.total
        self.table.setRowCount(len(found.entries))
        for row, e in enumerate(found.entries):
            key = e.person_key or ""
            cells = [
                QTableWidgetItem(str(e.seq)),
                QTableWidgetItem(e.at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")),
                QTableWidgetItem(e.clerk_id or "—"),
                QTableWidgetItem(ACTION_LABELS.get(e.action, e.action)),
                QTableWidgetItem(e.subject or ""),
                QTableWidgetItem(f"{key[:KEY_SHOWN]}…" if key else ""),
                QTableWidgetItem(detail_text(e.detail, self._item_names)),
            ]
            cells[0].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if key:
                cells[5].setToolTip(key)
            cells[6].setToolTip(cells[6].text())
            for col, cell in enumerate(cells):
                self.table.setItem(row, col, cell)
        self._show_pager(found.masked_id_number)
        if found.upload_error:
            self.upload_label.setText(found.upload_error)
            self.upload_label.setStyleSheet("color: #c0392b;")
        else:
            self.upload_label.setText(self.tr("中心系统已收到 {sent}/{all} 条").format(
                sent=found.acknowledged, all=found.last_seq))
            self.upload_label.setStyleSheet("")

    def _show_pager(self, person: str = "") -> None:
        pages = max(1, -(-self.total // PAGE_SIZE))
        whose = self.tr("{person} 的记录，").format(person=person) if person else ""
        self.page_label.setText(self.tr("{whose}第 {page}/{pages} 页，共 {total} 条").format(
            whose=whose, page=self.page + 1, pages=pages, total=self.total))
        self.previous_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page + 1 < pages)

    def show_report(self, check: TrailCheck) -> None:
        self.check = check
        self.verify_button.setEnabled(True)
        report = check.report
        if report.intact and check.central_matches is False:
            text = self.tr("✖ 审计日志被改写：本机哈希链自洽（共 {n} 条），但与中心系统保存的副本不一致，"
                           "第 {held} 条及之前的记录已被改写。请立即报告系统管理员，并保留本机数据。").format(
                n=report.entries, held=check.central_held)
        elif report.intact:
            text = self.tr("✔ 审计日志完整：共 {n} 条，哈希链未被改动。").format(n=report.entries)
            text += self.tr("与中心系统副本一致。") if check.central_matches else (check.central_error or "")
        else:
            problem = PROBLEM_LABELS.get(str(report.problem), str(report.problem))
            text = self.tr("✖ 审计日志不完整：第 {seq} 条处断开（{problem}）；此前 {n} 条完好。"
                           "请立即报告系统管理员，并保留本机数据。").format(
                seq=report.broken_at, problem=problem, n=report.entries)
            if check.central_held:
                text += self.tr("中心系统存有前 {n} 条的副本，可据此核对原始记录。").format(n=check.central_held)
        self.report_label.setText(text)
        self.report_label.setStyleSheet("color: #1e8449; font-weight: bold;" if check.intact
                                        else "color: #c0392b; font-weight: bold;")

    def _verify_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.report_label.setText(self.tr("校验未能完成。"))
        show_error(self, exc)
