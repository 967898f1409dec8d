"""Checking what the clerk typed against a form definition.

Validation returns Chinese messages instead of raising, because the UI shows all problems at once
next to their fields while the clerk types; ``core.errors.ValidationError`` is for callers that
must refuse a submission outright.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from forms import idnumber, uscc
from forms.agent import AGENT_IS_APPLICANT as AGENT_IS_APPLICANT  # re-exported: callers know it from here
from forms.agent import agent_problems
from forms.definitions import FieldDef, FormDef, load_choices

#: re.ASCII: ``\d`` is ASCII digits only; Unicode would also take "２０２４" and other scripts' digits
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_INTEGER = re.compile(r"^-?\d+$", re.ASCII)
#: yuan with at most two decimals (分), no thousands separators
_MONEY = re.compile(r"^-?\d+(\.\d{1,2})?$", re.ASCII)
#: mainland mobile numbers: 11 digits, second digit 3-9
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
#: landlines: area code 0 + 2-3 digits, optional hyphen, 7-8 digit local number (0919-1234567)
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$", re.ASCII)
#: identity attributes an ID number encodes, and how to read them from the decoded number
_FROM_ID: dict[str, Callable[[idnumber.IdNumberInfo], str]] = {
    "sex": lambda info: info.sex,
    "birth_date": lambda info: info.birth_date.isoformat(),
}


def _number_text(value: float) -> str:
    """Show 0.0 as 0 and 2.5 as 2.5: clerks read amounts, not floats."""
    return str(int(value)) if value.is_integer() else str(value)


def _date_problem(field: FieldDef, value: str) -> str | None:
    if not _DATE.fullmatch(value):
        return f"{field.label}格式应为YYYY-MM-DD，例如 2024-01-31"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"{field.label}不是有效日期：{value}"
    return None


def _month_problem(field: FieldDef, value: str) -> str | None:
    match = _MONTH.fullmatch(value)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        return f"{field.label}格式应为YYYY-MM，例如 2025-07"
    return None


def _not_future_problem(field: FieldDef, value: str, today: date | None) -> str | None:
    now = today or date.today()
    limit = now.isoformat() if field.type == "date" else now.isoformat()[:7]
    return f"{field.label}不能晚于今天" if value > limit else None


def _phone_problem(field: FieldDef, value: str) -> str | None:
    compact = value.replace(" ", "")
    if _MOBILE.fullmatch(compact) or _LANDLINE.fullmatch(compact):
        return None
    return f"{field.label}格式不正确：应为11位手机号码或带区号的固定电话（如0919-1234567）"


def _number_problem(field: FieldDef, value: str) -> str | None:
    if field.type == "integer" and not _INTEGER.fullmatch(value):
        return f"{field.label}应为整数"
    if field.type == "money" and not _MONEY.fullmatch(value):
        return f"{field.label}应为金额（元），最多两位小数，例如 1234.50"
    try:
        number = float(value)
    except ValueError:
        return f"{field.label}应为数字"
    if not math.isfinite(number):
        return f"{field.label}应为数字"
    if field.minimum is not None and number < field.minimum:
        return f"{field.label}不能小于{_number_text(field.minimum)}"
    if field.maximum is not None and number > field.maximum:
        return f"{field.label}不能大于{_number_text(field.maximum)}"
    return None


def _choice_problem(field: FieldDef, value: str) -> str | None:
    # forms from load_form carry their lists already; a bare FieldDef may still name one
    choices = field.choices or (load_choices(field.choices_from) if field.choices_from else [])
    if any(choice.value == value for choice in choices):
        return None
    return f"{field.label}的选项无效：{value}"


def validate_field(field: FieldDef, value: str, *, today: date | None = None,
                   values: Mapping[str, str] | None = None) -> str | None:
    """The message for the first problem with one value, or ``None`` if it is acceptable.

    Surrounding whitespace is ignored. An empty optional field is always acceptable; ``values``
    (the whole form) decides whether a conditionally required field is required now.
    """
    text = value.strip()
    if not text:
        return f"请填写{field.label}" if field.is_required(values or {}) else None
    if field.max_length is not None and len(text) > field.max_length:
        return f"{field.label}不能超过{field.max_length}个字符，当前为{len(text)}个"
    problem: str | None = None
    if field.type == "idnumber":
        found = idnumber.find_problem(text, today=today)
        problem = None if found is None else found.message
    elif field.type == "uscc":
        credit = uscc.find_problem(text)
        problem = None if credit is None else credit.message  # as for ID numbers: the field names itself
    elif field.type == "date":
        problem = _date_problem(field, text)
    elif field.type == "month":
        problem = _month_problem(field, text)
    elif field.type == "phone":
        problem = _phone_problem(field, text)
    elif field.type in ("number", "integer", "money"):
        problem = _number_problem(field, text)
    elif field.type == "choice":
        problem = _choice_problem(field, text)
    if problem is None and field.pattern is not None and not re.fullmatch(field.pattern, text):
        problem = field.pattern_message or f"{field.label}格式不正确"
    if problem is None and field.not_future:
        problem = _not_future_problem(field, text, today)
    return problem


def parse_money(text: str) -> Decimal | None:
    """A money or number field's value as Decimal (None when empty or not a finite number)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _derived(id_value: str, today: date | None) -> dict[str, str]:
    """Identity attribute -> value encoded in an ID number; empty when it is missing or invalid."""
    if idnumber.find_problem(id_value, today=today) is not None:
        return {}
    info = idnumber.parse(id_value, today=today, regions={})
    return {key: read(info) for key, read in _FROM_ID.items()}


def derive_fields(form: FormDef, values: Mapping[str, str], *, today: date | None = None) -> dict[str, str]:
    """The value of every field derived from an ID-number field (sex, birth date), by field key.

    A derived field whose number is missing or invalid gets "" so that stale values are cleared;
    callers merge the result over what the clerk typed.
    """
    fields = {field.key: field for field in form.fields()}
    derived: dict[str, str] = {}
    for field in fields.values():
        source = fields.get(field.derived_from or "")
        if source is None or source.type != "idnumber" or field.source is None:
            continue
        derived[field.key] = _derived(values.get(source.key, "").strip(), today).get(field.source, "")
    return derived


def _label_of(field: FieldDef, value: str) -> str:
    for choice in field.choices:
        if choice.value == value:
            return choice.label
    return value


def shown_values(form: FormDef, values: Mapping[str, str]) -> dict[str, str]:
    """The values with every field hidden now (``shown_when`` does not hold) counted as empty.

    A clerk who picks a woman's post and then corrects the sex to male leaves a value behind in a
    field no longer on screen; it must not be validated, sent, or read by a rule panel.
    """
    hidden = {field.key for field in form.fields() if not field.is_shown(values)}
    return {key: ("" if key in hidden else value) for key, value in values.items()}


def validate_form(form: FormDef, values: Mapping[str, str], *, today: date | None = None) -> dict[str, str]:
    """Field key -> message for every invalid field (empty dict: the form may be submitted).

    Besides each field's own rules: a field derived from an ID-number field must agree with the
    number (the sex and birth date on file are the ones the number encodes), the form's order
    checks hold (a period does not end before it starts), and an agent (代办人) is not the applicant.
    Fields hidden now count as empty (``shown_values``).
    """
    values = shown_values(form, values)
    fields = {field.key: field for field in form.fields()}
    problems: dict[str, str] = {}
    for field in fields.values():
        message = validate_field(field, values.get(field.key, ""), today=today, values=values)
        if message is not None:
            problems[field.key] = message
    for key, expected in derive_fields(form, values, today=today).items():
        field = fields[key]
        value = values.get(key, "").strip()
        if key not in problems and value and expected and value != expected:
            source = fields[field.derived_from or ""]
            problems[key] = f"{field.label}与{source.label}不一致，应为{_label_of(field, expected)}"
    for check in form.checks:
        if check.earlier in problems or check.later in problems:
            continue
        first, last = values.get(check.earlier, "").strip(), values.get(check.later, "").strip()
        if first and last and (last < first or (last == first and not check.allow_equal)):
            problems[check.later] = check.message
    for key, message in agent_problems(form, values).items():
        problems.setdefault(key, message)
    return problems
