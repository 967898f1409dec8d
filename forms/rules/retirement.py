"""Statutory retirement age under the 2025 gradual reform (渐进式延迟法定退休年龄).

The clerk is asked "when can I retire?" more than anything else, and since 2025-01-01 the answer
depends on the birth month, so it is computed here rather than read from a poster.

Schedule (NPC Standing Committee decision of 2024-09-13 and the State Council measures):

* men (was 60): +1 month for every 4 months of birth cohort from births in 1965-01, capped at
  +36 (63), reached by births in 1976-09;
* women whose age was 55 (cadres, and women flexible workers): the same pace from births in
  1970-01, capped at +36 (58), reached by births in 1981-09;
* women workers (was 50): +1 month for every 2 months from births in 1975-01, capped at +60 (55),
  reached by births in 1984-11.

Earlier cohorts keep the original age.

Category: ``EMPLOYEE`` is the generic enterprise employee. For men every category has 60. For a
woman ``EMPLOYEE`` says too little: a woman worker's original age is 50, a woman cadre's 55, and
the difference is five to eight years of her life. This module does not guess (it once took 50,
silently): ``retirement_age`` raises ``PostNotGiven``, and the caller asks for ``WORKER`` or
``CADRE``, which the clerk reads from the archive (档案).

Days: the law counts ages in months, so only the birth *month* matters. The age is reached in the
month given by birth month + age; the day of birth (including 29 February, e.g. births on
1964-02-29 or 1972-02-29) is ignored, and no "28 February in a common year" question arises.
Pension starts the month after the retirement month; that is the fund's business, not this one.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError, CounterError
from forms.refdata import read_json

Sex = Literal["male", "female"]
SpecialKind = Literal["arduous", "disability"]

#: flexible early retirement and agreed later retirement are each at most 3 years
FLEXIBLE_MONTHS = 36

_MIN_CONTRIBUTION_FILE = ("rules", "contribution_minimum.json")
_MIN_CONTRIBUTION = TypeAdapter(dict[str, int])


class Category(enum.StrEnum):
    """Which retirement rule applies to a person (only matters for women)."""

    EMPLOYEE = "employee"
    CADRE = "cadre"
    WORKER = "worker"
    FLEXIBLE = "flexible"


#: what the clerk reads when a woman's post is missing: why the age cannot be given, and what decides it
POST_NOT_GIVEN = ("企业女职工的法定退休年龄取决于原岗位：工人岗位原法定退休年龄50周岁（逐步延至55周岁），"
                  "干部岗位原法定退休年龄55周岁（逐步延至58周岁），尚未选择，无法确定。")
POST_HINT = "请按档案记载选择原岗位：工人岗位或干部岗位。"


class PostNotGiven(CounterError):
    """A woman recorded only as an enterprise employee: worker (50) or cadre (55) decides her age."""

    user_message = POST_NOT_GIVEN
    hint = POST_HINT


@dataclass(frozen=True)
class RetirementAge:
    """Ages in months and the months they are reached, as the clerk explains them."""

    original_age_months: int
    statutory_age_months: int
    retirement_month: str
    earliest_month: str
    latest_month: str
    min_contribution_months: int
    #: True for the old special rules, which an officer decides case by case
    needs_review: bool = False


@dataclass(frozen=True)
class _Schedule:
    """One group's reform: original age, first delayed cohort, pace and cap (all in months)."""

    original: int
    first_cohort: tuple[int, int]
    months_per_step: int
    cap: int

    def delay(self, birth_index: int) -> int:
        """Months added for a birth month; the first cohort's first step already adds one."""
        offset = birth_index - _month_index(*self.first_cohort)
        if offset < 0:
            return 0
        return min(self.cap, offset // self.months_per_step + 1)


_MEN = _Schedule(original=60 * 12, first_cohort=(1965, 1), months_per_step=4, cap=36)
_WOMEN_55 = _Schedule(original=55 * 12, first_cohort=(1970, 1), months_per_step=4, cap=36)
_WOMEN_50 = _Schedule(original=50 * 12, first_cohort=(1975, 1), months_per_step=2, cap=60)

#: the pre-reform special rules (not changed by the reform, decided case by case)
_SPECIAL_AGES: dict[tuple[SpecialKind, Sex], int] = {
    ("arduous", "male"): 55 * 12,
    ("arduous", "female"): 45 * 12,
    ("disability", "male"): 50 * 12,
    ("disability", "female"): 45 * 12,
}


def _month_index(year: int, month: int) -> int:
    """Months since year 0, so that month arithmetic is plain integer arithmetic."""
    return year * 12 + (month - 1)


def _month_label(index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def _schedule(sex: Sex, category: Category) -> _Schedule:
    if sex == "male":
        return _MEN
    if sex != "female":
        raise ValueError(f"性别无效：{sex!r}（应为 male 或 female）")
    if category in (Category.CADRE, Category.FLEXIBLE):
        return _WOMEN_55
    if category == Category.WORKER:
        return _WOMEN_50
    if category == Category.EMPLOYEE:
        raise PostNotGiven("a woman employee needs category worker or cadre")
    raise ValueError(f"人员类别无效：{category!r}")


@functools.lru_cache(maxsize=1)
def _load_min_contribution() -> tuple[tuple[int, int], ...]:
    """The (year, months) table, sorted; read once because it changes only with the law."""
    where = "resources/" + "/".join(_MIN_CONTRIBUTION_FILE)
    data = read_json(*_MIN_CONTRIBUTION_FILE)
    try:
        table = _MIN_CONTRIBUTION.validate_python(
            data.get("months_by_year") if isinstance(data, dict) else None)
    except PydanticValidationError as exc:
        raise ConfigError(f"{where}: {exc}", user_message=f"参考数据文件格式错误：{where}") from exc
    if not table or any(not re.fullmatch(r"\d{4}", y) or m <= 0 for y, m in table.items()):
        raise ConfigError(f"{where}: need 4-digit years and positive months",
                          user_message=f"参考数据文件格式错误：{where}")
    return tuple(sorted((int(y), m) for y, m in table.items()))


def min_contribution_months(year: int) -> int:
    """Minimum contribution months for people whose statutory retirement month falls in ``year``.

    15 years until 2029, +6 months a year from 2030, 20 years from 2039. Years before the table use
    its first value and years after it its last, so the table only lists the years of change.
    """
    table = _load_min_contribution()
    result = table[0][1]
    for table_year, months in table:
        if table_year > year:
            break
        result = months
    return result


def retirement_age(birth: date, sex: Sex, category: Category) -> RetirementAge:
    """Original and reformed retirement age for a birth month, with the flexible window.

    Earliest: statutory age - 36 months but never below the original age (so for men, whose delay
    is at most 36 months, it is always 60). Latest: statutory + 36 months, by agreement with the
    employer. Early retirement also needs the minimum contribution, which the caller checks against
    ``min_contribution_months`` (given for the statutory month: the law ties it to that year).
    A woman given only as ``EMPLOYEE`` raises ``PostNotGiven``: worker or cadre must be chosen.
    """
    schedule = _schedule(sex, Category(category))
    born = _month_index(birth.year, birth.month)
    statutory = schedule.original + schedule.delay(born)
    earliest = max(schedule.original, statutory - FLEXIBLE_MONTHS)
    retirement_index = born + statutory
    return RetirementAge(
        original_age_months=schedule.original,
        statutory_age_months=statutory,
        retirement_month=_month_label(retirement_index),
        earliest_month=_month_label(born + earliest),
        latest_month=_month_label(born + statutory + FLEXIBLE_MONTHS),
        min_contribution_months=min_contribution_months(retirement_index // 12),
    )


def special_retirement(birth: date, sex: Sex, kind: SpecialKind) -> RetirementAge:
    """The old special ages: arduous occupations (特殊工种) and certified total disability.

    Arduous: men 55, women 45, after the required years in the listed occupation. Total loss of
    working capacity certified by the labour appraisal committee: men 50, women 45. The reform
    left these to "other provisions", so the ages are unchanged, but eligibility is decided case by
    case; the result is therefore flagged ``needs_review`` and has no flexible window (earliest =
    latest = the month the age is reached).
    """
    if sex not in ("male", "female"):
        raise ValueError(f"性别无效：{sex!r}（应为 male 或 female）")
    try:
        age = _SPECIAL_AGES[(kind, sex)]
    except KeyError:
        raise ValueError(f"特殊退休类别无效：{kind!r}（应为 arduous 或 disability）") from None
    born = _month_index(birth.year, birth.month)
    month = _month_label(born + age)
    return RetirementAge(
        original_age_months=age,
        statutory_age_months=age,
        retirement_month=month,
        earliest_month=month,
        latest_month=month,
        min_contribution_months=min_contribution_months((born + age) // 12),
        needs_review=True,
    )
