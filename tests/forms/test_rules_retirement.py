"""Retirement ages under the 2025 reform, checked cohort by cohort at every boundary.

Each schedule is asserted on both sides of its start (last unchanged / first delayed cohort), on
both sides of a step (4 months for men and 55-year women, 2 months for women workers) and on both
sides of the cap, so an off-by-one month anywhere fails a case.
"""

from __future__ import annotations

from datetime import date

import pytest

from forms.rules.retirement import (
    Category,
    RetirementAge,
    min_contribution_months,
    retirement_age,
    special_retirement,
)

# (birth year, month, sex, category, statutory age in months, retirement month)
COHORTS = [
    # men, was 60: +1 per 4 months from 1965-01, cap +36 from 1976-09
    (1964, 12, "male", Category.EMPLOYEE, 720, "2024-12"),  # last unchanged
    (1965, 1, "male", Category.EMPLOYEE, 721, "2025-02"),   # first delayed: 60y1m (published)
    (1965, 4, "male", Category.EMPLOYEE, 721, "2025-05"),   # end of the first step
    (1965, 5, "male", Category.EMPLOYEE, 722, "2025-07"),   # start of the second step
    (1965, 8, "male", Category.EMPLOYEE, 722, "2025-10"),
    (1965, 9, "male", Category.EMPLOYEE, 723, "2025-12"),
    (1976, 8, "male", Category.EMPLOYEE, 755, "2039-07"),   # last before the cap: 62y11m
    (1976, 9, "male", Category.EMPLOYEE, 756, "2039-09"),   # first capped: 63 (published)
    (1990, 6, "male", Category.EMPLOYEE, 756, "2053-06"),
    # women cadres, was 55: +1 per 4 months from 1970-01, cap +36 from 1981-09
    (1969, 12, "female", Category.CADRE, 660, "2024-12"),
    (1970, 1, "female", Category.CADRE, 661, "2025-02"),    # 55y1m (published)
    (1970, 4, "female", Category.CADRE, 661, "2025-05"),
    (1970, 5, "female", Category.CADRE, 662, "2025-07"),
    (1981, 8, "female", Category.CADRE, 695, "2039-07"),
    (1981, 9, "female", Category.CADRE, 696, "2039-09"),    # first capped: 58
    # women flexible workers follow the 55 schedule
    (1969, 12, "female", Category.FLEXIBLE, 660, "2024-12"),
    (1970, 1, "female", Category.FLEXIBLE, 661, "2025-02"),
    (1981, 9, "female", Category.FLEXIBLE, 696, "2039-09"),
    # women workers, was 50: +1 per 2 months from 1975-01, cap +60 from 1984-11
    (1974, 12, "female", Category.WORKER, 600, "2024-12"),
    (1975, 1, "female", Category.WORKER, 601, "2025-02"),   # 50y1m (published)
    (1975, 2, "female", Category.WORKER, 601, "2025-03"),   # end of the first step
    (1975, 3, "female", Category.WORKER, 602, "2025-05"),   # start of the second step
    (1984, 10, "female", Category.WORKER, 659, "2039-09"),  # last before the cap: 54y11m
    (1984, 11, "female", Category.WORKER, 660, "2039-11"),  # first capped: 55
    (1984, 12, "female", Category.WORKER, 660, "2039-12"),
]


@pytest.mark.parametrize(("year", "month", "sex", "category", "age", "retires"), COHORTS)
def test_statutory_age_by_cohort(year: int, month: int, sex: str, category: Category, age: int,
                                 retires: str) -> None:
    # the day of birth never matters: first and last day of the month give the same answer
    for day in (1, 28):
        result = retirement_age(date(year, month, day), sex, category)  # type: ignore[arg-type]
        assert (result.statutory_age_months, result.retirement_month) == (age, retires)
        assert result.needs_review is False


@pytest.mark.parametrize("category", list(Category))
def test_men_have_60_in_every_category(category: Category) -> None:
    assert retirement_age(date(1964, 12, 31), "male", category).original_age_months == 720
    assert retirement_age(date(1976, 9, 1), "male", category).statutory_age_months == 756


@pytest.mark.parametrize(("category", "original"), [
    (Category.WORKER, 600), (Category.CADRE, 660), (Category.FLEXIBLE, 660),
])
def test_original_age_of_women(category: Category, original: int) -> None:
    assert retirement_age(date(1960, 1, 1), "female", category).original_age_months == original


@pytest.mark.parametrize(("birth", "sex", "category", "expected"), [
    # 1964-02 is before the first male cohort: 60 exactly, reached in 2024-02
    (date(1964, 2, 29), "male", Category.EMPLOYEE,
     RetirementAge(720, 720, "2024-02", "2024-02", "2027-02", 180)),
    # 1972-02 is 25 months after 1970-01: 25 // 4 + 1 = 7 steps -> 55y7m = 667 -> 2027-09
    (date(1972, 2, 29), "female", Category.CADRE,
     RetirementAge(660, 667, "2027-09", "2027-02", "2030-09", 180)),
    # women workers born before 1975 keep 50
    (date(1972, 2, 29), "female", Category.WORKER,
     RetirementAge(600, 600, "2022-02", "2022-02", "2025-02", 180)),
])
def test_leap_day_births_count_by_month(birth: date, sex: str, category: Category,
                                        expected: RetirementAge) -> None:
    assert retirement_age(birth, sex, category) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("birth", "sex", "category", "earliest", "latest"), [
    # men: statutory - 36 is never above 60, so the earliest is always the month of turning 60
    (date(1976, 9, 1), "male", Category.EMPLOYEE, "2036-09", "2042-09"),
    (date(1965, 1, 1), "male", Category.EMPLOYEE, "2025-01", "2028-02"),
    # woman worker capped at 55 (660): earliest 660 - 36 = 624 = 52y (above 50)
    (date(1984, 12, 1), "female", Category.WORKER, "2036-12", "2042-12"),
    # woman worker 1980-01: 60 months after 1975-01 -> 31 steps -> 631; 631 - 36 = 595 < 600 -> 50
    (date(1980, 1, 1), "female", Category.WORKER, "2030-01", "2035-08"),
    # woman cadre capped at 58 (696): earliest 696 - 36 = 660 = her original 55
    (date(1981, 9, 1), "female", Category.CADRE, "2036-09", "2042-09"),
])
def test_flexible_window(birth: date, sex: str, category: Category, earliest: str,
                         latest: str) -> None:
    result = retirement_age(birth, sex, category)  # type: ignore[arg-type]
    assert (result.earliest_month, result.latest_month) == (earliest, latest)


@pytest.mark.parametrize(("year", "months"), [
    (2000, 180), (2025, 180), (2029, 180), (2030, 186), (2031, 192), (2038, 234), (2039, 240),
    (2040, 240), (2060, 240),
])
def test_min_contribution_months(year: int, months: int) -> None:
    assert min_contribution_months(year) == months


@pytest.mark.parametrize(("birth", "retires", "minimum"), [
    # 1968-12: 47 months after 1965-01 -> 12 steps -> 61y -> 2029-12, still 15 years
    (date(1968, 12, 1), "2029-12", 180),
    # 1969-01: 48 months -> 13 steps -> 61y1m -> 2030-02, the first year of the increase
    (date(1969, 1, 1), "2030-02", 186),
    (date(1976, 9, 1), "2039-09", 240),
])
def test_min_contribution_follows_the_statutory_year(birth: date, retires: str,
                                                     minimum: int) -> None:
    result = retirement_age(birth, "male", Category.EMPLOYEE)
    assert (result.retirement_month, result.min_contribution_months) == (retires, minimum)


@pytest.mark.parametrize(("sex", "kind", "age", "month"), [
    ("male", "arduous", 660, "2025-03"),
    ("female", "arduous", 540, "2015-03"),
    ("male", "disability", 600, "2020-03"),
    ("female", "disability", 540, "2015-03"),
])
def test_special_retirement_is_the_old_age_and_needs_review(sex: str, kind: str, age: int,
                                                            month: str) -> None:
    result = special_retirement(date(1970, 3, 15), sex, kind)  # type: ignore[arg-type]
    assert result.needs_review is True
    assert result.statutory_age_months == result.original_age_months == age
    assert result.retirement_month == result.earliest_month == result.latest_month == month


def test_bad_arguments_raise_value_error() -> None:
    with pytest.raises(ValueError, match="性别"):
        retirement_age(date(1970, 1, 1), "unknown", Category.CADRE)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        retirement_age(date(1970, 1, 1), "female", "farmer")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="特殊退休类别"):
        special_retirement(date(1970, 1, 1), "male", "early")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="性别"):
        special_retirement(date(1970, 1, 1), "x", "arduous")  # type: ignore[arg-type]


def test_category_accepts_its_string_value() -> None:
    assert retirement_age(date(1970, 1, 1), "female", "cadre") == retirement_age(  # type: ignore[arg-type]
        date(1970, 1, 1), "female", Category.CADRE)
