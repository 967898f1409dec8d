"""Survivor benefits (人社部发〔2021〕18号) and pension overpayment after death."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms.rules.survivor import SurvivorBenefits, pension_overpayment, survivor_benefits

INCOME = Decimal("4000")


def months(contribution_months: int, pension_months: int | None = None) -> Decimal:
    return survivor_benefits(contribution_months=contribution_months, monthly_income=INCOME,
                             pension_months=pension_months).survivor_months


@pytest.mark.parametrize(
    ("contribution_months", "expected"),
    [
        (0, "3.00"), (59, "3.00"), (60, "6.00"), (119, "6.00"), (120, "9.00"), (180, "9.00"),
        (181, "9.08"), (192, "10.00"), (359, "23.92"), (360, "24.00"), (361, "24.00"), (600, "24.00"),
    ],
)
def test_bracket_boundaries(contribution_months: int, expected: str) -> None:
    assert months(contribution_months) == Decimal(expected)


def test_domain_worked_example() -> None:
    # 28 y 9 m contributions, 3.5 y of pension: 22.75 - 3.5 = 19.25 months
    result = survivor_benefits(contribution_months=345, monthly_income=Decimal("4000.00"), pension_months=42)
    assert result == SurvivorBenefits(
        funeral_grant=Decimal("8000.00"),
        survivor_months=Decimal("19.25"),
        survivor_payment=Decimal("77000.00"),
    )
    assert months(345) == Decimal("22.75")


def test_pensioner_floor_is_nine_months() -> None:
    assert months(360, pension_months=15 * 12) == Decimal("9.00")
    assert months(360, pension_months=20 * 12) == Decimal("9.00")
    assert months(200, pension_months=0) == months(200)
    assert months(60, pension_months=12) == Decimal("9.00")  # floor applies to pensioners whatever the years


def test_payment_uses_unrounded_months_and_rounds_half_up() -> None:
    # 181 months -> 9 + 1/12 months; 3333.33 * 109/12 = 30277.74749... -> 30277.75
    result = survivor_benefits(contribution_months=181, monthly_income=Decimal("3333.33"))
    assert result.survivor_months == Decimal("9.08")
    assert result.survivor_payment == Decimal("30277.75")
    assert result.funeral_grant == Decimal("6666.66")


def test_results_are_quantized_decimals() -> None:
    result = survivor_benefits(contribution_months=100, monthly_income=Decimal("3500.5"))
    for value in (result.funeral_grant, result.survivor_months, result.survivor_payment):
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"contribution_months": -1, "monthly_income": INCOME},
        {"contribution_months": 10, "monthly_income": Decimal("-1")},
        {"contribution_months": 10, "monthly_income": INCOME, "pension_months": -1},
    ],
)
def test_negative_inputs_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        survivor_benefits(**kwargs)  # type: ignore[arg-type]


def test_overpayment_across_a_year_boundary() -> None:
    # died in November: December and January were paid in error
    assert pension_overpayment(death=date(2024, 11, 20), paid_through=date(2025, 1, 31),
                               monthly_pension=Decimal("3210.55")) == Decimal("6421.10")


def test_overpayment_death_on_last_day_of_month() -> None:
    # the month of death is still due; the next months are not
    assert pension_overpayment(death=date(2025, 1, 31), paid_through=date(2025, 1, 31),
                               monthly_pension=Decimal("3000")) == Decimal("0.00")
    assert pension_overpayment(death=date(2025, 1, 31), paid_through=date(2025, 3, 1),
                               monthly_pension=Decimal("3000")) == Decimal("6000.00")


def test_no_overpayment_when_paid_through_before_death() -> None:
    assert pension_overpayment(death=date(2025, 6, 3), paid_through=date(2025, 4, 30),
                               monthly_pension=Decimal("3000")) == Decimal("0.00")
