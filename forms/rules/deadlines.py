"""Legal deadlines counted in working days (《社会保险经办条例》time limits, DOMAIN §2).

The regulation gives each service a time limit in working days: weekends and the official public
holidays do not count, the make-up working days (调休) that the State Council moves onto weekends do.
As in administrative law, the day of receipt is not counted.

The holiday schedule is published each autumn for the next year, so it is data
(``resources/rules/holidays_cn.json``), replaceable by what the central system sends. A date in a
year the data does not cover raises ``MissingHolidaySchedule`` instead of guessing: a due date that
silently ignores next year's Spring Festival would be printed on a receipt and be wrong.
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
