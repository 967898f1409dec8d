"""A submission's ``home_visit`` (上门服务, issue 19) at the real central server over HTTP: kept, strict, part of
the body the idempotency key guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from central.process import CentralServerProcess
from central.store import CentralStore

from .test_central_http import assert_error, connect

Body = Callable[..., dict[str, Any]]
MakeTerminal = Callable[[], tuple[str, str]]


def kept(central: CentralServerProcess, submission_id: str) -> bool | None:
    with CentralStore.open(central.db_path) as store:
        record = store.get_submission(submission_id)
    return None if record is None else record.home_visit


def test_a_home_visit_is_kept_and_a_window_case_is_not(central: CentralServerProcess, make_terminal: MakeTerminal,
                                                       body_for: Body) -> None:
    terminal_id, token = make_terminal()
    at_home, at_window = body_for(terminal_id, home_visit=True), body_for(terminal_id)
    with connect(central, token) as client:
        answers = [client.post("/v1/submissions", json=body) for body in (at_home, at_window)]
        batch = client.post("/v1/submissions/batch",
                            json={"submissions": [body_for(terminal_id, home_visit=True), body_for(terminal_id)]})
    assert [a.status_code for a in answers] == [201, 201] and batch.status_code == 200, batch.text
    assert kept(central, at_home["id"]) is True and kept(central, at_window["id"]) is False
    ids = [item["id"] for item in batch.json()["results"]]
    assert [kept(central, i) for i in ids] == [True, False]


@pytest.mark.parametrize("value", [None, "true", 1])
def test_home_visit_is_a_boolean_or_left_out(central: CentralServerProcess, make_terminal: MakeTerminal,
                                             body_for: Body, value: Any) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id, home_visit=value)
    with connect(central, token) as client:
        response = client.post("/v1/submissions", json=body)
    assert_error(response, 422, "validation_error")
    assert kept(central, body["id"]) is None


def test_the_same_id_with_home_visit_added_is_another_body(central: CentralServerProcess,
                                                           make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body)
        again = client.post("/v1/submissions", json=body)
        changed = client.post("/v1/submissions", json={**body, "home_visit": True})
    assert first.status_code == 201 and again.status_code == 200 and again.json()["duplicate"] is True
    assert_error(changed, 409, "idempotency_conflict")
    assert kept(central, body["id"]) is False
