"""Survivor benefits on the death of an insured person (遗属待遇, 人社部发〔2021〕18号, DOMAIN §7).

For a death from illness or other non-work causes the pooled fund pays the survivors once:
a funeral grant (丧葬补助金) of 2 months and a survivor payment (抚恤金) of a number of months that
grows with the contribution years, both in units of the province's prior-year urban monthly
per-capita disposable income. That income changes every year, so it is an argument here (reference
data), never a constant. Work-related deaths follow the work-injury rules and are not computed here.

Years count to the month (28 years 9 months is 28.75 years), so the month counts are fractional;
everything is ``Decimal`` and rounded half-up only at the end, to 0.01, as the receipt shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
_TWELVE = Decimal(12)
_FUNERAL_MONTHS = Decimal(2)
_FLOOR_MONTHS = Decimal(9)       # 10-15 contribution years, and the least a pensioner's survivors get
_CAP_MONTHS = Decimal(24)        # reached at 30 contribution years
#: a monthly income no province reaches (ten million yuan): beyond it the figure is a mistake
INCOME_MAX = Decimal(10) ** 7


@dataclass(frozen=True)
class SurvivorBenefits:
    """Amounts in yuan, months as a count, all to 0.01."""

    funeral_grant: Decimal
    survivor_months: Decimal
    survivor_payment: Decimal


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _months_for_contributions(contribution_months: int) -> Decimal:
    """抚恤金 months from contribution years: <5 → 3, 5-<10 → 6, 10-15 → 9, then +1 per year, ≤ 24."""
    years = Decimal(contribution_months) / _TWELVE
    if years < 5:
        return Decimal(3)
    if years < 10:
        return Decimal(6)
    if years <= 15:
        return _FLOOR_MONTHS
    return min(_FLOOR_MONTHS + (years - 15), _CAP_MONTHS)


def survivor_months(contribution_months: int, pension_months: int | None = None) -> Decimal:
    """Unrounded 抚恤金 months; for a pensioner, minus one month per year of pension drawn, at least 9.

    The pensioner's floor of 9 applies whatever the contribution years: a pensioner's survivors
    are never worse off than those of a contributor with 10-15 years.
    """
    if contribution_months < 0:
        raise ValueError("contribution_months must not be negative")
    months = _months_for_contributions(contribution_months)
    if pension_months is None:
        return months
    if pension_months < 0:
        raise ValueError("pension_months must not be negative")
    return max(months - Decimal(pension_months) / _TWELVE, _FLOOR_MONTHS)


def survivor_benefits(*, contribution_months: int, monthly_income: Decimal,
                      pension_months: int | None = None) -> SurvivorBenefits:
    """Funeral grant and survivor payment for a non-work death.

    ``monthly_income`` is the province's prior-year urban monthly per-capita disposable income;
    ``pension_months`` is given when the deceased was already drawing a pension. The payment is
    computed from the unrounded months, so it is exact to the cent.
    """
    if not monthly_income.is_finite() or monthly_income < 0:
        raise ValueError("monthly_income must be a finite amount, not negative")
    if monthly_income > INCOME_MAX:
        raise ValueError(f"monthly_income beyond any real figure (at most {INCOME_MAX}): {monthly_income}")
    months = survivor_months(contribution_months, pension_months)
    return SurvivorBenefits(
        funeral_grant=_round(monthly_income * _FUNERAL_MONTHS),
        survivor_months=_round(months),
        survivor_payment=_round(monthly_income * months),
    )


def overpaid_months(*, death: date, paid_through: date) -> int:
    """Months of pension paid after the month of death (the pension stops from the month after).

    ``paid_through`` is any day of the last month paid; a monthly pension is paid for whole months,
    so the day within the month does not matter.
    """
    months = (paid_through.year * 12 + paid_through.month) - (death.year * 12 + death.month)
    return max(months, 0)


def pension_overpayment(*, death: date, paid_through: date, monthly_pension: Decimal) -> Decimal:
    """The pension paid after death, to be recovered (《社会保险经办条例》第四十六条), in yuan to 0.01."""
    if not monthly_pension.is_finite() or monthly_pension < 0:
        raise ValueError("monthly_pension must be a finite amount, not negative")
    if monthly_pension > INCOME_MAX:
        raise ValueError(f"monthly_pension beyond any real pension (at most {INCOME_MAX}): {monthly_pension}")
    return _round(monthly_pension * overpaid_months(death=death, paid_through=paid_through))
