"""The employer's spreadsheet: the template the counter hands out, reading it back, marking it up.

The template is what keeps most mistakes out of the file in the first place: the ID column is text (Excel
turns an 18-digit number into 1.10101E+17 and loses the last three digits), the insurances come from a
drop-down list, and a 填写说明 sheet says what each column wants. Reading finds the columns by their
header, so an employer who reorders or adds columns is not refused. Marking up returns the employer's
OWN file with each bad cell filled red, a comment on it, and an 错误说明 column per row: they fix it in
the tool they know and bring it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.errors import ValidationError
from forms import xlsx_rows
from forms.staff_import import KINDS, BaseLimits, ImportCheck, ImportKind, cell_text, explain

#: the sheet with the instructions (never read as data)
NOTES_SHEET = "填写说明"
#: the column the marked-up copy adds after the employer's own
ERRORS_HEADER = "错误说明"
#: a file larger than this is no staff list (10,000 rows are about 600 KB)
MAX_FILE_BYTES = 20 * 1024 * 1024
#: rows one file may hold; a larger list is split by the employer (and would not fit one case anyway)
MAX_ROWS = 20_000
#: rows the template's drop-down lists cover
TEMPLATE_ROWS = 10_000
#: rows whose text-column cells are formatted as text one by one (the column style covers the rest)
TEXT_CELLS = 500
BAD_FILL = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
_HEADER_FILL = PatternFill(start_color="DDEBF7", end_color="DDEBF7", fill_type="solid")
_COMMENT_AUTHOR = "社会保险经办机构"


class WorkbookRefused(ValidationError):
    """The file is not a list the counter can read (not xlsx, no header, too large)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__("workbook", message, hint=hint)


@dataclass(frozen=True)
class StaffSheet:
    """What was read: the kind of list, the data rows (row number, key -> text) and where each column is."""

    kind: ImportKind
    sheet: str
    rows: Sequence[tuple[int, Mapping[str, str]]]
    #: column key -> 1-based column index in the employer's sheet
    positions: Mapping[str, int]
    #: the last column the employer used (the 错误说明 column goes after it)
    last_column: int


def template(kind: ImportKind, limits: BaseLimits | None = None) -> bytes:
    """The empty template of ``kind`` as xlsx bytes, with the year's base limits in its notes when known."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = kind.title
    for index, column in enumerate(kind.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = _HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.text:  # the whole column as text, so that an ID number keeps its 18 digits: the column's
            # style covers any row; the first rows carry it on the cell too, for programs that ignore column styles
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, TEXT_CELLS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices:
            listing = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True,
                                     showErrorMessage=False)
            listing.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(listing)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(NOTES_SHEET)
    notes.append([f"{kind.title}导入模板 填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["1. 请在“" + kind.title + "”工作表中每人填写一行，第一行表头请勿修改；红色表头为必填项。"])
    notes.append(["2. 同一人只能填写一行；公民身份号码请按文本填写（模板已设置为文本格式）。"])
    if limits is not None:
        notes.append([f"3. {limits.year}年月缴费基数下限 {limits.floor} 元，上限 {limits.ceiling} 元。"])
    notes.append([])
    notes.append(["列名", "是否必填", "填写要求"])
    for column in kind.columns:
        notes.append([column.label, "必填" if column.required else "选填", column.note])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 80
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _refuse_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(f"文件过大（{len(data) // (1024 * 1024)} MB），不是可导入的人员名单。",
                              "请使用本机提供的导入模板，每个文件不超过2万行。")


def _open(data: bytes, *, read_only: bool) -> Workbook:
    _refuse_size(data)
    try:
        return load_workbook(BytesIO(data), read_only=read_only, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookRefused("文件无法读取，不是 Excel 工作簿（.xlsx）。",
                              "请用导入模板填写并保存为 .xlsx 格式后重新导入。") from exc


def _kind_of(header: Sequence[str]) -> ImportKind | None:
    """The kind whose required headers are all present (the one with the most columns present wins)."""
    present = set(header)
    fitting = [kind for kind in KINDS.values() if all(c.label in present for c in kind.columns if c.required)]
    return max(fitting, key=lambda k: sum(c.label in present for c in k.columns), default=None)


def read_sheet(data: bytes) -> StaffSheet:
    """The data rows of a filled template; ``WorkbookRefused`` when it is not one. Empty rows are skipped.

    Read by ``forms.xlsx_rows`` (values straight from the XML, about three times openpyxl's speed); a
    workbook that reader does not understand is read again by openpyxl's read-only reader.
    """
    _refuse_size(data)
    try:
        return _find_list(xlsx_rows.sheets(data))
    except (xlsx_rows.XlsxUnreadable, KeyError, IndexError, ParseError, ValueError, OSError):
        pass
    book = _open(data, read_only=True)
    try:
        return _find_list((sheet.title, sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
    finally:
        book.close()


def _find_list(sheets: Iterable[tuple[str, Iterator[tuple[object, ...]]]]) -> StaffSheet:
    """The first sheet (not the notes) whose first row is a template's header, and its non-empty rows."""
    for title, rows in sheets:
        if title == NOTES_SHEET:
            continue
        first = next(rows, None)
        header = [cell_text(value) for value in first or ()]
        kind = _kind_of(header)
        if kind is None:
            continue
        positions = {c.key: header.index(c.label) + 1 for c in kind.columns if c.label in header}
        last = max(index + 1 for index, label in enumerate(header) if label)
        found: list[tuple[int, Mapping[str, str]]] = []
        for number, values in enumerate(rows, start=2):
            cells = {key: cell_text(values[index - 1]) if index - 1 < len(values) else ""
                     for key, index in positions.items()}
            if not any(cells.values()):
                continue
            if len(found) >= MAX_ROWS:
                raise WorkbookRefused(f"文件超过{MAX_ROWS}行。", "请将名单拆分为多个文件分别导入。")
            found.append((number, cells))
        return StaffSheet(kind, title, found, positions, last)
    raise WorkbookRefused("文件中没有找到导入模板的表头（如“公民身份号码”“姓名”“月缴费基数（元）”）。",
                          "请使用本机提供的导入模板，不要修改第一行表头。")


def marked_up(data: bytes, sheet: StaffSheet, check: ImportCheck) -> bytes:
    """The employer's file with each bad cell red and commented, and the row's problems in 错误说明."""
    book = _open(data, read_only=False)
    target = book[sheet.sheet]
    errors_column = sheet.last_column + 1
    if cell_text(target.cell(row=1, column=sheet.last_column).value) == ERRORS_HEADER:
        errors_column = sheet.last_column  # a file marked up before: overwrite the old explanations
        for row in range(2, target.max_row + 1):
            target.cell(row=row, column=errors_column).value = None
    head = target.cell(row=1, column=errors_column, value=ERRORS_HEADER)
    head.font = Font(bold=True, color="C00000")
    target.column_dimensions[get_column_letter(errors_column)].width = 60
    for row, problems in check.by_row.items():
        texts: list[str] = []
        for problem in problems:
            column = sheet.positions.get(problem.column)
            texts.append(explain(check.kind, problem))
            if column is None:
                continue
            cell = target.cell(row=row, column=column)
            cell.fill = BAD_FILL
            cell.comment = Comment(problem.message, _COMMENT_AUTHOR, width=300, height=90)
        explanation = target.cell(row=row, column=errors_column, value="\n".join(texts))
        explanation.font = Font(color="C00000")
        explanation.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
