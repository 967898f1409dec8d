"""到龄确认查询 by unit, as the screen lists it (issue 20): ``RetirementDueOut`` values in, table rows out."""

from __future__ import annotations

from datetime import date

from app.lookups import LookupOutcome
from app.retirement_due import RetirementDue, due_headline, due_row, through_month
from forms.rules.retirement import Category, retirement_age
from protocol.lookup import EmployerRef, RetirementDueOut

UNIT = EmployerRef(unit_number="61020000123", uscc="91610200MA6X0000X7", name="铜川市示例机械有限公司")


def due(**changes: object) -> RetirementDueOut:
    base: dict[str, object] = {"id_number_masked": "110*************14", "name": "张建国", "sex": "male",
                               "birth_date": "1965-03-07", "insured_category": "employee", "paid_months": 300,
                               "deemed_months": 60, "retirement_month": "2025-04"}
    return RetirementDueOut.model_validate(base | changes)


def test_through_month_counts_months_across_the_year_end() -> None:
    assert through_month(date(2026, 11, 20), 6) == "2027-05"
    assert through_month(date(2026, 1, 1), 0) == "2026-01"


def test_a_man_past_his_month_is_due_and_not_retired() -> None:
    age = retirement_age(date(1965, 3, 7), "male", Category.EMPLOYEE)
    row = due_row(due(), date(2026, 1, 5))
    assert row[4] == age.retirement_month
    assert row[7].startswith("已到龄")
    assert row[1] == "110*************14"


def test_months_ahead_and_the_shortfall_are_said() -> None:
    born = date(1966, 6, 1)
    age = retirement_age(born, "male", Category.EMPLOYEE)
    year, month = (int(x) for x in age.retirement_month.split("-"))
    today = date(year - 1 if month <= 3 else year, (month - 3 - 1) % 12 + 1, 10)
    row = due_row(due(birth_date=born.isoformat(), paid_months=100, deemed_months=0), today)
    assert row[7].startswith("3 个月后到龄")
    assert f"缴费尚差 {age.min_contribution_months - 100} 个月" in row[7]


def test_a_woman_employee_shows_both_posts_and_the_archive_decides() -> None:
    born = date(1976, 2, 1)
    row = due_row(due(sex="female", birth_date=born.isoformat(), post_decides=True), date(2026, 1, 5))
    worker = retirement_age(born, "female", Category.WORKER).retirement_month
    cadre = retirement_age(born, "female", Category.CADRE).retirement_month
    assert row[4] == f"工人 {worker}／干部 {cadre}"
    assert "档案" in row[7]


def test_the_headline_counts_the_persons_due() -> None:
    found = RetirementDue(LookupOutcome.FOUND, UNIT, (due(), due(name="李四")), "2026-07")
    assert due_headline(found) == "铜川市示例机械有限公司（61020000123）：截至 2026-07 到龄（含已到龄未退休）2 人"
    assert "无到龄人员" in due_headline(RetirementDue(LookupOutcome.FOUND, UNIT, (), "2026-07"))
