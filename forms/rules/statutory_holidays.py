"""The public holidays the law itself fixes, for a year whose holiday schedule is not yet published.

《全国年节及纪念日放假办法》 names the days off for everyone (Art. 2); the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知, ``resources/rules/holidays_cn.json``) then joins them to
weekends into longer breaks and moves working days onto weekends (调休). That notice comes each autumn
for the next year, so in December a time limit that runs into January has no published calendar to
count with. The statutory days are a floor of what the notice will say: every one of them is off in
every published year (``tests/forms/test_statutory_holidays.py`` checks 2024–2026), while the extra
bridge days and the make-up working days are the notice's own choice and cannot be known before it.

Lunar dates (春节, 端午, 中秋) and the solar term 清明 come from ``lunar_python`` (6tail's lunar
library, pure Python, astronomical computation, no data files), never from a table of our own.

Pure functions; no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lunar_python import Lunar, Solar

#: the first year the 2013 text of the 办法 applied (国务院令第644号, in force 2014-01-01); earlier
#: years followed other rules (除夕 instead of 初三 before 2014), which no receipt now needs
FIRST_YEAR = 2014
#: the 2024 amendment (国务院令第795号) applies from 2025-01-01: 除夕 joins 春节, 劳动节 gains 2 May
AMENDED_2024 = 2025


@dataclass(frozen=True)
class StatutoryDay:
    """One day off the 办法 fixes: the festival's name and the date it falls on in a given year."""

    festival: str
    day: date


def _lunar(year: int, month: int, day: int) -> date:
    """The Gregorian date of lunar ``month``/``day`` in the lunar year that starts in ``year``."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> date:
    """The day of the solar term 清明 (the sun at 15° ecliptic longitude, Beijing time), 4 or 5 April."""
    term = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return date(term.getYear(), term.getMonth(), term.getDay())


def statutory_days(year: int) -> list[StatutoryDay]:
    """Every day off for all citizens that the 办法 fixes in ``year``, in calendar order.

    From 2025 (the 2024 amendment): 元旦 1 January; 春节 除夕 to 初三 (4 days); 清明 (the solar term);
    劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆 1–3 October. For 2014–2024 (the 2013 text):
    春节 初一 to 初三 and 劳动节 1 May only. Days of two festivals may coincide (中秋 on 1–3 October);
    each is listed. ``ValueError`` before 2014.
    """
    if year < FIRST_YEAR:
        raise ValueError(f"the statutory holidays are computed from {FIRST_YEAR} on, not for {year}")
    new_year = _lunar(year, 1, 1)
    spring = [new_year + timedelta(days=n) for n in range(3)]
    may_day = [date(year, 5, 1)]
    if year >= AMENDED_2024:
        spring.insert(0, new_year - timedelta(days=1))  # 除夕: the lunar year's last day, 廿九 or 三十
        may_day.append(date(year, 5, 2))
    days = [StatutoryDay("元旦", date(year, 1, 1))]
    days += [StatutoryDay("春节", day) for day in spring]
    days.append(StatutoryDay("清明节", qingming(year)))
    days += [StatutoryDay("劳动节", day) for day in may_day]
    days.append(StatutoryDay("端午节", _lunar(year, 5, 5)))
    days.append(StatutoryDay("中秋节", _lunar(year, 8, 15)))
    days += [StatutoryDay("国庆节", date(year, 10, n)) for n in (1, 2, 3)]
    return sorted(days, key=lambda d: d.day)


def statutory_holidays(year: int) -> frozenset[date]:
    """The dates of ``statutory_days(year)``: the days off a provisional calendar for ``year`` counts."""
    return frozenset(d.day for d in statutory_days(year))
