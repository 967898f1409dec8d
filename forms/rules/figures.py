"""Provincial yearly figures: average wage, urban disposable income, contribution-base ratios.

The pension formula uses the prior-year provincial average monthly wage, the survivor benefits the
prior-year urban monthly per-capita disposable income, and the contribution base is bounded by
ratios of that same wage (DOMAIN §6, §7). These figures are published once a year, per province, by
the statistics bureau and the human-resources department, so they are data
(``resources/rules/figures/<province>.json``) that the central system can replace, never constants.

Years in the data are *statistical* years (the year the wage or income was measured); the methods
here take the year of the event (retirement, death, contribution) and look up the year before, so
that the off-by-one lives in exactly one place. A figure that is missing raises ``MissingFigures``
instead of falling back on an older year: a survivor payment computed from last year's income
would be printed on a decision and be wrong.

Amounts are ``Decimal`` from the file to the result; they are written as strings in JSON so that no
float ever touches them. Monthly figures are the annual figure / 12 rounded half-up to the fen.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError
from core.files import REFERENCE_LIMIT, read_text_bounded
from forms.refdata import resource_file

__all__ = [
    "MissingFigures",
    "ProvincialFigures",
    "YearFigures",
    "available_provinces",
    "figures_from_data",
    "load_figures",
]

_FIGURES_DIR = ("rules", "figures")
_PROVINCE = re.compile(r"^\d{2}$")
_YEAR_KEY = re.compile(r"^\d{4}$")
_FEN = Decimal("0.01")
_MONTHS = Decimal(12)

#: Chinese names of the figures (keyed by their JSON names), for messages to the clerk
_FIGURE_ZH = {
    "avg_wage_annual": "全口径城镇单位就业人员平均工资",
    "urban_disposable_income_annual": "城镇居民人均可支配收入",
}


class MissingFigures(ConfigError):
    """The terminal lacks a province's figure for a year (or the whole year).

    ``figure`` is the JSON name of the missing figure (``avg_wage_annual``,
    ``urban_disposable_income_annual``), ``None`` when the whole year is missing.
    """

    hint = "请同步中心系统参考数据，或联系系统管理员更新统计数据。"

    def __init__(self, province: str, name: str, year: int, figure: str | None = None) -> None:
        what = "统计数据" if figure is None else _FIGURE_ZH.get(figure, figure)
        super().__init__(f"no {figure or 'figures'} for province {province} in {year}",
                         user_message=f"缺少{name}{year}年{what}，请更新参考数据。",
                         province=province, year=year, figure=figure)
        self.province = province
        self.year = year
        self.figure = figure


# -- the JSON shape -----------------------------------------------------------------------------
# Amounts are strings here and become Decimals in ``_amount``: pydantic's lax Decimal would accept
# JSON floats, which is exactly what the data must not contain.

class _YearModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    avg_wage_annual: str | None = None
    urban_disposable_income_annual: str | None = None
    source: str


class _BaseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    floor_ratio: str
    ceiling_ratio: str


class _UpdateModel(BaseModel):
    """The shape of an update: the shipped file's shape with every key optional."""

    model_config = ConfigDict(extra="forbid", strict=True)

    province: str | None = None
    name: str | None = None
    years: dict[str, _YearModel] = {}
    contribution_base: _BaseModel | None = None


def _bad(where: str, detail: str) -> ConfigError:
    return ConfigError(f"provincial figures {where}: {detail}", user_message=f"统计数据有误：{where}（{detail}）")


def _pydantic_problem(exc: PydanticValidationError) -> str:
    """The first problem pydantic found, as ``path: message`` (the clerk's admin needs the key)."""
    first = exc.errors()[0]
    path = ".".join(str(part) for part in first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        return f"{path}：未知字段"
    if kind == "missing":
        return f"{path}：缺少字段"
    if kind == "string_type":
        return f"{path}：应为字符串（金额和比例请写成字符串，如 \"85000\"）"
    return f"{path}：{first['msg']}"


#: no annual wage or income figure reaches a hundred million yuan, and no ratio does: beyond it a figure is
#: a mistake, and far beyond it (1e30) the monthly division leaves ``Decimal``'s precision (issue 17)
FIGURE_MAX = Decimal(10) ** 8


def _amount(where: str, text: str, *, positive: bool = False) -> Decimal:
    """A non-negative finite Decimal up to ``FIGURE_MAX`` from its string form (positive when ``positive``)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _bad(where, f"不是数字：{text!r}") from None
    if not value.is_finite():
        raise _bad(where, f"不是有限数字：{text!r}")
    if value < 0 or (positive and value == 0):
        raise _bad(where, f"必须{'大于零' if positive else '不小于零'}：{text}")
    if value > FIGURE_MAX:
        raise _bad(where, f"超出合理范围：{text}（不能大于 {FIGURE_MAX:,}）")
    return value


def _monthly(annual: Decimal) -> Decimal:
    return (annual / _MONTHS).quantize(_FEN, rounding=ROUND_HALF_UP)


def _parse_update(data: object, where: str) -> _UpdateModel:
    if not isinstance(data, Mapping):
        raise _bad(where, "顶层应为对象")
    try:
        return _UpdateModel.model_validate(dict(data))
    except PydanticValidationError as exc:
        raise _bad(where, _pydantic_problem(exc)) from exc


def _parse_years(years: Mapping[str, _YearModel]) -> dict[int, YearFigures]:
    result: dict[int, YearFigures] = {}
    for key, item in years.items():
        if not _YEAR_KEY.fullmatch(key):
            raise _bad(f"years.{key}", "年份应为4位数字")
        where = f"years.{key}"
        if not item.source.strip():
            raise _bad(where, "source 不能为空：每个数字都要注明出处")
        wage = None if item.avg_wage_annual is None else _amount(f"{where}.avg_wage_annual", item.avg_wage_annual)
        income = (None if item.urban_disposable_income_annual is None
                  else _amount(f"{where}.urban_disposable_income_annual", item.urban_disposable_income_annual))
        result[int(key)] = YearFigures(year=int(key), avg_wage_annual=wage,
                                       urban_disposable_income_annual=income, source=item.source.strip())
    return result


def _parse_ratios(base: _BaseModel) -> tuple[Decimal, Decimal]:
    floor = _amount("contribution_base.floor_ratio", base.floor_ratio, positive=True)
    ceiling = _amount("contribution_base.ceiling_ratio", base.ceiling_ratio, positive=True)
    if ceiling < floor:
        raise _bad("contribution_base", f"上限比例 {ceiling} 小于下限比例 {floor}")
    return floor, ceiling


# -- the figures --------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearFigures:
    """One statistical year of one province; a figure not (yet) published is ``None``."""

    year: int
    avg_wage_annual: Decimal | None
    urban_disposable_income_annual: Decimal | None
    source: str


@dataclass(frozen=True)
class ProvincialFigures:
    """A province's figures by statistical year, and the contribution-base ratios.

    ``years`` is a read-only mapping: the object may be shared by several screens, and an update
    goes through ``with_updates``, which returns a new object.
    """

    province: str
    name: str
    years: Mapping[int, YearFigures] = field(hash=False)
    floor_ratio: Decimal
    ceiling_ratio: Decimal

    def __post_init__(self) -> None:
        # freeze whatever mapping the caller passed, so ``figures.years[2024] = ...`` cannot happen
        object.__setattr__(self, "years", MappingProxyType(dict(self.years)))

    def with_updates(self, data: Mapping[str, object]) -> ProvincialFigures:
        """These figures with the years in ``data`` (same JSON shape, every key optional) replaced.

        A year is replaced as a whole, figures and source together: the source names one
        publication, and merging figure by figure could pair a corrected wage with the old notice,
        or keep an income that the central system has withdrawn. ``contribution_base``, when
        present, replaces the ratios. ``province``, when present, must be this province, so that an
        override for another province is refused rather than silently mixed in.
        """
        update = _parse_update(data, "更新数据")
        if update.province is not None and update.province != self.province:
            raise _bad("province", f"更新数据属于省份 {update.province}，不是 {self.province}")
        years = {**self.years, **_parse_years(update.years)}
        floor, ceiling = (self.floor_ratio, self.ceiling_ratio) if update.contribution_base is None \
            else _parse_ratios(update.contribution_base)
        name = self.name if update.name is None or not update.name.strip() else update.name.strip()
        return ProvincialFigures(province=self.province, name=name, years=years,
                                 floor_ratio=floor, ceiling_ratio=ceiling)

    def year(self, year: int) -> YearFigures:
        """The figures of statistical year ``year``; ``MissingFigures`` if the year is absent."""
        try:
            return self.years[year]
        except KeyError:
            raise MissingFigures(self.province, self.name, year) from None

    def _figure(self, year: int, figure: str) -> Decimal:
        """One figure of statistical ``year``; ``MissingFigures`` naming that figure if absent.

        A missing year is reported as the missing figure too: the clerk needs to know what to ask
        the administrator for, not that some year is incomplete.
        """
        figures = self.years.get(year)
        value: Decimal | None = None if figures is None else getattr(figures, figure)
        if value is None:
            raise MissingFigures(self.province, self.name, year, figure)
        return value

    def pension_base_wage(self, retirement_year: int) -> Decimal:
        """The prior-year average monthly wage used as the pension base (养老金计发基数)."""
        return _monthly(self._figure(retirement_year - 1, "avg_wage_annual"))

    def survivor_monthly_income(self, death_year: int) -> Decimal:
        """The prior-year urban monthly per-capita disposable income (funeral grant, survivor payment)."""
        return _monthly(self._figure(death_year - 1, "urban_disposable_income_annual"))

    def contribution_base_range(self, year: int) -> tuple[Decimal, Decimal]:
        """(floor, ceiling) of the monthly contribution base for contributions in ``year``.

        Each is the ratio × the prior-year average monthly wage as announced, i.e. already rounded
        to the fen (the notices publish the monthly wage, then 60% and 300% of that number), and
        the product is rounded half-up to the fen again.
        """
        wage = self.pension_base_wage(year)
        return ((self.floor_ratio * wage).quantize(_FEN, rounding=ROUND_HALF_UP),
                (self.ceiling_ratio * wage).quantize(_FEN, rounding=ROUND_HALF_UP))


def figures_from_data(data: object) -> ProvincialFigures:
    """Figures from one parsed JSON document; ``ConfigError`` naming the problem if it is bad."""
    update = _parse_update(data, "数据")
    if update.province is None or not _PROVINCE.fullmatch(update.province):
        raise _bad("province", f"省份代码应为2位数字：{update.province!r}")
    if update.name is None or not update.name.strip():
        raise _bad("name", "缺少省份名称")
    if update.contribution_base is None:
        raise _bad("contribution_base", "缺少缴费基数上下限比例")
    floor, ceiling = _parse_ratios(update.contribution_base)
    return ProvincialFigures(province=update.province, name=update.name.strip(),
                             years=_parse_years(update.years), floor_ratio=floor, ceiling_ratio=ceiling)


def available_provinces() -> list[str]:
    """The 2-digit codes of the provinces with a shipped figures file, sorted."""
    folder = resource_file(*_FIGURES_DIR)
    if not folder.is_dir():
        return []
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.name.endswith(".json") and _PROVINCE.fullmatch(entry.name.removesuffix(".json")))


def load_figures(province: str, extra: Path | None = None) -> ProvincialFigures:
    """The shipped figures of ``province``, then ``extra`` (an override file) applied on top."""
    if not _PROVINCE.fullmatch(province):
        raise ConfigError(f"province code must be 2 digits: {province!r}",
                          user_message=f"省份代码无效：{province}（应为2位数字，如 61）")
    node = resource_file(*_FIGURES_DIR, f"{province}.json")
    where = "/".join((*_FIGURES_DIR, f"{province}.json"))
    if not node.is_file():
        raise ConfigError(f"no figures for province {province}",
                          user_message=f"没有{province}省份的统计数据，请更新参考数据或检查省份代码。",
                          province=province)
    try:
        data: object = json.loads(read_text_bounded(node, REFERENCE_LIMIT, "统计数据文件"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"cannot read resources/{where}: {exc}",
                          user_message=f"参考数据文件格式错误：resources/{where}") from exc
    figures = figures_from_data(data)
    if figures.province != province:
        raise _bad(where, f"文件中的省份代码 {figures.province} 与文件名不符")
    if extra is None:
        return figures
    try:
        override: object = json.loads(read_text_bounded(extra, REFERENCE_LIMIT, "统计数据文件"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ConfigError(f"cannot read figures override {extra}: {exc}",
                          user_message=f"统计数据文件无法读取：{extra}") from exc
    if not isinstance(override, Mapping):
        raise _bad(str(extra), "顶层应为对象")
    return figures.with_updates(override)
