"""The audit trail's endpoint against a real central process: exactly once, and only a continuous chain.

Entries are chained here with the protocol's own ``entry_hash``, as a terminal chains them; the
central system must store each once, take a resend as a duplicate, and refuse a gap, a fork, a
conflicting resend and an entry whose content no longer matches its hash, storing nothing of such a
batch. The operator's ``central audit verify`` then finds an entry changed in the central database.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from protocol.audit import GENESIS, ChainEntry, entry_hash, iso_microseconds

MakeTerminal = Callable[[], tuple[str, str]]
REPO = Path(__file__).resolve().parents[2]
PERSON = "a" * 64


def chain(count: int, *, start: int = 1, prev: str = GENESIS, clerk: str = "1001") -> list[ChainEntry]:
    """``count`` entries from ``start``, linked after ``prev``, as a terminal's trail holds them."""
    entries = []
    at0 = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    for seq in range(start, start + count):
        at = iso_microseconds(at0 + timedelta(seconds=seq))
        detail = json.dumps({"item_code": "retirement", "n": seq}, sort_keys=True, separators=(",", ":"))
        digest = entry_hash(prev, at, clerk, "view_case", f"sub-{seq}", PERSON, detail)
        entries.append(ChainEntry(seq, at, clerk, "view_case", f"sub-{seq}", PERSON, detail, prev, digest))
        prev = digest
    return entries


def wire(entries: list[ChainEntry]) -> dict[str, Any]:
    return {"entries": [e.__dict__ for e in entries]}


def post(client: httpx.Client, entries: list[ChainEntry]) -> httpx.Response:
    return client.post("/v1/audit/batch", json=wire(entries))


@pytest.fixture
def client(central: CentralServerProcess, make_terminal: MakeTerminal) -> httpx.Client:
    _terminal_id, token = make_terminal()
    return httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def head(client: httpx.Client) -> dict[str, Any]:
    answer = client.get("/v1/audit/head")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_entries_are_stored_once_and_a_resend_is_a_duplicate(client: httpx.Client) -> None:
    entries = chain(5)
    assert head(client) == {"last_seq": 0, "last_hash": GENESIS}
    first = post(client, entries[:3])
    assert first.status_code == 200, first.text
    assert first.json() == {"stored": 3, "duplicates": 0, "last_seq": 3, "last_hash": entries[2].hash}
    # the answer was lost: the terminal sends the same entries again, with the next ones
    again = post(client, entries)
    assert again.json() == {"stored": 2, "duplicates": 3, "last_seq": 5, "last_hash": entries[4].hash}
    only_old = post(client, entries[1:4])
    assert only_old.json() == {"stored": 0, "duplicates": 3, "last_seq": 5, "last_hash": entries[4].hash}
    assert head(client) == {"last_seq": 5, "last_hash": entries[4].hash}


@pytest.mark.parametrize("case", ["gap", "fork", "conflict", "edited"])
def test_a_batch_that_does_not_continue_the_trail_is_refused_whole(client: httpx.Client, case: str) -> None:
    entries = chain(6)
    assert post(client, entries[:3]).status_code == 200
    if case == "gap":  # entry 4 never arrives
        batch, code = entries[4:], "audit_gap"
    elif case == "fork":  # another chain from entry 4 on: it does not link to the entry 3 held
        batch, code = chain(3, start=4, prev="f" * 64), "audit_fork"
    elif case == "conflict":  # entry 3 again, but rewritten (and hashed anew) on the terminal
        other = chain(3, clerk="9999")
        batch, code = [other[2], *entries[3:]], "audit_conflict"
    elif case == "edited":  # entry 5's content changed after it was chained
        batch, code = [entries[3], replace(entries[4], clerk_id="9999"), entries[5]], "audit_hash_mismatch"
    answer = post(client, batch)
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == code
    # nothing of the refused batch was kept; the trail held goes on where it was
    assert head(client)["last_seq"] == 3
    assert post(client, entries[3:]).json()["stored"] == 3


def test_a_trail_starts_from_the_genesis_hash(client: httpx.Client) -> None:
    answer = post(client, chain(2, prev="e" * 64))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "audit_fork"
    assert head(client)["last_seq"] == 0


def test_the_body_is_checked_before_the_chain(client: httpx.Client) -> None:
    entries = chain(3)
    not_consecutive = post(client, [entries[0], entries[2]])
    assert not_consecutive.status_code == 422
    with_number = wire(chain(1))
    with_number["entries"][0]["subject"] = "110101195001011234"
    assert client.post("/v1/audit/batch", json=with_number).status_code == 422
    assert client.post("/v1/audit/batch", json={"entries": []}).status_code == 422
    assert head(client)["last_seq"] == 0


def test_a_terminal_reaches_only_its_own_trail(central: CentralServerProcess, make_terminal: MakeTerminal) -> None:
    (_a, token_a), (_b, token_b) = make_terminal(), make_terminal()
    auth = {"Authorization": f"Bearer {token_a}"}
    with httpx.Client(base_url=central.base_url, timeout=30) as http:
        assert http.post("/v1/audit/batch", json=wire(chain(2)), headers=auth).status_code == 200
        other = http.get("/v1/audit/head", headers={"Authorization": f"Bearer {token_b}"}).json()
        assert other["last_seq"] == 0
        assert http.get("/v1/audit/head").status_code == 401


def central_cli(central: CentralServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "central", "audit", *args, "--db", str(central.db_path)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)


def test_the_operator_reads_and_verifies_a_terminal_trail(central: CentralServerProcess,
                                                          make_terminal: MakeTerminal) -> None:
    terminal_id, token = make_terminal()
    entries = chain(4)
    with httpx.Client(base_url=central.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        assert post(http, entries).status_code == 200
    listed = central_cli(central, "list", "--terminal", terminal_id, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]
    assert [r["hash"] for r in rows] == [e.hash for e in entries]
    assert json.loads(central_cli(central, "list", "--terminal", terminal_id, "--person-key", "b" * 64,
                                  "--json").stdout) == []
    verified = central_cli(central, "verify", "--terminal", terminal_id, "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout) == {"terminal": terminal_id, "intact": True, "entries": 4,
                                           "broken_at": None, "problem": None}
    # someone with access to the central database changes entry 3
    with sqlite3.connect(central.db_path) as conn:
        conn.execute("UPDATE audit_entries SET clerk_id = '9999' WHERE terminal_id = ? AND seq = 3", (terminal_id,))
    broken = central_cli(central, "verify", "--terminal", terminal_id, "--json")
    assert broken.returncode == 1
    assert json.loads(broken.stdout) == {"terminal": terminal_id, "intact": False, "entries": 2,
                                         "broken_at": 3, "problem": "edited"}
    unknown = central_cli(central, "verify", "--terminal", "T-NOBODY")
    assert unknown.returncode == 2 and "no terminal" in unknown.stderr  # could not run on its input (core.cli)


def test_racing_resends_store_each_entry_once_on_both_backends(backend: Any) -> None:
    """Batches of one terminal raced from several threads (a resend crossing the first try, overlapping
    batches): every answer is a success, each entry is stored once, and the chain held is intact."""
    import threading

    from central.store import CentralStore

    terminal_id, token = backend.add_terminal()
    entries = chain(40)
    batches = [entries[:20], entries[:20], entries[10:30], entries[:30], entries[:40], entries[20:40]]
    answers: list[httpx.Response | None] = [None] * len(batches)
    barrier = threading.Barrier(len(batches))

    def send(index: int) -> None:
        with backend.client(token) as http:
            barrier.wait()
            answers[index] = post(http, batches[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = [a.status_code if a is not None else None for a in answers]
    # a batch that starts past what is held yet is a gap, refused whole: the client sends it again later
    assert set(codes) <= {200, 409}, codes
    for index, answer in enumerate(answers):
        assert answer is not None
        if answer.status_code == 409:
            assert answer.json()["error"]["code"] == "audit_gap"
            with backend.client(token) as http:
                assert post(http, entries[:batches[index][-1].seq]).status_code == 200
    with backend.client(token) as http:
        assert post(http, entries).json()["duplicates"] == 40
    with CentralStore.open(backend.db) as store:
        held = [h.entry for h in store.audit.entries(terminal_id)]
        report = store.audit.verify(terminal_id)
    assert held == entries
    assert report.intact and report.entries == 40
