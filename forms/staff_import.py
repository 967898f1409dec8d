"""Checking an employer's staff list row by row (人员新增 / 基数申报 by batch import, issue 20 item 5).

An employer's HR person fills a spreadsheet of new staff; the counter must tell them, per row and per
cell, everything that is wrong, so that they fix the file once (一次性告知) instead of coming back with
one correction after another. This module holds the rules and nothing else: rows of plain cell values
in, per-cell problems out. Reading and marking up the workbook is ``forms.staff_workbook``; the central
system's "already registered" check is done by the use case and handed in as a mapping, so the rules
here run without Qt, files or network (and 10,000 rows take well under a second).

Two kinds of list share the rules: ``STAFF`` (人员新增: who starts, when, on what base, which
insurances) and ``BASES`` (缴费基数申报: each employee's declared monthly base for the year).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from forms.idnumber import find_problem, normalise

#: the five insurances by their short names in a spreadsheet; codes as in ``protocol.lookup.INSURANCE_LABELS``
INSURANCES: Mapping[str, str] = {"养老": "pension", "医疗": "medical", "失业": "unemployment",
                                 "工伤": "injury", "生育": "maternity"}
#: what the template's drop-down offers in the insurances column (any subset joined by 、 is accepted too)
INSURANCE_CHOICES = ("养老、医疗、失业、工伤、生育", "养老、医疗、失业、工伤", "医疗、工伤、生育", "工伤")
#: the youngest a person may start work (《劳动法》第十五条: no employment under 16)
MIN_WORK_AGE = 16
_SPLIT = re.compile(r"[、,，;；/\s]+")
_NAME = re.compile(r"^[\u3400-\u9fff\u00b7·A-Za-z][\u3400-\u9fff\u00b7·A-Za-z .]{0,29}$")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
#: an ID number Excel kept as a number: shown as 6.10202197804041e+17, its last digits already gone
_ID_AS_NUMBER = re.compile(r"^\d(?:\.\d+)?e\+\d+$", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_FEN = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    """One column of a template: ``key`` in code and payload, ``label`` the header the employer sees."""

    key: str
    label: str
    required: bool
    #: one line for the 填写说明 sheet
    note: str
    #: a drop-down list offered in the template (data validation)
    choices: tuple[str, ...] = ()
    #: a column the employer types as text (an ID number must never become 1.1e17 in Excel)
    text: bool = False
    width: int = 16


@dataclass(frozen=True)
class ImportKind:
    """What one kind of list holds: its title, sheet name and columns in order."""

    code: str
    title: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_ID = Column("id_number", "公民身份号码", True, "18位居民身份证号码，末位可为X；请按文本格式填写，勿用科学计数法。",
             text=True, width=22)
_NAME_COLUMN = Column("name", "姓名", True, "与居民身份证一致。", width=12)
_BASE = Column("base", "月缴费基数（元）", True, "本年度月缴费基数，须在本年度缴费基数上下限之间，保留两位小数。",
               width=18)
STAFF = ImportKind("staff", "人员新增", (
    _ID, _NAME_COLUMN,
    Column("work_start", "参加工作日期", True, "格式 2024-03-01；不得晚于今天，不得早于年满16周岁。", width=16),
    Column("insured_from", "本单位参保日期", True, "格式 2024-03-01；不得晚于今天，不得早于参加工作日期。", width=16),
    _BASE,
    Column("insurances", "参保险种", True, "从下拉列表选择，或填写险种简称并用顿号分隔，如“养老、医疗、工伤”。",
           choices=INSURANCE_CHOICES, width=30),
    Column("phone", "联系电话", False, "手机号码或带区号的固定电话，可不填。", text=True, width=16),
))
BASES = ImportKind("bases", "缴费基数申报", (
    _ID, _NAME_COLUMN,
    Column("last_year_wage", "上年度月平均工资（元）", True, "上年度工资总额除以实际工作月数。", width=20),
    _BASE,
))
KINDS: Mapping[str, ImportKind] = {kind.code: kind for kind in (STAFF, BASES)}


def batch_item_name(kind_code: object) -> str | None:
    """What a batch's receipt (and its reprint) calls the item: the list's kind, not the batch form's name (a
    list of bases goes under the batch import's form, whose name says 人员新增); None for an unknown kind."""
    kind = KINDS.get(str(kind_code))
    return f"{kind.title}（批量导入）" if kind is not None else None


@dataclass(frozen=True)
class BaseLimits:
    """The year's monthly contribution-base floor and ceiling (``ProvincialFigures.contribution_base_range``)."""

    year: int
    floor: Decimal
    ceiling: Decimal


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong in one cell: ``row`` is the spreadsheet's row number (1 = the header)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class StaffRow:
    """One data row: its spreadsheet row number and its cells as clean text (dates ISO, amounts to the fen)."""

    row: int
    values: Mapping[str, str]


def explain(kind: ImportKind, problem: CellProblem) -> str:
    """A problem as one line of a row's 错误说明: the column named first unless the message already starts with it."""
    label = kind.column(problem.column).label
    return problem.message if problem.message.startswith(label) else f"{label}：{problem.message}"


@dataclass(frozen=True)
class ImportCheck:
    """Every row read and every problem found; a row with no problem is accepted."""

    kind: ImportKind
    rows: Sequence[StaffRow]
    problems: Sequence[CellProblem]
    #: row number -> its problems (for the window and the marked-up workbook)
    by_row: Mapping[int, Sequence[CellProblem]] = field(init=False)

    def __post_init__(self) -> None:
        grouped: dict[int, list[CellProblem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        object.__setattr__(self, "by_row", grouped)

    @property
    def valid_rows(self) -> list[StaffRow]:
        return [row for row in self.rows if row.row not in self.by_row]

    @property
    def bad_rows(self) -> list[StaffRow]:
        return [row for row in self.rows if row.row in self.by_row]

    def with_problems(self, extra: Sequence[CellProblem]) -> ImportCheck:
        """The same check with more problems (the central system's answers), in row order."""
        merged = sorted([*self.problems, *extra], key=lambda p: (p.row, self._order(p.column)))
        return ImportCheck(self.kind, self.rows, merged)

    def _order(self, key: str) -> int:
        keys = [c.key for c in self.kind.columns]
        return keys.index(key) if key in keys else len(keys)


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as ISO dates, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def parse_date(text: str) -> date | None:
    """A date as employers type it (2024-03-01, 2024/3/1, 2024年3月1日, 20240301); None if it is none."""
    found = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
    if found is None:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def parse_insurances(text: str) -> list[str] | None:
    """The insurance codes named in a cell (in the standard order), or None if one name is unknown."""
    names = [part for part in _SPLIT.split(text) if part]
    if not names or any(name.removesuffix("保险") not in INSURANCES for name in names):
        return None
    codes = {INSURANCES[name.removesuffix("保险")] for name in names}
    return [code for code in INSURANCES.values() if code in codes]


def _birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born on 29 February
        return date(born.year + years, 3, 1)


class _RowChecker:
    """The checks of one row; ``problems`` collects what it finds, ``clean`` the normalised values."""

    def __init__(self, row: int, cells: Mapping[str, str], kind: ImportKind, limits: BaseLimits,
                 today: date) -> None:
        self.row, self.cells, self.kind, self.limits, self.today = row, cells, kind, limits, today
        self.problems: list[CellProblem] = []
        self.clean: dict[str, str] = {}
        self.born: date | None = None

    def add(self, column: str, message: str) -> None:
        self.problems.append(CellProblem(self.row, column, message))

    def run(self) -> None:
        for column in self.kind.columns:
            text = self.cells.get(column.key, "")
            if not text:
                if column.required:
                    self.add(column.key, f"{column.label}未填写，请补充。")
                continue
            getattr(self, f"_{column.key}")(column, text)

    def _id_number(self, column: Column, text: str) -> None:
        if _ID_AS_NUMBER.match(text):  # the commonest mistake in an employer's list: nothing of it can be saved
            self.add(column.key, f"公民身份号码被Excel存成了数字（{text.upper()}），末几位已经丢失。"
                                 "请把该列设为“文本”格式后重新录入完整号码。")
            return
        number = normalise(text)
        problem = find_problem(number, today=self.today)
        if problem is not None:
            self.add(column.key, f"公民身份号码有误：{problem.message}。")
            return
        self.clean[column.key] = number
        self.born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))

    def _name(self, column: Column, text: str) -> None:
        if not _NAME.match(text):
            self.add(column.key, "姓名应为2至30个汉字或字母（可含间隔号·），请与身份证核对。")
        elif len(text) < 2:
            self.add(column.key, "姓名至少2个字，请与身份证核对。")
        else:
            self.clean[column.key] = text

    def _date(self, column: Column, text: str) -> date | None:
        day = parse_date(text)
        if day is None:
            self.add(column.key, f"{column.label}“{text}”不是有效日期，请按 2024-03-01 的格式填写。")
            return None
        if day > self.today:
            self.add(column.key, f"{column.label}{day.isoformat()}晚于今天，请填写已发生的日期。")
            return None
        if self.born is not None and day < _birthday(self.born, MIN_WORK_AGE):
            self.add(column.key, f"{column.label}{day.isoformat()}早于本人年满{MIN_WORK_AGE}周岁"
                                 f"（{_birthday(self.born, MIN_WORK_AGE).isoformat()}），请核对日期或身份证号码。")
            return None
        self.clean[column.key] = day.isoformat()
        return day

    def _work_start(self, column: Column, text: str) -> None:
        self._date(column, text)

    def _insured_from(self, column: Column, text: str) -> None:
        day = self._date(column, text)
        start = self.clean.get("work_start")
        if day is not None and start and day.isoformat() < start:
            self.add(column.key, f"本单位参保日期{day.isoformat()}早于参加工作日期{start}，请核对。")
            del self.clean[column.key]

    def _amount(self, column: Column, text: str) -> Decimal | None:
        try:
            amount = Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite() or amount <= 0:
            self.add(column.key, f"{column.label}“{text}”不是有效金额，请填写大于零的数字。")
            return None
        if amount != amount.quantize(_FEN):
            self.add(column.key, f"{column.label}最多保留两位小数（当前 {text}）。")
            return None
        self.clean[column.key] = str(amount.quantize(_FEN))
        return amount

    def _base(self, column: Column, text: str) -> None:
        amount = self._amount(column, text)
        if amount is None:
            return
        limits = self.limits
        if not limits.floor <= amount <= limits.ceiling:
            self.add(column.key, f"月缴费基数{amount.quantize(_FEN)}元不在{limits.year}年缴费基数范围"
                                 f"（{limits.floor}元至{limits.ceiling}元）内，请按规定调整。")
            del self.clean[column.key]

    def _last_year_wage(self, column: Column, text: str) -> None:
        self._amount(column, text)

    def _insurances(self, column: Column, text: str) -> None:
        codes = parse_insurances(text)
        if codes is None:
            self.add(column.key, f"参保险种“{text}”无法识别，请从下拉列表选择或填写"
                                 f"{'、'.join(INSURANCES)}中的一项或几项。")
        else:
            self.clean[column.key] = ",".join(codes)

    def _phone(self, column: Column, text: str) -> None:
        if not _PHONE.match(text.replace(" ", "")):
            self.add(column.key, f"联系电话“{text}”格式不正确，请填写11位手机号码或带区号的固定电话。")
        else:
            self.clean[column.key] = text.replace(" ", "")


def check_rows(kind: ImportKind, rows: Sequence[tuple[int, Mapping[str, str]]], limits: BaseLimits, *,
               today: date) -> ImportCheck:
    """Check every row of a list; ``rows`` are (spreadsheet row number, column key -> cell text).

    Each cell is checked on its own, then the ID numbers across the file: the second and later rows of
    one person are marked with the row they repeat (the first is kept, as the employer most likely
    meant it). A row that is wrong anywhere is not accepted; the others are, whatever the rest holds.
    """
    checked: list[StaffRow] = []
    problems: list[CellProblem] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        checker = _RowChecker(number, cells, kind, limits, today)
        checker.run()
        problems += checker.problems
        checked.append(StaffRow(number, checker.clean))
        person = checker.clean.get("id_number")
        if person is None:
            continue
        if person in first_row:
            problems.append(CellProblem(number, "id_number", f"与第{first_row[person]}行的公民身份号码重复，"
                                                              "同一人只能填写一行，请删除重复行。"))
        else:
            first_row[person] = number
    return ImportCheck(kind, checked, problems)


@dataclass(frozen=True)
class CentralAnswer:
    """What the central system knows of one number of the list: the registered name, and why the person
    cannot be added (already insured at this or another unit, drawing a pension, deceased), if so."""

    name: str
    problem: str | None = None


def central_problems(check: ImportCheck, known: Mapping[str, CentralAnswer]) -> list[CellProblem]:
    """Problems for rows whose person the central system already knows, only for rows that passed every
    other check: the reason they cannot be added, else a name that differs from the registered one (a
    wrong number is more likely than a second name)."""
    found: list[CellProblem] = []
    for row in check.valid_rows:
        answer = known.get(row.values.get("id_number", ""))
        if answer is None:
            continue
        if answer.problem is not None:
            found.append(CellProblem(row.row, "id_number", answer.problem))
        elif answer.name and answer.name != row.values.get("name"):
            found.append(CellProblem(row.row, "name", f"与中心系统登记的姓名“{answer.name}”不一致，"
                                                      "请核对姓名和公民身份号码。"))
    return found
