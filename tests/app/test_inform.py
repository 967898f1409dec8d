"""一次性告知书 (issue 18 item 5): recorded as "informed, not accepted", numbered apart from receipts, audited,
printed as a searchable PDF, its personal data purged with retention; the guide and the notice in the real
window. Real SQLite files, the real audit trail; no central system is needed (nothing is sent).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import queries, usecases
from app.permissions import PermissionDenied
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.usecases.inform import InformRequest, inform_applicant, print_notice
from core.errors import ValidationError
from local_db.audit import AuditAction
from local_db.clerks import ClerkInfo, Role
from local_db.notices import find_notices
from local_db.retention import purge_expired
from tests.app.samples import SIGNATURE

from .conftest import CLERK, TERMINAL_ID
from .samples import ID_NUMBER, REGISTRATION, WAIVER

NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # 10:30 Beijing time, 2026-12-07
#: an agent named with a relation that needs the authorisation (issue 19: the agent's ID copy too)
AGENT = {"agent_name": "王强", "agent_relation": "relative", "agent_id_number": "610202198001010010"}


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def request(terminal: Any, values: dict[str, str] | None = None, note: str | None = None,
            present: frozenset[str] = frozenset()) -> InformRequest:
    form = terminal.reference.form("personal_registration")
    return InformRequest(CLERK, form, "个人参保登记", values if values is not None else REGISTRATION, present,
                         note=note)


def test_a_notice_is_recorded_with_exactly_what_is_missing(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    informed = inform_applicant(terminal, request(terminal, {**REGISTRATION, **AGENT}, "带原件"), now=NOW)
    [row] = find_notices(terminal.db)
    assert row.id == informed.view.id and row.item_code == "personal_registration"
    assert row.form_version == terminal.reference.form("personal_registration").version
    assert (row.terminal_id, row.clerk_id, row.applicant_name, row.applicant_id_number, row.agent_name,
            row.note) == (TERMINAL_ID, CLERK.id, "李秀英", ID_NUMBER, "王强", "带原件")
    assert [m["key"] for m in row.missing] == ["identity_document", "agent_identity_document", "authorisation"]
    assert all(m["basis"] for m in row.missing) and row.created_at == NOW and row.purged_at is None
    assert informed.notice.applicant_id_masked != ID_NUMBER and informed.notice.applicant_id_masked.endswith("2X")


def test_notices_are_numbered_per_day_apart_from_receipts(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    first = inform_applicant(terminal, request(terminal), now=NOW).view.notice_no
    second = inform_applicant(terminal, request(terminal), now=NOW + timedelta(minutes=5)).view.notice_no
    next_day = inform_applicant(terminal, request(terminal), now=NOW + timedelta(days=1)).view.notice_no
    assert (first, second, next_day) == ("GZ-TTEST01-20261207-0001", "GZ-TTEST01-20261207-0002",
                                         "GZ-TTEST01-20261208-0001")
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, terminal.reference.form("personal_registration"), REGISTRATION,
        waivers={"identity_document": WAIVER}, signature=SIGNATURE), now=NOW)
    assert accepted.receipt.receipt_no == "TTEST01-20261207-0001"  # the day's first receipt: a different number


def test_a_notice_is_audited_without_the_id_number(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    informed = inform_applicant(terminal, request(terminal), now=NOW)
    [entry] = [e for e in terminal.audit.find(terminal.db, id_number=ID_NUMBER) if e.action == AuditAction.INFORM]
    assert entry.subject == informed.view.id and entry.clerk_id == CLERK.id
    assert entry.detail == {"item_code": "personal_registration", "form_version": informed.view.form_version,
                            "notice_no": informed.view.notice_no, "missing": ["identity_document"]}
    assert ID_NUMBER not in str(entry.detail) and "李秀英" not in str(entry.detail)


def test_nothing_missing_is_not_a_notice(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError, match="无需一次性告知"):
        inform_applicant(terminal, request(terminal, present=frozenset({"identity_document"})), now=NOW)
    assert find_notices(terminal.db) == []


def test_a_ticked_empty_entry_is_on_the_notice(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    values = {k: v for k, v in REGISTRATION.items() if k != "phone"}
    informed = inform_applicant(terminal, InformRequest(
        CLERK, terminal.reference.form("personal_registration"), "个人参保登记", values,
        frozenset({"identity_document"}), fields=frozenset({"phone"})), now=NOW)
    assert [m["key"] for m in informed.view.missing] == ["field:phone"]
    assert informed.notice.missing[0].basis == "申请表必填信息"


def test_a_notice_needs_the_applicants_name(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    with pytest.raises(ValidationError, match="申请人姓名"):
        inform_applicant(terminal, request(terminal, {"id_number": ID_NUMBER}), now=NOW)
    assert find_notices(terminal.db) == []


def test_only_a_front_desk_clerk_issues_a_notice(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    auditor = ClerkInfo("2001", "审计员", frozenset({Role.AUDITOR}))
    form = terminal.reference.form("personal_registration")
    with pytest.raises(PermissionDenied):
        inform_applicant(terminal, InformRequest(auditor, form, "个人参保登记", REGISTRATION), now=NOW)


def test_the_notice_prints_to_a_searchable_pdf(make_terminal: Any, qapp: QApplication, tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    informed = inform_applicant(terminal, request(terminal, {**REGISTRATION, **AGENT}, "请带原件"),
                                now=NOW)
    target = tmp_path / "notice.pdf"
    print_notice(terminal, CLERK, informed.notice, target)
    text = pdf_text(target.read_bytes())
    form = terminal.reference.form("personal_registration")
    for expected in ("社会保险业务一次性告知书", informed.view.notice_no, "个人参保登记", "李秀英", "110",
                     "王强", "测试柜员", "工号 1001", "测试大厅", "2026-12-07", "请带原件", "请备齐上述材料",
                     form.materials[0].name, form.materials[0].legal_basis):
        assert expected in text, expected
    assert ID_NUMBER not in text


def test_the_notice_says_who_acts_for_whom_like_the_receipt(make_terminal: Any, qapp: QApplication,
                                                            tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    informed = inform_applicant(terminal, request(terminal, {**REGISTRATION, **AGENT}), now=NOW)
    target = tmp_path / "notice.pdf"
    print_notice(terminal, CLERK, informed.notice, target)
    text = pdf_text(target.read_bytes())
    assert "代办人 王强（其他亲属，证件号码 610*************10）代 李秀英 办理" in text
    assert AGENT["agent_id_number"] not in text
    printed = [e for e in terminal.audit.find(terminal.db) if e.action == AuditAction.PRINT_NOTICE]
    assert [e.detail for e in printed] == [{"notice_no": informed.view.notice_no, "to": "file"}]


def test_a_notice_loses_its_personal_data_with_retention(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    old = inform_applicant(terminal, request(terminal, {**REGISTRATION, **AGENT}, "说明"), now=NOW)
    recent = inform_applicant(terminal, request(terminal), now=NOW + timedelta(days=20))
    result = purge_expired(terminal.db, terminal.blobs, terminal.audit, 30, now=NOW + timedelta(days=31))
    assert result.notices == 1
    rows = {row.id: row for row in find_notices(terminal.db)}
    gone = rows[old.view.id]
    assert (gone.applicant_name, gone.applicant_id_number, gone.agent_name, gone.note) == (None, None, None, None)
    assert gone.purged_at == NOW + timedelta(days=31)
    # kept for the statistics: number, item, clerk, date and what was missing
    assert (gone.notice_no, gone.item_code, gone.clerk_id, gone.created_at) == (
        old.view.notice_no, "personal_registration", CLERK.id, NOW)
    assert [m["key"] for m in gone.missing] == ["identity_document", "agent_identity_document", "authorisation"]
    assert rows[recent.view.id].applicant_name == "李秀英" and rows[recent.view.id].purged_at is None
    purges = [e.detail for e in terminal.audit.find(terminal.db) if e.action == AuditAction.PURGE]
    assert {"scope": "notices", "notices": 1} in purges


def test_the_read_of_notices_masks_and_filters(make_terminal: Any) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    inform_applicant(terminal, request(terminal), now=NOW)
    inform_applicant(terminal, request(terminal), now=NOW + timedelta(days=2))
    rows = queries.informed_notices(terminal, CLERK, NOW - timedelta(hours=1), NOW + timedelta(days=1))
    assert [r.created_at for r in rows] == [NOW]
    assert rows[0].applicant_id_masked is not None and ID_NUMBER not in rows[0].applicant_id_masked
    assert len(queries.informed_notices(terminal, CLERK, clerk_id=CLERK.id)) == 2
    assert queries.informed_notices(terminal, CLERK, clerk_id="9999") == []
    with pytest.raises(PermissionDenied):
        queries.informed_notices(terminal, ClerkInfo("3001", "管理员", frozenset({Role.ADMIN})))


# -- the real window -----------------------------------------------------------------------------------

def window_for(qtbot: QtBot, terminal: Any) -> tuple[MainWindow, OpRunner]:
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window, ops


def open_registration(window: MainWindow) -> Any:
    item = next(i for i in window.terminal.catalogue if i.form_code == "personal_registration")
    window.open_item(item)
    page = window.form_page
    assert page is not None
    return page


def test_inform_in_the_window_records_and_prints_the_notice(qtbot: QtBot, make_terminal: Any,
                                                            tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, ops = window_for(qtbot, terminal)
    page = open_registration(window)
    for key in ("id_number", "name", "phone"):
        page.view.set_value(key, REGISTRATION[key])
    assert not page.submit_button.isEnabled()  # the identity document is missing
    qtbot.mouseClick(page.inform_button, Qt.MouseButton.LeftButton)
    dialog = window.inform_dialog
    assert dialog is not None and dialog.isVisible()
    assert [m.key for m in dialog.missing] == ["identity_document"]
    assert "居民身份证或社会保障卡" in dialog.list_label.text()
    assert "address" in dialog.field_boxes  # an empty required entry is offered, not listed
    dialog.field_boxes["address"].setChecked(True)
    dialog.note.setPlainText("请携带身份证原件")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.notice_print_dialog is not None, timeout=10000)
    [row] = find_notices(terminal.db)
    assert row.applicant_name == "李秀英" and row.note == "请携带身份证原件"
    assert [m["key"] for m in row.missing] == ["identity_document", "field:address"]
    assert window.form_page is page and window.stack.currentWidget() is page  # the form stays open
    assert page.view.value("name") == "李秀英"

    # the clerk picks a printer (here a PDF file)
    assert window.notice_print_dialog is not None
    window.notice_print_dialog.reject()
    out = tmp_path / "notice.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert window.last_notice is not None
    window.print_notice(window.last_notice, printer)
    assert window.notice_print_dialog is not None
    window.notice_print_dialog.accept()
    qtbot.waitUntil(out.exists, timeout=10000)
    assert row.notice_no in pdf_text(out.read_bytes())
    ops.wait()


def test_the_guide_opens_from_the_form_and_from_the_catalogue(qtbot: QtBot, make_terminal: Any,
                                                              tmp_path: Path) -> None:
    terminal = make_terminal("http://127.0.0.1:9", start_sender=False)
    window, _ops = window_for(qtbot, terminal)
    page = open_registration(window)
    qtbot.mouseClick(page.guide_button, Qt.MouseButton.LeftButton)
    assert page.guide_dialog is not None and page.guide_dialog.isVisible()
    text = page.guide_dialog.browser.toPlainText()
    form = terminal.reference.form("personal_registration")
    assert "个人参保登记" in text and form.materials[0].legal_basis in text and "10 个工作日" in text
    out = tmp_path / "guide.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    page.guide_dialog.print_guide(printer)
    assert page.guide_dialog.print_dialog is not None
    page.guide_dialog.print_dialog.accept()
    assert "办事指南" in pdf_text(out.read_bytes()) and "授权委托书" in pdf_text(out.read_bytes())
    page.guide_dialog.reject()

    # from the catalogue, without starting a form: the context menu of an item
    window.go_home()
    catalogue = window.catalogue
    index = next(row for row in range(catalogue.list.count())
                 if getattr(catalogue.list.item(row).data(Qt.ItemDataRole.UserRole), "form_code", None)
                 == "retirement_approval")
    rect = catalogue.list.visualItemRect(catalogue.list.item(index))
    catalogue.list.customContextMenuRequested.emit(QPoint(rect.center()))
    menu = next(w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QMenu" and w.isVisible())
    [action] = [a for a in menu.actions() if a.text() == "办事指南"]
    action.trigger()
    menu.close()
    assert window.guide_dialog is not None and window.guide_dialog.isVisible()
    assert window.guide_dialog.guide.item_code == "retirement_approval"
    assert "20 个工作日" in window.guide_dialog.browser.toPlainText()
    assert window.stack.currentWidget() is not window.form_page  # no form was started


def test_a_document_too_long_for_one_page_continues_on_the_next(qapp: QApplication) -> None:
    from app.document_render import Block, PrintedDocument, document_pdf

    lines = tuple(f"材料第{n:03d}项　依据：《社会保险经办条例》第三十一条" for n in range(1, 121))
    doc = PrintedDocument("long", "测试大厅", "办事指南", (("办理事项", "测试"),), (Block("申请材料", lines),), (),
                          "页脚")
    data = document_pdf(doc)
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert len(pages) > 1
    texts = [page.extract_text().replace("\n", "") for page in pages]
    for n in range(1, 121):  # every line on exactly one page, none cut at a page's end
        assert sum(f"材料第{n:03d}项" in text for text in texts) == 1, n
    assert "材料第001项" in texts[0] and "材料第120项" in texts[-1]
