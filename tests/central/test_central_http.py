"""The sync protocol against a real ``python -m central serve`` process."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.receipts import CHINA_TZ, RECEIPT_RE, parse_receipt
from central.store import CentralStore

Body = Callable[..., dict[str, Any]]
MakeTerminal = Callable[[], tuple[str, str]]


def connect(server: CentralServerProcess, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30.0)


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def stored_with_id(central: CentralServerProcess, submission_id: str) -> list[str]:
    with CentralStore.open(central.db_path) as store:
        return [r.receipt_number for r in store.list_submissions() if r.id == submission_id]


def test_health_needs_no_token(central: CentralServerProcess) -> None:
    with connect(central) as client:
        response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert datetime.fromisoformat(body["server_time"]).tzinfo is not None


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer wrong-token", "Basic dXNlcjpwYXNz"])
def test_requests_without_a_valid_token_are_401(central: CentralServerProcess, make_terminal: MakeTerminal,
                                                body_for: Body, authorization: str | None) -> None:
    terminal_id, _ = make_terminal()
    headers = {"Authorization": authorization} if authorization else {}
    with connect(central) as client:
        post = client.post("/v1/submissions", json=body_for(terminal_id), headers=headers)
        get = client.get(f"/v1/submissions/{uuid.uuid4()}", headers=headers)
    for response in (post, get):
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_authentication_comes_before_body_validation(central: CentralServerProcess) -> None:
    with connect(central, "wrong-token") as client:
        response = client.post("/v1/submissions", json={"nonsense": True})
    assert_error(response, 401, "unauthorized")


def test_terminal_id_must_be_the_tokens_terminal(central: CentralServerProcess,
                                                 make_terminal: MakeTerminal, body_for: Body) -> None:
    (_, token), (other_id, _) = make_terminal(), make_terminal()
    body = body_for(other_id)
    with connect(central, token) as client:
        response = client.post("/v1/submissions", json=body)
    assert_error(response, 403, "terminal_mismatch")
    assert stored_with_id(central, body["id"]) == []


def test_first_post_is_201_with_a_receipt(central: CentralServerProcess,
                                          make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    with connect(central, token) as client:
        response = client.post("/v1/submissions", json=body)
    assert response.status_code == 201, response.text
    answer = response.json()
    assert set(answer) == {"id", "receipt_number", "status", "received_at", "duplicate",
                           "case_id", "case_version", "reason"}
    assert (answer["case_id"], answer["case_version"], answer["reason"]) == (body["id"], 1, None)
    assert answer["id"] == body["id"]
    assert answer["status"] == "accepted"
    assert answer["duplicate"] is False
    assert RECEIPT_RE.match(answer["receipt_number"])
    received_at = datetime.fromisoformat(answer["received_at"])
    assert received_at.utcoffset() == timedelta(0)
    day, sequence = parse_receipt(answer["receipt_number"])
    assert day == received_at.astimezone(CHINA_TZ).strftime("%Y%m%d")
    assert sequence >= 1


def test_repeat_is_a_duplicate_with_the_first_answer(central: CentralServerProcess,
                                                     make_terminal: MakeTerminal,
                                                     body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body)
        second = client.post("/v1/submissions", json=body)
        fetched = client.get(f"/v1/submissions/{body['id']}")
    assert first.status_code == 201
    assert second.status_code == 200, second.text
    assert second.json() == {**first.json(), "duplicate": True}
    assert fetched.status_code == 200
    assert fetched.json() == {k: v for k, v in first.json().items() if k != "duplicate"}
    assert stored_with_id(central, body["id"]) == [first.json()["receipt_number"]]


def test_same_body_in_another_key_order_and_spacing_is_a_duplicate(
        central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=True)
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body)
        second = client.post("/v1/submissions", content=reordered,
                             headers={"Content-Type": "application/json"})
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["receipt_number"] == first.json()["receipt_number"]


@pytest.mark.parametrize("change", [
    {"item_code": "pension.survivor"},
    {"version": 2},
    {"clerk_id": "clerk-008"},
    {"created_at": "2026-11-23T09:31:00+08:00"},
    {"payload": {"name": "张三", "id_number": "110101195001011234", "months": 181}},
])
def test_same_id_with_another_body_is_409(central: CentralServerProcess, make_terminal: MakeTerminal,
                                          body_for: Body, change: dict[str, Any]) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body)
        conflicting = client.post("/v1/submissions", json={**body, **change})
        fetched = client.get(f"/v1/submissions/{body['id']}")
    assert first.status_code == 201
    assert_error(conflicting, 409, "idempotency_conflict")
    assert fetched.json()["receipt_number"] == first.json()["receipt_number"]
    assert stored_with_id(central, body["id"]) == [first.json()["receipt_number"]]


def test_unknown_submission_is_404(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    _, token = make_terminal()
    with connect(central, token) as client:
        assert_error(client.get(f"/v1/submissions/{uuid.uuid4()}"), 404, "not_found")
        assert_error(client.get("/v1/submissions/not-a-uuid"), 404, "not_found")


def test_another_terminals_submission_is_404(central: CentralServerProcess,
                                             make_terminal: MakeTerminal, body_for: Body) -> None:
    (owner_id, owner_token), (_, stranger_token) = make_terminal(), make_terminal()
    body = body_for(owner_id)
    with connect(central, owner_token) as client:
        assert client.post("/v1/submissions", json=body).status_code == 201
    with connect(central, stranger_token) as client:
        assert_error(client.get(f"/v1/submissions/{body['id']}"), 404, "not_found")


def test_concurrent_posts_of_one_id_make_one_record(central: CentralServerProcess,
                                                    make_terminal: MakeTerminal,
                                                    body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    workers = 20
    barrier = threading.Barrier(workers, timeout=30)
    responses: list[httpx.Response] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def post() -> None:
        try:
            with connect(central, token) as client:
                barrier.wait()
                response = client.post("/v1/submissions", json=body)
            with lock:
                responses.append(response)
        except BaseException as exc:  # collected and asserted on below
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=post) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] * (workers - 1) + [201], [r.text for r in responses]
    receipts = {response.json()["receipt_number"] for response in responses}
    assert len(receipts) == 1
    assert sum(response.json()["duplicate"] is False for response in responses) == 1
    assert stored_with_id(central, body["id"]) == list(receipts)


def test_receipt_sequence_increments(central: CentralServerProcess,
                                     make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body_for(terminal_id)).json()
        second = client.post("/v1/submissions", json=body_for(terminal_id)).json()
    day1, seq1 = parse_receipt(first["receipt_number"])
    day2, seq2 = parse_receipt(second["receipt_number"])
    if day1 == day2:
        assert seq2 == seq1 + 1
    else:  # the China date changed between the two posts: the sequence restarts
        assert (day1, seq2) < (day2, 2)
        assert seq2 == 1


@pytest.mark.parametrize("change", [
    {"version": 0},
    {"version": "1"},
    {"version": 1.0},
    {"id": "not-a-uuid"},
    {"id": str(uuid.uuid4()).upper()},
    {"id": str(uuid.uuid1())},
    {"id": "00000000-0000-0000-0000-000000000000"},
    {"item_code": ""},
    {"created_at": "yesterday"},
    {"payload": ["not", "an", "object"]},
    {"unexpected": "field"},
])
def test_invalid_bodies_are_422_without_echoing_input(central: CentralServerProcess,
                                                      make_terminal: MakeTerminal,
                                                      body_for: Body, change: dict[str, Any]) -> None:
    terminal_id, token = make_terminal()
    body = {**body_for(terminal_id), **change}
    with connect(central, token) as client:
        response = client.post("/v1/submissions", json=body)
    assert_error(response, 422, "validation_error")
    assert "110101195001011234" not in response.text


def test_missing_field_and_malformed_json_are_422(central: CentralServerProcess,
                                                  make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    del body["payload"]
    with connect(central, token) as client:
        assert_error(client.post("/v1/submissions", json=body), 422, "validation_error")
        malformed = client.post("/v1/submissions", content=b'{"id": ',
                                headers={"Content-Type": "application/json"})
        assert_error(malformed, 422, "validation_error")
        not_json = client.post("/v1/submissions", content=json.dumps(body_for(terminal_id)),
                               headers={"Content-Type": "text/plain"})
        assert_error(not_json, 422, "validation_error")


def test_unknown_route_and_method_use_the_error_shape(central: CentralServerProcess,
                                                     make_terminal: MakeTerminal) -> None:
    # Behind /v1 only an authenticated terminal learns which paths exist (without a token: 401).
    with connect(central, make_terminal()[1]) as client:
        assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    with connect(central) as client:
        assert_error(client.get("/v1/nothing-here"), 401, "unauthorized")
        assert_error(client.delete("/v1/health"), 405, "method_not_allowed")
