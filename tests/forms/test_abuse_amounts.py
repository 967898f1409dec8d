"""Amounts beyond any real one typed into a form: the rule panels say so instead of failing (issue 17).

A monthly pension or an account balance of 1e300 and contribution months of 10**300 used to end in
``decimal.InvalidOperation`` inside the panel the clerk's window draws beside the form.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from forms.panels import retirement_summary, survivor_summary
from forms.rules.figures import load_figures
from forms.rules.pension import PensionInputError, estimate_pension
from forms.rules.survivor import pension_overpayment, survivor_benefits

HUGE = "1" + "0" * 300


@pytest.mark.parametrize(("account", "months"), [("1e300", "300"), ("1000", HUGE), ("1e300", HUGE)])
def test_retirement_panel_with_amounts_beyond_any_real_one(account: str, months: str, tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"  # a wage for the year before retirement, so the estimate is reached
    figures.write_text(json.dumps({"years": {"2024": {"avg_wage_annual": "90000", "source": "test"}}}),
                       encoding="utf-8")
    values = {"birth_date": "1965-03-01", "sex": "male", "insured_category": "employee", "retirement_type": "normal",
              "contribution_months": months, "deemed_contribution_months": "0", "avg_contribution_index": "1",
              "account_balance": account}
    summary = retirement_summary(values, load_figures("00", figures))
    texts = " ".join(row.value for row in summary.rows)
    assert "超出合理范围" in texts


def test_survivor_panel_with_a_monthly_pension_of_1e300() -> None:
    values = {"death_date": "2025-03-01", "death_cause": "illness", "was_pensioner": "yes", "pension_months": "12",
              "contribution_months": "300", "pension_paid_until": "2025-06", "monthly_pension": "1e300"}
    rows = survivor_summary(values, load_figures("00")).rows
    assert any("月养老金超出合理范围" in row.value for row in rows)


def test_the_rules_refuse_amounts_beyond_any_real_one() -> None:
    with pytest.raises(PensionInputError, match="超出合理范围"):
        estimate_pension(age_months=720, contribution_months=360, avg_wage=Decimal("1e300"), index=Decimal(1),
                         account=Decimal(1))
    with pytest.raises(PensionInputError, match="缴费月数超出合理范围"):
        estimate_pension(age_months=720, contribution_months=10**300, avg_wage=Decimal(8000), index=Decimal(1),
                         account=Decimal(1))
    with pytest.raises(ValueError, match="beyond any real"):
        survivor_benefits(contribution_months=300, monthly_income=Decimal("1e300"))
    with pytest.raises(ValueError, match="finite"):
        survivor_benefits(contribution_months=300, monthly_income=Decimal("NaN"))
    from datetime import date

    with pytest.raises(ValueError, match="beyond any real"):
        pension_overpayment(death=date(2025, 3, 1), paid_through=date(2025, 6, 1), monthly_pension=Decimal("1e300"))
