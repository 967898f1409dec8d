"""Provincial yearly figures: prior-year lookups, rounding, updates, bad data, the shipped files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.errors import ConfigError
from forms.rules.figures import (
    MissingFigures,
    ProvincialFigures,
    available_provinces,
    figures_from_data,
    load_figures,
)


def data(years: dict[str, dict[str, str]] | None = None, **top: Any) -> dict[str, Any]:
    """A figures document; every test states the figures its expectations are computed from."""
    doc: dict[str, Any] = {
        "province": "61", "name": "陕西省",
        "years": years if years is not None else {},
        "contribution_base": {"floor_ratio": "0.6", "ceiling_ratio": "3"},
    }
    doc.update(top)
    return doc


# annual figures chosen so that /12 has a third decimal of 5 (half-up matters) or not
WAGES = {"2023": "90006", "2024": "96000.30"}      # 7500.50, 8000.025 -> 8000.03
INCOMES = {"2023": "44718", "2024": "46821"}       # 3726.50, 3901.75


@pytest.fixture
def figures() -> ProvincialFigures:
    years = {year: {"avg_wage_annual": WAGES[year], "urban_disposable_income_annual": INCOMES[year],
                    "source": f"test {year}"} for year in WAGES}
    return figures_from_data(data(years))


@pytest.mark.parametrize(
    ("event_year", "expected"),
    [
        (2024, Decimal("7500.50")),   # 2023 figure 90006 / 12 = 7500.5
        (2025, Decimal("8000.03")),   # 2024 figure 96000.30 / 12 = 8000.025 -> half-up
    ],
)
def test_pension_base_wage_uses_prior_year(figures: ProvincialFigures, event_year: int, expected: Decimal) -> None:
    assert figures.pension_base_wage(event_year) == expected
    assert figures.pension_base_wage(event_year) == (
        Decimal(WAGES[str(event_year - 1)]) / 12).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize(
    ("event_year", "expected"),
    [
        (2024, Decimal("3726.50")),   # 2023 figure 44718 / 12
        (2025, Decimal("3901.75")),   # 2024 figure 46821 / 12
    ],
)
def test_survivor_monthly_income_uses_prior_year(figures: ProvincialFigures, event_year: int,
                                                  expected: Decimal) -> None:
    assert figures.survivor_monthly_income(event_year) == expected


@pytest.mark.parametrize(
    ("annual", "monthly"),
    [
        ("12000.06", Decimal("1000.01")),    # 1000.005 -> up
        ("12000.05", Decimal("1000.00")),    # 1000.00416..
        ("12000.18", Decimal("1000.02")),    # 1000.015 -> up (banker's rounding would give 1000.02 too)
        ("12000.30", Decimal("1000.03")),    # 1000.025 -> up (banker's would give 1000.02)
        ("0", Decimal("0.00")),
    ],
)
def test_monthly_rounding_half_up(annual: str, monthly: Decimal) -> None:
    figures = figures_from_data(data({"2024": {"avg_wage_annual": annual, "urban_disposable_income_annual": annual,
                                               "source": "s"}}))
    assert figures.pension_base_wage(2025) == monthly
    assert figures.survivor_monthly_income(2025) == monthly


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # floor/ceiling = ratio x the announced (rounded) monthly wage of the year before, half-up
        (2024, (Decimal("4500.30"), Decimal("22501.50"))),   # 0.6 / 3 x 7500.50
        (2025, (Decimal("4800.02"), Decimal("24000.09"))),   # 0.6 / 3 x 8000.03 (not 8000.025)
    ],
)
def test_contribution_base_range(figures: ProvincialFigures, year: int, expected: tuple[Decimal, Decimal]) -> None:
    assert figures.contribution_base_range(year) == expected


def test_ratios_come_from_the_data() -> None:
    figures = figures_from_data(data({"2024": {"avg_wage_annual": "120000", "source": "s"}},
                                     contribution_base={"floor_ratio": "0.4", "ceiling_ratio": "2.5"}))
    assert figures.contribution_base_range(2025) == (Decimal("4000.00"), Decimal("25000.00"))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.pension_base_wage(2027), "缺少陕西省2026年全口径城镇单位就业人员平均工资，请更新参考数据。"),
        (lambda f: f.survivor_monthly_income(2026), "缺少陕西省2025年城镇居民人均可支配收入，请更新参考数据。"),
        (lambda f: f.contribution_base_range(2023), "缺少陕西省2022年全口径城镇单位就业人员平均工资，请更新参考数据。"),
        (lambda f: f.year(2030), "缺少陕西省2030年统计数据，请更新参考数据。"),
    ],
)
def test_missing_year(figures: ProvincialFigures, call: Any, message: str) -> None:
    with pytest.raises(MissingFigures) as info:
        call(figures)
    assert info.value.user_message == message
    assert isinstance(info.value, ConfigError)
    assert str(info.value).isascii()


def test_missing_single_figure_in_a_present_year() -> None:
    figures = figures_from_data(data({"2024": {"urban_disposable_income_annual": "46821", "source": "s"}}))
    assert figures.survivor_monthly_income(2025) == Decimal("3901.75")
    with pytest.raises(MissingFigures, match="avg_wage_annual") as info:
        figures.pension_base_wage(2025)
    assert info.value.year == 2024 and info.value.figure == "avg_wage_annual"
    assert figures.year(2024).avg_wage_annual is None


def test_with_updates_replaces_whole_years_and_adds_new(figures: ProvincialFigures) -> None:
    updated = figures.with_updates({"years": {
        "2024": {"avg_wage_annual": "120000", "source": "更正"},    # income withdrawn with the update
        "2025": {"urban_disposable_income_annual": "60000", "source": "新"},
    }})
    assert updated.pension_base_wage(2025) == Decimal("10000.00")
    assert updated.year(2024).urban_disposable_income_annual is None
    assert updated.year(2024).source == "更正"
    with pytest.raises(MissingFigures):
        updated.survivor_monthly_income(2025)
    assert updated.survivor_monthly_income(2026) == Decimal("5000.00")
    assert updated.year(2023) == figures.year(2023)           # untouched year kept
    # the original is unchanged (updates return a new object)
    assert figures.survivor_monthly_income(2025) == Decimal("3901.75")
    assert 2025 not in figures.years


def test_with_updates_ratios_and_province_check(figures: ProvincialFigures) -> None:
    updated = figures.with_updates({"contribution_base": {"floor_ratio": "0.5", "ceiling_ratio": "3"}})
    assert updated.floor_ratio == Decimal("0.5") and updated.years == figures.years
    with pytest.raises(ConfigError, match="不是 61"):
        figures.with_updates({"province": "44", "years": {}})
    with pytest.raises(ConfigError, match="未知字段"):
        figures.with_updates({"yeras": {}})


def test_years_are_read_only(figures: ProvincialFigures) -> None:
    with pytest.raises(TypeError):
        figures.years[2030] = figures.year(2024)  # type: ignore[index]


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ([], "顶层应为对象"),
        (data(province="6"), "省份代码应为2位数字"),
        (data(province="610"), "省份代码应为2位数字"),
        (data(name=""), "缺少省份名称"),
        (data({"24": {"avg_wage_annual": "1", "source": "s"}}), "年份应为4位数字"),
        (data({"2024x": {"avg_wage_annual": "1", "source": "s"}}), "年份应为4位数字"),
        (data({"2024": {"avg_wage_annual": "-1", "source": "s"}}), "不小于零"),
        (data({"2024": {"avg_wage_annual": "NaN", "source": "s"}}), "不是有限数字"),
        (data({"2024": {"avg_wage_annual": "Infinity", "source": "s"}}), "不是有限数字"),
        (data({"2024": {"urban_disposable_income_annual": "abc", "source": "s"}}), "不是数字"),
        (data({"2024": {"avg_wage_annual": 96000.3, "source": "s"}}), "应为字符串"),   # no floats
        (data({"2024": {"avg_wage_annual": "1"}}), "years.2024.source：缺少字段"),
        (data({"2024": {"avg_wage_annual": "1", "source": " "}}), "source 不能为空"),
        (data({"2024": {"avg_wage": "1", "source": "s"}}), "years.2024.avg_wage：未知字段"),
        (data(extra="x"), "extra：未知字段"),
        (data(contribution_base={"floor_ratio": "0.6"}), "ceiling_ratio：缺少字段"),
        (data(contribution_base={"floor_ratio": "3", "ceiling_ratio": "0.6"}), "小于下限比例"),
        (data(contribution_base={"floor_ratio": "0", "ceiling_ratio": "3"}), "大于零"),
        ({"province": "61", "name": "陕西省", "years": {}}, "缺少缴费基数上下限比例"),
    ],
)
def test_bad_data_refused(doc: object, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        figures_from_data(doc)
    assert not isinstance(info.value, MissingFigures)
    assert problem in info.value.user_message


def test_override_file(tmp_path: Path) -> None:
    shipped = load_figures("61")
    extra = tmp_path / "figures.json"
    extra.write_text(json.dumps({"province": "61", "years": {
        "2030": {"avg_wage_annual": "150000.06", "urban_disposable_income_annual": "72000", "source": "override"},
    }}), encoding="utf-8")
    figures = load_figures("61", extra)
    assert figures.pension_base_wage(2031) == Decimal("12500.01")        # 12500.005 half-up
    assert figures.survivor_monthly_income(2031) == Decimal("6000.00")
    assert {y: figures.year(y) for y in shipped.years} == dict(shipped.years)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "无法读取"),
        ("[1, 2]", "顶层应为对象"),
        (json.dumps({"province": "11", "years": {}}), "不是 61"),
    ],
)
def test_bad_override_file(tmp_path: Path, content: str, problem: str) -> None:
    extra = tmp_path / "figures.json"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_figures("61", extra)
    assert problem in info.value.user_message


def test_missing_override_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_figures("61", tmp_path / "absent.json")


@pytest.mark.parametrize(("province", "message"), [("45", "没有45省份的统计数据"), ("6", "省份代码无效"),
                                                   ("../61", "省份代码无效")])
def test_unknown_province(province: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_figures(province)
    assert message in info.value.user_message


def test_available_provinces() -> None:
    provinces = available_provinces()
    assert {"00", "61"} <= set(provinces)
    assert provinces == sorted(provinces)


@pytest.mark.parametrize("province", available_provinces())
def test_every_shipped_file_loads_and_cites_its_sources(province: str) -> None:
    figures = load_figures(province)
    assert figures.province == province and figures.name
    assert figures.years, f"{province}: no years"
    assert figures.floor_ratio <= figures.ceiling_ratio
    for year, item in figures.years.items():
        assert item.year == year
        assert item.source.strip(), f"{province} {year}: no source"
        assert item.avg_wage_annual is not None or item.urban_disposable_income_annual is not None


def test_shipped_figures_match_published_sources() -> None:
    """The shipped numbers against their publications (the only test that reads the shipped values).

    National urban per-capita disposable income, 国家统计局《居民收入和消费支出情况》:
    2022: 49283 (published 2023-01-17), 2023: 51821 (2024-01-17), 2024: 54188 (2025-01).
    Shaanxi urban per-capita disposable income: 2021: 40713 (陕西省统计局, 2022-05); 2022: 42431
    (国家统计局陕西调查总队); 2024: 46821 = 53678 (Xi'an, 国家统计局西安调查队, reported by
    三秦都市报 2025-01-25) − 6857 (Xi'an above the province, same report). Xi'an is also reported
    510 below the national 54188, which checks the national 2024 figure.
    """
    national = load_figures("00")
    expected_national = {2022: "49283", 2023: "51821", 2024: "54188"}
    assert {y: national.year(y).urban_disposable_income_annual for y in expected_national} == {
        y: Decimal(v) for y, v in expected_national.items()}
    assert Decimal(53678) + 510 == national.year(2024).urban_disposable_income_annual

    shaanxi = load_figures("61")
    expected_shaanxi = {2021: "40713", 2022: "42431", 2024: "46821"}
    assert {y: shaanxi.year(y).urban_disposable_income_annual for y in expected_shaanxi} == {
        y: Decimal(v) for y, v in expected_shaanxi.items()}
    assert Decimal(53678) - 6857 == shaanxi.year(2024).urban_disposable_income_annual
    assert shaanxi.name == "陕西省" and national.name == "全国"
    assert (shaanxi.floor_ratio, shaanxi.ceiling_ratio) == (Decimal("0.6"), Decimal("3"))
