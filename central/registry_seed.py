"""A deterministic synthetic registry for the reference central system (``sicounter central seed``).

The lookups, certificates and the batch import's duplicate check need a registry to read; the real one is
the province's, which no test or demonstration may touch. This module makes one that looks and behaves like
it: the same seed gives the same rows, byte for byte, on SQLite and PostgreSQL alike, and every row keeps the
rules the terminal checks against (``forms.rules``), so a panel fed from a lookup never contradicts itself.

What holds for every seeded registry (tests/central/test_registry_seed.py checks it over the whole of one):

* ID numbers are valid (``stdnum.cn.ric``): a county code in use in the birth year (stdnum's own county table),
  the birth date, a sequence whose last digit says the sex (odd male, even female), the check character.
  Credit codes are valid (``stdnum.cn.uscc``), their organisation code with its own GB 11714 check character.
* Nobody contributes before the month of their 16th birthday, or after retiring or dying; a period's paid
  months never exceed its length (fewer only where an employer owes them: its arrears).
* Every period's base lies within the limits of every year it spans: 60 % to 300 % of the previous year's
  average monthly wage (``contribution_base_limits``; the province's figures where they have the wage, the
  national average wage of urban non-private units otherwise).
* Pensioners retired in the statutory month for their birth month, sex and post (``forms.rules.retirement``),
  with at least the minimum contribution months of that year (paid plus deemed months); nobody still working
  has reached the statutory age of the lowest post.
* An employer's insured staff are exactly the persons whose current unit it is; a cancelled employer has none
  and no period after it closed; the arrears of an employer are the months its current staff's last periods
  lack.

The distribution (fractions of ``persons``; of ``employers`` for units) is ``PERSON_MIX`` and ``EMPLOYER_MIX``
below and docs/sync-protocol.md, "The reference registry".
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import delete, func, select
from stdnum.cn import ric, uscc

from central.models import ContributionPeriodRow, EmployerRecordRow, PersonInsuranceRow, PersonRecordRow
from central.store import CentralStore
from core.errors import CounterError
from forms.rules.retirement import Category, retirement_age

__all__ = ["DEFAULT_AS_OF", "EMPLOYER_MIX", "PERSON_MIX", "RegistryAlreadySeeded", "SeedSummary",
           "contribution_base_limits", "month_index", "month_label", "seed_registry"]

#: the day the synthetic registry is "as of": fixed, so a seed never depends on the day it runs
DEFAULT_AS_OF = date(2026, 11, 30)
#: the registry's records begin with the individual accounts (1996); earlier work is deemed (视同缴费)
RECORDS_START = (1996, 1)
#: the province most persons and every employer belong to (its figures are in resources/rules/figures)
HOME_PROVINCE = "61"

#: what each person is, and how often (the rest of 1.0 after the others: employees)
PERSON_MIX: Mapping[str, float] = {
    "flexible": 0.12,  # 灵活就业人员, paying pension and medical themselves
    "never_insured": 0.07,  # registered (a card, an address) but never paid
    "suspended": 0.05,  # 中断缴费: left a job, paying nothing now
    "pensioner": 0.15,  # receiving a monthly pension
    "pension_suspended": 0.01,  # a pensioner whose pension is held (e.g. 资格认证 missed)
    "deceased": 0.03,  # died; the survivor panel's case
}
_EVERY_KIND = ("employee", *PERSON_MIX)
#: card states among persons who have a card (the never insured mostly have none)
CARD_MIX: Mapping[str, float] = {"lost": 0.05, "replaced": 0.04}
#: employer states, and the share of normal employers owing contributions
EMPLOYER_MIX: Mapping[str, float] = {"suspended": 0.05, "cancelled": 0.06, "arrears": 0.10}
INSURANCES = ("pension", "medical", "unemployment", "injury", "maternity")
FLEXIBLE_INSURANCES = ("pension", "medical")
#: employee + employer rates together, for the arrears amount (养老 24 %, 医疗 8 % + 单位 ~7 %, 失业 1 % …)
_ARREARS_RATE = Decimal("0.40")

#: average annual wage of urban non-private units, nationally (国家统计局), yuan; 2025-2026 extrapolated.
#: The stand-in where the province's figures (resources/rules/figures) lack the average wage.
NATIONAL_AVG_WAGE: Mapping[int, int] = {
    1994: 4538, 1995: 5348, 1996: 5980, 1997: 6444, 1998: 7446, 1999: 8319, 2000: 9333, 2001: 10834,
    2002: 12373, 2003: 13969, 2004: 15920, 2005: 18200, 2006: 20856, 2007: 24721, 2008: 28898, 2009: 32244,
    2010: 36539, 2011: 41799, 2012: 46769, 2013: 51483, 2014: 56360, 2015: 62029, 2016: 67569, 2017: 74318,
    2018: 82413, 2019: 90501, 2020: 97379, 2021: 106837, 2022: 114029, 2023: 120698, 2024: 124110,
    2025: 128500, 2026: 133000,
}
_FEN = Decimal("0.01")


class RegistryAlreadySeeded(CounterError):
    """The database holds a registry already: seeding again would mix two registries."""

    def __init__(self, persons: int, employers: int) -> None:
        super().__init__(f"registry already has {persons} persons and {employers} employers",
                         user_message=f"中心数据库中已有参保登记数据（{persons} 人、{employers} 个单位），未重复生成。",
                         hint="如需按新的参数重新生成，请加 --replace（将删除现有的人员、单位和缴费记录）。")


@dataclass(frozen=True)
class SeedSummary:
    persons: int
    employers: int
    periods: int
    #: how many persons of each kind (PERSON_MIX's keys and "employee")
    kinds: Mapping[str, int] = field(default_factory=dict)


def month_index(year: int, month: int) -> int:
    """Months since year 0, so month arithmetic is integer arithmetic."""
    return year * 12 + month - 1


@functools.lru_cache(maxsize=2048)
def month_label(index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def _birthday_month(birth: date, years: int) -> int:
    return month_index(birth.year + years, birth.month)


@functools.lru_cache(maxsize=1)
def _province_wages() -> Mapping[int, Decimal]:
    """Average annual wages the shipped provincial figures know (none may be there)."""
    from forms.rules.figures import load_figures

    figures = load_figures(HOME_PROVINCE)
    return {year: f.avg_wage_annual for year, f in figures.years.items() if f.avg_wage_annual is not None}


@functools.lru_cache(maxsize=256)
def contribution_base_limits(year: int) -> tuple[Decimal, Decimal]:
    """(floor, ceiling) of the monthly base in ``year``: 60 % and 300 % of the previous year's average monthly
    wage, rounded to the fen, from the province's figures where they have it, else ``NATIONAL_AVG_WAGE``."""
    annual = _province_wages().get(year - 1)
    if annual is None:
        annual = Decimal(NATIONAL_AVG_WAGE[min(max(year - 1, min(NATIONAL_AVG_WAGE)), max(NATIONAL_AVG_WAGE))])
    monthly = (annual / 12).quantize(_FEN, rounding=ROUND_HALF_UP)
    return ((Decimal("0.6") * monthly).quantize(_FEN, rounding=ROUND_HALF_UP),
            (Decimal("3") * monthly).quantize(_FEN, rounding=ROUND_HALF_UP))


# -- places, from stdnum's county table ---------------------------------------------------------------------


@dataclass(frozen=True)
class _County:
    code: str
    province: str
    prefecture: str
    county: str
    start: int
    end: int


def _parse_names(text: str) -> list[tuple[str, int, int]]:
    """``[1983-1999]城区,[2000-]王益区`` → [(城区, 1983, 1999), (王益区, 2000, 9999)]."""
    found = []
    for part in text.split(","):
        start, end = 0, 9999
        if part.startswith("["):
            span, part = part[1:].split("]", 1)
            first, last = span.split("-")
            start, end = int(first or 0), int(last or 9999)
        found.append((part, start, end))
    return found


@functools.lru_cache(maxsize=1)
def _counties() -> dict[str, list[_County]]:
    """County-level codes by province, with the years each was in use (stdnum's ``cn/loc.dat``)."""
    text = importlib.resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    by_province: dict[str, list[_County]] = {}
    province = prefecture = ""
    code2 = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            code2, _, rest = line.partition(" ")
            province = rest.split('"')[1]
            continue
        code4, _, rest = line.strip().partition(" ")
        names = _parse_names(rest.split('"')[1])
        if code4.endswith("00"):
            prefecture = names[-1][0]
            continue
        for name, start, end in names:
            if name in ("市辖区", "市区", "郊区") or end < 1940:
                continue
            by_province.setdefault(code2, []).append(
                _County(code2 + code4, province, prefecture, name, start, end))
    return by_province


# -- names, phones, streets ---------------------------------------------------------------------------------

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤")
_MALE_CHARS = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欣博文东亮建国志永海峰晨阳昊天宏"
_FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英华玲婷雪琳颖倩慧佳梅蕾丹萍红燕琴云莉欢瑶璐悦晶洁茜怡楠露薇月雅蓉"
_ETHNICITIES = ("汉族",) * 95 + ("回族", "满族", "蒙古族", "藏族", "土家族")
_PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "191", "198", "199")
_STREETS = ("长安路", "友谊路", "南二环", "北大街", "东大街", "西大街", "朱雀大街", "太白路", "含光路", "雁塔路",
            "建设路", "人民路", "解放路", "文化路", "新华路", "幸福路", "和平路", "中山路", "团结路", "兴庆路")
_FIRM_WORDS = ("华秦", "长信", "宏达", "泰和", "恒通", "秦川", "汉唐", "瑞丰", "金诚", "博远", "鼎盛", "德润",
               "天元", "安泰", "丰源", "嘉禾", "远航", "卓越", "新锐", "同创", "锦程", "益民", "晟达", "永信")
_FIRM_TRADES = ("科技有限公司", "建筑工程有限公司", "商贸有限公司", "物业服务有限公司", "机械制造有限公司",
                "餐饮管理有限公司", "物流有限公司", "软件有限公司", "医药有限公司", "印务有限公司", "食品有限公司",
                "电子有限公司", "教育咨询有限公司", "汽车服务有限公司", "环保科技有限公司")
_FIRM_TYPES = ("1", "1", "1", "2", "3")  # the second character of a USCC: company, institution, association …
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_code(body: str) -> str:
    """A GB 11714 organisation code: eight digits and their check character."""
    total = sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


class _Maker:
    """One seed's random choices, in one fixed order (the order is the determinism)."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.now = month_index(as_of.year, as_of.month)
        self.used_ids: set[str] = set()
        self.home = _counties()[HOME_PROVINCE]
        self.elsewhere = [code for code in sorted(_counties()) if code != HOME_PROVINCE]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def name(self, sex: str) -> str:
        chars = _MALE_CHARS if sex == "male" else _FEMALE_CHARS
        given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2, 2))))
        return self.rng.choice(_SURNAMES) + given

    def phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def county(self, year: int, home: bool) -> _County:
        pool = self.home if home else _counties()[self.rng.choice(self.elsewhere)]
        for _ in range(50):
            county = self.rng.choice(pool)
            if county.start <= year <= county.end:
                return county
        return next(c for c in self.home if c.start <= year <= c.end)

    def address(self, county: _County) -> str:
        town = "" if county.prefecture == county.province else county.prefecture
        return (f"{county.province}{town}{county.county}{self.rng.choice(_STREETS)}"
                f"{self.rng.randint(1, 399)}号{self.rng.randint(1, 30)}栋"
                f"{self.rng.randint(1, 28)}0{self.rng.randint(1, 6)}室")

    def id_number(self, birth: date, sex: str, county: _County) -> str:
        """A valid resident ID number, unused so far."""
        while True:
            order = self.rng.randrange(1, 500) * 2 + (1 if sex == "male" else 0)
            body = f"{county.code}{birth:%Y%m%d}{order % 1000:03d}"
            if (order % 1000 == 0) or body in self.used_ids:
                continue
            number = body + ric.calc_check_digit(body + "0")
            self.used_ids.add(body)
            return number

    def day_in_month(self, index: int) -> date:
        year, month0 = divmod(index, 12)
        return date(year, month0 + 1, self.rng.randint(1, 28))

    def uscc(self, index: int, county_code: str) -> str:
        org = _org_code(f"{(index * 7919 + 10_000_000) % 90_000_000 + 10_000_000:08d}")
        body = "9" + self.rng.choice(_FIRM_TYPES) + county_code + org
        return body + uscc.calc_check_digit(body + "0")


# -- employers ---------------------------------------------------------------------------------------------


@dataclass
class _Employer:
    row: dict[str, Any]
    #: first and last month it may have staff paying (cancelled: it closed; suspended: it stopped paying)
    opened: int
    closed: int
    weight: float
    arrears_months: int = 0
    staff_bases: list[Decimal] = field(default_factory=list)


def _employers(maker: _Maker, count: int) -> list[_Employer]:
    rng = maker.rng
    made = []
    for i in range(count):
        county = maker.county(2000, home=True)
        opened = month_index(rng.randint(1992, 2022), rng.randint(1, 12))
        status = "normal"
        closed = maker.now
        roll = rng.random()
        if count >= 10 and i >= count - 2:  # every state present even in a small registry: the smallest units
            roll = 0.0 if i == count - 1 else EMPLOYER_MIX["cancelled"]
        if roll < EMPLOYER_MIX["cancelled"]:
            status, closed = "cancelled", rng.randint(opened + 24, maker.now - 1) if opened + 24 < maker.now \
                else maker.now - 1
        elif roll < EMPLOYER_MIX["cancelled"] + EMPLOYER_MIX["suspended"]:
            status, closed = "suspended", rng.randint(max(opened + 12, maker.now - 24), maker.now - 1)
        owes = rng.random() < EMPLOYER_MIX["arrears"] or (count >= 10 and i == 2)
        arrears = rng.randint(1, 6) if status == "normal" and owes else 0
        legal = maker.name(rng.choice(("male", "female")))
        contacts = [{"role": "法定代表人", "name": legal, "phone": maker.phone()},
                    {"role": "社保经办人", "name": maker.name(rng.choice(("male", "female"))), "phone": maker.phone()}]
        if rng.random() < 0.5:
            contacts.append({"role": "财务负责人", "name": maker.name(rng.choice(("male", "female"))),
                             "phone": maker.phone()})
        name = f"{county.prefecture if county.prefecture != county.province else '陕西'}" \
               f"{rng.choice(_FIRM_WORDS)}{rng.choice(_FIRM_WORDS)}{rng.choice(_FIRM_TRADES)}"
        row = {"unit_number": f"61{i + 1:08d}", "uscc": maker.uscc(i, county.code), "name": name,
               "status": status, "registered_on": maker.day_in_month(opened).isoformat(),
               "address": maker.address(county), "legal_representative": legal, "contacts": contacts,
               "insurances": list(INSURANCES), "arrears_fen": 0, "arrears_months": 0}
        # a few big units, many small ones (Zipf-like)
        made.append(_Employer(row, opened, closed, 1.0 / (1 + (i * 37) % count) ** 0.8, arrears))
    return made


# -- persons -----------------------------------------------------------------------------------------------


@dataclass
class _Stretch:
    """Months paid at one employer (or as a flexible worker), before splitting by base."""

    start: int
    end: int
    employer: _Employer | None
    insurances: tuple[str, ...]
    #: months at the end not paid (the employer's arrears)
    owed: int = 0


def _kind(maker: _Maker) -> str:
    roll = maker.rng.random()
    for kind, share in PERSON_MIX.items():
        if roll < share:
            return kind
        roll -= share
    return "employee"


def _category(maker: _Maker, sex: str, flexible: bool) -> Category:
    if sex == "male":
        return Category.EMPLOYEE
    if flexible:
        return Category.FLEXIBLE
    return Category.WORKER if maker.chance(0.6) else Category.CADRE


def _employer_for(maker: _Maker, employers: Sequence[_Employer], start: int, end: int,
                  weights: Sequence[float]) -> _Employer | None:
    """A unit open through the whole stretch, big units more likely (``weights`` are cumulative)."""
    for _ in range(20):
        employer = maker.rng.choices(employers, cum_weights=weights)[0]
        if employer.opened <= start and end <= employer.closed:
            return employer
    return None


def _current_employer(maker: _Maker, employers: Sequence[_Employer], since: int,
                      weights: Sequence[float]) -> _Employer | None:
    """A unit not cancelled that was open in month ``since`` and had not stopped paying by then."""
    for _ in range(20):
        employer = maker.rng.choices(employers, cum_weights=weights)[0]
        if employer.opened <= since <= employer.closed:
            return employer
    return None


def _career(maker: _Maker, employers: Sequence[_Employer], weights: Sequence[float], first: int, last: int,
            flexible_from: int | None = None) -> list[_Stretch]:
    """Jobs from ``first`` to ``last`` (inclusive), with short gaps between some; flexible work from
    ``flexible_from`` on."""
    rng = maker.rng
    stretches: list[_Stretch] = []
    month = first
    stop = last if flexible_from is None else flexible_from - 1
    while month <= stop:
        length = rng.randint(18, 120)
        end = min(stop, month + length - 1)
        employer = _employer_for(maker, employers, month, end, weights)
        if employer is not None:
            stretches.append(_Stretch(month, end, employer, tuple(employer.row["insurances"])))
        month = end + 1 + (rng.choice((0, 0, 0, 1, 2, 3, 6, 12)) if end < stop else 0)
    if flexible_from is not None and flexible_from <= last:
        stretches.append(_Stretch(flexible_from, last, None, FLEXIBLE_INSURANCES))
    return stretches


def _chunks(start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a stretch by calendar year spans of up to five years whose base limits overlap."""
    month = start
    while month <= end:
        year = month // 12
        last_year = min(end // 12, year + 4)
        while last_year > year:
            floor = contribution_base_limits(last_year)[0]
            ceiling = contribution_base_limits(year)[1]
            if floor * Decimal("1.05") <= ceiling:
                break
            last_year -= 1
        chunk_end = min(end, month_index(last_year, 12))
        yield month, chunk_end
        month = chunk_end + 1


@functools.lru_cache(maxsize=65536)
def _base(level: float, first_year: int, last_year: int) -> Decimal:
    """The person's wage level as a base that lies within every year's limits from first to last."""
    floor = max(contribution_base_limits(y)[0] for y in range(first_year, last_year + 1))
    ceiling = min(contribution_base_limits(y)[1] for y in range(first_year, last_year + 1))
    wage = contribution_base_limits(first_year)[0] / Decimal("0.6")
    base = (wage * Decimal(str(level))).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return min(max(base, floor), ceiling)


@dataclass
class _Built:
    persons: list[dict[str, Any]] = field(default_factory=list)
    insurances: list[dict[str, Any]] = field(default_factory=list)
    periods: list[dict[str, Any]] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)


def _person(maker: _Maker, kind: str, employers: Sequence[_Employer], weights: Sequence[float],
            current_weights: Sequence[float], index: int, built: _Built) -> None:
    rng = maker.rng
    now = maker.now
    sex = rng.choice(("male", "female"))
    pensioner = kind in ("pensioner", "pension_suspended") or (kind == "deceased" and maker.chance(0.6))
    flexible = kind == "flexible" or (pensioner and maker.chance(0.15))
    category = _category(maker, sex, flexible)
    records_start = month_index(*RECORDS_START)
    retired: int | None = None
    died: date | None = None
    if pensioner:
        # retired between 2000 and last month: the statutory month of the birth month chosen
        while True:
            birth = date(rng.randint(1936, 1966), rng.randint(1, 12), rng.randint(1, 28))
            age = retirement_age(birth, sex, category)  # type: ignore[arg-type]
            retired = month_index(int(age.retirement_month[:4]), int(age.retirement_month[5:]))
            if month_index(2000, 1) <= retired < now - 1:
                break
        min_months = age.min_contribution_months
    else:
        oldest = 59 if sex == "male" else 49
        birth = date(maker.as_of.year - rng.randint(18 if kind != "never_insured" else 16, oldest),
                     rng.randint(1, 12), rng.randint(1, 28))
        min_months = 0
    if kind == "deceased":
        earliest = (retired + 1) if retired is not None else max(_birthday_month(birth, 20), month_index(2005, 1))
        died = maker.day_in_month(rng.randint(min(earliest, now - 1), now - 1))
    county = maker.county(birth.year, home=maker.chance(0.8))
    id_number = maker.id_number(birth, sex, county)
    sixteen = _birthday_month(birth, 16)
    work_start = sixteen + rng.randint(0, 96 if pensioner else 72)
    if not pensioner:
        work_start = min(work_start, now - 6)
    # the last month anyone may pay: before retiring, before dying, this month
    last = now
    if retired is not None:
        last = retired
    if died is not None:
        last = min(last, month_index(died.year, died.month))
    stretches: list[_Stretch] = []
    deemed = 0
    if kind != "never_insured":
        first = max(work_start, records_start)
        if pensioner and work_start < records_start:
            deemed = records_start - work_start  # 视同缴费: years in a state unit before the accounts
        if kind == "flexible":
            switch = rng.randint(first, max(first, last - 12)) if maker.chance(0.6) else first
            stretches = _career(maker, employers, weights, first, last, flexible_from=switch)
        elif pensioner and flexible:
            stretches = _career(maker, employers, weights, first, last, flexible_from=rng.randint(first, last))
        elif kind == "suspended":
            stopped = rng.randint(max(first, now - 48), now - 2)
            stretches = _career(maker, employers, weights, first, stopped) if stopped > first else []
        else:
            stretches = _career(maker, employers, weights, first, last)
        if pensioner:
            # at least the minimum months: fill the gaps at the same employer where the career falls short
            paid = sum(s.end - s.start + 1 for s in stretches)
            if paid + deemed < min_months or not stretches:
                stretches = [_Stretch(first, last, None, FLEXIBLE_INSURANCES)]
    employer: _Employer | None = None
    if kind == "employee":
        # the current job: at a unit open now (normal or suspended), from a few months ago at least
        since = stretches[-1].start if stretches else max(work_start, records_start)
        candidate = _current_employer(maker, employers, since, current_weights)
        if candidate is None:
            since = max(since, now - 6)
            candidate = _current_employer(maker, employers, since, current_weights)
        if candidate is not None:
            employer = candidate
            stretches = [s for s in stretches if s.end < since]
            end = min(now, candidate.closed)
            stretches.append(_Stretch(since, end, candidate, tuple(candidate.row["insurances"]),
                                      owed=min(candidate.arrears_months, end - since)))
        else:
            kind = "suspended"
    if kind == "flexible" and not stretches:
        stretches = [_Stretch(max(work_start, records_start), now, None, FLEXIBLE_INSURANCES)]
    built.kinds[kind] = built.kinds.get(kind, 0) + 1
    level = round(min(2.9, max(0.62, rng.lognormvariate(0.0, 0.35))), 2)
    paid_pension = 0
    account = Decimal(0)
    index_sum = Decimal(0)
    for stretch in stretches:
        for start, end in _chunks(stretch.start, stretch.end):
            base = _base(level, start // 12, end // 12)
            owed = stretch.owed if end == stretch.end else 0
            months = end - start + 1 - owed
            for insurance in stretch.insurances:
                built.periods.append({"id_number": id_number, "insurance": insurance, "start_month": month_label(start),
                                      "end_month": month_label(end), "months": months,
                                      "base_fen": int(base * 100),
                                      "unit_number": stretch.employer.row["unit_number"] if stretch.employer else None})
            paid_pension += months
            account += base * Decimal("0.08") * months
            index_sum += base / (contribution_base_limits(start // 12)[0] / Decimal("0.6")) * months
    if employer is not None and employer.closed == now:
        employer.staff_bases.append(_base(level, now // 12, now // 12))
    # insurances: each one ever paid, its state now
    firsts: dict[str, int] = {}
    lasts: dict[str, int] = {}
    for stretch in stretches:
        for insurance in stretch.insurances:
            firsts.setdefault(insurance, stretch.start)
            lasts[insurance] = stretch.end
    current = stretches[-1] if stretches else None
    for insurance in INSURANCES:
        if insurance not in firsts:
            continue
        at_unit = employer is not None and current is not None and current.employer is employer \
            and insurance in current.insurances
        paying = at_unit or (kind == "flexible" and current is not None and current.employer is None
                             and current.end == now and insurance in current.insurances)
        if at_unit and employer is not None and employer.row["status"] == "suspended":
            status = "suspended"
        elif paying:
            status = "insured"
        elif kind == "suspended":
            status = "suspended"
        elif pensioner and insurance == "medical" and kind != "deceased":
            status = "insured"  # retirees keep their medical insurance without paying
        else:
            status = "stopped"
        built.insurances.append({"id_number": id_number, "insurance": insurance, "status": status,
                                 "since": month_label(firsts[insurance]),
                                 "unit_number": employer.row["unit_number"] if employer is not None and paying
                                 else None})
    benefit_status, benefit_since, monthly, paid_until = "none", None, None, None
    pension_since: str | None = None
    if pensioner and retired is not None:
        starts = retired + 1
        ends = now if died is None else month_index(died.year, died.month)
        if kind == "pension_suspended":
            ends = now - rng.randint(1, 6)
        months_total = paid_pension + deemed
        avg_index = index_sum / paid_pension if paid_pension else Decimal(1)
        wage = contribution_base_limits(starts // 12)[0] / Decimal("0.6")
        age_months = starts - month_index(birth.year, birth.month)
        divisor = 195 if age_months < 55 * 12 else 170 if age_months < 60 * 12 else 139
        amount = (wage * (1 + avg_index) / 2 * months_total / 12 / 100 + account / divisor)
        monthly = int(amount.quantize(_FEN, rounding=ROUND_HALF_UP) * 100)
        benefit_status = {"pension_suspended": "suspended", "deceased": "deceased"}.get(kind, "pension")
        benefit_since = maker.day_in_month(starts).replace(day=1).isoformat()
        paid_until = month_label(ends)
        pension_since = month_label(starts)
    if died is not None:
        benefit_status, benefit_since = "deceased", died.isoformat()
    card_status, card_number, issued, changed = "none", None, None, None
    if kind != "never_insured" or maker.chance(0.3):
        issued_month = rng.randint(max(month_index(2012, 1), month_index(birth.year, birth.month) + 1), now - 1)
        last_day = month_index(died.year, died.month) if died is not None else now
        issued_month = min(issued_month, last_day)
        issued = maker.day_in_month(issued_month)
        card_number = f"{'ABCDEFGHJK'[index % 10]}{(index * 7919 + 1234567) % 10**8:08d}"
        card_status = "normal"
        roll = rng.random()
        if died is None and roll < CARD_MIX["lost"] + CARD_MIX["replaced"] and issued_month < now - 1:
            card_status = "lost" if roll < CARD_MIX["lost"] else "replaced"
            changed = maker.day_in_month(rng.randint(issued_month + 1, now - 1)).isoformat()
    household = maker.address(county)
    built.persons.append({
        "id_number": id_number, "name": maker.name(sex), "sex": sex, "birth_date": birth.isoformat(),
        "ethnicity": rng.choice(_ETHNICITIES), "phone": maker.phone(),
        "address": household if maker.chance(0.5) else maker.address(maker.county(2020, home=True)),
        "household_address": household,
        "insured_category": None if kind == "never_insured" or not stretches else
        ("flexible" if current is not None and current.employer is None else "employee"),
        "unit_number": employer.row["unit_number"] if employer is not None else None,
        "work_start_date": maker.day_in_month(work_start).isoformat() if kind != "never_insured" else None,
        "deemed_months": deemed, "account_balance_fen": int(account.quantize(_FEN) * 100),
        "avg_index_centi": int((index_sum / paid_pension * 100).quantize(Decimal(1))) if paid_pension else 100,
        "benefit_status": benefit_status, "benefit_since": benefit_since, "monthly_pension_fen": monthly,
        "pension_paid_until": paid_until, "pension_since": pension_since, "card_status": card_status,
        "card_number": card_number,
        "card_issued_on": issued.isoformat() if issued else None, "card_changed_on": changed,
        "updated_at": f"{maker.as_of.isoformat()}T18:00:00+08:00",
    })


def _build(persons: int, employers: int, seed: int, as_of: date) -> tuple[list[_Employer], _Built]:
    maker = _Maker(seed, as_of)
    units = _employers(maker, employers)
    weights = list(itertools.accumulate(u.weight for u in units))
    current = list(itertools.accumulate(u.weight if u.row["status"] != "cancelled" else 0.0 for u in units))
    built = _Built()
    for index in range(persons):
        kind = _kind(maker)
        if persons >= 100 and index < len(_EVERY_KIND):  # every kind present even in a small registry
            kind = _EVERY_KIND[index]
        _person(maker, kind, units, weights, current, index, built)
    for unit in units:
        if unit.arrears_months and unit.staff_bases:
            owed = sum(unit.staff_bases, Decimal(0)) * _ARREARS_RATE * unit.arrears_months
            unit.row["arrears_fen"] = int(owed.quantize(_FEN) * 100)
            unit.row["arrears_months"] = unit.arrears_months
    return units, built


def _insert(session: Any, model: type[Any], rows: Sequence[dict[str, Any]], size: int = 5000) -> None:
    for start in range(0, len(rows), size):
        session.execute(model.__table__.insert(), list(rows[start:start + size]))


def seed_registry(store: CentralStore, *, persons: int, employers: int, seed: int = 0,
                  replace: bool = False, as_of: date = DEFAULT_AS_OF) -> SeedSummary:
    """Fill the registry tables with ``persons`` persons and ``employers`` units made from ``seed``.

    ``RegistryAlreadySeeded`` if the registry holds anyone and ``replace`` is not given; with ``replace`` the
    registry (persons, their insurances and periods, employers) is emptied first, in the same transaction.
    The ``lookups`` recorded stay: they are what terminals did, not registry data.
    """
    if persons < 0 or employers < 1:
        raise ValueError("need at least one employer and no negative count")
    units, built = _build(persons, employers, seed, as_of)
    with store.writing() as session:
        held = session.scalar(select(func.count()).select_from(PersonRecordRow)) or 0
        held_units = session.scalar(select(func.count()).select_from(EmployerRecordRow)) or 0
        if held or held_units:
            if not replace:
                raise RegistryAlreadySeeded(held, held_units)
            for model in (ContributionPeriodRow, PersonInsuranceRow, PersonRecordRow, EmployerRecordRow):
                session.execute(delete(model))
        _insert(session, EmployerRecordRow, [u.row for u in units])
        _insert(session, PersonRecordRow, built.persons)
        _insert(session, PersonInsuranceRow, built.insurances)
        _insert(session, ContributionPeriodRow, built.periods)
    return SeedSummary(len(built.persons), len(units), len(built.periods), dict(sorted(built.kinds.items())))
