"""``POST /v1/submissions/{id}/reminders`` (催办) on a real central server process: stored once by its id,
refused for another terminal's case or a reused id with another body, bounded in size, listed by the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable

import httpx

from central.process import CentralServerProcess
from protocol import limits
from tests.central.conftest import submission_body


def client_for(central: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


def reminder(**overrides: object) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "clerk_id": "1001", "created_at": "2026-12-06T09:12:00+08:00",
            "note": "申请人询问进度", **overrides}


def stored_case(client: httpx.Client, terminal_id: str) -> str:
    body = submission_body(terminal_id)
    assert client.post("/v1/submissions", json=body).status_code == 201
    return str(body["id"])


def test_a_reminder_is_stored_once_and_a_repeat_is_answered_200(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        sent = reminder()
        first = client.post(f"/v1/submissions/{case}/reminders", json=sent)
        again = client.post(f"/v1/submissions/{case}/reminders", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and first.json()["case_status"] == "accepted"
    out = subprocess.run([sys.executable, "-m", "central", "reminders", "--db", str(central.db_path), "--json",
                          "--terminal", terminal_id], capture_output=True, text=True, timeout=60, check=True)
    assert [r["id"] for r in json.loads(out.stdout)] == [sent["id"]]


def test_a_reused_reminder_id_with_another_body_is_a_conflict(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        sent = reminder()
        assert client.post(f"/v1/submissions/{case}/reminders", json=sent).status_code == 201
        other = client.post(f"/v1/submissions/{case}/reminders", json={**sent, "note": "另一说明"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_another_terminals_case_cannot_be_reminded(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    owner_id, owner_token = make_terminal()
    _other_id, other_token = make_terminal()
    with client_for(central, owner_token) as owner:
        case = stored_case(owner, owner_id)
    with client_for(central, other_token) as other:
        refused = other.post(f"/v1/submissions/{case}/reminders", json=reminder())
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found"


def test_a_reminder_body_beyond_its_limit_or_its_note_bound_is_refused(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        too_long = client.post(f"/v1/submissions/{case}/reminders", json=reminder(note="催" * 501))
        too_large = client.post(f"/v1/submissions/{case}/reminders",
                                content=b" " * (limits.REMINDER_BODY + 1), headers={"Content-Type": "application/json"})
    assert too_long.status_code == 422
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "body_too_large"
