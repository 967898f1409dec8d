"""Reading the registry (issue 20): a person, an employer, or which of a batch of ID numbers are known.

The rows are ``central.models``' registry tables (filled by ``central.registry_seed`` on the reference
server); the answers are ``protocol.lookup``'s models, amounts in yuan with two decimals, months as
``YYYY-MM``. An employer's staff are listed up to ``MAX_STAFF_LISTED`` with masked ID numbers, the count is
always whole: the terminal never gets a bulk copy of the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.models import ContributionPeriodRow, EmployerRecordRow, PersonInsuranceRow, PersonRecordRow
from core.errors import mask_id_number
from protocol.lookup import (
    INSURANCE_LABELS,
    MAX_STAFF_LISTED,
    BenefitOut,
    CardOut,
    ContactOut,
    ContributionPeriodOut,
    EmployerOut,
    EmployerRef,
    InsuranceOut,
    PensionAccountOut,
    PersonOut,
    RegisteredOut,
    StaffOut,
)

__all__ = ["find_employer", "find_person", "registered_among"]

_ORDER = {code: i for i, code in enumerate(INSURANCE_LABELS)}
#: insurance states that count as insured at a unit now
_INSURED = ("insured", "suspended")
#: SQL parameters per IN list (SQLite's default limit is far above; PostgreSQL takes any)
_IN_CHUNK = 900


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals ("1234.50")."""
    return f"{Decimal(fen) / 100:.2f}"


def _months_between(first: str, last: str) -> int:
    """Inclusive months from ``first`` to ``last`` (YYYY-MM)."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def _ref(row: EmployerRecordRow | None) -> EmployerRef | None:
    return None if row is None else EmployerRef(unit_number=row.unit_number, uscc=row.uscc, name=row.name)


def find_person(session: Session, id_number: str) -> PersonOut | None:
    """Everything the registry knows of one person, or None if nobody with this number was registered."""
    person = session.get(PersonRecordRow, id_number)
    if person is None:
        return None
    periods = list(session.scalars(select(ContributionPeriodRow).where(ContributionPeriodRow.id_number == id_number)))
    periods.sort(key=lambda p: (_ORDER.get(p.insurance, 99), p.start_month, p.id))
    units = {p.unit_number for p in periods if p.unit_number} | ({person.unit_number} if person.unit_number else set())
    employers = {row.unit_number: row for row in session.scalars(
        select(EmployerRecordRow).where(EmployerRecordRow.unit_number.in_(sorted(units))))} if units else {}
    insurances = sorted(session.scalars(select(PersonInsuranceRow).where(PersonInsuranceRow.id_number == id_number)),
                        key=lambda i: _ORDER.get(i.insurance, 99))
    months: dict[str, int] = {}
    last_paid: dict[str, str] = {}
    for p in periods:
        months[p.insurance] = months.get(p.insurance, 0) + p.months
        if p.months > 0:
            last_paid[p.insurance] = max(last_paid.get(p.insurance, ""), p.end_month)
    pension = None
    if "pension" in months or person.deemed_months:
        pension = PensionAccountOut(paid_months=months.get("pension", 0), deemed_months=person.deemed_months,
                                    account_balance=yuan(person.account_balance_fen),
                                    avg_contribution_index=f"{Decimal(person.avg_index_centi) / 100:.2f}")
    pension_months = (_months_between(person.pension_since, person.pension_paid_until)
                      if person.pension_since and person.pension_paid_until else None)
    return PersonOut(
        id_number=person.id_number, name=person.name, sex=person.sex, birth_date=person.birth_date,
        ethnicity=person.ethnicity, phone=person.phone, address=person.address,
        household_address=person.household_address, insured_category=person.insured_category,
        employer=_ref(employers.get(person.unit_number or "")), work_start_date=person.work_start_date,
        insurances=[InsuranceOut(insurance=i.insurance, status=i.status, since=i.since,
                                 months=months.get(i.insurance, 0), last_paid_month=last_paid.get(i.insurance))
                    for i in insurances],
        periods=[ContributionPeriodOut(insurance=p.insurance, start_month=p.start_month, end_month=p.end_month,
                                       months=p.months, base=yuan(p.base_fen),
                                       employer=_ref(employers.get(p.unit_number or ""))) for p in periods],
        pension=pension,
        benefit=BenefitOut(status=person.benefit_status, since=person.benefit_since,
                           monthly_amount=yuan(person.monthly_pension_fen) if person.monthly_pension_fen else None,
                           paid_until=person.pension_paid_until, pension_months=pension_months),
        card=CardOut(status=person.card_status, card_number=person.card_number, issued_on=person.card_issued_on,
                     changed_on=person.card_changed_on),
        as_of=person.updated_at)


def find_employer(session: Session, *, unit_number: str | None = None, uscc: str | None = None,
                  as_of: str) -> EmployerOut | None:
    """One employer by unit number or credit code, with its staff (the first ``MAX_STAFF_LISTED``)."""
    query = select(EmployerRecordRow)
    query = query.where(EmployerRecordRow.unit_number == unit_number) if unit_number is not None \
        else query.where(EmployerRecordRow.uscc == uscc)
    unit = session.scalar(query)
    if unit is None:
        return None
    count = session.scalar(select(func.count()).select_from(PersonRecordRow)
                           .where(PersonRecordRow.unit_number == unit.unit_number)) or 0
    staff = list(session.scalars(select(PersonRecordRow).where(PersonRecordRow.unit_number == unit.unit_number)
                                 .order_by(PersonRecordRow.id_number).limit(MAX_STAFF_LISTED)))
    held: dict[str, list[PersonInsuranceRow]] = {}
    if staff:
        for row in session.scalars(select(PersonInsuranceRow).where(
                PersonInsuranceRow.id_number.in_([s.id_number for s in staff]),
                PersonInsuranceRow.unit_number == unit.unit_number, PersonInsuranceRow.status.in_(_INSURED))):
            held.setdefault(row.id_number, []).append(row)
    listed = []
    for person in staff:
        rows = sorted(held.get(person.id_number, []), key=lambda i: _ORDER.get(i.insurance, 99))
        since = min((r.since for r in rows if r.since), default=None)
        listed.append(StaffOut(id_number_masked=mask_id_number(person.id_number), name=person.name,
                               insurances=[r.insurance for r in rows], since=since))
    return EmployerOut(unit_number=unit.unit_number, uscc=unit.uscc, name=unit.name, status=unit.status,
                       registered_on=unit.registered_on, address=unit.address,
                       legal_representative=unit.legal_representative,
                       contacts=[ContactOut.model_validate(c) for c in unit.contacts], insurances=list(unit.insurances),
                       insured_staff=count, arrears_amount=yuan(unit.arrears_fen), arrears_months=unit.arrears_months,
                       staff=listed, as_of=as_of)


def registered_among(session: Session, id_numbers: Sequence[str], unit_number: str | None) -> list[RegisteredOut]:
    """The numbers of ``id_numbers`` the registry knows, in the order given (each once)."""
    wanted = list(dict.fromkeys(id_numbers))
    persons: dict[str, PersonRecordRow] = {}
    insured: dict[str, list[str]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start:start + _IN_CHUNK]
        for row in session.scalars(select(PersonRecordRow).where(PersonRecordRow.id_number.in_(chunk))):
            persons[row.id_number] = row
        for ins in session.scalars(select(PersonInsuranceRow).where(PersonInsuranceRow.id_number.in_(chunk),
                                                                    PersonInsuranceRow.status.in_(_INSURED))):
            insured.setdefault(ins.id_number, []).append(ins.insurance)
    units = {p.unit_number for p in persons.values() if p.unit_number}
    names: dict[str, str] = {}
    for start in range(0, len(units), _IN_CHUNK):
        chunk_units = sorted(units)[start:start + _IN_CHUNK]
        for unit, name in session.execute(select(EmployerRecordRow.unit_number, EmployerRecordRow.name)
                                          .where(EmployerRecordRow.unit_number.in_(chunk_units))):
            names[unit] = name
    found = []
    for number in wanted:
        person = persons.get(number)
        if person is None:
            continue
        held = sorted(insured.get(number, []), key=lambda i: _ORDER.get(i, 99))
        found.append(RegisteredOut(
            id_number=number, name=person.name, insured=bool(held), insured_category=person.insured_category,
            unit_number=person.unit_number, unit_name=names.get(person.unit_number or ""),
            same_unit=unit_number is not None and person.unit_number == unit_number, insurances=held,
            benefit_status=person.benefit_status))
    return found
