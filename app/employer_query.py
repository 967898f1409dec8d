"""单位一站式查询 as the screen shows it (issue 20): an ``EmployerOut`` as rows of text.

Pure, like ``app/person_query.py``: the widget lays the rows out, tests build ``EmployerOut`` values. The staff
list comes from the central system with ID numbers already masked (``StaffOut.id_number_masked``) and at most
``MAX_STAFF_LISTED`` rows; the count above it is always the whole one, and the screen says when the list is cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from stdnum.cn import uscc

from app.person_query import Row, Tone, as_of_text
from core.errors import ValidationError
from protocol.lookup import EMPLOYER_STATUS_LABELS, INSURANCE_LABELS, UNIT_NUMBER_PATTERN, EmployerOut

STAFF_COLUMNS = ("姓名", "公民身份号码", "参保险种", "本单位参保起始")


@dataclass(frozen=True)
class EmployerView:
    heading: str
    status_line: str
    status_tone: Tone
    basics: tuple[Row, ...]
    contacts: tuple[Row, ...]
    arrears_line: str
    arrears_tone: Tone
    staff_rows: tuple[tuple[str, ...], ...]
    #: "列出 200 人，共 1234 人" when the list is shorter than the count; "" otherwise
    staff_note: str
    as_of: str


def _owes(amount: str) -> bool:
    try:
        return Decimal(amount) > 0
    except InvalidOperation:
        return True  # a figure we cannot read is shown as it came, and not as "no arrears"


def _insurances(codes: list[str]) -> str:
    order = list(INSURANCE_LABELS)
    ordered = sorted(codes, key=lambda c: order.index(c) if c in order else 99)
    return "、".join(INSURANCE_LABELS.get(c, c) for c in ordered) or "—"


def employer_view(employer: EmployerOut) -> EmployerView:
    """The unit's registration, contacts, insurances, staff count, arrears and staff list."""
    status = EMPLOYER_STATUS_LABELS.get(employer.status, employer.status)
    tone = {"normal": Tone.OK, "suspended": Tone.WARN, "cancelled": Tone.ERROR}.get(employer.status, Tone.WARN)
    status_line = f"参保状态：{status}"
    if employer.status == "cancelled":
        status_line += "。该单位已注销，不能再为其办理人员增加或缴费业务。"
    elif employer.status == "suspended":
        status_line += "。该单位暂停缴费，办理人员业务前请核实。"
    basics = (
        Row("单位名称", employer.name),
        Row("单位编号", employer.unit_number),
        Row("统一社会信用代码", employer.uscc),
        Row("参保登记日期", employer.registered_on),
        Row("单位地址", employer.address or "—"),
        Row("法定代表人", employer.legal_representative or "—"),
        Row("参保险种", _insurances(employer.insurances)),
        Row("在职参保人数", f"{employer.insured_staff} 人"),
    )
    contacts = tuple(Row(c.role, f"{c.name}　{c.phone}" if c.phone else c.name) for c in employer.contacts)
    if _owes(employer.arrears_amount) or employer.arrears_months:
        arrears_line = (f"欠缴社会保险费 {employer.arrears_amount} 元，涉及 {employer.arrears_months} 个月。"
                        f"请提醒单位及时补缴；欠费期间职工的缴费月数不计入。")
        arrears_tone = Tone.ERROR
    else:
        arrears_line, arrears_tone = "无欠缴。", Tone.OK
    staff_rows = tuple((s.name, s.id_number_masked, _insurances(s.insurances), s.since or "—")
                       for s in employer.staff)
    note = (f"列出 {len(staff_rows)} 人，共 {employer.insured_staff} 人；其余人员请按个人查询。"
            if len(staff_rows) < employer.insured_staff else "")
    return EmployerView(heading=f"{employer.name}（{employer.unit_number}）", status_line=status_line,
                        status_tone=tone, basics=basics, contacts=contacts, arrears_line=arrears_line,
                        arrears_tone=arrears_tone, staff_rows=staff_rows, staff_note=note,
                        as_of=as_of_text(employer.as_of))


@dataclass(frozen=True)
class EmployerKey:
    """What the clerk typed, as the lookup takes it: a unit number or a unified social credit code."""

    unit_number: str | None = None
    uscc: str | None = None


def employer_key(text: str) -> EmployerKey:
    """An 18-character code that passes GB 32100's check is a credit code; anything else of 6-20 letters and digits
    a unit number. ``ValidationError`` (in Chinese) when it is neither."""
    value = text.strip().upper().replace(" ", "")
    if len(value) == 18 and uscc.is_valid(value):
        return EmployerKey(uscc=value)
    if len(value) == 18 and not value.isdigit():
        raise ValidationError("uscc", "统一社会信用代码校验不通过，请逐位核对单位营业执照上的代码。")
    if re.fullmatch(UNIT_NUMBER_PATTERN, value):
        return EmployerKey(unit_number=value)
    raise ValidationError("unit", "请输入单位编号（6-20位字母或数字）或18位统一社会信用代码。")
