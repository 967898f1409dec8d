"""Submissions with attachments, cases and corrections, against a real server process."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.store import STATUS_APPROVED, STATUS_RETURNED, CentralStore

Body = Callable[..., dict[str, Any]]
MakeTerminal = Callable[[], tuple[str, str]]
OCTETS = "application/offset+octet-stream"


def connect(server: CentralServerProcess, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    return str(response.json()["error"]["message"])


def attachment(data: bytes, key: str = "id_card") -> dict[str, Any]:
    return {"material_key": key, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "media_type": "image/jpeg", "pages": 1}


def upload(client: httpx.Client, data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    client.post("/v1/blobs", json={"sha256": sha, "size": len(data), "media_type": "image/jpeg"})
    answer = client.patch(f"/v1/blobs/{sha}", content=data, headers={"Upload-Offset": "0", "Content-Type": OCTETS})
    assert answer.json()["complete"] is True, answer.text


def review(central: CentralServerProcess, submission_id: str, status: str, reason: str | None = None) -> None:
    with CentralStore.open(central.db_path) as store:
        store.review(submission_id, status, reason)


def test_attachments_must_be_uploaded_first(central: CentralServerProcess, make_terminal: MakeTerminal,
                                            body_for: Body) -> None:
    terminal_id, token = make_terminal()
    scans = [b"front of the ID card", b"back of the ID card", b"household register"]
    body = body_for(terminal_id, attachments=[attachment(s, f"m{i}") for i, s in enumerate(scans)],
                    counter_receipt_no="GT-2026-000123")
    with connect(central, token) as client:
        upload(client, scans[0])
        message = assert_error(client.post("/v1/submissions", json=body), 409, "attachments_incomplete")
        assert client.get(f"/v1/submissions/{body['id']}").status_code == 404
        for scan in scans[1:]:
            upload(client, scan)
        accepted = client.post("/v1/submissions", json=body)
    for scan, listed in zip(scans, [False, True, True], strict=True):
        assert (hashlib.sha256(scan).hexdigest()[:12] in message) is listed
    assert hashlib.sha256(scans[1]).hexdigest() not in message  # prefixes only
    assert accepted.status_code == 201, accepted.text
    with CentralStore.open(central.db_path) as store:
        record = store.get_submission(body["id"])
    assert record is not None
    assert record.attachments == body["attachments"] and record.counter_receipt_no == "GT-2026-000123"


def test_partly_uploaded_or_another_terminals_blob_is_incomplete(central: CentralServerProcess,
                                                                 make_terminal: MakeTerminal, body_for: Body) -> None:
    (terminal_id, token), (_, other) = make_terminal(), make_terminal()
    scan = b"x" * 100
    with connect(central, other) as client:
        upload(client, scan)
    with connect(central, token) as client:
        sha = hashlib.sha256(scan).hexdigest()
        client.post("/v1/blobs", json={"sha256": sha, "size": 100, "media_type": "image/jpeg"})
        client.patch(f"/v1/blobs/{sha}", content=scan[:50], headers={"Upload-Offset": "0", "Content-Type": OCTETS})
        body = body_for(terminal_id, attachments=[attachment(scan)])
        assert_error(client.post("/v1/submissions", json=body), 409, "attachments_incomplete")
        client.patch(f"/v1/blobs/{sha}", content=scan[50:], headers={"Upload-Offset": "50", "Content-Type": OCTETS})
        assert client.post("/v1/submissions", json=body).status_code == 201


def test_optional_fields_spelled_out_make_another_body(central: CentralServerProcess,
                                                       make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    body = body_for(terminal_id)
    with connect(central, token) as client:
        first = client.post("/v1/submissions", json=body)
        spelled_out = {**body, "attachments": [], "case_id": body["id"], "case_version": 1}
        conflict = client.post("/v1/submissions", json=spelled_out)
        fresh = body_for(terminal_id)
        explicit = client.post("/v1/submissions", json={**fresh, "case_id": fresh["id"], "case_version": 1})
    assert first.status_code == 201
    assert_error(conflict, 409, "idempotency_conflict")
    assert explicit.status_code == 201 and explicit.json()["case_id"] == fresh["id"]


@pytest.mark.parametrize("field, value", [
    ("case_id", None), ("case_id", "not-a-uuid"), ("case_id", str(uuid.uuid1())),
    ("case_id", str(uuid.uuid4()).upper()),
    ("case_version", 0), ("case_version", "2"), ("case_version", None),
    ("attachments", None), ("attachments", [{"material_key": "m"}]),
    ("attachments", [{**attachment(b"x"), "sha256": "X" * 64}]), ("attachments", [{**attachment(b"x"), "pages": 0}]),
    ("attachments", [{**attachment(b"x"), "extra": 1}]),
    ("counter_receipt_no", ""), ("counter_receipt_no", "9" * 49), ("counter_receipt_no", None),
])
def test_invalid_optional_fields_are_422(central: CentralServerProcess, make_terminal: MakeTerminal,
                                         body_for: Body, field: str, value: Any) -> None:
    terminal_id, token = make_terminal()
    with connect(central, token) as client:
        answer = client.post("/v1/submissions", json=body_for(terminal_id, **{field: value}))
    assert_error(answer, 422, "validation_error")


def test_a_correction_needs_the_latest_version_returned(central: CentralServerProcess,
                                                        make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    first = body_for(terminal_id)
    case = first["id"]

    def version(n: int, **overrides: Any) -> dict[str, Any]:
        return body_for(terminal_id, case_id=case, case_version=n, **overrides)

    with connect(central, token) as client:
        assert client.post("/v1/submissions", json=first).status_code == 201
        assert_error(client.post("/v1/submissions", json=version(2)), 409, "case_conflict")  # still accepted
        review(central, first["id"], STATUS_RETURNED, "材料不清晰，请重新拍摄后补正。")
        returned = client.get(f"/v1/submissions/{first['id']}").json()
        assert (returned["status"], returned["reason"]) == ("returned", "材料不清晰，请重新拍摄后补正。")
        assert_error(client.post("/v1/submissions", json=version(3)), 409, "case_conflict")  # skips one
        assert_error(client.post("/v1/submissions", json=version(1)), 409, "case_conflict")  # exists
        second = version(2)
        accepted = client.post("/v1/submissions", json=second)
        assert accepted.status_code == 201
        assert (accepted.json()["case_id"], accepted.json()["case_version"]) == (case, 2)
        assert client.post("/v1/submissions", json=second).status_code == 200  # a repeat is still a duplicate
        assert_error(client.post("/v1/submissions", json=version(2)), 409, "case_conflict")  # taken
        review(central, second["id"], STATUS_APPROVED)
        assert_error(client.post("/v1/submissions", json=version(3)), 409, "case_conflict")  # approved is final
        # A new case must start at version 1, and a case of another terminal is unknown here.
        assert_error(client.post("/v1/submissions", json=body_for(terminal_id, case_version=2)),
                     409, "case_conflict")
    other_id, other_token = make_terminal()
    with connect(central, other_token) as client:
        answer = client.post("/v1/submissions", json=body_for(other_id, case_id=case, case_version=3))
    assert_error(answer, 409, "case_conflict")


def test_review_command(central: CentralServerProcess, make_terminal: MakeTerminal, body_for: Body) -> None:
    terminal_id, token = make_terminal()
    bodies = [body_for(terminal_id) for _ in range(2)]
    with connect(central, token) as client:
        for body in bodies:
            assert client.post("/v1/submissions", json=body).status_code == 201

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "central", "review", *args, "--db", str(central.db_path)],
                              capture_output=True, text=True, encoding="utf-8", timeout=60)

    returned = run(bodies[0]["id"], "--return", "请补充户口簿首页。")
    approved = run(bodies[1]["id"], "--approve")
    again = run(bodies[1]["id"], "--return", "太晚了")
    unknown = run(str(uuid.uuid4()), "--approve")
    neither = run(bodies[0]["id"])
    assert returned.returncode == 0 and returned.stdout.split()[-1] == "returned"
    assert approved.returncode == 0 and approved.stdout.split()[-1] == "approved"
    assert again.returncode == 2 and "already approved" in again.stderr  # refused on its input (core.cli)
    assert unknown.returncode == 2
    assert neither.returncode == 2
    with connect(central, token) as client:
        statuses = [client.get(f"/v1/submissions/{b['id']}").json() for b in bodies]
    assert [(s["status"], s["reason"]) for s in statuses] == [("returned", "请补充户口簿首页。"), ("approved", None)]
