"""SIGKILL the terminal at random moments while it saves and sends, through a network that misbehaves.

A counter PC loses power, the clerk kills a hung window, Windows reboots for updates: the process
dies between any two instructions, with no cleanup. What the clerk was told was saved must still be
there, the database must open and be intact, and the central system must end up with every
submission exactly once, with attachments byte-identical to the scans taken, and with the terminal's
audit trail entry for entry (each once, the chain unbroken), whatever moment the death and the network
faults hit (mid-chunk, after the server committed but before we heard, ...).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import httpx

from central.faultproxy import FaultProxy
from local_db.audit import AuditAction, stored_entries, verify_chain
from local_db.models import SubmissionState
from local_db.submissions import list_submissions, pending_count
from tests.sync.conftest import Rig, drain, integrity, local_ids, sha256, spawn_worker

KILLS = 50
WRITE_KILLS = 20
RANDOM_FAULTS = ("drop", "reset_request_body", "reset_response_body", "lose_answer", "status")
MODES = ("both", "enqueue", "sync")


def test_sigkill_fifty_times_loses_nothing_and_duplicates_nothing(rig: Rig, tmp_path: Path) -> None:
    rng = random.Random(20261123)
    committed: list[str] = []
    log = tmp_path / "workers.log"
    with FaultProxy(rig.central.base_url, seed=7) as proxy:
        proxy.set_random(0.2, RANDOM_FAULTS, seed=7)
        upcoming = spawn_worker(rig, proxy.url, seed=1000, mode=MODES[0], log=log)
        for round_no in range(KILLS):
            worker = upcoming
            worker.go()
            if round_no + 1 < KILLS:
                upcoming = spawn_worker(rig, proxy.url, seed=1001 + round_no, mode=MODES[(round_no + 1) % 3],
                                        log=log)
            time.sleep(rng.uniform(0.2, 2.5))  # from "ready": the terminal is open and at work
            committed += worker.kill()
        faults = proxy.stats.faults_injected
        proxy.set_random(0.0, ())
        sent_while_killed = len(rig.server_trail())
        terminal = rig.terminal(proxy.url)
        try:
            assert integrity(terminal) == "ok"
            drain(terminal)
            assert pending_count(terminal.db) == 0
            views = list_submissions(terminal.db, limit=100_000)
            ids = local_ids(terminal)
            trail = list(stored_entries(terminal.db))
            assert verify_chain(terminal.db).intact
            assert terminal.sender is not None and terminal.sender.trail.pending() == 0
            assert integrity(terminal) == "ok"
        finally:
            terminal.close()
    # the runs did what they were meant to: many saves, and the network really misbehaved
    assert len(committed) >= 100, len(committed)
    assert sum(faults.values()) >= 20, faults
    assert len(set(committed)) == len(committed)

    # nothing the clerk was told was saved is lost
    assert set(committed) <= ids, sorted(set(committed) - ids)[:5]
    # every local submission is accepted with the central receipt number
    assert len(views) == len(ids)
    for view in views:
        assert view.state is SubmissionState.ACCEPTED, (view.id, view.state, view.last_error)
        assert view.receipt_number and view.receipt_number.startswith("SB"), view

    # the central system has each exactly once, and no other
    server = rig.server_submissions()
    server_ids = [row["id"] for row in server]
    assert len(server_ids) == len(set(server_ids)), "duplicates on the server"
    assert set(server_ids) == ids
    by_id = {view.id: view for view in views}
    assert {row["id"]: row["receipt_number"] for row in server} == {v.id: v.receipt_number for v in views}

    # the audit trail reached the central system exactly once: entry for entry, the chain intact there
    # one entry per submission, written in its transaction; the rest are the terminal's own: the central
    # address the workers were opened with changed between the proxy and the server (found at start,
    # app/trust.py), and reference data the sync took
    submitted = [e for e in trail if e.action == AuditAction.SUBMIT.value]
    assert len(submitted) == len(ids), "one audit entry per submission, written in its transaction"
    assert {e.action for e in trail} - {AuditAction.SUBMIT.value} <= {AuditAction.SETTINGS_CHANGE.value,
                                                                      AuditAction.REFERENCE_UPDATE.value}
    assert sent_while_killed >= len(trail) // 4, "the workers that were killed sent much of the trail"
    held = rig.server_trail()
    assert [row["seq"] for row in held] == [e.seq for e in trail] == list(range(1, len(trail) + 1))
    assert [(row["hash"], row["prev_hash"]) for row in held] == [(e.hash, e.prev_hash) for e in trail]
    assert {row["subject"] for row in held if row["action"] == AuditAction.SUBMIT.value} == ids
    assert rig.server_trail_report() == {"terminal": rig.terminal_id, "intact": True, "entries": len(trail),
                                         "broken_at": None, "problem": None}

    # every attachment the server holds is the scan taken, byte for byte
    terminal = rig.terminal(proxy.url)
    try:
        assert terminal.blobs is not None
        checked = multi_chunk = 0
        with httpx.Client(timeout=60) as client:
            for row in server:
                local = {(a.material_key, a.sha256, a.size) for a in by_id[row["id"]].attachments}
                held = {(a["material_key"], a["sha256"], a["size"]) for a in row["attachments"]}
                assert held == local, row["id"]
                for _key, digest, size in held:
                    remote = rig.server_blob(client, digest)
                    plain = b"".join(terminal.blobs.open_chunks(digest))
                    assert sha256(remote) == digest == sha256(plain)
                    assert remote == plain and len(remote) == size
                    checked += 1
                    multi_chunk += size > 4 * 1024 * 1024
        assert checked >= len(server)
        assert multi_chunk >= 1, "no attachment spanned several upload chunks"
    finally:
        terminal.close()


def test_sigkill_during_writes_leaves_an_intact_database(rig: Rig, tmp_path: Path) -> None:
    """No server at all: the worker only saves; each kill lands in or between commits and blob writes."""
    rng = random.Random(11)
    dead_url = "http://127.0.0.1:9"  # discard port: nothing listens
    committed: list[str] = []
    log = tmp_path / "workers.log"
    # no pause between saves: the kill should land inside a blob write or a commit as often as possible
    upcoming = spawn_worker(rig, dead_url, seed=5000, mode="enqueue", log=log, pause=0)
    for round_no in range(WRITE_KILLS):
        worker = upcoming
        worker.go()
        upcoming = spawn_worker(rig, dead_url, seed=5001 + round_no, mode="enqueue", log=log, pause=0)
        time.sleep(rng.uniform(0.05, 0.6))
        committed += worker.kill()
        terminal = rig.terminal(dead_url)
        try:
            assert integrity(terminal) == "ok", f"after kill {round_no}"
            missing = set(committed) - local_ids(terminal)
            assert not missing, (round_no, sorted(missing)[:5])
        finally:
            terminal.close()
    upcoming.kill()  # the spare never opened the terminal
    assert len(committed) >= 20
    # no stray temporary blob files stay visible as blobs: every committed attachment reads back whole
    terminal = rig.terminal(dead_url)
    try:
        assert terminal.blobs is not None
        for view in list_submissions(terminal.db, limit=100_000):
            for attachment in view.attachments:
                assert sha256(b"".join(terminal.blobs.open_chunks(attachment.sha256))) == attachment.sha256
    finally:
        terminal.close()
