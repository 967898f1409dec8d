"""Basic pension estimate: hand-computed examples, the divisor table, rounding and bad inputs."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from core.errors import ConfigError, ValidationError
from forms.refdata import read_json
from forms.rules import pension
from forms.rules.pension import PensionEstimate, estimate_pension, months_divisor

D = Decimal


@pytest.mark.parametrize(("age_months", "divisor"), [
    (40 * 12, 233), (50 * 12, 195), (51 * 12, 190), (55 * 12, 170), (56 * 12, 164),
    (60 * 12, 139), (61 * 12, 132), (63 * 12, 117), (65 * 12, 101), (70 * 12, 56),
    # whole years only: 50y11m is still 50, 60y1m is still 60, 63y11m still 63
    (50 * 12 + 11, 195), (60 * 12 + 1, 139), (63 * 12 + 11, 117), (70 * 12 + 11, 56),
])
def test_months_divisor(age_months: int, divisor: int) -> None:
    assert months_divisor(age_months) == divisor


def test_divisor_table_comes_from_resources() -> None:
    data = read_json("rules", "pension_divisors.json")
    assert isinstance(data, dict)
    for age, months in data["divisors"].items():
        assert months_divisor(int(age) * 12) == months


@pytest.mark.parametrize("age_months", [-1, 0, 39 * 12 + 11, 71 * 12])
def test_ages_outside_the_table(age_months: int) -> None:
    with pytest.raises(ValueError, match="退休年龄") as info:
        months_divisor(age_months)
    assert isinstance(info.value, ValidationError) and info.value.field == "age_months"


@pytest.mark.parametrize(("kwargs", "expected"), [
    # pooled = (8000 + 8000 × 1.2) / 2 × (360 / 12) × 1% = 8800 × 30 × 0.01 = 2640.00
    # account = 139000 / 139 (age 60) = 1000.00
    (dict(age_months=720, contribution_months=360, avg_wage=D("8000"), index=D("1.2"),
          account=D("139000")),
     PensionEstimate(D("2640.00"), D("1000.00"), D("3640.00"), 139)),
    # age 63y5m -> 63 -> divisor 117
    # pooled = (7000 + 7000 × 0.6) / 2 × (185 / 12) × 1% = 5600 × 15.41666… × 0.01 = 863.333… -> 863.33
    # account = 50000 / 117 = 427.3504… -> 427.35; total = 863.33 + 427.35 = 1290.68
    (dict(age_months=63 * 12 + 5, contribution_months=185, avg_wage=D("7000"), index=D("0.6"),
          account=D("50000")),
     PensionEstimate(D("863.33"), D("427.35"), D("1290.68"), 117)),
    # woman worker at 50 -> divisor 195
    # pooled = (6543.21 + 6543.21 × 3.0) / 2 × (300 / 12) × 1% = 13086.42 × 25 × 0.01 = 3271.605 -> 3271.61
    # account = 100000 / 195 = 512.8205… -> 512.82; total = 3784.43
    (dict(age_months=600, contribution_months=300, avg_wage=D("6543.21"), index=D("3.0"),
          account=D("100000")),
     PensionEstimate(D("3271.61"), D("512.82"), D("3784.43"), 195)),
])
def test_hand_computed_examples(kwargs: dict[str, object], expected: PensionEstimate) -> None:
    assert estimate_pension(**kwargs) == expected  # type: ignore[arg-type]


def test_rounding_is_half_up_and_the_parts_add_up() -> None:
    # pooled = (1000.5 + 1000.5 × 1) / 2 × (12 / 12) × 1% = 10.005 -> 10.01 (half-even gives 10.00)
    # account = 17.375 / 139 = 0.125 -> 0.13 (half-even gives 0.12)
    # total = 10.01 + 0.13 = 10.14 (the unrounded sum 10.130 would give 10.13)
    result = estimate_pension(age_months=720, contribution_months=12, avg_wage=D("1000.5"),
                              index=D("1"), account=D("17.375"))
    assert result == PensionEstimate(D("10.01"), D("0.13"), D("10.14"), 139)
    assert result.total == result.pooled + result.account


def test_no_contribution_and_empty_account_give_zero() -> None:
    result = estimate_pension(age_months=720, contribution_months=0, avg_wage=D("8000"),
                              index=D("1"), account=D("0"))
    assert result == PensionEstimate(D("0.00"), D("0.00"), D("0.00"), 139)
    assert str(result.total) == "0.00"


@pytest.mark.parametrize("index", [D("0.6"), D("3.0")])
def test_index_bounds_are_accepted(index: Decimal) -> None:
    estimate_pension(age_months=720, contribution_months=180, avg_wage=D("8000"), index=index,
                     account=D("1"))


_GOOD: dict[str, object] = dict(age_months=720, contribution_months=180, avg_wage=D("8000"),
                                index=D("1"), account=D("50000"))


@pytest.mark.parametrize(("field", "value"), [
    ("contribution_months", -1),
    ("avg_wage", D("0")),
    ("avg_wage", D("-1")),
    ("avg_wage", D("NaN")),
    ("avg_wage", 8000.0),
    ("index", D("0.59")),
    ("index", D("3.01")),
    ("index", D("-1")),
    ("account", D("-0.01")),
    ("account", D("Infinity")),
    ("age_months", 39 * 12),
    ("age_months", -5),
])
def test_bad_inputs(field: str, value: object) -> None:
    with pytest.raises(ValueError) as info:
        estimate_pension(**{**_GOOD, field: value})  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, ValidationError)
    assert error.field == field
    assert error.user_message  # a Chinese sentence for the clerk


@pytest.fixture
def fresh_divisor_cache() -> Iterator[None]:
    pension._load_divisors.cache_clear()
    yield
    pension._load_divisors.cache_clear()


@pytest.mark.usefixtures("fresh_divisor_cache")
@pytest.mark.parametrize("data", [
    {"divisors": {"60": 139, "62": 125}},     # a gap
    {"divisors": {"60": 139, "61": 140}},     # not decreasing
    {"divisors": {"60": "many"}},
    {"divisors": {}},
    ["not", "a", "table"],
])
def test_broken_divisor_file_is_a_config_error(monkeypatch: pytest.MonkeyPatch,
                                               data: object) -> None:
    monkeypatch.setattr(pension, "read_json", lambda *parts: data)
    with pytest.raises(ConfigError):
        months_divisor(720)
