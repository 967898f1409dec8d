"""The employer's staff list: template round trip, each kind of bad cell, the marked-up copy (issue 20 item 5)."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from forms import xlsx_rows
from forms.staff_import import BASES, STAFF, ImportCheck, cell_text, check_rows
from forms.staff_workbook import ERRORS_HEADER, NOTES_SHEET, WorkbookRefused, marked_up, read_sheet, template
from tests.forms.staff_lists import LIMITS, TODAY, filled, good, person


def checked(*rows: dict[str, str]) -> ImportCheck:
    return check_rows(STAFF, [(number, row) for number, row in enumerate(rows, start=2)], LIMITS, today=TODAY)


def only_problem(check: ImportCheck, row: int, column: str) -> str:
    found = [p for p in check.problems if p.row == row]
    assert [p.column for p in found] == [column], found
    return found[0].message


def test_template_round_trip_keeps_every_cell_and_the_id_as_text() -> None:
    data = template(STAFF, LIMITS)
    book = load_workbook(BytesIO(data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [column.label for column in STAFF.columns]
    assert sheet["A2"].number_format == "@"  # the ID column is text: no 1.10101E+17
    assert any("养老、医疗、失业、工伤、生育" in (v.formula1 or "") for v in sheet.data_validations.dataValidation)
    notes = [row[0] for row in book[NOTES_SHEET].iter_rows(values_only=True)]
    assert any("4500.30" in str(line) and "22501.50" in str(line) for line in notes)
    rows = [good(), good(id_number=person(seq="135"), name="李四")]
    sheet_read = read_sheet(filled(rows))
    assert sheet_read.kind is STAFF
    assert [dict(cells) for _n, cells in sheet_read.rows] == rows
    assert [n for n, _c in sheet_read.rows] == [2, 3]
    assert checked(*rows).problems == []


def test_a_date_cell_typed_as_an_excel_date_reads_as_the_date() -> None:
    sheet = read_sheet(filled([{**good(), "work_start": date(2012, 7, 1)}]))  # type: ignore[dict-item]
    assert sheet.rows[0][1]["work_start"] == "2012-07-01"


def test_a_bad_check_character_is_its_cells_problem() -> None:
    number = person()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    message = only_problem(checked(good(id_number=wrong)), 2, "id_number")
    assert f"第18位校验码应为 {number[17]}" in message


def test_an_id_number_excel_kept_as_a_number_says_so_and_what_to_do() -> None:
    number = person()
    sheet = read_sheet(filled([{**good(), "id_number": float(number)}]))  # type: ignore[dict-item]
    message = only_problem(checked(dict(sheet.rows[0][1])), 2, "id_number")
    assert "存成了数字" in message and "文本" in message and number not in message


def test_an_impossible_date_is_refused() -> None:
    message = only_problem(checked(good(insured_from="2025-02-30")), 2, "insured_from")
    assert "2025-02-30" in message and "不是有效日期" in message


def test_a_future_date_is_refused() -> None:
    message = only_problem(checked(good(insured_from="2025-06-17")), 2, "insured_from")
    assert "晚于今天" in message


def test_work_before_sixteen_is_refused() -> None:
    message = only_problem(checked(good(work_start="2006-03-06")), 2, "work_start")
    assert "年满16周岁（2006-03-07）" in message


def test_insured_before_work_start_is_refused() -> None:
    message = only_problem(checked(good(work_start="2025-04-01", insured_from="2025-03-01")), 2, "insured_from")
    assert "早于参加工作日期2025-04-01" in message


@pytest.mark.parametrize("base", ["4500.29", "22501.51", "0", "abc"])
def test_a_base_outside_the_years_limits_is_refused(base: str) -> None:
    message = only_problem(checked(good(base=base)), 2, "base")
    assert ("4500.30元至22501.50元" in message) or "不是有效金额" in message


@pytest.mark.parametrize("base", ["4500.30", "22501.50"])
def test_the_limits_themselves_are_accepted(base: str) -> None:
    assert checked(good(base=base)).problems == []


def test_a_duplicate_in_the_file_marks_the_later_row() -> None:
    check = checked(good(), good(name="张三"), good(id_number=person(seq="135")))
    message = only_problem(check, 3, "id_number")
    assert "与第2行的公民身份号码重复" in message
    assert [row.row for row in check.valid_rows] == [2, 4]


def test_unknown_insurance_and_bad_phone_and_missing_name() -> None:
    check = checked(good(insurances="养老、大病", phone="12345", name=""))
    assert {p.column for p in check.problems} == {"insurances", "phone", "name"}


def test_the_bases_list_checks_each_base() -> None:
    rows = [(2, {"id_number": person(), "name": "张三", "last_year_wage": "3000", "base": "4500.30"}),
            (3, {"id_number": person(seq="135"), "name": "李四", "last_year_wage": "30000", "base": "30000"})]
    check = check_rows(BASES, rows, LIMITS, today=TODAY)
    assert [(p.row, p.column) for p in check.problems] == [(3, "base")]


def test_a_file_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(WorkbookRefused):
        read_sheet(b"not a zip")


def test_a_workbook_without_the_header_is_refused() -> None:
    book = Workbook()
    book.active.append(["序号", "备注"])  # type: ignore[union-attr]
    out = BytesIO()
    book.save(out)
    with pytest.raises(WorkbookRefused) as info:
        read_sheet(out.getvalue())
    assert "表头" in info.value.user_message


def test_the_marked_up_workbook_has_the_marks_at_the_bad_cells() -> None:
    rows = [good(), good(id_number=person(seq="135"), base="99999"), good(), good(id_number=person(seq="157"))]
    data = filled(rows)
    sheet = read_sheet(data)
    check = check_rows(sheet.kind, sheet.rows, LIMITS, today=TODAY)
    book = load_workbook(BytesIO(marked_up(data, sheet, check)))
    marked = book.worksheets[0]
    errors_column = len(STAFF.columns) + 1
    assert marked.cell(row=1, column=errors_column).value == ERRORS_HEADER
    bad = {(3, sheet.positions["base"]), (4, sheet.positions["id_number"])}
    for row in range(2, 6):
        for column in range(1, len(STAFF.columns) + 1):
            cell = marked.cell(row=row, column=column)
            assert (cell.fill.fgColor.rgb == "00FFC7CE") == ((row, column) in bad), (row, column)
            assert (cell.comment is not None) == ((row, column) in bad), (row, column)
    assert "不在2025年缴费基数范围" in marked.cell(row=3, column=sheet.positions["base"]).comment.text
    assert "月缴费基数（元）" in marked.cell(row=3, column=errors_column).value
    assert "与第2行的公民身份号码重复" in marked.cell(row=4, column=errors_column).value
    assert marked.cell(row=2, column=errors_column).value is None
    assert marked.cell(row=3, column=1).value == person(seq="135")  # the employer's data untouched


def test_the_fast_reader_reads_what_openpyxl_reads() -> None:
    rows: list[dict[str, object]] = [good(), {**good(id_number=person(seq="135")), "work_start": date(2012, 7, 1),
                                              "base": 6000.5, "phone": 13800138000}]
    data = filled(rows)
    book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    expected = [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    [(name, fast), *_notes] = list(xlsx_rows.sheets(data))
    assert name == STAFF.title
    assert [[cell_text(v) for v in row] for row in fast][:3] == expected[:3]


def _excel_like(shared: list[str], sheet_rows: str) -> bytes:
    """A workbook as Excel writes it: shared strings, a date style (numFmtId 14), rows with gaps."""
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", f'<workbook {main} {rel}><sheets><sheet name="人员新增" sheetId="1" '
                                      'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships"><Relationship Id="rId1" Type="x" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/sharedStrings.xml", f"<sst {main}>" + "".join(f"<si><t>{s}</t></si>" for s in shared)
                   + "</sst>")
        z.writestr("xl/styles.xml", f'<styleSheet {main}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/>'
                                    "</cellXfs></styleSheet>")
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {main}><sheetData>{sheet_rows}</sheetData></worksheet>")
    return out.getvalue()


def test_a_workbook_written_by_excel_is_read_with_its_shared_strings_and_dates() -> None:
    labels = [column.label for column in STAFF.columns]
    shared = [*labels, person(), "张三", "养老、医疗"]
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(labels)))
    n = len(labels)
    data_row = (f'<c r="A3" t="s"><v>{n}</v></c><c r="B3" t="s"><v>{n + 1}</v></c><c r="C3" s="1"><v>41091</v></c>'
                f'<c r="D3" s="1"><v>45717</v></c><c r="E3"><v>6000</v></c><c r="F3" t="s"><v>{n + 2}</v></c>')
    sheet = read_sheet(_excel_like(shared, f'<row r="1">{header}</row><row r="3">{data_row}</row>'))
    assert sheet.rows == [(3, {"id_number": person(), "name": "张三", "work_start": "2012-07-01",
                              "insured_from": "2025-03-01", "base": "6000", "insurances": "养老、医疗", "phone": ""})]
