"""A few persons written straight into a central database's registry tables, for the certificate tests.

Rows, not mocks: the same tables ``sicounter central seed`` fills, written with the central store's own
sessions, so the server process reads them as it reads a seeded registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from central.models import (
    ContributionPeriodRow,
    EmployerRecordRow,
    PersonInsuranceRow,
    PersonRecordRow,
)
from central.store import CentralStore
from forms.idnumber import check_character

FIVE = ("pension", "medical", "unemployment", "injury", "maternity")


def id_number(first17: str) -> str:
    return first17 + check_character(first17)


#: the person certificates are issued about, their agent (a daughter), and someone never registered
HOLDER = id_number("61010219700305001")
AGENT = id_number("61010219950812002")
STRANGER = id_number("61010219881111003")
#: registered, their social security card reported lost
LOST_CARD = id_number("61010219660721004")
UNIT = "610100000001"
UNIT_NAME = "西安市秦川机械有限公司"


@dataclass(frozen=True)
class Stretch:
    start: str
    end: str
    months: int
    base_fen: int
    unit: str | None


#: the holder's record: an employee since 2008-03; two months of the last stretch still owed
STRETCHES = (Stretch("2008-03", "2015-12", 94, 300_000, UNIT), Stretch("2016-01", "2026-10", 128, 520_000, UNIT))


def add_registry(db: Path | str) -> None:
    """The employer and the holder with five insurances and their stretches (idempotent per database)."""
    with CentralStore.open(db) as store, store.writing() as session:
        if session.get(PersonRecordRow, HOLDER) is not None:
            return
        session.add(EmployerRecordRow(unit_number=UNIT, uscc="91610100MA6TX0001K", name=UNIT_NAME, status="normal",
                                      registered_on="2005-06-01", contacts=[], insurances=list(FIVE)))
        session.flush()
        session.add(PersonRecordRow(id_number=HOLDER, name="王建国", sex="male", birth_date="1970-03-05",
                                    insured_category="employee", unit_number=UNIT, work_start_date="2008-03-01",
                                    updated_at="2026-11-30T00:00:00+00:00"))
        session.add(PersonRecordRow(id_number=LOST_CARD, name="李秀英", sex="female", birth_date="1966-07-21",
                                    insured_category="flexible", card_status="lost", card_changed_on="2026-11-02",
                                    updated_at="2026-11-30T00:00:00+00:00"))
        session.flush()
        session.add(PersonInsuranceRow(id_number=LOST_CARD, insurance="pension", status="insured", since="2012-01"))
        for insurance in FIVE:
            session.add(PersonInsuranceRow(id_number=HOLDER, insurance=insurance, status="insured", since="2008-03",
                                           unit_number=UNIT))
            for stretch in STRETCHES:
                session.add(ContributionPeriodRow(id_number=HOLDER, insurance=insurance, start_month=stretch.start,
                                                  end_month=stretch.end, months=stretch.months,
                                                  base_fen=stretch.base_fen, unit_number=stretch.unit))
