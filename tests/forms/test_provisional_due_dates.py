"""Due dates in a year whose holiday schedule is not yet published: provisional (预计), counted from the law's
holidays and weekends; final once the schedule is in the calendar; refused for years too far ahead."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from forms.receipt import ReceivedMaterial, build_receipt
from forms.rules.deadlines import (
    PROVISIONAL_YEARS_AHEAD,
    HolidayCalendar,
    MissingHolidaySchedule,
    count_due_date,
    load_calendar,
)

ROOT = Path(__file__).resolve().parents[2]
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    """The shipped schedule: published 2024–2026."""
    shipped = load_calendar()
    assert max(shipped.years) == 2026
    return shipped


def test_twenty_working_days_from_20_december_2026_skip_new_year_and_weekends(calendar: HolidayCalendar) -> None:
    # by hand: Mon 21 – Fri 25 Dec (5), Mon 28 – Thu 31 Dec (9), Fri 1 Jan 2027 元旦 off, Mon 4 – Fri 8 (14),
    # Mon 11 – Fri 15 (19), Mon 18 Jan (20)
    due = count_due_date(date(2026, 12, 20), 20, calendar)
    assert due.day == date(2027, 1, 18)
    assert due.provisional and due.provisional_years == (2027,)


def test_a_count_that_stays_in_2026_is_final(calendar: HolidayCalendar) -> None:
    due = count_due_date(date(2026, 12, 1), 10, calendar)
    assert due.day == date(2026, 12, 15) and not due.provisional


def test_the_2027_spring_festival_counts_from_chuxi(calendar: HolidayCalendar) -> None:
    # Mon 1 Feb 2027 + 5: Tue 2, Wed 3, Thu 4 (3); Fri 5 除夕, Sat 6, Sun 7, Mon 8 初三 off; Tue 9 (4), Wed 10 (5)
    due = count_due_date(date(2027, 2, 1), 5, calendar)
    assert due.day == date(2027, 2, 10) and due.provisional_years == (2027,)


def test_a_receipt_in_an_unpublished_year_is_provisional_too(calendar: HolidayCalendar) -> None:
    # 2027-04-30 (Fri) + 3: 1–2 May 劳动节 fall on the weekend anyway, 3 May has no make-up rest by law: Mon 3 – Wed 5
    assert count_due_date(date(2027, 4, 30), 3, calendar).day == date(2027, 5, 5)


def test_the_year_after_next_is_provisional_and_later_years_are_refused(calendar: HolidayCalendar) -> None:
    assert PROVISIONAL_YEARS_AHEAD == 2
    assert count_due_date(date(2028, 3, 1), 5, calendar).provisional_years == (2028,)
    with pytest.raises(MissingHolidaySchedule) as beyond:
        count_due_date(date(2029, 3, 1), 5, calendar)
    assert beyond.value.year == 2029


def test_the_missing_year_named_is_the_due_dates_not_the_receipts(calendar: HolidayCalendar) -> None:
    with pytest.raises(MissingHolidaySchedule) as missing:
        count_due_date(date(2028, 12, 20), 20, calendar)  # received in 2028 (provisional), due in 2029
    assert missing.value.year == 2029 and "2029" in missing.value.user_message


def test_a_year_before_the_published_ones_is_not_guessed(calendar: HolidayCalendar) -> None:
    with pytest.raises(MissingHolidaySchedule) as missing:
        count_due_date(date(2023, 12, 29), 1, calendar)
    assert missing.value.year == 2023


def test_a_published_2027_schedule_makes_the_date_final(calendar: HolidayCalendar) -> None:
    # a schedule (for the test) that adds 4 January to the New Year break: one more day off in the count
    updated = calendar.with_updates({"2027": {"holidays": ["2027-01-01", "2027-01-02", "2027-01-03",
                                                           "2027-01-04"], "workdays": []}})
    due = count_due_date(date(2026, 12, 20), 20, updated)
    assert due.day == date(2027, 1, 19) and not due.provisional


def test_an_empty_calendar_gets_no_provisional_years() -> None:
    with pytest.raises(MissingHolidaySchedule):
        count_due_date(date(2026, 12, 20), 20, HolidayCalendar(frozenset(), frozenset(), frozenset()))


def test_the_receipt_says_provisional_and_the_year_that_decides(calendar: HolidayCalendar) -> None:
    receipt = build_receipt(
        receipt_no="T01-20261220-0001", office_name="测试大厅", item_name="退休核准", applicant_name="王建国",
        applicant_id_number="610202196503151234", received_at=datetime(2026, 12, 20, 9, 0, tzinfo=BEIJING),
        materials=[ReceivedMaterial("居民身份证", 1)], time_limit_days=20,
        time_limit_basis="《社会保险经办条例》第十八条", calendar=calendar, clerk_name="测试柜员", clerk_id="1001")
    assert receipt.due == date(2027, 1, 18) and receipt.due_provisional
    assert receipt.due_text() == ("2027-01-18（预计，以2027年节假日安排公布后为准；20个工作日，"
                                  "依据《社会保险经办条例》第十八条）")


def test_the_command_line_says_provisional() -> None:
    proc = subprocess.run([sys.executable, "-m", "forms.rules.cli", "deadline", "--received", "2026-12-20",
                           "--item", "retirement_approval"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "办结期限：2027-01-18（预计，以2027年节假日安排公布后为准）" in proc.stdout
    data = subprocess.run([sys.executable, "-m", "forms.rules.cli", "deadline", "--received", "2026-12-20",
                           "--days", "20", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert json.loads(data) == {"due": "2027-01-18", "working_days": 20, "provisional": True,
                                "provisional_years": [2027]}


def test_the_command_line_refuses_a_far_year_naming_it() -> None:
    proc = subprocess.run([sys.executable, "-m", "forms.rules.cli", "deadline", "--received", "2030-06-01",
                           "--days", "5"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode != 0
    assert "缺少 2030 年节假日安排" in proc.stderr
