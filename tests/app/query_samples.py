"""``PersonOut`` / ``EmployerOut`` values for the query screens' tests: data built here, not mocks."""

from __future__ import annotations

from typing import Any

from app.cards import IdentityReading
from protocol.lookup import (
    BenefitOut,
    CardOut,
    ContactOut,
    ContributionPeriodOut,
    EmployerOut,
    EmployerRef,
    InsuranceOut,
    PensionAccountOut,
    PersonOut,
    StaffOut,
)

#: valid GB 11643 numbers (check characters computed): a man born 1965-03-07, a woman born 1972-05-14
MAN = "110101196503070014"
WOMAN = "360426197205140023"
UNIT = EmployerRef(unit_number="61020000123", uscc="91610200MA6X0000X7", name="铜川市示例机械有限公司")


def person(**changes: Any) -> PersonOut:
    base: dict[str, Any] = {
        "id_number": MAN, "name": "张建国", "sex": "male", "birth_date": "1965-03-07", "ethnicity": "汉族",
        "phone": "13800000001", "address": "陕西省铜川市王益区红旗街1号", "household_address": None,
        "insured_category": "employee", "employer": UNIT, "work_start_date": "1985-07-01",
        "insurances": [
            InsuranceOut(insurance="medical", status="insured", since="1996-01", months=360,
                         last_paid_month="2025-12"),
            InsuranceOut(insurance="pension", status="insured", since="1996-01", months=348,
                         last_paid_month="2025-12"),
        ],
        "periods": [
            ContributionPeriodOut(insurance="pension", start_month="2010-01", end_month="2025-12", months=192,
                                  base="5200.00", employer=UNIT),
            ContributionPeriodOut(insurance="pension", start_month="1996-01", end_month="2009-12", months=156,
                                  base="1800.00", employer=None),
        ],
        "pension": PensionAccountOut(paid_months=348, deemed_months=126, account_balance="86543.21",
                                     avg_contribution_index="1.12"),
        "benefit": BenefitOut(status="none"),
        "card": CardOut(status="normal", card_number="A12345678", issued_on="2018-04-02"),
        "as_of": "2026-01-05T09:00:00+08:00",
    }
    base.update(changes)
    return PersonOut(**base)


def employer(**changes: Any) -> EmployerOut:
    base: dict[str, Any] = {
        "unit_number": UNIT.unit_number, "uscc": UNIT.uscc, "name": UNIT.name, "status": "normal",
        "registered_on": "2008-06-18", "address": "陕西省铜川市新区正阳路8号", "legal_representative": "王立",
        "contacts": [ContactOut(role="社保经办人", name="李娜", phone="0919-3100001")],
        "insurances": ["injury", "pension", "medical"], "insured_staff": 3, "arrears_amount": "0.00",
        "arrears_months": 0,
        "staff": [StaffOut(id_number_masked="110*************14", name="张建国", insurances=["pension"],
                           since="2010-01")],
        "as_of": "2026-01-05T09:00:00+08:00",
    }
    base.update(changes)
    return EmployerOut(**base)


def reading(source: str = "居民身份证", **values: str) -> IdentityReading:
    """What a reader produced for the man above, with ``values`` changed."""
    read = {"id_number": MAN, "name": "张建国", "sex": "male", "birth_date": "1965-03-07"}
    read.update(values)
    return IdentityReading(source=source, name=read.get("name", ""), id_number=read["id_number"], values=read)
