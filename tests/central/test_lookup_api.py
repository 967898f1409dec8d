"""The lookup endpoints through a real central process over HTTP, on a seeded registry (issue 20)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from stdnum.cn import ric

from central.process import CentralServerProcess
from central.store import add_terminal
from protocol.lookup import MAX_STAFF_LISTED, PersonLookupAnswer

from .conftest import PostgresCluster
from .registry_helpers import employer_where, person_where, seed_db


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CentralServerProcess, Path]]:
    directory = tmp_path_factory.mktemp("registry")
    db = directory / "central.sqlite3"
    seed_db(db, persons=400, employers=25, seed=11)
    server = CentralServerProcess.start(db, timeout=30.0, stderr_path=directory / "central.log")
    yield server, db
    server.stop()


def _client(server: CentralServerProcess, db: Path | str) -> tuple[str, httpx.Client]:
    terminal_id = f"T-{uuid.uuid4().hex[:12]}"
    token = add_terminal(db, terminal_id)
    return terminal_id, httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"},
                                     timeout=30.0)


def _body(**fields: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "clerk_id": "1001", "created_at": "2026-12-01T09:30:00+08:00",
            "reason": {"kind": "card_read"}, **fields}


def _lookups(db: Path | str, *args: str) -> list[dict[str, Any]]:
    done = subprocess.run([sys.executable, "-m", "central", "lookups", "--json", *args, "--db", str(db)],
                          capture_output=True, text=True, timeout=60, check=True)
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def test_person_found_has_insurances_periods_and_card(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    number = person_where(db, insured_category="employee", benefit_status="none", card_status="normal")
    _terminal, http = _client(server, db)
    with http:
        answer = PersonLookupAnswer.model_validate(http.post("/v1/lookup/person", json=_body(id_number=number)).json())
    assert answer.found and answer.person is not None
    person = answer.person
    assert person.id_number == number and person.card.status == "normal"
    assert person.employer is not None
    assert {i.insurance for i in person.insurances} >= {"pension", "medical"}
    pension = next(i for i in person.insurances if i.insurance == "pension")
    assert pension.months == sum(p.months for p in person.periods if p.insurance == "pension") > 0
    assert person.pension is not None and person.pension.paid_months == pension.months


def test_person_not_registered_is_found_false(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    body17 = "61010319900101" + "999"  # a sequence the seed never gives (it keeps 001-998)
    number = body17 + ric.calc_check_digit(body17 + "0")
    _terminal, http = _client(server, db)
    with http:
        resp = http.post("/v1/lookup/person", json=_body(id_number=number))
    assert resp.status_code == 200
    assert resp.json()["found"] is False and resp.json()["person"] is None


def test_employer_by_unit_number_lists_staff_masked(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    unit = employer_where(db, status="normal")
    _terminal, http = _client(server, db)
    with http:
        answer = http.post("/v1/lookup/employer", json=_body(unit_number=unit.unit_number)).json()
    employer = answer["employer"]
    assert answer["found"] and employer["uscc"] == unit.uscc and employer["name"] == unit.name
    assert employer["insured_staff"] >= len(employer["staff"]) and len(employer["staff"]) <= MAX_STAFF_LISTED
    assert employer["contacts"] and all("*" in s["id_number_masked"] for s in employer["staff"])


def test_employer_by_uscc(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    unit = employer_where(db, status="cancelled")
    _terminal, http = _client(server, db)
    with http:
        answer = http.post("/v1/lookup/employer", json=_body(uscc=unit.uscc)).json()
    assert answer["found"] and answer["employer"]["unit_number"] == unit.unit_number
    assert answer["employer"]["status"] == "cancelled" and answer["employer"]["insured_staff"] == 0


def test_lookup_without_valid_reason_is_refused_422_and_not_recorded(
        registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    number = person_where(db, benefit_status="pension")
    terminal_id, http = _client(server, db)
    with http:
        typed_without_note = http.post("/v1/lookup/person", json=_body(id_number=number, reason={"kind": "typed"}))
        no_reason = http.post("/v1/lookup/person", json={k: v for k, v in _body(id_number=number).items()
                                                         if k != "reason"})
        unknown_kind = http.post("/v1/lookup/person", json=_body(id_number=number, reason={"kind": "curious"}))
    assert [r.status_code for r in (typed_without_note, no_reason, unknown_kind)] == [422, 422, 422]
    assert typed_without_note.json()["error"]["code"] == "validation_error"
    assert _lookups(db, "--terminal", terminal_id) == []


def test_lookup_recorded_with_reason_and_replay_is_idempotent(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    number = person_where(db, card_status="lost")
    terminal_id, http = _client(server, db)
    body = _body(id_number=number, reason={"kind": "typed", "note": "申请人来电咨询，已核实身份", "item_code": "x_y"})
    with http:
        first = http.post("/v1/lookup/person", json=body)
        again = http.post("/v1/lookup/person", json=body)
        other = http.post("/v1/lookup/person", json={**body, "id_number": person_where(db, card_status="replaced")})
    assert first.status_code == again.status_code == 200
    assert first.json()["looked_up_at"] == again.json()["looked_up_at"]
    assert first.json()["person"]["card"]["status"] == "lost"
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    recorded = _lookups(db, "--terminal", terminal_id)
    assert len(recorded) == 1
    assert recorded[0] | {"received_at": None} == {
        "id": body["id"], "terminal_id": terminal_id, "clerk_id": "1001", "subject_kind": "person",
        "subject": number, "reason_kind": "typed", "reason_note": "申请人来电咨询，已核实身份", "item_code": "x_y",
        "found": True, "created_at": body["created_at"], "received_at": None}


def test_lookups_table_masks_the_id_number(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    number = person_where(db, benefit_status="deceased")
    terminal_id, http = _client(server, db)
    with http:
        assert http.post("/v1/lookup/person", json=_body(id_number=number)).status_code == 200
    done = subprocess.run([sys.executable, "-m", "central", "lookups", "--terminal", terminal_id, "--db", str(db)],
                          capture_output=True, text=True, timeout=60, check=True)
    assert number not in done.stdout and number[:3] in done.stdout and "card_read" in done.stdout
    assert "1 lookup(s)" in done.stderr


def test_registered_batch_check_names_units(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    employed = person_where(db, insured_category="employee", benefit_status="none", card_status="normal")
    never = person_where(db, insured_category=None, benefit_status="none")
    body17 = "61010319900101" + "999"
    unknown = body17 + ric.calc_check_digit(body17 + "0")
    _terminal, http = _client(server, db)
    with http:
        unit = http.post("/v1/lookup/person", json=_body(id_number=employed)).json()["person"]["employer"]
        answer = http.post("/v1/lookup/registered", json=_body(
            unit_number=unit["unit_number"], id_numbers=[employed, never, unknown, employed],
            reason={"kind": "typed", "note": "单位批量导入人员新增"})).json()
    assert answer.get("checked") == 3, answer
    known = {r["id_number"]: r for r in answer["registered"]}
    assert set(known) == {employed, never}
    assert known[employed]["insured"] and known[employed]["same_unit"]
    assert known[employed]["unit_name"] == unit["name"]
    assert not known[never]["insured"] and known[never]["unit_number"] is None


def test_registered_batch_of_10000_numbers_fits_the_body_limit(registry: tuple[CentralServerProcess, Path]) -> None:
    server, db = registry
    numbers = []
    for n in range(10_000):
        body17 = f"610103{1960 + n % 40}0{1 + n % 9}1{n % 10}{n // 10 % 1000:03d}"
        numbers.append(body17 + ric.calc_check_digit(body17 + "0"))
    _terminal, http = _client(server, db)
    with http:
        ok = http.post("/v1/lookup/registered", json=_body(id_numbers=numbers, reason={"kind": "typed",
                                                                                       "note": "批量导入"}))
        too_many = http.post("/v1/lookup/registered", json=_body(id_numbers=[*numbers, numbers[0]],
                                                                 reason={"kind": "typed", "note": "批量导入"}))
    assert ok.status_code == 200, ok.text
    assert ok.json()["checked"] == len(set(numbers))
    assert too_many.status_code == 422


def test_seeded_postgresql_answers_lookups(postgres: PostgresCluster, tmp_path: Path) -> None:
    url = postgres.new_database()
    summary = seed_db(url, persons=200, employers=15, seed=5)
    assert summary.persons == 200
    server = CentralServerProcess.start(tmp_path / "unused.sqlite3", db_url=url, stderr_path=tmp_path / "pg.log")
    try:
        number = person_where(url, benefit_status="pension")
        unit = employer_where(url, status="normal")
        _terminal, http = _client(server, url)
        with http:
            person = http.post("/v1/lookup/person", json=_body(id_number=number)).json()
            employer = http.post("/v1/lookup/employer", json=_body(uscc=unit.uscc)).json()
        assert person["found"] and person["person"]["benefit"]["status"] == "pension"
        assert person["person"]["benefit"]["pension_months"] > 0
        assert employer["found"] and employer["employer"]["unit_number"] == unit.unit_number
    finally:
        server.stop()
