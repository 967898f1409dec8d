"""The receipt's data: masked ID numbers, the due date in Beijing working days, refused bad input."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from forms.receipt import DEFAULT_OFFICE_NAME, Receipt, ReceivedMaterial, build_receipt
from forms.refdata import read_json
from forms.rules.deadlines import HolidayCalendar, MissingHolidaySchedule, load_calendar

APPLICANT_ID = "110105199001011234"
AGENT_ID = "11010519850202345X"
BEIJING = timezone(timedelta(hours=8))
BASIS = "《社会保险经办条例》第十八条"


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    return load_calendar()


def independent_due(received: date, days: int) -> date:
    """The due date counted straight from the shipped JSON, without forms.rules.deadlines."""
    data = read_json("rules", "holidays_cn.json")
    off = {date.fromisoformat(d) for year in data.values() if isinstance(year, dict) for d in year["holidays"]}
    on = {date.fromisoformat(d) for year in data.values() if isinstance(year, dict) for d in year["workdays"]}
    day, left = received, days
    while left:
        day += timedelta(days=1)
        if day in on or (day.weekday() < 5 and day not in off):
            left -= 1
    return day


def make(calendar: HolidayCalendar, **overrides: Any) -> Receipt:
    args: dict[str, Any] = {
        "receipt_no": "SB20250926-0001",
        "office_name": "北京市朝阳区社会保险事业管理中心",
        "item_name": "城镇职工基本养老保险退休核准",
        "applicant_name": "张三",
        "applicant_id_number": APPLICANT_ID,
        "received_at": datetime(2025, 9, 26, 10, 30, tzinfo=BEIJING),
        "materials": [ReceivedMaterial("居民身份证或社会保障卡", 2),
                      ReceivedMaterial("劳动合同", 0, "已通过数据共享核验")],
        "time_limit_days": 10,
        "time_limit_basis": BASIS,
        "calendar": calendar,
        "clerk_name": "王五",
        "clerk_id": "C0042",
    }
    args.update(overrides)
    return build_receipt(**args)


def test_domain_example_across_national_day(calendar: HolidayCalendar) -> None:
    receipt = make(calendar)
    assert receipt.due == date(2025, 10, 16) == independent_due(date(2025, 9, 26), 10)
    assert receipt.due_text() == f"2025-10-16（10个工作日，依据{BASIS}）"


@pytest.mark.parametrize(("received", "days"), [
    (date(2025, 9, 30), 20),   # the day before the National Day break
    (date(2025, 9, 28), 5),    # a make-up Sunday is itself a working day of receipt
    (date(2025, 1, 24), 15),   # into the Spring Festival
    (date(2024, 12, 31), 10),  # across the year boundary
    (date(2025, 10, 3), 0),    # 0 days: the day of receipt, even in a holiday
])
def test_due_matches_an_independent_count(calendar: HolidayCalendar, received: date, days: int) -> None:
    receipt = make(calendar, received_at=datetime(received.year, received.month, received.day, 9, 0, tzinfo=BEIJING),
                   time_limit_days=days)
    assert receipt.due == independent_due(received, days)


def test_received_date_is_beijing_date(calendar: HolidayCalendar) -> None:
    # 23:30 UTC on the 25th is 07:30 on the 26th in Beijing: counting starts from the 26th
    receipt = make(calendar, received_at=datetime(2025, 9, 25, 23, 30, tzinfo=UTC))
    assert receipt.received_text() == "2025-09-26 07:30"
    assert receipt.due == date(2025, 10, 16)
    assert receipt.due != independent_due(date(2025, 9, 25), 10)


def test_no_day_count_means_no_due_date(calendar: HolidayCalendar) -> None:
    basis = "《社会保险经办条例》第十九条（及时核实、按规定核定发放，未规定办理天数）"
    receipt = make(calendar, time_limit_days=None, time_limit_basis=basis)
    assert receipt.due is None
    assert receipt.due_text() == basis  # the basis says why there is no date, in the form's words


def test_id_numbers_are_masked_everywhere(calendar: HolidayCalendar) -> None:
    receipt = make(calendar, agent_name="李四", agent_id_number=AGENT_ID)
    assert receipt.applicant_id_masked == "110*************34"
    assert receipt.agent_id_masked == "110*************5X"
    texts = [str(value) for value in dataclasses.asdict(receipt).values()]
    texts += [receipt.applicant_text(), receipt.agent_text() or "", receipt.due_text(), repr(receipt)]
    for text in texts:
        assert APPLICANT_ID not in text
        assert AGENT_ID not in text
        assert "19900101" not in text  # not even the date of birth


def test_agent_is_optional(calendar: HolidayCalendar) -> None:
    receipt = make(calendar)
    assert receipt.agent_name is None and receipt.agent_id_masked is None
    assert receipt.agent_text() is None


def test_naive_datetime_is_refused(calendar: HolidayCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        make(calendar, received_at=datetime(2025, 9, 26, 10, 30))


@pytest.mark.parametrize("number", ["", "   "])
def test_empty_receipt_number_is_refused(calendar: HolidayCalendar, number: str) -> None:
    with pytest.raises(ValueError, match="receipt_no"):
        make(calendar, receipt_no=number)


def test_empty_office_prints_the_generic_name(calendar: HolidayCalendar) -> None:
    assert make(calendar, office_name="").office_name == DEFAULT_OFFICE_NAME == "社会保险经办机构"


def test_uncovered_year_is_not_guessed(calendar: HolidayCalendar) -> None:
    with pytest.raises(MissingHolidaySchedule):
        make(calendar, received_at=datetime(2030, 3, 1, 9, 0, tzinfo=BEIJING))


def test_material_lines() -> None:
    assert ReceivedMaterial("居民身份证或社会保障卡", 2).line() == "居民身份证或社会保障卡　2 页"
    assert ReceivedMaterial("户口簿", 0, "已核验").line() == "户口簿　免于提交（原因：已核验）"


def test_receipt_keeps_its_invariants(calendar: HolidayCalendar) -> None:
    receipt = make(calendar)
    with pytest.raises(ValueError, match="due"):
        dataclasses.replace(receipt, due=None)
    assert make(calendar, materials=iter([ReceivedMaterial("户口簿", 1)])).materials == (ReceivedMaterial("户口簿", 1),)
