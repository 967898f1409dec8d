"""Legal deadlines counted in working days (《社会保险经办条例》time limits, DOMAIN §2).

The regulation gives each service a time limit in working days: weekends and the official public
holidays do not count, the make-up working days (调休) that the State Council moves onto weekends do.
As in administrative law, the day of receipt is not counted.

The holiday schedule is published each autumn for the next year, so it is data
(``resources/rules/holidays_cn.json``), replaceable by what the central system sends. A date in a
year the data does not cover raises ``MissingHolidaySchedule`` in ``add_working_days`` instead of
guessing: a due date that silently ignores next year's Spring Festival would be printed on a receipt
and be wrong.

``count_due_date`` is what a receipt uses. For the years just after the last published one (up to
``PROVISIONAL_YEARS_AHEAD``) it counts the statutory holidays of 全国年节及纪念日放假办法
(``forms.rules.statutory_holidays``) with weekends as rest days and no make-up working days, and says
which years were counted so: the date is then provisional (预计) until the year's schedule arrives.
Later years, and gaps before or inside the published ones, still raise: a terminal that has heard
nothing from the central system for years, or a clock set years ahead, should not print a guess, and
the 办法 itself may change meanwhile (the 2024 amendment added two days).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.files import REFERENCE_LIMIT, read_text_bounded
from forms.refdata import read_json

_YEAR_KEY = re.compile(r"^\d{4}$")
_SATURDAY = 5
#: how many years after the last published schedule a due date may be counted from the statutory holidays
PROVISIONAL_YEARS_AHEAD = 2


class MissingHolidaySchedule(ConfigError):
    """A date falls in a year whose holiday schedule the terminal does not have."""

    hint = "请同步中心系统参考数据，或联系系统管理员更新节假日安排。"

    def __init__(self, year: int) -> None:
        super().__init__(f"no holiday schedule for {year}",
                         user_message=f"缺少 {year} 年节假日安排，请更新参考数据。", year=year)
        self.year = year


def _bad(where: str, detail: str) -> ConfigError:
    return ConfigError(f"holiday schedule {where}: {detail}", user_message=f"节假日安排数据有误：{where}（{detail}）")


def _dates(value: object, year: int, kind: str) -> set[date]:
    if not isinstance(value, list):
        raise _bad(f"{year}.{kind}", "应为日期列表")
    result: set[date] = set()
    for item in value:
        try:
            day = date.fromisoformat(item) if isinstance(item, str) else None
        except ValueError:
            day = None
        if day is None:
            raise _bad(f"{year}.{kind}", f"日期格式无效：{item!r}")
        if day.year != year:
            raise _bad(f"{year}.{kind}", f"{item} 不在 {year} 年")
        if kind == "workdays" and day.weekday() < _SATURDAY:
            # a make-up working day on a weekday would be a typo for something else
            raise _bad(f"{year}.{kind}", f"调休上班日 {item} 不是周末")
        result.add(day)
    return result


def _parse_years(data: Mapping[str, Any]) -> dict[int, tuple[set[date], set[date]]]:
    """Year -> (holidays, workdays) from the JSON shape; keys that are not years (``source``) are notes."""
    years: dict[int, tuple[set[date], set[date]]] = {}
    for key, value in data.items():
        if not _YEAR_KEY.fullmatch(key):
            continue
        year = int(key)
        if not isinstance(value, Mapping):
            raise _bad(key, "应为包含 holidays 和 workdays 的对象")
        holidays = _dates(value.get("holidays", []), year, "holidays")
        workdays = _dates(value.get("workdays", []), year, "workdays")
        both = holidays & workdays
        if both:
            raise _bad(key, f"{min(both).isoformat()} 既是放假日又是调休上班日")
        years[year] = (holidays, workdays)
    return years


@dataclass(frozen=True)
class HolidayCalendar:
    """The official schedule: days off, make-up working days, and the years it covers.

    ``holidays`` may include break days that fall on a weekend (the notice lists the whole break);
    that changes nothing since weekends are off anyway.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` counts; ``MissingHolidaySchedule`` outside the covered years."""
        if day.year not in self.years:
            raise MissingHolidaySchedule(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < _SATURDAY

    def with_updates(self, data: Mapping[str, Any]) -> HolidayCalendar:
        """This calendar with the years in ``data`` (same JSON shape) added or replaced.

        A year is replaced as a whole, because the State Council publishes (and corrects) a year's
        schedule as one notice: merging day by day could never remove a day that was withdrawn.
        """
        updates = _parse_years(data)
        replaced = set(updates)

        def kept(days: Iterable[date]) -> set[date]:
            return {day for day in days if day.year not in replaced}

        holidays = kept(self.holidays)
        workdays = kept(self.workdays)
        for new_holidays, new_workdays in updates.values():
            holidays |= new_holidays
            workdays |= new_workdays
        return HolidayCalendar(frozenset(holidays), frozenset(workdays), self.years | frozenset(replaced))


def calendar_from_data(data: object) -> HolidayCalendar:
    """A calendar from one parsed JSON document (the shipped file or one from the central system)."""
    if not isinstance(data, Mapping):
        raise _bad("holidays_cn.json", "顶层应为对象")
    return HolidayCalendar(frozenset(), frozenset(), frozenset()).with_updates(data)


def load_calendar(extra: Path | None = None) -> HolidayCalendar:
    """The shipped schedule, then ``extra`` (an override file in the same shape) on top of it."""
    calendar = calendar_from_data(read_json("rules", "holidays_cn.json"))
    if extra is None:
        return calendar
    try:
        data: object = json.loads(read_text_bounded(extra, REFERENCE_LIMIT, "节假日安排文件"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ConfigError(f"cannot read holiday override {extra}: {exc}",
                          user_message=f"节假日安排文件无法读取：{extra}") from exc
    if not isinstance(data, Mapping):
        raise _bad(str(extra), "顶层应为对象")
    return calendar.with_updates(data)


def add_working_days(received: date, days: int, calendar: HolidayCalendar) -> date:
    """The due date ``days`` working days after ``received`` (the day of receipt not counted).

    With 0 days the due date is the day of receipt. The year of receipt must be covered even then,
    so that a terminal with stale data fails on every receipt of a new year, not only on some.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if received.year not in calendar.years:
        raise MissingHolidaySchedule(received.year)
    day = received
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


@dataclass(frozen=True)
class DueDate:
    """A due date and the years in its count whose schedule was not published (empty: it is final)."""

    day: date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        """Counted in part from the statutory holidays alone (预计): may move when the schedule arrives."""
        return bool(self.provisional_years)


def provisional_calendar(calendar: HolidayCalendar) -> tuple[HolidayCalendar, frozenset[int]]:
    """``calendar`` with the years after its last published one (``PROVISIONAL_YEARS_AHEAD`` of them) filled
    from the statutory holidays, and which years those are. An empty calendar gets none: with no schedule
    at all the terminal's data is broken, not merely a year behind."""
    if not calendar.years:
        return calendar, frozenset()
    from forms.rules.statutory_holidays import statutory_holidays  # the lunar library only when needed

    last = max(calendar.years)
    added = frozenset(range(last + 1, last + 1 + PROVISIONAL_YEARS_AHEAD))
    holidays = set(calendar.holidays)
    for year in added:
        holidays |= statutory_holidays(year)
    return HolidayCalendar(frozenset(holidays), calendar.workdays, calendar.years | added), added


def count_due_date(received: date, days: int, calendar: HolidayCalendar) -> DueDate:
    """The due date ``days`` working days after ``received``, provisional where the schedule is missing.

    Exact when every year from ``received`` to the due date is published. Otherwise the statutory
    holidays stand in for the next ``PROVISIONAL_YEARS_AHEAD`` years after the last published one, and
    the result names them; a year beyond those raises ``MissingHolidaySchedule`` naming that year (not
    the year of receipt). A count that stays inside published years never needs the lunar library.
    """
    try:
        return DueDate(add_working_days(received, days, calendar))
    except MissingHolidaySchedule as missing:
        if calendar.years and missing.year < max(calendar.years):
            raise  # a gap before or inside the published years: no rule fills it
    extended, added = provisional_calendar(calendar)
    due = add_working_days(received, days, extended)
    return DueDate(due, tuple(year for year in range(received.year, due.year + 1) if year in added))


def provisional_note(years: Iterable[int]) -> str:
    """How a provisional due date is qualified on the receipt and the screens: 预计, and which schedule decides."""
    listed = "、".join(str(year) for year in sorted(set(years)))
    return f"预计，以{listed}年节假日安排公布后为准"
