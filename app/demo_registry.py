"""The demo's own people in the demo central system's registry (issue 20).

The seeded registry (``central.registry_seed``) is made of invented people; the demo's cards and ID cards
(``devices/sim/holders``, ``devices/sim/identities``) carry other, fixed ones. Without a record for them a
lookup at the demo window would always answer "not registered", and nothing of the prefill, the rule panels'
real months or the query screens could be tried with the demo's own cards. So each card holder gets a record
built here by hand, consistent with the rules the terminal checks:

* 张伟 (ID card), an employee born 1965-03 still working past his statutory month: the retirement
  application (退休核准) a clerk takes, with real paid and deemed months in the panel;
* 王建国 (social security card K61020256), the same age, also still working: the registration shows the
  "already insured" warning, the retirement panel its months;
* 李秀英 (social security card A01234567), a pensioner since her statutory month (female worker, 50): the
  personal one-stop query and the certificates show a pension, the survivor panel a case to try.

Demo data only: never used by ``central seed`` and never in a real terminal's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from central.models import ContributionPeriodRow, EmployerRecordRow, PersonInsuranceRow, PersonRecordRow
from central.registry_seed import DEFAULT_AS_OF, INSURANCES, contribution_base_limits, month_index, month_label
from central.store import CentralStore
from forms.rules.retirement import Category, retirement_age


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    name: str
    sex: str
    birth: date
    work_start: date
    address: str
    phone: str
    card_number: str | None
    #: employee (still paying at a unit) or pensioner (retired in the statutory month of ``category``)
    kind: str
    category: Category = Category.EMPLOYEE


DEMO_PERSONS: tuple[DemoPerson, ...] = (
    DemoPerson("110101196503120018", "张伟", "male", date(1965, 3, 12), date(1986, 7, 1),
               "北京市东城区东华门街道南池子大街12号院3号楼2单元401室", "13911020018", None, "employee"),
    DemoPerson("610202196503150137", "王建国", "male", date(1965, 3, 15), date(1985, 9, 1),
               "陕西省铜川市王益区红旗街18号2单元302室", "13909190137", "K61020256", "employee"),
    DemoPerson("11010519491231002X", "李秀英", "female", date(1949, 12, 31), date(1968, 7, 1),
               "北京市朝阳区呼家楼街道金台里15号楼4单元201室", "13601051002", "A01234567", "pensioner",
               Category.WORKER),
)

_RECORDS_START = month_index(1996, 1)
_FEN = Decimal("0.01")


def _years(first: int, last: int) -> list[tuple[int, int]]:
    """(start, end) month indexes of each calendar year from ``first`` to ``last`` (inclusive)."""
    spans = []
    start = first
    while start <= last:
        end = min(last, month_index(start // 12, 12))
        spans.append((start, end))
        start = end + 1
    return spans


def _rows(person: DemoPerson, unit_number: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The person's record, insurances and contribution periods (one period per year, at the average wage)."""
    now = month_index(DEFAULT_AS_OF.year, DEFAULT_AS_OF.month)
    deemed = max(0, _RECORDS_START - month_index(person.work_start.year, person.work_start.month))
    retired: int | None = None
    if person.kind == "pensioner":
        age = retirement_age(person.birth, "female" if person.sex == "female" else "male", person.category)
        retired = month_index(int(age.retirement_month[:4]), int(age.retirement_month[5:]))
    last = (retired - 1) if retired is not None else now - 1
    periods: list[dict[str, Any]] = []
    account = Decimal(0)
    for start, end in _years(_RECORDS_START, last):
        floor, ceiling = contribution_base_limits(start // 12)
        base = (floor / Decimal("0.6")).quantize(_FEN, rounding=ROUND_HALF_UP)  # the average wage: index 1.00
        base = min(max(base, floor), ceiling)
        months = end - start + 1
        account += base * Decimal("0.08") * months
        for insurance in INSURANCES:
            periods.append({"id_number": person.id_number, "insurance": insurance, "start_month": month_label(start),
                            "end_month": month_label(end), "months": months, "base_fen": int(base * 100),
                            "unit_number": unit_number})
    working = retired is None
    insurances = [{"id_number": person.id_number, "insurance": insurance,
                   "status": "insured" if working else "stopped", "since": month_label(_RECORDS_START),
                   "unit_number": unit_number if working else None} for insurance in INSURANCES]
    record = {
        "id_number": person.id_number, "name": person.name, "sex": person.sex, "birth_date": person.birth.isoformat(),
        "ethnicity": "汉族", "phone": person.phone, "address": person.address, "household_address": person.address,
        "insured_category": "employee", "unit_number": unit_number if working else None,
        "work_start_date": person.work_start.isoformat(), "deemed_months": deemed,
        "account_balance_fen": int(account.quantize(_FEN) * 100), "avg_index_centi": 100,
        "benefit_status": "none" if working else "pension",
        "benefit_since": None if working else f"{month_label(retired or 0)}-01",
        "monthly_pension_fen": None if working else 285000,
        "pension_paid_until": None if working else month_label(now),
        "pension_since": None if working else month_label(retired or 0),
        "card_status": "normal" if person.card_number else "none", "card_number": person.card_number,
        "card_issued_on": "2018-09-01" if person.card_number else None, "card_changed_on": None,
        "updated_at": f"{DEFAULT_AS_OF.isoformat()}T18:00:00+08:00",
    }
    return record, insurances, periods


def add_demo_persons(store: CentralStore) -> int:
    """Give each demo card holder a registry record at the first normal unit; those already there are kept.

    Returns how many were added. The unit's staff count follows from the records (an employer's insured
    staff are the persons whose current unit it is), so nothing else changes.
    """
    added = 0
    with store.writing() as session:
        unit = session.scalar(select(EmployerRecordRow.unit_number).where(EmployerRecordRow.status == "normal")
                              .order_by(EmployerRecordRow.unit_number).limit(1))
        if unit is None:
            return 0
        for person in DEMO_PERSONS:
            if session.get(PersonRecordRow, person.id_number) is not None:
                continue
            record, insurances, periods = _rows(person, unit)
            session.add(PersonRecordRow(**record))
            session.flush()
            session.add_all([PersonInsuranceRow(**row) for row in insurances])
            session.add_all([ContributionPeriodRow(**row) for row in periods])
            added += 1
    return added
