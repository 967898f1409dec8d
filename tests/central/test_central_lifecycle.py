"""Server processes over time: restarts, token rotation, the operator commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.receipts import parse_receipt
from central.store import add_terminal

Start = Callable[[Path], CentralServerProcess]
Body = Callable[..., dict[str, Any]]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "central", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)


def post(server: CentralServerProcess, token: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{server.base_url}/v1/submissions", json=body,
                      headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def get(server: CentralServerProcess, token: str, submission_id: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/v1/submissions/{submission_id}",
                     headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def test_port_zero_prints_the_real_port(tmp_path: Path, central_factory: Start) -> None:
    server = central_factory(tmp_path / "central.sqlite3")
    port = int(server.base_url.rsplit(":", 1)[1])
    assert port > 0
    assert server.banner == f"central listening on http://127.0.0.1:{port}"


def test_data_survives_a_restart(tmp_path: Path, central_factory: Start, body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T-restart")
    body = body_for("T-restart")

    first_server = central_factory(db)
    first = post(first_server, token, body)
    assert first.status_code == 201
    status = first_server.stop()
    if os.name == "posix":
        assert status == 0, "SIGTERM should shut the server down cleanly"

    second_server = central_factory(db)
    fetched = get(second_server, token, body["id"])
    assert fetched.status_code == 200
    assert fetched.json()["receipt_number"] == first.json()["receipt_number"]
    repeat = post(second_server, token, body)
    assert repeat.status_code == 200
    assert repeat.json() == {**first.json(), "duplicate": True}

    following = post(second_server, token, body_for("T-restart"))
    day1, seq1 = parse_receipt(first.json()["receipt_number"])
    day2, seq2 = parse_receipt(following.json()["receipt_number"])
    assert seq2 == (seq1 + 1 if day1 == day2 else 1)


def test_add_terminal_rotates_the_token(tmp_path: Path, central_factory: Start, body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    server = central_factory(db)

    added = run_cli("add-terminal", "T-rotate", "--db", str(db))
    assert added.returncode == 0, added.stderr
    old_token = added.stdout.strip()
    assert added.stdout == old_token + "\n"
    assert post(server, old_token, body_for("T-rotate")).status_code == 201

    rotated = run_cli("add-terminal", "T-rotate", "--db", str(db))
    assert rotated.returncode == 0, rotated.stderr
    new_token = rotated.stdout.strip()
    assert new_token != old_token

    refused = post(server, old_token, body_for("T-rotate"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert post(server, new_token, body_for("T-rotate")).status_code == 201


def test_list_submissions_shows_one_record_per_id(tmp_path: Path, central_factory: Start,
                                                 body_for: Body) -> None:
    db = tmp_path / "central.sqlite3"
    token = add_terminal(db, "T-list")
    server = central_factory(db)
    body = body_for("T-list")
    answers = [post(server, token, body) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]

    listed = run_cli("list-submissions", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout)
    assert [r["id"] for r in records] == [body["id"]]
    assert records[0]["receipt_number"] == answers[0].json()["receipt_number"]
    assert "payload" not in records[0]

    table = run_cli("list-submissions", "--db", str(db))
    assert table.returncode == 0
    assert answers[0].json()["receipt_number"] in table.stdout
    assert "110101195001011234" not in table.stdout


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery to a child is POSIX-specific")
def test_sigint_also_stops_cleanly(tmp_path: Path, central_factory: Start) -> None:
    import signal

    server = central_factory(tmp_path / "central.sqlite3")
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=15) == 0


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM is POSIX-only")
def test_sigterm_stops_cleanly(tmp_path: Path, central_factory: Start) -> None:
    import signal

    server = central_factory(tmp_path / "central.sqlite3")
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=15) == 0


def test_closing_stdin_stops_the_server(tmp_path: Path, central_factory: Start) -> None:
    """What happens when the parent dies without stopping it: no orphaned servers."""
    server = central_factory(tmp_path / "central.sqlite3")
    assert server.process.stdin is not None
    server.process.stdin.close()
    assert server.process.wait(timeout=15) == 0


def test_server_exits_when_its_parent_dies_without_stopping_it(tmp_path: Path) -> None:
    """A parent that dies without stop() (e.g. a crashed test run) takes its server with it."""
    db, log = tmp_path / "central.sqlite3", tmp_path / "central.log"
    parent = (
        "import os, sys, pathlib\n"
        "from central.process import CentralServerProcess\n"
        f"server = CentralServerProcess.start(pathlib.Path({str(db)!r}), stderr_path=pathlib.Path({str(log)!r}))\n"
        "print(server.base_url, flush=True)\n"
        "os._exit(0)\n"
    )
    ran = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60,
                         check=False)
    assert ran.returncode == 0, ran.stderr
    base_url = ran.stdout.strip()

    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base_url}/v1/health", timeout=2.0)
        except httpx.TransportError:
            break
        assert time.monotonic() < deadline, "the orphaned server is still answering"
        time.sleep(0.05)
    while "Finished server process" not in log.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the orphaned server did not shut down gracefully"
        time.sleep(0.05)
