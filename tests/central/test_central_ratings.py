"""``POST /v1/submissions/{id}/rating`` (好差评) on a real central server process: stored once by its id, one
per case, checked with ``protocol.ratings``, refused for another terminal's or an unknown case, bounded in
size, listed by ``central ratings``."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable

import httpx
import pytest

from central.process import CentralServerProcess
from protocol import limits
from tests.central.conftest import submission_body


def client_for(central: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


def rating(**overrides: object) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "clerk_id": "1001", "level": 2, "reasons": ["slow"],
            "created_at": "2026-12-06T09:12:00+08:00", **overrides}


def stored_case(client: httpx.Client, terminal_id: str) -> str:
    body = submission_body(terminal_id)
    assert client.post("/v1/submissions", json=body).status_code == 201
    return str(body["id"])


def listed(central: CentralServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "central", "ratings", "--db", str(central.db_path), *args],
                          capture_output=True, text=True, timeout=60, check=True)


def test_a_rating_is_stored_once_and_a_repeat_is_answered_200(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        sent = rating()
        first = client.post(f"/v1/submissions/{case}/rating", json=sent)
        again = client.post(f"/v1/submissions/{case}/rating", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and first.json()["level"] == 2
    found = json.loads(listed(central, "--json", "--terminal", terminal_id).stdout)
    assert [(r["id"], r["submission_id"], r["level"], r["reasons"]) for r in found] == [
        (sent["id"], case, 2, ["slow"])]


def test_a_different_second_rating_of_a_case_is_a_conflict(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        assert client.post(f"/v1/submissions/{case}/rating", json=rating(level=5, reasons=[])).status_code == 201
        second = client.post(f"/v1/submissions/{case}/rating", json=rating())
    assert second.status_code == 409 and second.json()["error"]["code"] == "idempotency_conflict"
    assert [r["level"] for r in json.loads(listed(central, "--json", "--terminal", terminal_id).stdout)] == [5]


def test_a_reused_rating_id_with_another_body_is_a_conflict(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        sent = rating()
        assert client.post(f"/v1/submissions/{case}/rating", json=sent).status_code == 201
        other = client.post(f"/v1/submissions/{case}/rating", json={**sent, "level": 1})
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_an_unknown_or_another_terminals_case_cannot_be_rated(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    owner_id, owner_token = make_terminal()
    _other_id, other_token = make_terminal()
    with client_for(central, owner_token) as owner:
        case = stored_case(owner, owner_id)
        unknown = owner.post(f"/v1/submissions/{uuid.uuid4()}/rating", json=rating())
    with client_for(central, other_token) as other:
        foreign = other.post(f"/v1/submissions/{case}/rating", json=rating())
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("body", [
    {"level": 0, "reasons": []}, {"level": 6, "reasons": []},
    {"level": 1, "reasons": []},  # a poor rating without its reason
    {"level": 5, "reasons": ["slow"]},  # a reason on a good one
    {"level": 2, "reasons": ["nonsense"]}, {"level": 2, "reasons": ["slow", "slow"]},
    {"level": 2, "reasons": ["slow"], "name": "李秀英"},  # nothing of the person, nothing unknown
])
def test_a_rating_protocol_ratings_refuses_is_422(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]], body: dict[str, object]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        refused = client.post(f"/v1/submissions/{case}/rating", json=rating(**body))
    assert refused.status_code == 422


def test_a_rating_body_beyond_its_limit_is_refused(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        case = stored_case(client, terminal_id)
        too_large = client.post(f"/v1/submissions/{case}/rating", content=b" " * (limits.RATING_BODY + 1),
                                headers={"Content-Type": "application/json"})
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "body_too_large"


def test_the_ratings_listing_prints_a_line_per_rating_with_its_level_in_words(
        central: CentralServerProcess, make_terminal: Callable[[], tuple[str, str]]) -> None:
    terminal_id, token = make_terminal()
    with client_for(central, token) as client:
        first, second = stored_case(client, terminal_id), stored_case(client, terminal_id)
        good = rating(level=4, reasons=[])
        poor = rating(level=1, reasons=["attitude", "repeat"])
        assert client.post(f"/v1/submissions/{first}/rating", json=good).status_code == 201
        assert client.post(f"/v1/submissions/{second}/rating", json=poor).status_code == 201
    done = listed(central, "--terminal", terminal_id)
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and "2 rating(s)" in done.stderr
    assert str(good["id"]) in lines[0] and "4 满意" in lines[0]
    assert str(poor["id"]) in lines[1] and "1 非常不满意" in lines[1] and "attitude,repeat" in lines[1]
