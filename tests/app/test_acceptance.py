"""Accepting an application at the counter: materials attached or waived, the numbered receipt sealed
with the submission and printed, and the rule panels beside the retirement and death-benefit forms.

Real SQLite file, real blob store, real Qt rendering; nothing of our own is mocked.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from app import usecases
from app.receipt_render import receipt_pdf
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from core.errors import ValidationError
from forms.catalogue import ServiceItem
from forms.definitions import load_form
from forms.idnumber import check_character
from forms.rules.deadlines import add_working_days, load_calendar
from local_db.receipts import reserve_receipt_number, terminal_code
from local_db.submissions import get_submission
from tests.app.samples import SIGNATURE

from .conftest import CLERK
from .samples import ID_NUMBER, REGISTRATION, RETIREE_ID, WAIVER
from .test_e2e_registration import choose, type_text


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")


def test_required_material_missing_is_refused_and_nothing_is_saved(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    form = load_form("personal_registration")
    with pytest.raises(ValidationError) as caught:
        usecases.submit_application(terminal, usecases.SubmitRequest(CLERK, form, REGISTRATION, signature=SIGNATURE))
    assert caught.value.user_message == "缺少必需材料：居民身份证或社会保障卡"
    with pytest.raises(ValidationError):  # a reason of blanks is no reason
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION, waivers={"identity_document": "  "}, signature=SIGNATURE))
    with pytest.raises(ValidationError, match="不要求该材料"):
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION, waivers={"identity_document": WAIVER, "birth_certificate": WAIVER},
                signature=SIGNATURE))
    assert usecases.missing_materials(form, REGISTRATION | {"agent_name": "王五", "agent_relation": "relative"}, {}, {
        "identity_document": WAIVER}) == [m for m in form.materials if m.key in ("agent_identity_document",
                                                                                 "authorisation")]
    from local_db.submissions import list_submissions

    assert list_submissions(terminal.db) == []


def test_accepted_submission_carries_its_numbered_sealed_receipt(qapp: QApplication, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    form = load_form("personal_registration")
    now = datetime(2025, 9, 26, 1, 30, tzinfo=UTC)  # 09:30 in Beijing, a Friday before National Day
    first = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE), render_receipt=receipt_pdf, now=now)
    second = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION, waivers={"identity_document": WAIVER},
            signature=SIGNATURE), render_receipt=receipt_pdf, now=now)
    code = terminal_code(terminal.settings.terminal_id)
    assert first.receipt.receipt_no == f"{code}-20250926-0001"
    assert second.receipt.receipt_no == f"{code}-20250926-0002"
    assert first.receipt.due == add_working_days(date(2025, 9, 26), 10, load_calendar()) == date(2025, 10, 16)
    assert first.receipt.materials[0].waived_reason == WAIVER
    saved = get_submission(terminal.db, first.view.id)
    assert saved is not None and saved.counter_receipt_no == first.receipt.receipt_no
    assert saved.payload["_waivers"] == {"identity_document": WAIVER}
    [receipt] = [a for a in saved.attachments if a.material_key == usecases.RECEIPT_KEY]
    assert terminal.blobs is not None
    text = text_of(terminal.blobs.get(receipt.sha256))
    assert first.receipt.receipt_no in text and "2025-10-16" in text and "测试大厅" in text
    assert ID_NUMBER not in text and "110*************2X" in text
    assert f"免于提交（原因：{WAIVER}）" in text


def test_a_new_day_starts_a_new_sequence_in_beijing_time(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    day = date(2025, 9, 26)
    numbers = [reserve_receipt_number(terminal.db, "T-01", day) for _ in range(3)]
    assert numbers == ["T01-20250926-0001", "T01-20250926-0002", "T01-20250926-0003"]
    assert reserve_receipt_number(terminal.db, "T-01", date(2025, 9, 27)) == "T01-20250927-0001"
    assert reserve_receipt_number(terminal.db, "其他", day) == "LOCAL-20250926-0001"
    form = load_form("personal_registration")
    late = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION, waivers={"identity_document": WAIVER}, signature=SIGNATURE),
        now=datetime(2025, 9, 27, 16, 30, tzinfo=UTC))  # 00:30 on the 28th
    assert "-20250928-0001" in late.receipt.receipt_no


def test_no_day_count_and_missing_holidays_give_no_invented_date(make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    death = load_form("death_benefit")
    values = {"deceased_id_number": "61020219650315123" + check_character("61020219650315123"),
              "deceased_name": "王建国", "death_date": "2025-05-20", "death_cause": "illness",
              "was_pensioner": "no", "contribution_months": "345", "id_type": "01", "id_number": ID_NUMBER,
              "name": "李秀英", "relation_to_deceased": "spouse", "bank_name": "中国工商银行铜川分行",
              "bank_account": "6222021234567890123", "account_holder": "李秀英", "phone": "13800138000"}
    waivers = {m.key: WAIVER for m in death.materials if m.required_when is None}
    accepted = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, death, values, waivers=waivers, signature=SIGNATURE), now=datetime(2025, 6, 3, 2, 0, tzinfo=UTC))
    assert accepted.receipt.due is None and accepted.receipt.due_text() == death.time_limit_basis
    registration = load_form("personal_registration")
    future = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, registration, REGISTRATION, waivers={"identity_document": WAIVER}, signature=SIGNATURE),
        now=datetime(2031, 3, 3, 2, 0, tzinfo=UTC))
    assert future.receipt.due is None  # the shipped calendar stops before 2031
    assert "缺少2031年节假日安排" in future.receipt.due_text()


def open_form(qtbot: QtBot, window: MainWindow, code: str) -> None:
    item: ServiceItem = next(i for i in window.terminal.catalogue if i.code == code)
    window.open_item(item)
    assert window.form_page is not None


def test_window_waives_submits_shows_and_prints_the_receipt(qtbot: QtBot, make_terminal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    ops = OpRunner()
    window = MainWindow(terminal, CLERK, ops)
    qtbot.addWidget(window)
    window.show()
    open_form(qtbot, window, "personal_registration")
    page = window.form_page
    assert page is not None
    for key, value in REGISTRATION.items():
        widget = page.view.widget(key)
        if isinstance(widget, QLineEdit):
            type_text(qtbot, widget, value)
        else:
            choose(widget, value)  # type: ignore[arg-type]
    qtbot.waitUntil(page.view.is_valid, timeout=5000)
    assert not page.submit_button.isEnabled()
    # the agent makes the agent's ID copy required too (issue 19); waiving one leaves the other missing
    type_text(qtbot, page.view.widget("agent_name"), "王五")  # type: ignore[arg-type]
    assert [m.key for m in page.materials.missing()] == ["identity_document", "agent_identity_document"]
    page.materials.waive("identity_document", WAIVER)
    assert "代办人居民身份证" in page.submit_hint.text() and not page.submit_button.isEnabled()
    page.view.widget("agent_name").clear()  # type: ignore[union-attr]
    page.signature.take(SIGNATURE)  # the applicant signs (issue 19)
    qtbot.waitUntil(page.submit_button.isEnabled, timeout=5000)
    assert page.materials.waivers() == {"identity_document": WAIVER}
    page.materials.unwaive("identity_document")
    assert not page.submit_button.isEnabled()
    page.materials.waive("identity_document", WAIVER)

    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result.receipt is not None, timeout=20000)
    receipt = window.result.receipt
    assert receipt is not None and receipt.receipt_no in window.result.receipt_text()
    assert window.result.print_button.isVisible()

    # the print dialog; the clerk picks a printer (here: a PDF file) and prints
    qtbot.mouseClick(window.result.print_button, Qt.MouseButton.LeftButton)
    dialog = window.result.print_dialog
    assert dialog is not None and dialog.isVisible()  # the button opens Qt's print dialog
    dialog.reject()
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    window.result.print_receipt(printer)
    dialog = window.result.print_dialog
    assert dialog is not None
    dialog.accept()
    qtbot.waitUntil(out.exists, timeout=10000)
    assert receipt.receipt_no in text_of(out.read_bytes())
    ops.wait()
    QApplication.processEvents()


def test_retirement_panel_follows_the_form(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    open_form(qtbot, window, "retirement_approval")
    page = window.form_page
    assert page is not None and page.rule_panel is not None
    assert "提示" in page.rule_panel.row_texts()
    type_text(qtbot, page.view.widget("id_number"), RETIREE_ID)  # type: ignore[arg-type]
    choose(page.view.widget("insured_category"), "employee")  # type: ignore[arg-type]
    rows = page.rule_panel.row_texts()
    assert rows["法定退休年月"] == "2025-04"
    assert rows["弹性退休区间"] == "最早 2025-03，最迟 2028-04"
    choose(page.view.widget("retirement_type"), "flexible_early")  # type: ignore[arg-type]
    type_text(qtbot, page.view.widget("retirement_month"), "2025-03")  # type: ignore[arg-type]
    type_text(qtbot, page.view.widget("contribution_months"), "179")  # type: ignore[arg-type]
    rows = page.rule_panel.row_texts()
    assert "还差 1 个月" in rows["累计缴费（含视同）"]
    assert "最低缴费年限" in rows["申请退休年月"]
    assert "⚠" in page.rule_panel.body.text()

    # the special-occupation field becomes required, and its star says so
    label = page.view.widget("special_occupation").parentWidget()  # type: ignore[union-attr]
    assert label is not None
    choose(page.view.widget("retirement_type"), "special_occupation")  # type: ignore[arg-type]
    assert page.view._conditional_labels["special_occupation"].text().endswith("*</span>")
    choose(page.view.widget("retirement_type"), "normal")  # type: ignore[arg-type]
    assert not page.view._conditional_labels["special_occupation"].text().endswith("*</span>")


def test_survivor_panel_shows_benefits_and_overpayment(qtbot: QtBot, make_terminal) -> None:  # type: ignore[no-untyped-def]
    terminal = make_terminal("http://127.0.0.1:9")
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    open_form(qtbot, window, "death_benefit")
    page = window.form_page
    assert page is not None and page.rule_panel is not None
    type_text(qtbot, page.view.widget("death_date"), "2025-05-20")  # type: ignore[arg-type]
    choose(page.view.widget("death_cause"), "illness")  # type: ignore[arg-type]
    choose(page.view.widget("was_pensioner"), "yes")  # type: ignore[arg-type]
    type_text(qtbot, page.view.widget("pension_months"), "42")  # type: ignore[arg-type]
    type_text(qtbot, page.view.widget("contribution_months"), "345")  # type: ignore[arg-type]
    rows = page.rule_panel.row_texts()
    figures = terminal.reference.figures()
    assert figures is not None
    income = figures.survivor_monthly_income(2025)
    assert rows["计发标准"].startswith(f"{income:,.2f} 元/月")
    assert rows["抚恤金"].endswith("（19.25个月）")
    type_text(qtbot, page.view.widget("pension_paid_until"), "2025-07")  # type: ignore[arg-type]
    assert "多发 2 个月" in page.rule_panel.row_texts()["死亡后养老金"]
    # the monthly pension is now required to work out the refund
    assert page.view._conditional_labels["monthly_pension"].text().endswith("*</span>")
