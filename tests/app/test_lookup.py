"""The lookup use cases (issue 20) on a real terminal against a real central process with a seeded registry."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from stdnum.cn import ric

from app.lookups import LookupOutcome, LookupReason
from app.permissions import PermissionDenied
from app.terminal import Terminal
from app.usecases.lookup import OFFLINE_MESSAGE, check_registered, look_up_employer, look_up_person
from central.process import CentralServerProcess
from core.errors import ValidationError
from local_db.clerks import ClerkInfo, Role, add_clerk
from tests.central.registry_helpers import employer_where, person_where, seed_db

from .conftest import CLERK, TERMINAL_ID, free_port

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CARD = LookupReason("card_read", item_code="pension_retirement")
ADMIN = ClerkInfo("9001", "系统管理员", frozenset({Role.ADMIN}))

Started = tuple[Terminal, Path, CentralServerProcess]


@pytest.fixture
def seeded(central_db: Path, start_central: Callable[..., CentralServerProcess],
           make_terminal: Callable[..., Terminal]) -> Started:
    """A terminal and the central process it talks to, over a registry seeded before the server started."""
    seed_db(central_db, persons=300, employers=20, seed=3)
    server = start_central()
    return make_terminal(server.base_url, start_sender=False), central_db, server


def _unknown_number() -> str:
    body17 = "61010319900101" + "999"  # the seed never gives sequence 999
    return body17 + ric.calc_check_digit(body17 + "0")


def _central_lookups(db: Path) -> list[dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "central", "lookups", "--json", "--terminal", TERMINAL_ID,
                           "--db", str(db)], capture_output=True, text=True, timeout=60, check=True)
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def test_person_found_gives_registry_record(seeded: Started) -> None:
    terminal, db, _server = seeded
    number = person_where(db, benefit_status="pension")
    found = look_up_person(terminal, CLERK, number, CARD, now=NOW)
    assert found.outcome is LookupOutcome.FOUND and found.person is not None
    assert found.person.id_number == number and found.person.benefit.status == "pension"
    assert found.person.pension is not None and found.person.pension.paid_months > 0
    assert found.lookup_id is not None and found.message == ""


def test_person_not_registered(seeded: Started) -> None:
    terminal, _db, _server = seeded
    result = look_up_person(terminal, CLERK, _unknown_number(), CARD, now=NOW)
    assert result.outcome is LookupOutcome.NOT_REGISTERED and result.person is None
    assert "没有" in result.message and result.lookup_id is not None


def test_employer_by_unit_number(seeded: Started) -> None:
    terminal, db, _server = seeded
    unit = employer_where(db, status="normal")
    result = look_up_employer(terminal, CLERK, unit_number=unit.unit_number,
                              reason=LookupReason("typed", "单位经办人办理参保信息变更"), now=NOW)
    assert result.outcome is LookupOutcome.FOUND and result.employer is not None
    assert result.employer.uscc == unit.uscc


def test_employer_by_uscc(seeded: Started) -> None:
    terminal, db, _server = seeded
    unit = employer_where(db, status="suspended")
    result = look_up_employer(terminal, CLERK, uscc=unit.uscc.lower(),
                              reason=LookupReason("typed", "单位经办人办理参保信息变更"), now=NOW)
    assert result.outcome is LookupOutcome.FOUND and result.employer is not None
    assert result.employer.unit_number == unit.unit_number and result.employer.status == "suspended"


def test_typed_reason_requires_note(seeded: Started) -> None:
    terminal, db, _server = seeded
    number = person_where(db, benefit_status="none")
    with pytest.raises(ValidationError) as refused:
        look_up_person(terminal, CLERK, number, LookupReason("typed", "  "), now=NOW)
    assert refused.value.field == "reason" and "理由" in refused.value.user_message
    assert terminal.audit.find(terminal.db, id_number=number) == []
    assert _central_lookups(db) == []


def test_lookup_recorded_on_both_sides(seeded: Started) -> None:
    terminal, db, _server = seeded
    number = person_where(db, card_status="lost")
    result = look_up_person(terminal, CLERK, number, LookupReason("typed", "申请人来电，已核实身份"), now=NOW)
    assert result.outcome is LookupOutcome.FOUND and result.person is not None
    assert result.person.card.status == "lost"
    entries = [e for e in terminal.audit.find(terminal.db, id_number=number) if e.action == "lookup"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.subject == result.lookup_id and entry.clerk_id == CLERK.id
    assert entry.detail == {"lookup": result.lookup_id, "subject": "person", "reason": "typed", "outcome": "found"}
    assert entry.person_key == terminal.audit.person_key(number)
    assert number not in json.dumps(entry.detail, ensure_ascii=False)
    central = _central_lookups(db)
    assert [(c["id"], c["subject"], c["reason_kind"], c["reason_note"], c["found"]) for c in central] == [
        (result.lookup_id, number, "typed", "申请人来电，已核实身份", True)]


def test_offline_when_central_stopped_gives_offline_not_exception(
        central_db: Path, make_terminal: Callable[..., Terminal]) -> None:
    seed_db(central_db, persons=150, employers=12, seed=3)
    number = person_where(central_db, benefit_status="none")
    terminal = make_terminal(f"http://127.0.0.1:{free_port()}", start_sender=False)  # nothing listens there
    result = look_up_person(terminal, CLERK, number, CARD, now=NOW)
    assert result.outcome is LookupOutcome.OFFLINE and result.person is None
    assert result.message == OFFLINE_MESSAGE and result.lookup_id is None
    employer = look_up_employer(terminal, CLERK, unit_number="6100000001", reason=CARD, now=NOW)
    assert employer.outcome is LookupOutcome.OFFLINE
    entry = next(e for e in terminal.audit.find(terminal.db, id_number=number) if e.action == "lookup")
    assert entry.detail["outcome"] == "offline"


def test_offline_after_central_stops(seeded: Started) -> None:
    terminal, db, server = seeded
    number = person_where(db, benefit_status="none")
    assert look_up_person(terminal, CLERK, number, CARD, now=NOW).outcome is LookupOutcome.FOUND
    server.stop()
    result = look_up_person(terminal, CLERK, number, CARD, now=NOW)
    assert result.outcome is LookupOutcome.OFFLINE and result.message == OFFLINE_MESSAGE


def test_administrator_may_not_look_up(seeded: Started) -> None:
    terminal, db, _server = seeded
    add_clerk(terminal.db, ADMIN.id, ADMIN.name, "admin-pass-1", roles=frozenset({Role.ADMIN}))
    number = person_where(db, benefit_status="none")
    with pytest.raises(PermissionDenied):
        look_up_person(terminal, ADMIN, number, CARD, now=NOW)
    with pytest.raises(PermissionDenied):
        look_up_employer(terminal, ADMIN, unit_number="6100000001", reason=CARD, now=NOW)
    with pytest.raises(PermissionDenied):
        check_registered(terminal, ADMIN, None, [number], CARD, now=NOW)
    assert _central_lookups(db) == []


def test_registered_batch_check(seeded: Started) -> None:
    terminal, db, _server = seeded
    employed = person_where(db, insured_category="employee", benefit_status="none", card_status="normal")
    never = person_where(db, insured_category=None, benefit_status="none")
    unit = look_up_person(terminal, CLERK, employed, CARD, now=NOW).person.employer  # type: ignore[union-attr]
    assert unit is not None
    result = check_registered(terminal, CLERK, unit.unit_number, [employed, never, _unknown_number()],
                              LookupReason("typed", "单位批量导入人员新增"), now=NOW)
    assert result.outcome is LookupOutcome.FOUND and result.checked == 3
    assert set(result.registered) == {employed, never}
    assert result.registered[employed].same_unit and result.registered[employed].insured
    assert not result.registered[never].insured
    nobody = check_registered(terminal, CLERK, None, [_unknown_number()], LookupReason("typed", "批量导入"),
                              now=NOW)
    assert nobody.outcome is LookupOutcome.NOT_REGISTERED and nobody.registered == {}
