"""Basic pension estimate for enterprise employees (国发〔2005〕38号).

Clerks give applicants a rough monthly figure before retirement; the fund's own calculation is the
binding one, so this module keeps to the published formula and says nothing about transitional
pensions (过渡性养老金) or local supplements, which depend on provincial rules:

* pooled part = (prior-year provincial average monthly wage + own indexed average contribution
  wage) / 2 × contribution years × 1%, where the indexed wage = average wage × average contribution
  index, so the pooled part = average wage × (1 + index) / 2 × years × 1%;
* individual-account part = account balance ÷ months divisor (计发月数), by age at retirement.

Money is ``Decimal`` from input to output; nothing is rounded on the way (not the years, not the
indexed wage). Each part is rounded half-up to the fen at the end, and the total is the sum of the
two rounded parts, so the figures the clerk reads out add up.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError, ValidationError
from forms.refdata import read_json

_DIVISOR_FILE = ("rules", "pension_divisors.json")
_DIVISORS = TypeAdapter(dict[str, int])
_FEN = Decimal("0.01")
_ONE_PERCENT = Decimal("0.01")
#: contribution indices outside this range are almost certainly typing errors (the base is capped
#: at 60%..300% of the average wage, so the average index is too)
_INDEX_MIN = Decimal("0.6")
_INDEX_MAX = Decimal("3.0")
#: no wage or account balance reaches this (ten billion yuan); beyond it an amount is a typing mistake, and
#: far beyond it the arithmetic leaves ``Decimal``'s precision (1e300 ended in ``InvalidOperation``)
AMOUNT_MAX = Decimal(10) ** 10
#: contribution months: 150 years is beyond any working life
MONTHS_MAX = 150 * 12


class PensionInputError(ValidationError, ValueError):
    """A bad input to the estimate: a form ``ValidationError`` that is also a ``ValueError``.

    Both, so that the UI shows it like any field error and plain callers (CLI, tests) can catch
    the ``ValueError`` a pure function is expected to raise.
    """


@dataclass(frozen=True)
class PensionEstimate:
    """Monthly amounts in yuan, each rounded half-up to 0.01."""

    pooled: Decimal
    account: Decimal
    total: Decimal
    divisor: int


@functools.lru_cache(maxsize=1)
def _load_divisors() -> dict[int, int]:
    """The divisor table keyed by whole years of age; read once, it changes only with the law.

    Checked for consecutive ages and strictly decreasing months, since a typo in a replaced file
    would otherwise silently change pensions.
    """
    where = "resources/" + "/".join(_DIVISOR_FILE)
    data = read_json(*_DIVISOR_FILE)
    try:
        raw = _DIVISORS.validate_python(data.get("divisors") if isinstance(data, dict) else None)
    except PydanticValidationError as exc:
        raise ConfigError(f"{where}: {exc}", user_message=f"参考数据文件格式错误：{where}") from exc
    if not raw or any(not re.fullmatch(r"\d{1,3}", age) for age in raw):
        raise ConfigError(f"{where}: ages must be whole numbers",
                          user_message=f"参考数据文件格式错误：{where}")
    table = dict(sorted((int(age), months) for age, months in raw.items()))
    ages = list(table)
    months = list(table.values())
    if ages != list(range(ages[0], ages[-1] + 1)) or months[-1] <= 0 or any(
            a <= b for a, b in itertools.pairwise(months)):
        raise ConfigError(f"{where}: need consecutive ages and decreasing positive months",
                          user_message=f"参考数据文件格式错误：{where}")
    return table


def months_divisor(age_months: int) -> int:
    """计发月数 for the age at retirement, counted in whole years (months are dropped).

    The table is by whole years; provinces that interpolate for e.g. 60 years 6 months do so in
    their own systems. Ages the table does not cover raise ``PensionInputError`` (a ValueError).
    """
    table = _load_divisors()
    if age_months < 0:
        raise PensionInputError("age_months", f"退休年龄不能为负数：{age_months} 个月")
    years = age_months // 12
    if years not in table:
        low, high = min(table), max(table)
        raise PensionInputError(
            "age_months",
            f"退休年龄 {years} 周岁不在计发月数表范围内（{low}–{high} 周岁），无法估算个人账户养老金")
    return table[years]


def _check(field: str, value: Decimal, label: str) -> None:
    if not value.is_finite() or value < 0:
        raise PensionInputError(field, f"{label}不能为负数或无效值：{value}")
    if value > AMOUNT_MAX:
        raise PensionInputError(field, f"{label}超出合理范围：{value}（不能大于 {AMOUNT_MAX:,}），请核对")


def estimate_pension(*, age_months: int, contribution_months: int, avg_wage: Decimal,
                     index: Decimal, account: Decimal) -> PensionEstimate:
    """Monthly basic pension from the 2005 formula; see the module docstring.

    ``avg_wage``: prior-year provincial average monthly wage (the basis of the pooled part);
    ``index``: own average contribution index (0.6–3.0); ``account``: individual account balance.
    Contribution months count as years pro rata (months / 12), as the formula is linear in them.
    """
    for field, value, label in (("avg_wage", avg_wage, "上年度社会平均工资"),
                                ("index", index, "平均缴费指数"),
                                ("account", account, "个人账户储存额")):
        if not isinstance(value, Decimal):
            raise PensionInputError(field, f"{label}须为精确小数（Decimal），收到 {type(value).__name__}")
        _check(field, value, label)
    if contribution_months < 0:
        raise PensionInputError("contribution_months", f"缴费月数不能为负数：{contribution_months}")
    if contribution_months > MONTHS_MAX:
        raise PensionInputError("contribution_months", f"缴费月数超出合理范围（不能大于 {MONTHS_MAX}），请核对")
    if avg_wage == 0:
        raise PensionInputError("avg_wage", "上年度社会平均工资必须大于零")
    if not _INDEX_MIN <= index <= _INDEX_MAX:
        raise PensionInputError(
            "index", f"平均缴费指数 {index} 超出合理范围（{_INDEX_MIN}–{_INDEX_MAX}），请核对")
    divisor = months_divisor(age_months)
    years = Decimal(contribution_months) / Decimal(12)
    pooled = (avg_wage + avg_wage * index) / 2 * years * _ONE_PERCENT
    from_account = account / Decimal(divisor)
    pooled_fen = pooled.quantize(_FEN, rounding=ROUND_HALF_UP)
    account_fen = from_account.quantize(_FEN, rounding=ROUND_HALF_UP)
    return PensionEstimate(
        pooled=pooled_fen,
        account=account_fen,
        total=pooled_fen + account_fen,
        divisor=divisor,
    )
