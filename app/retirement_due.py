"""到龄确认查询 for a unit (issue 20): the staff at or near the statutory retirement age, as the screen lists them.

The central system lists who is due by ``through_month`` (``POST /v1/query/retirement-due``, decided with
``forms.rules.retirement`` as here); this module turns its answer into table rows: when each person reaches the
age (both posts for a woman employee whose post the registry does not hold), the months paid and deemed
against the minimum of that year, and what is missing. Pure: tests build ``RetirementDueOut`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.lookups import LookupOutcome
from app.person_query import SEX_LABELS
from forms.rules.retirement import Category, Sex, retirement_age
from protocol.lookup import EmployerRef, RetirementDueOut

DUE_COLUMNS = ("姓名", "公民身份号码", "性别", "出生日期", "到龄月份", "累计缴费（含视同）", "最低缴费", "提示")
#: how far ahead the clerk may look, in months (the central system takes up to MAX_DUE_AHEAD_MONTHS)
HORIZONS = (3, 6, 12, 24)


@dataclass(frozen=True)
class RetirementDue:
    """What the query came back with; like the lookups, offline and unknown units are answers, not errors."""

    outcome: LookupOutcome
    employer: EmployerRef | None = None
    persons: tuple[RetirementDueOut, ...] = ()
    through_month: str = ""
    message: str = ""
    lookup_id: str | None = None


def through_month(today: date, months_ahead: int) -> str:
    """``YYYY-MM`` ``months_ahead`` months after ``today``'s month."""
    index = today.year * 12 + today.month - 1 + months_ahead
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _months_until(today: date, month: str) -> int:
    return (int(month[:4]) * 12 + int(month[5:7])) - (today.year * 12 + today.month)


def due_row(person: RetirementDueOut, today: date) -> tuple[str, ...]:
    """One person's row: the month (both posts when the archive decides), the months against the minimum."""
    birth = date.fromisoformat(person.birth_date)
    sex: Sex = "female" if person.sex == "female" else "male"
    if person.post_decides:
        worker = retirement_age(birth, sex, Category.WORKER)
        cadre = retirement_age(birth, sex, Category.CADRE)
        month_text = f"工人 {worker.retirement_month}／干部 {cadre.retirement_month}"
        first, minimum = worker.retirement_month, worker.min_contribution_months
    else:
        category = Category.FLEXIBLE if person.insured_category == "flexible" else Category.EMPLOYEE
        age = retirement_age(birth, sex, category)
        month_text, first, minimum = age.retirement_month, age.retirement_month, age.min_contribution_months
    total = person.paid_months + person.deemed_months
    ahead = _months_until(today, first)
    if ahead < 0:
        note = "已到龄，尚未办理退休"
    elif ahead == 0:
        note = "本月到龄"
    else:
        note = f"{ahead} 个月后到龄"
    if total < minimum:
        note += f"；缴费尚差 {minimum - total} 个月"
    if person.post_decides:
        note += "；按档案原岗位确定"
    return (person.name, person.id_number_masked, SEX_LABELS.get(person.sex, person.sex), person.birth_date,
            month_text, f"{total} 个月", f"{minimum} 个月", note)


def due_rows(due: RetirementDue, today: date) -> tuple[tuple[str, ...], ...]:
    return tuple(due_row(person, today) for person in due.persons)


def due_headline(due: RetirementDue) -> str:
    """The screen's headline: the unit and how many are due by the month asked."""
    name = f"{due.employer.name}（{due.employer.unit_number}）" if due.employer is not None else ""
    if not due.persons:
        return f"{name}：截至 {due.through_month} 无到龄人员"
    return f"{name}：截至 {due.through_month} 到龄（含已到龄未退休）{len(due.persons)} 人"
