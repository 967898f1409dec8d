"""The retirement and survivor panels: rows computed from a half- or fully-filled form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forms.panels import Row, retirement_summary, survivor_summary
from forms.rules.figures import ProvincialFigures, figures_from_data
from forms.rules.pension import estimate_pension
from forms.rules.survivor import survivor_benefits


def figures(**years: dict[str, str]) -> ProvincialFigures:
    return figures_from_data({
        "province": "61", "name": "测试省",
        "years": {year.removeprefix("y"): {**data, "source": "测试数据"} for year, data in years.items()},
        "contribution_base": {"floor_ratio": "0.6", "ceiling_ratio": "3"},
    })


PROVINCE = figures(y2024={"avg_wage_annual": "96000", "urban_disposable_income_annual": "48000"},
                   y2029={"avg_wage_annual": "120000", "urban_disposable_income_annual": "60000"})
NATIONAL = figures(y2024={"urban_disposable_income_annual": "54188"})

#: a man born 1965-03: statutory age 60 + 1 month, so 2025-04; flexible 2025-03 .. 2028-04
MAN = {"birth_date": "1965-03-15", "sex": "male", "insured_category": "employee"}


def row(summary_rows: tuple[Row, ...], label: str) -> Row:
    return next(r for r in summary_rows if r.label == label)


def test_incomplete_form_asks_for_identity() -> None:
    summary = retirement_summary({"sex": "male"}, PROVINCE)
    assert [r.tone for r in summary.rows] == ["info"]


def test_statutory_month_and_window() -> None:
    rows = retirement_summary(MAN, PROVINCE).rows
    assert row(rows, "改革后法定退休年龄").value == "60周岁1个月"
    assert row(rows, "法定退休年月").value == "2025-04"
    assert row(rows, "弹性退休区间").value == "最早 2025-03，最迟 2028-04"


@pytest.mark.parametrize(
    ("kind", "month", "tone"),
    [
        ("normal", "2025-04", "ok"), ("normal", "2025-03", "warn"), ("normal", "2025-05", "warn"),
        ("flexible_early", "2025-03", "ok"), ("flexible_early", "2025-02", "warn"),
        ("flexible_early", "2025-04", "warn"),
        ("flexible_late", "2025-05", "ok"), ("flexible_late", "2028-04", "ok"), ("flexible_late", "2028-05", "warn"),
        ("flexible_late", "2025-04", "warn"),
    ],
)
def test_requested_month_against_the_kind_of_retirement(kind: str, month: str, tone: str) -> None:
    values = MAN | {"retirement_type": kind, "retirement_month": month, "contribution_months": "200"}
    assert row(retirement_summary(values, PROVINCE).rows, "申请退休年月").tone == tone


@pytest.mark.parametrize(
    ("month", "actual", "deemed", "tone"),
    [
        ("2025-04", "180", "", "ok"), ("2025-04", "179", "", "warn"), ("2025-04", "150", "30", "ok"),
        ("2028-04", "180", "", "ok"),  # minimum still 15 years until 2029
        ("2030-01", "185", "", "warn"), ("2030-01", "186", "", "ok"),  # 2030: 15.5 years
    ],
)
def test_contributions_against_the_minimum_of_the_retirement_year(month: str, actual: str, deemed: str,
                                                                   tone: str) -> None:
    values = MAN | {"retirement_type": "flexible_late", "retirement_month": month, "contribution_months": actual,
                    "deemed_contribution_months": deemed}
    contribution = row(retirement_summary(values, PROVINCE).rows, "累计缴费（含视同）")
    assert contribution.tone == tone
    assert f"（{month[:4]}年退休）" in contribution.value


def test_early_retirement_needs_the_minimum() -> None:
    values = MAN | {"retirement_type": "flexible_early", "retirement_month": "2025-03", "contribution_months": "179"}
    requested = row(retirement_summary(values, PROVINCE).rows, "申请退休年月")
    assert requested.tone == "warn" and "最低缴费年限" in requested.value


def test_pension_estimate_uses_the_prior_year_wage() -> None:
    values = MAN | {"retirement_type": "normal", "retirement_month": "2025-04", "contribution_months": "420",
                    "deemed_contribution_months": "36", "avg_contribution_index": "1.2", "account_balance": "98000"}
    rows = retirement_summary(values, PROVINCE).rows
    expected = estimate_pension(age_months=60 * 12 + 1, contribution_months=456, avg_wage=Decimal("8000.00"),
                                index=Decimal("1.2"), account=Decimal("98000"))
    assert row(rows, "计发基数").value.startswith("8,000.00 元（测试省2024年")
    assert row(rows, "月养老金估算").value.startswith(f"{expected.total:,.2f} 元")
    assert row(rows, "基础养老金").value == f"{expected.pooled:,.2f} 元"


def test_pension_without_the_year_figure_still_gives_the_account_part() -> None:
    values = MAN | {"retirement_type": "flexible_late", "retirement_month": "2026-04", "contribution_months": "420",
                    "avg_contribution_index": "1.0", "account_balance": "132000"}
    rows = retirement_summary(values, PROVINCE).rows  # 2026 needs the 2025 wage, which is missing
    assert row(rows, "基础养老金").tone == "warn"
    assert "2025" in row(rows, "基础养老金").value
    assert row(rows, "个人账户养老金").value == "1,000.00 元（计发月数 132）"  # aged 61 years 1 month: 132
    assert "月养老金估算" not in [r.label for r in rows]


def test_special_occupation_is_flagged_for_review() -> None:
    woman = {"birth_date": "1980-06-01", "sex": "female", "insured_category": "worker",
             "retirement_type": "special_occupation", "retirement_month": "2025-06"}
    rows = retirement_summary(woman, PROVINCE).rows
    assert row(rows, "特殊退休年龄").value.startswith("45周岁")
    assert row(rows, "法定退休年月").value == "2025-06"
    assert row(rows, "申请退休年月").tone == "info"
    assert "弹性退休区间" not in [r.label for r in rows]


DEATH = {"death_date": "2025-05-20", "death_cause": "illness", "was_pensioner": "yes", "pension_months": "42",
         "contribution_months": "345"}


def test_survivor_benefits_use_the_prior_year_income() -> None:
    rows = survivor_summary(DEATH, PROVINCE, NATIONAL).rows
    expected = survivor_benefits(contribution_months=345, monthly_income=Decimal("4000.00"), pension_months=42)
    assert row(rows, "计发标准").value.startswith("4,000.00 元/月（测试省2024年")
    assert row(rows, "抚恤金").value == f"{expected.survivor_payment:,.2f} 元（19.25个月）"
    assert row(rows, "丧葬补助金").value == "8,000.00 元（2个月）"
    assert row(rows, "合计").value == f"{expected.funeral_grant + expected.survivor_payment:,.2f} 元"


def test_a_worker_who_drew_no_pension() -> None:
    rows = survivor_summary(DEATH | {"was_pensioner": "no"}, PROVINCE, NATIONAL).rows
    assert row(rows, "抚恤金").value.endswith("（22.75个月）")


def test_missing_income_year_is_said_not_guessed() -> None:
    rows = survivor_summary(DEATH | {"death_date": "2026-01-05"}, PROVINCE, NATIONAL).rows
    assert row(rows, "丧葬补助金、抚恤金").tone == "warn"
    assert "2025" in row(rows, "丧葬补助金、抚恤金").value


def test_work_injury_follows_the_work_injury_rules() -> None:
    rows = survivor_summary(DEATH | {"death_cause": "work_injury"}, PROVINCE, NATIONAL).rows
    assert row(rows, "因工死亡").tone == "warn"
    assert row(rows, "一次性工亡补助金").value.startswith("1,083,760.00 元")  # 20 x 54188
    assert "抚恤金" not in [r.label for r in rows]


@pytest.mark.parametrize(
    ("paid_until", "monthly", "expected"),
    [
        ("2025-05", "3000", "未多发（养老金自死亡次月起停发）"),
        ("2025-04", "3000", "未多发（养老金自死亡次月起停发）"),
        ("2025-06", "3000", "多发 1 个月，应退回 3,000.00 元（条例第四十六条）"),
        ("2025-08", "3120.50", "多发 3 个月，应退回 9,361.50 元（条例第四十六条）"),
        ("2025-08", "", "多发 3 个月，填写月养老金后计算应退金额"),
    ],
)
def test_pension_paid_after_the_month_of_death(paid_until: str, monthly: str, expected: str) -> None:
    values = DEATH | {"pension_paid_until": paid_until, "monthly_pension": monthly}
    assert row(survivor_summary(values, PROVINCE, NATIONAL).rows, "死亡后养老金").value == expected


def test_no_overpayment_row_for_a_worker() -> None:
    values = DEATH | {"was_pensioner": "no", "pension_paid_until": "2025-08", "monthly_pension": "3000"}
    assert "死亡后养老金" not in [r.label for r in survivor_summary(values, PROVINCE, NATIONAL).rows]
