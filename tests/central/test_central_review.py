"""The reviewer thread and the status feed, in real server processes."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.receipts import parse_receipt
from central.store import add_terminal

Body = Callable[..., dict[str, Any]]
Start = Callable[..., CentralServerProcess]
DEFAULT_REASON = "材料不清晰，请重新拍摄后补正。"


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def feed_until(client: httpx.Client, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Follow the feed (by cursor, as a terminal does) until ``count`` events arrived."""
    events: list[dict[str, Any]] = []
    cursor = ""
    deadline = time.monotonic() + timeout
    while len(events) < count:
        assert time.monotonic() < deadline, f"only {len(events)} of {count} events: {events}"
        page = client.get("/v1/status-feed", params={"since": cursor}).json()
        events += page["events"]
        cursor = page["next_cursor"]
        if not page["more"] and len(events) < count:
            time.sleep(0.05)
    return events


@pytest.mark.parametrize("mode, extra, expected", [
    ("accept", [], ["approved"] * 4),
    ("return", ["--return-reason", "请补充申请人签字。"], ["returned"] * 4),
    ("alternate", [], ["approved", "returned", "approved", "returned"]),
])
def test_reviewer_modes(tmp_path: Path, central_factory: Start, body_for: Body, mode: str, extra: list[str],
                        expected: list[str]) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--review", mode, "--review-delay", "0.2", *extra)
    bodies = [body_for("T1") for _ in range(4)]
    with connect(server, token) as client:
        receipts = [client.post("/v1/submissions", json=b).json()["receipt_number"] for b in bodies]
        events = feed_until(client, 8)
        statuses = [client.get(f"/v1/submissions/{b['id']}").json() for b in bodies]
    assert [e["status"] for e in events[:4]] == ["accepted"] * 4  # the initial events, at once
    decided = {e["submission_id"]: e for e in events[4:]}
    assert [decided[b["id"]]["status"] for b in bodies] == expected
    reason = "请补充申请人签字。" if extra else DEFAULT_REASON
    for body, receipt, status in zip(bodies, receipts, statuses, strict=True):
        event = decided[body["id"]]
        assert event["receipt_number"] == receipt and status["status"] == event["status"]
        assert event["reason"] == (reason if event["status"] == "returned" else None) == status["reason"]
        assert (event["case_id"], event["case_version"]) == (body["id"], 1)
    assert [parse_receipt(r)[1] % 2 == 0 for r in receipts] == [False, True, False, True]


def test_correction_of_a_returned_case_is_reviewed_again(tmp_path: Path, central_factory: Start,
                                                         body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--review", "alternate", "--review-delay", "0.2")
    first, second = body_for("T1"), body_for("T1")
    with connect(server, token) as client:
        client.post("/v1/submissions", json=first)
        client.post("/v1/submissions", json=second)  # receipt 2: returned
        events = feed_until(client, 4)
        assert {e["submission_id"]: e["status"] for e in events[2:]}[second["id"]] == "returned"
        correction = body_for("T1", case_id=second["id"], case_version=2)
        assert client.post("/v1/submissions", json=correction).status_code == 201  # receipt 3: approved
        later = feed_until(client, 6)
    assert [(e["submission_id"], e["case_id"], e["case_version"], e["status"]) for e in later[4:]] == [
        (correction["id"], second["id"], 2, "accepted"), (correction["id"], second["id"], 2, "approved")]


def test_no_reviewer_by_default(tmp_path: Path, central_factory: Start, body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T1")
    server = central_factory(db, "--review-delay", "0")
    body = body_for("T1")
    with connect(server, token) as client:
        client.post("/v1/submissions", json=body)
        time.sleep(0.3)  # several reviewer intervals, if there were a reviewer
        page = client.get("/v1/status-feed").json()
    assert [e["status"] for e in page["events"]] == ["accepted"]


def test_feed_pages_by_cursor_and_is_per_terminal(tmp_path: Path, central_factory: Start, body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    mine, theirs = add_terminal(db, "T1"), add_terminal(db, "T2")
    server = central_factory(db)
    with connect(server, theirs) as other:
        other.post("/v1/submissions", json=body_for("T2"))
    bodies = [body_for("T1") for _ in range(7)]
    with connect(server, mine) as client:
        for body in bodies:
            client.post("/v1/submissions", json=body)
        pages, since = [], None
        while True:
            params = {"limit": 3} | ({"since": since} if since is not None else {})
            page = client.get("/v1/status-feed", params=params).json()
            pages.append(page)
            since = page["next_cursor"]
            if not page["more"]:
                break
        empty = client.get("/v1/status-feed", params={"since": since}).json()
        default = client.get("/v1/status-feed", params={"since": ""}).json()
        invalid = [client.get("/v1/status-feed", params=p) for p in
                   ({"since": "abc"}, {"since": "-1"}, {"limit": 0}, {"limit": 501}, {"limit": "x"})]
        with connect(server, theirs) as other:
            their_events = other.get("/v1/status-feed").json()["events"]
    assert [len(p["events"]) for p in pages] == [3, 3, 1]
    assert [p["more"] for p in pages] == [True, True, False]
    events = [e for p in pages for e in p["events"]]
    assert [e["submission_id"] for e in events] == [b["id"] for b in bodies]
    assert all(p["next_cursor"] == p["events"][-1]["cursor"] for p in pages)
    assert empty == {"events": [], "next_cursor": since, "more": False}
    assert default["events"] == events
    assert all(r.status_code == 422 and r.json()["error"]["code"] == "validation_error" for r in invalid)
    assert len(their_events) == 1 and their_events[0]["submission_id"] not in {b["id"] for b in bodies}
