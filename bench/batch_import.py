"""10,000 rows of an employer's staff list: read and checked in under 5 s (issue 20 item 5).

Generates a filled template (``forms.staff_workbook.template`` plus 10,000 rows, about 2 % of them
wrong in one way or another, as a real list might be), then measures what the clerk waits for after
choosing the file: reading the workbook and checking every row (``read_sheet`` + ``check_rows``), and,
for information, the marked-up copy. The central system's "already registered" check is a network call
of its own and not part of this figure. Median of three runs.

    .venv/bin/python bench/batch_import.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import load_workbook

from forms.idnumber import check_character
from forms.staff_import import STAFF, BaseLimits, check_rows
from forms.staff_workbook import marked_up, read_sheet, template

LIMIT_SECONDS = 5.0
TODAY = date(2025, 6, 16)
LIMITS = BaseLimits(2025, Decimal("4500.30"), Decimal("22501.50"))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂"


def workbook(rows: int, seed: int = 20) -> bytes:
    """A filled staff template of ``rows`` rows; every 50th row carries one mistake."""
    rng = random.Random(seed)
    book = load_workbook(BytesIO(template(STAFF, LIMITS)))
    sheet = book.worksheets[0]
    for index in range(rows):
        birth = date(1965, 1, 1) + timedelta(days=index)  # one person per birthday: no duplicates by chance
        first = f"61010{rng.randrange(2, 5)}{birth:%Y%m%d}{rng.randrange(1, 1000):03d}"
        number = first + check_character(first)
        start = date(birth.year + 18 + rng.randrange(5), 7, 1)
        row = [number, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), start.isoformat(),
               "2025-03-01", str(4600 + rng.randrange(15000)), "养老、医疗、失业、工伤、生育", f"138{index:08d}"]
        if index % 50 == 7:
            row[4] = "99999"  # above the ceiling
        elif index % 50 == 23:
            row[0] = number[:17] + ("0" if number[17] != "0" else "1")  # a bad check character
        for column, value in enumerate(row, start=1):  # typed from row 2, as in Excel
            sheet.cell(row=index + 2, column=column, value=value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    data = workbook(args.rows)
    timings, markups = [], []
    for _ in range(3):
        began = time.perf_counter()
        sheet = read_sheet(data)
        check = check_rows(sheet.kind, sheet.rows, LIMITS, today=TODAY)
        timings.append(time.perf_counter() - began)
        began = time.perf_counter()
        marked_up(data, sheet, check)
        markups.append(time.perf_counter() - began)
    median = statistics.median(timings)
    print(f"rows: {len(check.rows)}  accepted: {len(check.valid_rows)}  refused: {len(check.bad_rows)}  "
          f"file: {len(data) / 1024:.0f} KiB")
    print(f"read + check: median {median:.2f} s of {', '.join(f'{t:.2f}' for t in timings)}  "
          f"ratio to the {LIMIT_SECONDS:.0f} s limit: {median / LIMIT_SECONDS:.2f}")
    print(f"marked-up copy (for information): median {statistics.median(markups):.2f} s")


if __name__ == "__main__":
    main()
