"""``POST /v1/query/retirement-due`` over real HTTP on a seeded registry (issue 20, 到龄确认查询 of a unit)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from central.models import LookupRow, PersonRecordRow
from central.process import CentralServerProcess
from central.store import CentralStore, add_terminal
from forms.rules.retirement import Category, retirement_age
from protocol.lookup import RetirementDueAnswer
from tests.central.registry_helpers import employer_where, seed_db

PATH = "/v1/query/retirement-due"


def body(**fields: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "clerk_id": "1001", "created_at": "2026-12-06T09:00:00+08:00",
            "reason": {"kind": "typed", "note": "单位经办人持介绍信办理"}, **fields}


def serve(tmp_path: Path, central_factory: Callable[..., CentralServerProcess]) -> tuple[Path, httpx.Client]:
    db = tmp_path / "central.sqlite3"
    seed_db(db, persons=400, employers=10)
    server = central_factory(db)
    token = add_terminal(db, "T-QUERY-01")
    return db, httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def staff(db: Path, unit_number: str) -> list[PersonRecordRow]:
    with CentralStore.open(db) as store, store.reading() as session:
        rows = list(session.scalars(select(PersonRecordRow).where(PersonRecordRow.unit_number == unit_number)))
        for row in rows:
            session.expunge(row)
        return rows


def expected_month(person: PersonRecordRow) -> str:
    category = (Category.FLEXIBLE if person.insured_category == "flexible"
                else Category.WORKER if person.sex == "female" else Category.EMPLOYEE)
    sex = "female" if person.sex == "female" else "male"
    return retirement_age(date.fromisoformat(person.birth_date), sex, category).retirement_month


def test_the_unit_s_staff_due_by_the_month_earliest_first(tmp_path: Path, central_factory: Any) -> None:
    db, client = serve(tmp_path, central_factory)
    unit = employer_where(db)
    through = "2030-12"
    answer = RetirementDueAnswer.model_validate(client.post(PATH, json=body(
        unit_number=unit.unit_number, through_month=through)).raise_for_status().json())
    assert answer.found and answer.employer is not None and answer.employer.unit_number == unit.unit_number
    due = {p.id_number: expected_month(p) for p in staff(db, unit.unit_number)
           if p.benefit_status == "none" and expected_month(p) <= through}
    assert len(answer.persons) == len(due)
    assert sorted(p.retirement_month for p in answer.persons) == sorted(due.values())
    assert [p.retirement_month for p in answer.persons] == sorted(p.retirement_month for p in answer.persons)
    assert all("*" in p.id_number_masked and p.id_number_masked not in due for p in answer.persons)
    assert all(p.post_decides == (p.sex == "female" and p.insured_category != "flexible") for p in answer.persons)


def test_the_same_unit_by_credit_code_and_a_recorded_lookup(tmp_path: Path, central_factory: Any) -> None:
    db, client = serve(tmp_path, central_factory)
    unit = employer_where(db)
    sent = body(uscc=unit.uscc, through_month="2031-06")
    answer = RetirementDueAnswer.model_validate(client.post(PATH, json=sent).raise_for_status().json())
    assert answer.employer is not None and answer.employer.uscc == unit.uscc
    with CentralStore.open(db) as store, store.reading() as session:
        row = session.get(LookupRow, sent["id"])
        assert row is not None
        assert (row.subject_kind, row.subject, row.reason_kind, row.found) == ("retirement_due", unit.uscc, "typed",
                                                                               True)


def test_an_unknown_unit_is_not_found(tmp_path: Path, central_factory: Any) -> None:
    _db, client = serve(tmp_path, central_factory)
    answer = RetirementDueAnswer.model_validate(client.post(PATH, json=body(
        unit_number="99999999", through_month="2030-01")).raise_for_status().json())
    assert not answer.found and answer.persons == []


def test_a_query_without_a_reason_or_with_both_keys_is_refused(tmp_path: Path, central_factory: Any) -> None:
    db, client = serve(tmp_path, central_factory)
    unit = employer_where(db)
    no_reason = body(unit_number=unit.unit_number, through_month="2030-01")
    no_reason["reason"] = {"kind": "typed"}
    assert client.post(PATH, json=no_reason).status_code == 422
    both = body(unit_number=unit.unit_number, uscc=unit.uscc, through_month="2030-01")
    assert client.post(PATH, json=both).status_code == 422
    assert client.post(PATH, json=body(unit_number=unit.unit_number, through_month="2030-13")).status_code == 422


def test_without_a_token_it_is_refused(tmp_path: Path, central_factory: Any) -> None:
    db, client = serve(tmp_path, central_factory)
    unit = employer_where(db)
    answer = httpx.post(f"{client.base_url}{PATH}", json=body(unit_number=unit.unit_number,
                                                              through_month="2030-01"), timeout=30)
    assert answer.status_code == 401
