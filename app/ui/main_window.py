"""The clerk's main window: catalogue on the left, the work on the right, sync state below.

The window runs named operations (``app/ui/operations``) and reads through ``app/queries``; its views
(the records list, the status bar's counts, the result page) refresh themselves when an operation or
the sync engine reports what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import queries
from app.cards import IdentityReading
from app.changes import OpChanges, changes_from_event
from app.device_registry import REMOVED, DeviceEvent, DeviceState
from app.event_types import (
    SYNC_EVENTS,
    Failed,
    Offline,
    Online,
    ReferenceRefused,
    ReferenceUpdated,
    Retrying,
    StatusChanged,
    SyncEvent,
)
from app.event_types import Accepted as CentralAccepted
from app.permissions import Permission, allowed
from app.queries import SubmissionState, SubmissionView, SyncStatus
from app.scans import ScannedPage, scan_options
from app.terminal import Terminal
from app.ui import operations
from app.ui.accessibility import Accessibility
from app.ui.approval_dialog import ApprovalDialog
from app.ui.audit_page import AuditPage
from app.ui.bridge import EventBridge
from app.ui.capture_dialog import CaptureDialog
from app.ui.case_view import CaseDialog
from app.ui.catalogue_panel import CataloguePanel
from app.ui.certificate_page import SCREENS as CERTIFICATE_SCREENS
from app.ui.certificate_page import CertificatePage
from app.ui.customer_host import CustomerScreenHost
from app.ui.customer_screen import CustomerScreen
from app.ui.demo_panel import DemoDevices, DemoPanel
from app.ui.desk_watch import DeskWatch
from app.ui.device_indicator import DeviceIndicator, device_text
from app.ui.errors import sentence, show_error
from app.ui.fit import FitRow, PageScroller
from app.ui.form_assist import focus_first_empty
from app.ui.guide_page import GuideDialog, InformDialog
from app.ui.header import HeaderBar
from app.ui.home_visit_panel import HomeVisitPanel
from app.ui.idle import Clock
from app.ui.lookup_banner import FormLookup
from app.ui.operations import OpContext, QueryOp, RefreshingQuery
from app.ui.operations import inform as inform_ops
from app.ui.ops import OpRunner
from app.ui.pages import FormPage, ResultPage, heading
from app.ui.query_common import QueryScreen
from app.ui.reassign_dialog import ReassignDialog
from app.ui.records_page import RecordsPage
from app.ui.records_view import RecordsView
from app.ui.reference_dialog import reference_label
from app.ui.remote_review_dialog import RemoteReviewDialog
from app.ui.session_guard import SessionGuard
from app.ui.status_widgets import ElidedText, NoticeBar, StatusStrip, StatusText
from app.ui.wheel_guard import guard_application
from app.ui.workbench_page import WorkbenchPage, counter_today
from app.usecases import Accepted, ClerkInfo, SubmitRequest, refused_for_review
from app.usecases.batch_import import BATCH_ITEM
from app.usecases.inform import Informed
from app.usecases.reassign import REASSIGNABLE
from core.errors import CentralNotTrusted, CentralUnreachable
from forms.catalogue import ServiceItem
from forms.guide import guide_for
from forms.notice import Notice

if TYPE_CHECKING:
    from app.ui.batch_import_page import BatchImportPage
    from app.ui.stats_page import StatsPage


class MainWindow(QMainWindow):
    """One business clerk's session: what their roles allow is shown, the rest hidden (the use cases refuse it too).

    ``session_ended`` (the clerk who took over, or None after signing out) tells ``SessionHost`` to
    open the next session's window; ``clock`` is the idle lock's time source (tests turn it forward).
    """

    records: RecordsView
    session_ended = Signal(object)
    #: a submission was taken in (``Accepted``: the view and the receipt); the customer screen offers 好差评
    case_accepted = Signal(object)

    def __init__(self, terminal: Terminal, clerk: ClerkInfo, ops: OpRunner,
                 demo: DemoDevices | None = None, *, clock: Clock | None = None,
                 today: Callable[[], date] = counter_today, customer: CustomerScreen | None = None) -> None:
        super().__init__()
        self.terminal = terminal
        self.clerk = clerk
        self.ops = ops
        self.ctx = OpContext(terminal, ops)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("社会保险经办柜台终端 — {office}").format(
            office=terminal.settings.office_name or self.tr("未命名网点")))
        self._item_names = {i.code: i.name for i in terminal.catalogue}
        self._last_sync: datetime | None = None
        self._awaiting = 0
        self._returned = 0
        self._current_item: ServiceItem | None = None
        self.form_page: FormPage | None = None
        self.capture_dialog: CaptureDialog | None = None
        self.current_card: IdentityReading | None = None
        #: the open form's lookups at the central system (``app/ui/lookup_banner.py``)
        self.form_lookup: FormLookup | None = None
        self.guide_dialog: GuideDialog | None = None
        self.inform_dialog: InformDialog | None = None
        self.notice_print_dialog: QPrintDialog | None = None
        #: the last 一次性告知书 recorded here (to print again)
        self.last_notice: Notice | None = None
        #: the workbench's date at the counter (tests turn it forward)
        self._today = today
        #: 显示 (text size, high contrast, voice) and the window's keys (issue 19; ``app/ui/accessibility.py``)
        self.a11y = Accessibility(self)

        self.catalogue = CataloguePanel(terminal.catalogue)
        self.catalogue.item_chosen.connect(self.open_item)
        self.catalogue.guide_requested.connect(self.show_guide)
        self.stack = QStackedWidget()
        self.desk_watch = DeskWatch(terminal.camera, self)  # a document laid with a form open: capture opens
        self.desk_watch.laid.connect(self._document_laid)
        self.stack.currentChanged.connect(lambda _i: self._follow_desk())
        self.home = self._build_home()
        self.records_page = self._build_records_page()
        self.result = ResultPage(self.ctx, clerk, self._item_names)
        self.result.home_button.clicked.connect(self.go_home)
        self.approval_dialog: ApprovalDialog | None = None
        self.case_dialog: CaseDialog | None = None
        self.reassign_dialog: ReassignDialog | None = None
        self.remote_dialog: RemoteReviewDialog | None = None
        self.result.approve_button.clicked.connect(self._approve_shown)
        self.result.again_button.clicked.connect(lambda: self._current_item and self.open_item(self._current_item))
        # the query screen open (an item with a ``screen``: ``app/ui/screens.py``), or None
        self.query_screen: QueryScreen | None = None
        self.stack.currentChanged.connect(self._drop_screen)  # what a query showed goes when the clerk leaves it
        for page in (self.home, self.records_page, self.result):
            self.stack.addWidget(page)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.catalogue)
        work = QWidget()
        work_col = QVBoxLayout(work)
        work_col.setContentsMargins(0, 0, 0, 0)
        work_col.setSpacing(0)
        self.notice = NoticeBar()
        work_col.addWidget(self.notice)
        self.page_scroller = PageScroller(self.stack)  # a page wider than the window (200 % text) scrolls
        work_col.addWidget(self.page_scroller, 1)
        row.addWidget(work, 1)
        outer = QWidget()
        col = QVBoxLayout(outer)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        #: 上门服务: the header's badge and the reference data's age in the status bar (issue 19)
        self.home_visit = HomeVisitPanel(self.ctx, clerk, self)
        col.addWidget(self._build_header())
        if demo is not None:
            self.demo_panel = DemoPanel(demo, ops)
            col.addWidget(self.demo_panel)
        col.addWidget(central, 1)
        #: the idle lock, sign-out and clerk switch; the lock screen replaces ``outer`` entirely
        self.guard = SessionGuard(self, outer, self.ctx, clerk, park=self.park_form, clock=clock)
        self.guard.ended.connect(self.session_ended)
        self.setCentralWidget(self.guard.frame)
        self._build_status_bar()
        self._apply_permissions()
        self._wire_catalogue()
        self._guard_wheel()
        self.a11y.bind_keys()
        #: the status bar's counts and last sync, read again whenever counts may have changed
        self._status = RefreshingQuery(self, self.ctx, queries.sync_status, self._show_status)
        ops.changed.connect(self._changed)

        self.bridge = EventBridge(self)
        self.bridge.arrived.connect(self._on_event)
        terminal.events.subscribe(self.bridge)  # replays the current reader and sender state
        self._status.request()  # the records list loads itself
        if self._audit_only:  # 稽核 without a business post: the trail is their page, there is no other
            self.open_audit()
        #: the applicant's screen follows this window (``app/ui/customer_host.py``); None without one
        self.customer_host = CustomerScreenHost(self, customer) if customer is not None else None

    # -- layout ---------------------------------------------------------------------------------
    def _guard_wheel(self) -> None:
        """No combo or spin box anywhere in the window's pages and dialogs changes under a passing wheel."""
        self.wheel_guard = guard_application(self)

    def _wire_catalogue(self) -> None:
        """The clerk's favourites and recent items in the catalogue; it folds away while a form is open."""
        self.catalogue.favourite_toggled.connect(self._set_favourite)
        self.stack.currentChanged.connect(self._fold_catalogue)
        self.catalogue.dismissed.connect(self._back_to_form)
        if allowed(self.clerk, Permission.SUBMIT):
            operations.load_my_items(parent=self, clerk=self.clerk, success=self.catalogue.set_my_items) \
                .run_in_background(self.ctx)

    def _fold_catalogue(self) -> None:
        """Folded while a form is on screen (the form gets the width), open everywhere else."""
        page = self.stack.currentWidget()
        self.catalogue.set_folded(page is not None and (page is self.form_page or self.a11y.folds_catalogue(page)))

    def _back_to_form(self) -> None:
        """Esc in the catalogue's search over an open form: fold it and go on typing in the form."""
        self.catalogue.search_edit.clear()
        self._fold_catalogue()
        if self.form_page is not None and self.stack.currentWidget() is self.form_page:
            self.form_page.view.setFocus()

    def _set_favourite(self, code: str, favourite: bool) -> None:
        operations.set_favourite(parent=self, clerk=self.clerk, item_code=code, favourite=favourite) \
            .success(self.catalogue.set_my_items).run_in_background(self.ctx)

    def _build_header(self) -> QWidget:
        self.audit_page: AuditPage | None = None
        extra: list[QWidget] = []
        if allowed(self.clerk, Permission.VIEW_CASE):  # the records name applicants: business posts only
            records = QPushButton(self.tr("办件查询"))
            records.setObjectName("recordsButton")
            records.clicked.connect(self.open_records)
            extra.append(records)
        if allowed(self.clerk, Permission.READ_AUDIT):  # 稽核 only; the use cases check it again
            audit = QPushButton(self.tr("审计日志"))
            audit.setObjectName("auditButton")
            audit.clicked.connect(self.open_audit)
            extra.append(audit)
        self.stats_page: StatsPage | None = None
        if allowed(self.clerk, Permission.VIEW_STATISTICS):  # 业务主管 only; the read checks it again
            stats = QPushButton(self.tr("业务统计"))
            stats.setObjectName("statsButton")
            stats.clicked.connect(self.open_stats)
            extra.append(stats)
        extra.insert(0, self.home_visit.badge)
        extra.append(self.a11y.button)
        self.header = HeaderBar(self.tr("社会保险经办柜台终端"), self.terminal.settings.office_name,
                                self.tr("柜员：{name}（{id}）").format(name=self.clerk.name, id=self.clerk.id),
                                lock=lambda: self.guard.lock("manual"), sign_out=lambda: self.guard.sign_out(),
                                extra=extra, short_who=self.clerk.name)
        self.clock_label = self.header.clock_label
        self.lock_button, self.sign_out_button = self.header.lock_button, self.header.sign_out_button
        return self.header

    def _apply_permissions(self) -> None:
        """Hide what the clerk's roles do not allow: taking applications (受理), reviewing (复核/审批)."""
        takes = allowed(self.clerk, Permission.SUBMIT)
        reviews = allowed(self.clerk, Permission.APPROVE) or allowed(self.clerk, Permission.FINAL_APPROVE)
        self.catalogue.setVisible(takes)
        self.hot_tiles.setVisible(takes)
        for button in (self.resume_button, self.correct_button, self.result.again_button):
            button.setVisible(takes)
        self.approve_button.setVisible(reviews)
        self.result.may_approve = reviews
        self.view_button.setVisible(allowed(self.clerk, Permission.VIEW_CASE))
        self.home_tip.setVisible(takes)
        # the records list names applicants: a business post's read (the query refuses anyone else)
        if not self.records.readable:  # a page of the stack: shown only when chosen, never forced visible
            self.records_section.hide()

    def _build_home(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(heading(self.tr("您好，{name}").format(name=self.clerk.name)))
        self.home_tip = QLabel(self.tr("请在左侧选择服务事项（可输入名称、关键字或拼音首字母搜索）。"))
        self.home_tip.setObjectName("pageSubtitle")
        layout.addWidget(self.home_tip)
        self.home_tip.setWordWrap(True)  # at large text it wraps rather than widen the window
        tiles = []
        for item in [i for i in self.terminal.catalogue if i.hot][:5]:
            button = QPushButton(item.name)
            button.setObjectName(f"hot_{item.code}")
            button.setProperty("tile", True)
            button.clicked.connect(lambda _c=False, it=item: self.open_item(it))
            tiles.append(button)
        self.hot_tiles = FitRow(tiles)  # as many tiles as fit (large text): never a wider window
        layout.addWidget(self.hot_tiles)
        layout.addSpacing(8)
        layout.addWidget(self._build_workbench(), 1)
        return page

    def _build_records_page(self) -> RecordsPage:
        """办件查询: the search, the list and its pages; the buttons that open this window's forms and
        dialogs are wired here, the page's own (补打回执, 催办) run from the page."""
        page = RecordsPage(self.ctx, self.clerk, self._item_names, list(self.terminal.catalogue))
        page.back_button.clicked.connect(self.go_home)
        self.records, self.records_section, self.records_filter = page.records, page, page.state_combo
        self.view_button, self.resume_button = page.view_button, page.resume_button
        self.approve_button, self.correct_button = page.approve_button, page.correct_button
        self.reassign_button, self.remote_button = page.reassign_button, page.remote_button
        self.previous_page_button, self.next_page_button = page.previous_page_button, page.next_page_button
        self.page_label = page.page_label
        self.remote_button.clicked.connect(self.open_remote_reviews)
        for acts in (self.approve_button, self.correct_button, self.resume_button):
            acts.clicked.connect(lambda: self._act_on(self.records.selected()))
        self.view_button.clicked.connect(lambda: self._view(self.records.selected()))
        self.reassign_button.clicked.connect(lambda: self.open_reassign(self.records.selected()))
        self.records.itemSelectionChanged.connect(self._selection_changed)
        self.records.cellDoubleClicked.connect(lambda _r, _c: self._act_on(self.records.selected()))
        self.records.loaded.connect(self._selection_changed)
        self._selection_changed()
        return page

    def _build_workbench(self) -> WorkbenchPage:
        """The workbench (issue 18): counts and lists of what waits; a row opens as in the records list."""
        self.workbench = WorkbenchPage(self.ctx, self.clerk, self._item_names, today=self._today)
        self.workbench.open_requested.connect(self._act_on)
        return self.workbench

    def open_records(self) -> None:
        """办件查询: the records page, searched as it was left."""
        self.stack.setCurrentWidget(self.records_page)

    def _selection_changed(self) -> None:
        record = self.records.selected()
        state = record.state if record and not record.purged else None
        self.view_button.setEnabled(record is not None)
        self.resume_button.setEnabled(state is SubmissionState.DRAFT)
        self.approve_button.setEnabled(state is SubmissionState.AWAITING_APPROVAL
                                       or (record is not None and refused_for_review(record)))
        self.correct_button.setEnabled(state is SubmissionState.RETURNED)
        self.reassign_button.setEnabled(state in REASSIGNABLE)

    def _view(self, record: SubmissionView | None) -> None:
        if record is not None and record.purged:
            self.show_purged(record)
        if record is not None:
            self.open_case(record)

    def open_case(self, record: SubmissionView) -> None:
        """The whole case, read-only, with its scans (the reads are checked and audited in the queries);
        a purged one says what is left of it."""
        self.case_dialog = CaseDialog(self.ctx, self.clerk, record.id, self, record=record)
        self.case_dialog.finished.connect(lambda _r: setattr(self, "case_dialog", None))
        self.case_dialog.finished.connect(self.case_dialog.deleteLater)  # its scans go with it
        self.case_dialog.open()

    def open_reassign(self, record: SubmissionView | None) -> None:
        """The supervisor's 改派 of the chosen draft or returned case (``app/ui/reassign_dialog.py``)."""
        if record is None:
            return
        dialog = ReassignDialog(self.ctx, self.clerk, record, self._item_names.get(record.item_code, record.item_code),
                                self)
        dialog.finished.connect(lambda _r: setattr(self, "reassign_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        self.reassign_dialog = dialog
        dialog.open()

    def _act_on(self, record: SubmissionView | None) -> None:
        """Approve a submission awaiting review, or correct a returned one; other rows open read-only."""
        if record is None:
            return
        takes = allowed(self.clerk, Permission.SUBMIT)
        if record.purged:
            self.show_purged(record)
        elif record.state is SubmissionState.DRAFT and takes:
            self.open_draft(record)
        elif record.state is SubmissionState.AWAITING_APPROVAL and self.result.may_approve:
            self.open_approval(record)
        elif refused_for_review(record) and (takes or self.result.may_approve):  # signatures asked for: again
            operations.reopen_review(parent=self, clerk=self.clerk, submission_id=record.id) \
                .success(self.open_approval).run_in_background(self.ctx)
        elif record.state is SubmissionState.RETURNED and takes:
            self.open_correction(record)
        elif allowed(self.clerk, Permission.VIEW_CASE):
            self.open_case(record)

    def show_purged(self, record: SubmissionView) -> None:
        """A case whose personal data the retention period removed: say so, and what is left of it."""
        days = self.terminal.settings.retention_days
        when = record.purged_at.astimezone().strftime("%Y-%m-%d") if record.purged_at else ""
        number = record.counter_receipt_no or record.receipt_number or "—"
        if record.state is SubmissionState.DRAFT:
            reason = self.tr("该草稿超过 {days} 天未修改").format(days=days)
        else:
            reason = self.tr("该业务已办结满 {days} 天").format(days=days)
        self.notice.show_message(self.tr(
            "{reason}，申请人的个人信息和扫描件已于 {when} 按保存期限规定从本机清理，无法再查看。"
            "仅保留受理编号 {number}、事项、日期和办理状态；如需查阅请向中心系统调阅。").format(
                reason=reason, when=when, number=number), "info")

    def open_approval(self, record: SubmissionView) -> None:
        self.approval_dialog = ApprovalDialog(self.ctx, record,
                                              self._item_names.get(record.item_code, record.item_code), self,
                                              clerk=self.clerk)
        self.approval_dialog.approved.connect(self._approved)
        self.approval_dialog.sent.connect(self._sent_for_review)
        self.approval_dialog.finished.connect(lambda _r: setattr(self, "approval_dialog", None))
        self.approval_dialog.finished.connect(self.approval_dialog.deleteLater)  # the case it shows goes with it
        self.approval_dialog.open()

    def _approved(self, view: SubmissionView) -> None:
        if view.state is SubmissionState.AWAITING_APPROVAL:
            self.notice.show_message(self.tr("已签字，待下一步审批。"), "ok")
        else:
            self.notice.show_message(self.tr("签字完成，业务已排队报送中心系统。"), "ok")
        if view.id == self.result.submission_id:
            self.result.show_submission(view, self._item_names.get(view.item_code, view.item_code))

    def _sent_for_review(self, view: SubmissionView) -> None:
        self.notice.show_message(self.tr("已送中心系统待复核，签字后将自动更新状态。"), "ok")
        if view.id == self.result.submission_id:
            self.result.show_submission(view, self._item_names.get(view.item_code, view.item_code))

    def open_remote_reviews(self) -> None:
        """The office's cases other terminals sent for review, to sign here."""
        self.remote_dialog = RemoteReviewDialog(self.ctx, self.clerk, self._item_names, self)
        self.remote_dialog.finished.connect(lambda _r: setattr(self, "remote_dialog", None))
        self.remote_dialog.open()

    def _open_record_form(self, record: SubmissionView) -> FormPage | None:
        """The form of a saved record's item, opened; None (and a notice) when it is not available."""
        item = next((i for i in self.terminal.catalogue if i.form_code == record.item_code), None)
        if item is None:
            self.notice.show_message(self.tr("找不到该业务的表单。"), "error")
            return None
        self.open_item(item)
        return self.form_page

    def open_draft(self, record: SubmissionView) -> None:
        page = self._open_record_form(record)
        if page is not None:
            page.continue_draft(record)
            self.notice.show_message(self.tr("已载入草稿及其已拍摄的材料。"), "info")

    def _draft_op(self, page: FormPage, reason: str | None = None) -> operations.CollectionOp[SubmissionView]:
        """Keep the page as a draft: values, the pages taken so far (sealed), the carried ones, the waivers."""
        return operations.save_draft(parent=self, clerk=self.clerk, form=page.form, values=page.view.values(),
                                     draft_id=page.draft_id, materials=page.materials.attached(),
                                     carried=page.kept_attachments(), waivers=page.materials.waivers(),
                                     reason=reason)

    def save_draft(self) -> None:
        page = self.form_page
        if page is None:
            return

        def saved(view: SubmissionView) -> None:
            page.draft_id = view.id
            self.notice.show_message(self.tr("已暂存，可在办件记录中选择“草稿”继续办理。"), "ok")

        self._draft_op(page).success(saved).run_in_background(self.ctx)

    def park_form(self, reason: str, done: Callable[[str | None], None],
                  failed: Callable[[BaseException], None]) -> None:
        """Before the session ends: the form being worked on, if anything is in it, kept as a draft."""
        page = self.form_page
        if self.capture_dialog is not None:  # its pages are attached already (as they were taken)
            self.capture_dialog.reject()
        worked_on = page is not None and self.stack.currentWidget() is page and (
            any(v.strip() for v in page.view.values().values()) or page.materials.attached())
        if page is None or not worked_on or not allowed(self.clerk, Permission.SAVE_DRAFT):
            done(None)
            return
        self._draft_op(page, reason).success(lambda view: done(view.id)).failure(failed).run_in_background(self.ctx)

    def open_correction(self, record: SubmissionView) -> None:
        """The returned submission's form, filled in, to correct and send again as the case's next version."""
        page = self._open_record_form(record)
        if page is not None:
            page.start_correction(record)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.conn_label = StatusText()
        self.conn_label.setObjectName("connectionStatus")
        self.pending_label = StatusText()
        self.pending_label.setObjectName("pendingCount")
        self.sync_label = StatusText()
        self.sync_label.set_forms(self.tr("最近同步：—"), self.tr("同步 —"), "—")
        self.sync_label.setObjectName("lastSync")
        self.error_label = ElidedText()
        self.error_label.setObjectName("syncError")
        send = QPushButton(self.tr("立即同步"))
        send.setObjectName("sendNowButton")
        send.clicked.connect(self.terminal.send_now)
        #: one indicator per registered device, by its key
        self.device_indicators: dict[str, DeviceIndicator] = {}
        for spec in self.terminal.registry:
            indicator = DeviceIndicator(spec, spec.key in self.terminal.devices)
            self.device_indicators[spec.key] = indicator
        devices = list(self.device_indicators.values())
        age = self.home_visit.age_label
        # one row that shortens its texts to fit (1366 px at 200 %); the least important shortens first
        self.status_strip = StatusStrip([*devices, self.conn_label, self.pending_label, self.sync_label, age],
                                        [[self.sync_label], devices, [self.pending_label], [self.conn_label], [age]],
                                        self.error_label)
        bar.addWidget(self.status_strip, 1)
        bar.addPermanentWidget(send)
        self._set_connection(None)

    # -- navigation -----------------------------------------------------------------------------
    @property
    def _audit_only(self) -> bool:
        """An auditor who holds no business post: no records list, the trail is the home page."""
        return allowed(self.clerk, Permission.READ_AUDIT) and not allowed(self.clerk, Permission.VIEW_CASE)

    def go_home(self) -> None:
        self.catalogue.search_edit.clear()
        if self._audit_only:
            self.open_audit()
            return
        self.stack.setCurrentWidget(self.home)

    def open_audit(self) -> None:
        """The auditor's screen: the trail (newest first) and its chain check."""
        if self.audit_page is None:
            self.audit_page = AuditPage(self.ctx, self.clerk, self._item_names)
            self.audit_page.back_button.clicked.connect(self.go_home)
            self.audit_page.back_button.setVisible(not self._audit_only)  # nowhere else to go back to
            self.stack.addWidget(self.audit_page)
        self.stack.setCurrentWidget(self.audit_page)
        self.audit_page.search()

    def open_stats(self) -> None:
        """The supervisor's statistics (this month so far, by item, at first)."""
        if self.stats_page is None:
            from app.ui.stats_page import StatsPage  # pyqtgraph loads only for the supervisor who opens it

            page = self.stats_page = StatsPage(self.ctx, self.clerk)
            page.back_button.clicked.connect(self.go_home)
            self.stack.addWidget(page)
            page.grouping_box.setCurrentIndex(page.grouping_box.findData("item"))
            page.run_report()
        self.stack.setCurrentWidget(self.stats_page)

    def open_item(self, item: ServiceItem) -> None:
        self._current_item = item
        if item.screen in CERTIFICATE_SCREENS:  # issue 20: 参保证明 / 缴费证明 have a screen of their own
            self._open_certificate(item)
            return
        if item.form_code == BATCH_ITEM:
            self.open_batch_import(item)
            return
        if item.form_code is None:
            self.open_screen(item)
            return
        if self.form_page is not None:
            self.stack.removeWidget(self.form_page)
            self.form_page.deleteLater()
        try:
            form = self.terminal.reference.form(item.form_code)
            national = self.terminal.reference.figures("00") if form.panel is not None else None
            figures = self.terminal.reference.figures() if form.panel is not None else None
            self.form_page = FormPage(item, form, self.clerk.id, figures=figures, national=national)
        except Exception as exc:
            self.form_page = None
            show_error(self, exc)
            return
        page = self.form_page  # the central system's word on the person read into it (issue 20)
        self.form_lookup = FormLookup(page, self.ctx, self.clerk, lambda: self.form_page is page)
        if self.current_card is not None:
            self.form_page.apply_identity(self.current_card)
        self.form_page.submit_button.clicked.connect(self.submit)
        self._wire_signature(self.form_page)
        self.form_page.draft_button.clicked.connect(self.save_draft)
        self.form_page.back_button.clicked.connect(self.go_home)
        self._wire_inform(self.form_page)
        self.form_page.materials.capture_requested.connect(self.open_capture)
        self.stack.addWidget(self.form_page)
        self.stack.setCurrentWidget(self.form_page)
        page = self.form_page  # the cursor where there is something to type (after a card read: the phone)
        QTimer.singleShot(0, page, lambda: focus_first_empty(page.form, page.view))
        operations.record_item_use(parent=self, clerk=self.clerk, item_code=item.code) \
            .success(self.catalogue.set_my_items).run_in_background(self.ctx)

    # -- 办事指南 and 一次性告知书 (issue 18 item 5) ----------------------------------------------------
    def _wire_inform(self, page: FormPage) -> None:
        page.office_name = self.terminal.settings.office_name
        page.inform_button.setVisible(allowed(self.clerk, Permission.SUBMIT))
        page.inform_button.clicked.connect(self.inform)

    def show_guide(self, item: ServiceItem) -> None:
        """An item's guide from the catalogue, without starting its form."""
        if item.form_code is None:
            return
        try:
            form = self.terminal.reference.form(item.form_code)
        except Exception as exc:
            show_error(self, exc)
            return
        self.guide_dialog = GuideDialog(guide_for(form, item), self.terminal.settings.office_name, self)
        self.guide_dialog.fit_to(self)
        self.guide_dialog.open()

    def inform(self) -> None:
        """一次性告知: show what is missing; confirmed, record it and print the notice. The form stays open."""
        page = self.form_page
        if page is None:
            return
        self.inform_dialog = InformDialog(page.inform_request(self.clerk), self)
        self.inform_dialog.fit_to(self)

        def confirmed(note: str, fields: list[str]) -> None:
            inform_ops.inform(parent=self, request=page.inform_request(self.clerk, note, frozenset(fields))) \
                .success(self._informed).run_in_background(self.ctx)

        self.inform_dialog.confirmed.connect(confirmed)
        self.inform_dialog.open()

    def _informed(self, informed: Informed) -> None:
        self.last_notice = informed.notice
        self.notice.show_message(self.tr("已记录一次性告知（编号 {no}），请打印告知书交申请人；表单仍可暂存。").format(
            no=informed.notice.notice_no), "ok")
        self.print_notice(informed.notice)

    def print_notice(self, notice: Notice, printer: QPrinter | None = None) -> None:
        """Qt's print dialog for the notice; the print runs in the background (audited)."""
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(notice.notice_no)
        self.notice_print_dialog = QPrintDialog(printer, self)
        self.notice_print_dialog.setWindowTitle(self.tr("打印一次性告知书"))
        self.notice_print_dialog.accepted.connect(lambda: inform_ops.print_notice(
            parent=self, clerk=self.clerk, notice=notice, printer=printer).run_in_background(self.ctx))
        self.notice_print_dialog.finished.connect(lambda _r: setattr(self, "notice_print_dialog", None))
        self.notice_print_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.notice_print_dialog.show()

    # -- work -----------------------------------------------------------------------------------
    def _wire_signature(self, page: FormPage) -> None:
        """The signature window opens on the applicant's screen when there is one, with the spoken prompt."""
        if self.customer_host is not None:
            page.signature.screen_for_signing = self.customer_host.screen.screen
        page.signature.asked.connect(lambda: self.a11y.speaker.say("sign"))

    def submit(self) -> None:
        page = self.form_page
        if page is None or (page.before_submit is not None and not page.before_submit(self.submit)):
            return
        if page.signature.missing() is not None:
            # 提交 asks the applicant (or agent) to sign first and goes on by itself once they have: signing is
            # the applicant's act, not another step the clerk has to remember (bench/clerk_actions.py)
            page.signature.ask(then=self.submit)
            return
        page.submit_button.setEnabled(False)
        request = SubmitRequest(
            clerk=self.clerk, form=page.form, values=page.view.values(), provenance=page.view.provenance(),
            materials=page.materials.attached(), waivers=page.materials.waivers(), corrects=page.corrects,
            carried=tuple(a for a in page.carried if a.material_key in page.materials.carried),
            draft_id=page.draft_id, signature=page.signature.png, witness=page.signature.witness)
        operations.submit_application(parent=self, request=request) \
            .success(self._submitted).failure(self._submit_failed).run_in_background(self.ctx)

    def open_capture(self, material_key: str, on: FormPage | BatchImportPage | None = None) -> None:
        """Photograph a material for the open form (or ``on``, another page with a form and materials: the batch
        import); its pages are attached as they are taken."""
        page = on or self.form_page
        if page is None:
            return
        self.desk_watch.follow(False)  # the dialog takes the camera's frames
        dialog = CaptureDialog(self.terminal, self.ops, page.form.materials, material_key,
                               scan_options(self.terminal), page.materials.pages.get(material_key, []), self)

        follow = page.materials.follow(material_key)  # pages attach as they are taken, no confirmation

        def attached(key: str, pages: list[ScannedPage]) -> None:
            follow(key, pages)
            self.notice.show_message(self.tr("已附加材料：{n} 页。").format(n=len(page.materials.pages[key])), "ok")

        dialog.attached.connect(attached)
        dialog.finished.connect(lambda _r: setattr(self, "capture_dialog", None))
        dialog.finished.connect(lambda _r: self._follow_desk())
        dialog.finished.connect(dialog.deleteLater)  # its pages are large: nothing of it outlives the dialog
        self.capture_dialog = dialog
        dialog.open()

    def _follow_desk(self) -> None:
        """Watch the desk while a form is on screen and no capture dialog is open."""
        guard = getattr(self, "guard", None)  # the stack's first page is set before the guard exists
        self.desk_watch.follow(self.form_page is not None and self.stack.currentWidget() is self.form_page
                               and self.capture_dialog is None and guard is not None and not guard.locked)

    def _document_laid(self) -> None:
        """A document laid under the camera with the form open is for its first missing material."""
        page = self.form_page
        key = page.materials.first_missing() if page is not None else None
        if key is not None and self.capture_dialog is None and self.stack.currentWidget() is page \
                and not self.guard.locked:
            self.open_capture(key)

    def _approve_shown(self) -> None:
        sid = self.result.submission_id
        if sid is not None:
            def found(view: SubmissionView | None) -> None:
                if view is not None:
                    self.open_approval(view)

            QueryOp(self, lambda t: queries.submission(t, self.clerk, sid), found).run_in_background(self.ctx)

    def _submitted(self, accepted: Accepted) -> None:
        view = accepted.view
        offline = (None if self.terminal.sender is not None
                   else self.tr("本终端尚未配置中心系统连接，业务已排队，配置后自动发送。"))
        if self.form_page is not None:
            self.result.material_names = {m.key: m.name for m in self.form_page.form.materials}
        self.result.show_submission(view, self._item_names.get(view.item_code, view.item_code), offline,
                                    receipt=accepted.receipt)
        self.stack.setCurrentWidget(self.result)
        self.case_accepted.emit(accepted)

    def _submit_failed(self, exc: BaseException) -> None:
        page = self.form_page
        if page is not None:
            problems = getattr(exc, "problems", None)
            if isinstance(problems, dict):
                page.view.show_problems(problems)
            page.update_submit()
        show_error(self, exc)

    # -- background events ------------------------------------------------------------------------
    def _on_event(self, event: object) -> None:
        changes = changes_from_event(event)  # the sync engine's answers change what the views show
        if isinstance(event, SYNC_EVENTS):
            self._on_sender_event(event)
        elif isinstance(event, DeviceEvent):
            self._on_device_event(event)
        if changes is not None:
            self.ops.report(changes)

    def _on_device_event(self, event: DeviceEvent) -> None:
        """Any device: its indicator follows; a document read fills the form; a failure or loss is said."""
        spec = self.terminal.registry.get(event.device)
        indicator = self.device_indicators.get(event.device)
        if spec is None or indicator is None:
            return
        indicator.show_event(event)
        reading = spec.identity(event)
        if reading is not None:
            self._identity_read(reading)
        elif event.kind == REMOVED and spec.removed_notice is not None:
            self.current_card = None
            self.notice.show_message(device_text(spec.removed_notice), "info")
        elif event.state in (DeviceState.FAILED, DeviceState.LOST) and event.error is not None:
            self.notice.show_message(sentence(event.error), "error")

    def _identity_read(self, reading: IdentityReading) -> None:
        """A card or ID card was read: fill the open form, or keep it for the next form opened."""
        if self.guard.locked:  # a card put on a locked window fills nothing and shows nothing
            return
        page = self.form_page
        tone = "warn" if reading.warnings else "ok"
        if isinstance(self.stack.currentWidget(), CertificatePage):  # the certificate's subject or agent
            self.certificate_page.apply_identity(reading)
            return
        screen = self.query_screen
        if screen is not None and self.stack.currentWidget() is screen and screen.identity_read(reading):
            return
        if page is not None and self.stack.currentWidget() is page:
            if not page.agent_armed:
                self.current_card = reading
            page.apply_identity(reading)
            self.notice.show_message(self.tr("已读取{source}：{who}，已填入表单。").format(
                source=reading.source, who=reading.summary), tone)
        else:
            self.current_card = reading
            self.notice.show_message(self.tr("已读取{source}：{who}。请选择要办理的事项，申请人信息将自动填入。").format(
                source=reading.source, who=reading.summary), tone)

    # -- sync state -----------------------------------------------------------------------------
    def _on_sender_event(self, event: SyncEvent) -> None:
        self._show_pending(event.pending)
        match event:
            case CentralAccepted() | StatusChanged() | ReferenceUpdated():
                self._last_sync = datetime.now()
                self._set_connection(True)
                if isinstance(event, StatusChanged) and event.status == "returned":
                    self.notice.show_message(self.tr("有业务被中心系统退回：{reason}。请在办件记录中更正重报。").format(
                        reason=(event.reason or "").rstrip("。")), "warn")
                elif isinstance(event, StatusChanged) and event.status == "accepted":  # signed elsewhere
                    self.notice.show_message(self.tr("送中心复核的业务已签字，中心系统已受理（{receipt}）。").format(
                        receipt=event.receipt_number or ""), "ok")
            case Retrying(error=CentralNotTrusted() as error) | Offline(error=CentralNotTrusted() as error):
                # not a network fault but whom we talk to: short in the status bar, in full above the work
                self._set_connection(False, self.tr("中心系统证书无法验证"))
                self.notice.show_message(f"{error.user_message}{error.hint}", "error")
            case Retrying(error=error) | Offline(error=error):
                # the connection label already says "offline"; the error slot says why or what happens next
                self._set_connection(False, None if error is None else
                                     error.hint if isinstance(error, CentralUnreachable) else error.user_message)
            case Online():
                self._set_connection(True)
            case Failed(error=error):
                self.error_label.set_message(error.user_message)
            case ReferenceRefused(name=name, reason=reason):  # the administrator's window has its own bar
                self.notice.show_message(self.tr("中心系统下发的{what}未被采用：{reason}。仍按原有数据办理；"
                                                 "请系统管理员核查。").format(what=reference_label(name),
                                                                          reason=reason.rstrip("。")), "error")

    def _set_connection(self, online: bool | None, error: str | None = None) -> None:
        if online is None and self.terminal.sender is None:
            forms, tone = (self.tr("中心系统：未配置"), self.tr("中心：未配置"), self.tr("中心－")), "idle"
        elif online is None:
            forms, tone = (self.tr("中心系统：连接中…"), self.tr("中心：连接中…"), self.tr("中心…")), "idle"
        elif online:
            forms, tone = (self.tr("● 中心系统：已连接"), self.tr("● 中心：已连接"), self.tr("中心✓")), "ok"
        else:
            forms, tone = (self.tr("● 未连接中心系统，已离线保存"), self.tr("● 离线保存"), self.tr("离线")), "warn"
        self.conn_label.set_forms(*forms)
        self.conn_label.setProperty("tone", tone)
        self.conn_label.style().unpolish(self.conn_label)
        self.conn_label.style().polish(self.conn_label)
        self.error_label.set_message(error or "")
        if self._last_sync:
            self._show_last_sync()

    def refresh(self) -> None:
        """Read the records and the status bar again.

        The views refresh themselves from the changes operations and the sync engine report; this is
        for a caller that changed data behind their back, such as a test or a script.
        """
        self.records.reload()
        self.workbench.reload()
        self._status.request()

    def _changed(self, changes: OpChanges, _initiator: object) -> None:
        if changes.counts or changes.sync:
            self._status.request()

    def _show_status(self, status: SyncStatus) -> None:
        self._awaiting = status.awaiting_review
        self._returned = status.returned
        self._show_pending(status.pending)
        if status.last_sync is not None:
            stored = status.last_sync.astimezone()
            if self._last_sync is None or stored.replace(tzinfo=None) > self._last_sync:
                self._last_sync = stored.replace(tzinfo=None)
            self._show_last_sync()

    def _show_last_sync(self) -> None:
        """最近同步 with date and seconds; shorter: the time of day (the tooltip keeps the date)."""
        when = self._last_sync
        if when is None:
            return
        self.sync_label.set_forms(self.tr("最近同步：{time}").format(time=f"{when:%m-%d %H:%M:%S}"),
                                  self.tr("同步 {time}").format(time=f"{when:%H:%M}"), f"{when:%H:%M}")

    def _show_pending(self, count: int) -> None:
        text = self.tr("待发送：{n}").format(n=count)
        parts = [(self.tr("待发"), count)]
        if self._awaiting:
            text += self.tr("　待复核：{n}").format(n=self._awaiting)
            parts.append((self.tr("复核"), self._awaiting))
        if self._returned:
            text += self.tr("　已退回：{n}").format(n=self._returned)
            parts.append((self.tr("退回"), self._returned))
        self.pending_label.set_forms(text, " ".join(f"{word} {n}" for word, n in parts),
                                     " ".join(f"{word}{n}" for word, n in parts))

    def detach(self) -> None:
        """Stop hearing from the sender thread before Qt objects are destroyed.

        Called on close and by run_gui after the event loop ends (quitting on a
        signal closes no window), so the sender never emits into a dead bridge.
        """
        self.header.stop()
        self.home_visit.stop()
        self.guard.stop()
        # queries still running must not fill widgets that are going away
        for view in (self._status, self.records, self.result, self.workbench):
            view.stop()
        self.terminal.events.unsubscribe(self.bridge)
        self.desk_watch.detach()
        if self.capture_dialog is not None:  # it would be destroyed with this window without finishing
            self.capture_dialog.reject()  # detaches it from the camera and the terminal

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        super().closeEvent(event)

    def _open_certificate(self, item: ServiceItem) -> None:
        """参保证明 / 缴费证明 (issue 20): a card read before the item was chosen is its subject."""
        old = getattr(self, "certificate_page", None)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.certificate_page = CertificatePage(self.ctx, self.clerk, item, CERTIFICATE_SCREENS[item.screen or ""],
                                                today=self._today())
        self.certificate_page.back_button.clicked.connect(self.go_home)
        if self.current_card is not None:
            self.certificate_page.apply_identity(self.current_card)
        self.stack.addWidget(self.certificate_page)
        self.stack.setCurrentWidget(self.certificate_page)

    # -- query screens (issue 20) ------------------------------------------------------------------
    def open_screen(self, item: ServiceItem) -> None:
        """An item that is a screen, not a form (a query); a card read before it is offered, not used unasked."""
        from app.ui.screens import build_screen

        screen = build_screen(self.ctx, self.clerk, item, self._today())
        if screen is None:
            self.notice.show_message(self.tr("本终端版本不提供“{name}”，请升级终端软件。").format(name=item.name),
                                     "error")
            return
        old, self.query_screen = self.query_screen, None  # removing the shown page changes the current one
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.query_screen = screen
        screen.back_button.clicked.connect(self.go_home)
        if self.current_card is not None:
            screen.offer_reading(self.current_card)
        self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        screen.entry.setFocus()

    def _drop_screen(self, _index: int) -> None:
        """Another page is shown: the query screen and the answer it holds are dropped (nothing kept)."""
        screen = self.query_screen
        if screen is not None and self.stack.currentWidget() is not screen:
            self.query_screen = None
            self.stack.removeWidget(screen)
            screen.deleteLater()

    # -- 人员新增（批量导入） (issue 20 item 5) --------------------------------------------------------------
    def open_batch_import(self, item: ServiceItem) -> None:
        """The batch import page for an employer's staff list; its accepted batch shows its receipt."""
        from app.ui.batch_import_page import BatchImportPage

        try:
            form = self.terminal.reference.form(BATCH_ITEM)
        except Exception as exc:
            show_error(self, exc)
            return
        old = getattr(self, "batch_page", None)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        page = self.batch_page = BatchImportPage(self.ctx, self.clerk, form)
        page.back_button.clicked.connect(self.go_home)
        page.accepted.connect(lambda batch: self._submitted(batch.case))
        page.materials.capture_requested.connect(lambda key: self.open_capture(key, page))
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        operations.record_item_use(parent=self, clerk=self.clerk, item_code=item.code) \
            .success(self.catalogue.set_my_items).run_in_background(self.ctx)
