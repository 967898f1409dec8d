"""The batch import page and the two employer forms in the real window (issue 20 item 5)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot

from app.ui.batch_import_page import BatchImportPage
from app.ui.main_window import MainWindow
from app.ui.ops import OpRunner
from app.ui.pages import FormPage
from local_db.submissions import list_submissions
from tests.forms.staff_lists import TODAY, filled, good, person

from .conftest import CLERK
from .test_batch_import import VALUES, WAIVED, with_figures


def window_for(qtbot: QtBot, terminal: Any) -> MainWindow:
    window = MainWindow(terminal, CLERK, OpRunner())
    qtbot.addWidget(window)
    window.show()
    return window


def open_code(window: MainWindow, code: str) -> None:
    window.open_item(next(item for item in window.terminal.catalogue if item.code == code))


def test_the_import_page_marks_each_bad_cell_exports_them_and_accepts_the_rest(
        qtbot: QtBot, make_terminal: Any, data_dir: Path, tmp_path: Path) -> None:
    with_figures(data_dir)
    window = window_for(qtbot, make_terminal("http://127.0.0.1:9"))
    open_code(window, "staff_batch_import")
    page = window.stack.currentWidget()
    assert isinstance(page, BatchImportPage)
    page.today = TODAY
    for key, value in VALUES.items():
        page.view.set_value(key, value)
    source = tmp_path / "名单.xlsx"
    source.write_bytes(filled([good(), good(id_number=person()[:17] + "0", base="99999"),
                               good(id_number=person(seq="135"), name="李四")]))
    page.choose_file(source)
    qtbot.waitUntil(lambda: page.result is not None, timeout=20_000)
    assert page.table.rowCount() == 1  # only the row with mistakes
    assert page.table.item(0, 0).text() == "3"
    labels = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    id_cell = page.table.item(0, labels.index("公民身份号码"))
    base_cell = page.table.item(0, labels.index("月缴费基数（元）"))
    name_cell = page.table.item(0, labels.index("姓名"))
    assert id_cell.background().color().name() == "#ffc7ce" and "校验码" in id_cell.toolTip()
    assert base_cell.background().color().name() == "#ffc7ce" and "缴费基数范围" in base_cell.toolTip()
    assert name_cell.background().color().name() != "#ffc7ce" and name_cell.toolTip() == "张三"
    assert "校验码" in page.table.item(0, labels.index("错误说明")).text()
    page.table.selectRow(0)
    assert page.detail.text().startswith("第 3 行：公民身份号码有误") and "缴费基数范围" in page.detail.text()
    assert "可受理 2 人" in page.summary.text() and page.view.value("row_count") == "2"
    page.only_bad.setChecked(False)
    assert page.table.rowCount() == 3
    marked = tmp_path / "marked.xlsx"
    page.export_marked_up(marked)
    qtbot.waitUntil(marked.is_file, timeout=20_000)
    sheet = load_workbook(BytesIO(marked.read_bytes())).worksheets[0]
    assert sheet.cell(row=3, column=1).comment is not None and sheet.cell(row=2, column=1).comment is None
    assert page.submit_button.isEnabled() and page.submit_button.text() == "受理无误的 2 人"
    for key, reason in WAIVED.items():  # the IDs read by the ID reader, the unit's letter shown
        page.materials.waive(key, reason)
    page.submit()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.result, timeout=20_000)
    [case] = list_submissions(window.terminal.db)
    assert case.item_code == "staff_batch_import" and case.payload["row_count"] == "2"


def test_the_import_page_asks_for_the_unit_before_reading_a_list(
        qtbot: QtBot, make_terminal: Any, data_dir: Path, tmp_path: Path) -> None:
    with_figures(data_dir)
    window = window_for(qtbot, make_terminal("http://127.0.0.1:9"))
    open_code(window, "staff_batch_import")
    page = window.stack.currentWidget()
    assert isinstance(page, BatchImportPage)
    page.today = TODAY
    source = tmp_path / "名单.xlsx"
    source.write_bytes(filled([good()]))
    page.choose_file(source)
    assert page.result is None and page.file_label.text() == ""
    assert not page.submit_button.isEnabled() and not page.export_button.isEnabled()


def test_employer_change_validates_what_the_chosen_change_needs(qtbot: QtBot, make_terminal: Any) -> None:
    window = window_for(qtbot, make_terminal("http://127.0.0.1:9"))
    open_code(window, "employer_change")
    page = window.form_page
    assert isinstance(page, FormPage) and page.form.code == "employer_change"
    view = page.view
    for key, value in {"unit_number": "61020012345", "credit_code": "91610200MA6YB12347",
                       "employer_name": "铜川市测试机械有限公司", "change_date": "2025-05-01",
                       "legal_rep_name": "王法人", "legal_rep_id_number": person()}.items():
        view.set_value(key, value)
    view.set_value("change_type", "bank")
    problems = view.problems()
    assert {"new_bank_name", "new_bank_account", "new_account_holder"} <= set(problems)
    assert "new_employer_name" not in problems
    view.set_value("new_bank_account", "12ab")
    assert view.problems()["new_bank_account"] == "单位银行账号应为8至30位数字"
    assert page.form.review_tier(view.values()) == "review"
    view.set_value("change_type", "cancel")
    assert {"cancel_reason", "arrears_settled"} <= set(view.problems())
    assert "new_bank_account" not in view.problems()


def test_contribution_base_asks_for_the_year_and_the_totals(qtbot: QtBot, make_terminal: Any) -> None:
    window = window_for(qtbot, make_terminal("http://127.0.0.1:9"))
    open_code(window, "contribution_base")
    page = window.form_page
    assert isinstance(page, FormPage) and page.form.code == "contribution_base"
    problems = page.view.problems()
    assert {"unit_number", "declare_year", "staff_count", "wage_total", "base_total"} <= set(problems)
    page.view.set_value("staff_count", "0")
    assert "staff_count" in page.view.problems()
    assert [m.key for m in page.form.materials if m.is_required(page.view.values())][:2] == [
        "identity_document", "wage_list"]
