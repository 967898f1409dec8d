"""Staff lists as an employer fills them, for the tests of the batch import (data, built in the test)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from forms.idnumber import check_character
from forms.staff_import import STAFF, BaseLimits, ImportKind
from forms.staff_workbook import template

TODAY = date(2025, 6, 16)
LIMITS = BaseLimits(2025, Decimal("4500.30"), Decimal("22501.50"))


def person(birth: str = "19900307", seq: str = "123", region: str = "610102") -> str:
    first = region + birth + seq
    return first + check_character(first)


def good(**cells: str) -> dict[str, str]:
    row = {"id_number": person(), "name": "张三", "work_start": "2012-07-01", "insured_from": "2025-03-01",
           "base": "6000", "insurances": "养老、医疗、失业、工伤、生育", "phone": "13800138000"}
    row.update(cells)
    return row


def filled(rows: Sequence[Mapping[str, object]], kind: ImportKind = STAFF) -> bytes:
    """The template as an employer fills it: cells typed into the data sheet, saved."""
    book = load_workbook(BytesIO(template(kind, LIMITS)))
    sheet = book.worksheets[0]
    labels = [cell.value for cell in sheet[1]]
    columns = kind.columns
    for number, row in enumerate(rows, start=2):
        for column in columns:
            if column.key in row:
                sheet.cell(row=number, column=labels.index(column.label) + 1, value=row[column.key])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


