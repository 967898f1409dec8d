"""The statutory holidays of 全国年节及纪念日放假办法, checked against the published schedules and by hand."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files

import pytest

from forms.rules.statutory_holidays import qingming, statutory_days, statutory_holidays


def published(year: int) -> set[date]:
    """The days off of the State Council's notice for ``year``, as shipped (read here, not through our loader)."""
    data = json.loads(files("resources").joinpath("rules", "holidays_cn.json").read_text(encoding="utf-8"))
    return {date.fromisoformat(day) for day in data[str(year)]["holidays"]}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_statutory_day_is_off_in_the_published_schedule(year: int) -> None:
    """The notice only adds bridge days to the law's: the statutory days are a subset of every published year."""
    missing = statutory_holidays(year) - published(year)
    assert not missing, sorted(missing)


def test_2027_by_hand_spring_festival_from_chuxi_5_february() -> None:
    # 2027: 春节 初一 is Saturday 6 February, so 除夕 (腊月廿九, the lunar year has no 三十) is Friday 5 February;
    # 清明 on 5 April; 端午 (五月初五) 9 June; 中秋 (八月十五) 15 September
    by_festival: dict[str, list[date]] = {}
    for day in statutory_days(2027):
        by_festival.setdefault(day.festival, []).append(day.day)
    assert by_festival == {
        "元旦": [date(2027, 1, 1)],
        "春节": [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)],
        "清明节": [date(2027, 4, 5)],
        "劳动节": [date(2027, 5, 1), date(2027, 5, 2)],
        "端午节": [date(2027, 6, 9)],
        "中秋节": [date(2027, 9, 15)],
        "国庆节": [date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)],
    }


def test_from_2025_the_amended_rules_give_thirteen_days() -> None:
    for year in (2025, 2026, 2027, 2028):
        assert len(statutory_days(year)) == 13  # 元旦1 春节4 清明1 劳动节2 端午1 中秋1 国庆3
    assert date(2025, 1, 28) in statutory_holidays(2025)  # 除夕 2025
    assert date(2025, 5, 2) in statutory_holidays(2025)


def test_before_2025_the_2013_rules_leave_out_chuxi_and_2_may() -> None:
    days = statutory_holidays(2024)
    assert len(statutory_days(2024)) == 11
    assert date(2024, 2, 9) not in days  # 除夕 2024 was a working day by law (the notice gave no day off either)
    assert date(2024, 2, 9) not in published(2024)
    assert date(2024, 5, 2) not in days
    assert {date(2024, 2, 10), date(2024, 2, 11), date(2024, 2, 12)} <= days


def test_festivals_that_coincide_are_each_listed_once_as_a_date() -> None:
    # 2028: 中秋 falls on 3 October, inside 国庆
    listed = [d.day for d in statutory_days(2028)]
    assert listed.count(date(2028, 10, 3)) == 2
    assert len(statutory_holidays(2028)) == 12


def test_qingming_is_the_solar_term_on_4_or_5_april() -> None:
    assert [qingming(y) for y in (2024, 2025, 2026, 2027, 2028)] == [
        date(2024, 4, 4), date(2025, 4, 4), date(2026, 4, 5), date(2027, 4, 5), date(2028, 4, 4)]


def test_years_before_the_2013_rules_are_refused() -> None:
    with pytest.raises(ValueError, match="2013"):
        statutory_days(2013)
