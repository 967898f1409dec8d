"""Working-day deadlines against the State Council's schedules for 2024-2026."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.errors import ConfigError
from forms.rules.deadlines import (
    HolidayCalendar,
    MissingHolidaySchedule,
    add_working_days,
    load_calendar,
)


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    return load_calendar()


def test_domain_worked_example(calendar: HolidayCalendar) -> None:
    # DOMAIN §2: Friday 2025-09-26 + 10 -> 2025-10-16 (Sun 09-28 and Sat 10-11 work, 10-01..10-08 off)
    assert add_working_days(date(2025, 9, 26), 10, calendar) == date(2025, 10, 16)
    assert calendar.is_working_day(date(2025, 9, 28))
    assert calendar.is_working_day(date(2025, 10, 11))
    assert not any(calendar.is_working_day(date(2025, 10, d)) for d in range(1, 9))


def test_covers_2024_to_2026(calendar: HolidayCalendar) -> None:
    assert calendar.years == frozenset({2024, 2025, 2026})


@pytest.mark.parametrize(
    ("first_off", "last_off", "makeup_days"),
    [
        (date(2024, 2, 10), date(2024, 2, 17), [date(2024, 2, 4), date(2024, 2, 18)]),
        (date(2025, 1, 28), date(2025, 2, 4), [date(2025, 1, 26), date(2025, 2, 8)]),
        (date(2026, 2, 15), date(2026, 2, 23), [date(2026, 2, 14), date(2026, 2, 28)]),
        (date(2024, 10, 1), date(2024, 10, 7), [date(2024, 9, 29), date(2024, 10, 12)]),
        (date(2025, 10, 1), date(2025, 10, 8), [date(2025, 9, 28), date(2025, 10, 11)]),
        (date(2026, 10, 1), date(2026, 10, 7), [date(2026, 9, 20), date(2026, 10, 10)]),
    ],
    ids=["spring-2024", "spring-2025", "spring-2026", "national-2024", "national-2025", "national-2026"],
)
def test_long_breaks_and_makeup_days(calendar: HolidayCalendar, first_off: date, last_off: date,
                                     makeup_days: list[date]) -> None:
    day = first_off
    while day <= last_off:
        assert not calendar.is_working_day(day), day
        day += timedelta(days=1)
    assert calendar.is_working_day(first_off - timedelta(days=1)) or (first_off - timedelta(days=1)).weekday() >= 5
    assert calendar.is_working_day(last_off + timedelta(days=1))
    for makeup in makeup_days:
        assert makeup.weekday() >= 5
        assert calendar.is_working_day(makeup), makeup


def test_spring_festival_2026_deadline(calendar: HolidayCalendar) -> None:
    # Fri 02-13 received; Sat 02-14 make-up (1); 02-15..23 off; 24(2) 25(3) 26(4) 27(5) Sat 28 make-up (6)
    assert add_working_days(date(2026, 2, 13), 6, calendar) == date(2026, 2, 28)
    assert add_working_days(date(2026, 2, 13), 7, calendar) == date(2026, 3, 2)


def test_received_on_a_holiday(calendar: HolidayCalendar) -> None:
    # counting starts the next day whatever the day of receipt: 10-09(1) 10(2) Sat 11(3) 13..17(4-8) 20(9) 21(10)
    assert add_working_days(date(2025, 10, 1), 10, calendar) == date(2025, 10, 21)


def test_received_on_a_weekend(calendar: HolidayCalendar) -> None:
    assert add_working_days(date(2025, 3, 8), 1, calendar) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 9), 5, calendar) == date(2025, 3, 14)


def test_received_on_a_makeup_saturday(calendar: HolidayCalendar) -> None:
    # Sat 2025-10-11 is a working day, but the day of receipt is never counted
    assert add_working_days(date(2025, 10, 11), 1, calendar) == date(2025, 10, 13)
    assert add_working_days(date(2025, 10, 11), 5, calendar) == date(2025, 10, 17)


def test_zero_days_is_the_day_of_receipt(calendar: HolidayCalendar) -> None:
    assert add_working_days(date(2025, 10, 3), 0, calendar) == date(2025, 10, 3)


def test_negative_days_rejected(calendar: HolidayCalendar) -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 3), -1, calendar)


def test_year_boundary(calendar: HolidayCalendar) -> None:
    # Wed 2024-12-25: 26 27 30 31 (4), 2025-01-01 off, 01-02 03 06 07 08 09 (10)
    assert add_working_days(date(2024, 12, 25), 10, calendar) == date(2025, 1, 9)
    # 2026 New Year: 01-01..03 off, Sun 01-04 make-up
    assert add_working_days(date(2025, 12, 31), 1, calendar) == date(2026, 1, 4)


def test_year_not_covered(calendar: HolidayCalendar) -> None:
    with pytest.raises(MissingHolidaySchedule) as info:
        add_working_days(date(2026, 12, 25), 10, calendar)
    assert info.value.year == 2027
    assert info.value.user_message == "缺少 2027 年节假日安排，请更新参考数据。"
    with pytest.raises(MissingHolidaySchedule, match="2023"):
        add_working_days(date(2023, 12, 29), 0, calendar)
    with pytest.raises(MissingHolidaySchedule):
        calendar.is_working_day(date(2027, 1, 4))


def test_with_updates_adds_a_year(calendar: HolidayCalendar) -> None:
    updated = calendar.with_updates({
        "source": "test",
        "2027": {"holidays": ["2027-01-01"], "workdays": []},
    })
    assert 2027 in updated.years
    assert add_working_days(date(2026, 12, 25), 10, updated) == date(2027, 1, 11)
    assert 2027 not in calendar.years  # the original is unchanged


def test_with_updates_replaces_a_year_as_a_whole(calendar: HolidayCalendar) -> None:
    # a correction moves a day: 10-08 becomes a working day, and the other 2025 days stay as sent
    corrected = {
        "2025": {
            "holidays": [f"2025-10-0{d}" for d in range(1, 8)],
            "workdays": ["2025-09-28", "2025-10-11"],
        }
    }
    updated = calendar.with_updates(corrected)
    assert updated.is_working_day(date(2025, 10, 8))
    assert not updated.is_working_day(date(2025, 10, 7))
    assert updated.is_working_day(date(2025, 1, 28))  # not in the corrected year any more
    assert not updated.is_working_day(date(2026, 2, 16))  # other years untouched
    assert add_working_days(date(2025, 9, 26), 10, updated) == date(2025, 10, 15)


@pytest.mark.parametrize(
    "data",
    [
        {"2025": {"holidays": ["2025-13-01"]}},
        {"2025": {"holidays": ["2026-01-01"]}},
        {"2025": {"workdays": ["2025-10-09"]}},  # a Thursday cannot be a make-up day
        {"2025": {"holidays": ["2025-10-11"], "workdays": ["2025-10-11"]}},
        {"2025": ["2025-10-01"]},
    ],
)
def test_with_updates_rejects_bad_data(calendar: HolidayCalendar, data: dict[str, object]) -> None:
    with pytest.raises(ConfigError) as info:
        calendar.with_updates(data)
    assert "节假日安排数据有误" in info.value.user_message


def test_load_calendar_with_override_file(tmp_path: Path) -> None:
    extra = tmp_path / "holidays.json"
    extra.write_text(json.dumps({"2027": {"holidays": [], "workdays": []}}), encoding="utf-8")
    assert load_calendar(extra).years == frozenset({2024, 2025, 2026, 2027})
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_calendar(tmp_path / "broken.json")
