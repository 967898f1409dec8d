"""The audit trail's sender against the real central process, through the fault proxy.

The cursor moves only after the central system acknowledged: a lost answer sends the batch again
and the central system counts it as duplicates; a central system that holds less than the cursor
says (restored from a backup) is sent the rest again; a trail that differs from the central copy
is refused, nothing moves, and the terminal keeps why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.terminal import Terminal
from central.faultproxy import Fault, FaultProxy
from core.errors import SyncError
from local_db import syncstate
from local_db.audit import AuditAction, AuditEvent
from sync.client import CentralClient
from sync.trail import TrailSender
from tests.sync.conftest import Rig
from tests.sync.worker import CLERK_ID, open_terminal


def record(rig: Rig, count: int, data: Path | None = None) -> None:
    terminal = rig.terminal() if data is None else _open(rig, data)
    try:
        for n in range(count):
            terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_CASE, CLERK_ID, f"case-{n}",
                                                          "11010119500101123X", {"n": n}))
    finally:
        terminal.close()


def _open(rig: Rig, data: Path) -> Terminal:
    return open_terminal(data, rig.keyring, rig.central.base_url, rig.terminal_id, start_sender=False)


def test_a_lost_answer_resends_and_the_central_system_keeps_each_entry_once(rig: Rig) -> None:
    record(rig, 250)
    with FaultProxy(rig.central.base_url) as proxy:
        proxy.add(Fault("lose_answer", method="POST", path="/v1/audit/batch"))
        terminal = rig.terminal(proxy.url)
        try:
            sender = TrailSender(terminal.db, CentralClient(proxy.url, rig.token), batch=100)
            # 250 views, and the central address now the proxy's: a change found at start (app/trust.py)
            total = sender.pending()
            assert total == 251
            with pytest.raises(SyncError) as lost:
                sender.send(max_batches=3)
            assert lost.value.retryable
            assert sender.cursor() == 0 and sender.pending() == total  # stored there, but we never heard
            assert sender.send(max_batches=10) == total
            assert sender.cursor() == total and sender.pending() == 0
            assert sender.send() == 0
        finally:
            terminal.close()
    held = rig.server_trail()
    assert [row["seq"] for row in held] == list(range(1, 252))
    assert all(row["person_key"] and "11010119500101123X" not in str(row) for row in held)
    assert rig.server_trail_report()["intact"] is True


def test_a_central_system_holding_less_is_sent_the_rest_again(rig: Rig) -> None:
    record(rig, 30)
    terminal = rig.terminal()
    try:
        sender = TrailSender(terminal.db, CentralClient(rig.central.base_url, rig.token), batch=10)
        assert sender.send(max_batches=1) == 10
        # the terminal believes more was acknowledged than the central system holds (its database restored)
        syncstate.set_values(terminal.db, {syncstate.AUDIT_SENT: "20"})
        assert sender.send(max_batches=10) == 20
        assert sender.cursor() == 30
    finally:
        terminal.close()
    assert [row["seq"] for row in rig.server_trail()] == list(range(1, 31))


def test_a_trail_that_differs_from_the_central_copy_is_refused_and_reported(rig: Rig, tmp_path: Path) -> None:
    twin = tmp_path / "twin"  # a copy of the terminal's data taken now, which then goes its own way
    shutil.copytree(rig.data, twin)
    record(rig, 5)
    terminal = rig.terminal()
    try:
        assert TrailSender(terminal.db, CentralClient(rig.central.base_url, rig.token)).send() == 5
    finally:
        terminal.close()
    record(rig, 3, data=twin)  # other entries 1-3 under the same terminal id: a rewritten trail
    copy = _open(rig, twin)
    try:
        sender = TrailSender(copy.db, CentralClient(rig.central.base_url, rig.token))
        with pytest.raises(SyncError) as refused:
            sender.send()
        assert not refused.value.retryable and refused.value.fields["code"] == "audit_conflict"
        assert sender.cursor() == 0
        assert "不一致" in (syncstate.get_value(copy.db, syncstate.AUDIT_ERROR) or "")
    finally:
        copy.close()
    assert len(rig.server_trail()) == 5


def test_sync_once_sends_the_trail_after_the_submissions(rig: Rig) -> None:
    record(rig, 3)
    terminal = rig.terminal()
    try:
        assert terminal.sender is not None
        summary = terminal.sender.sync_once()
        assert (summary.trail_sent, summary.trail_pending) == (3, 0)
    finally:
        terminal.close()


def test_a_consistent_rewrite_shows_only_against_the_central_copy(rig: Rig) -> None:
    """Someone with the database key rewrites entry 2 and chains every later entry anew: the local chain
    is intact again, but the central system's last hash no longer matches."""
    from app.usecases.audit import verify_trail
    from local_db.audit import stored_entries
    from local_db.clerks import ClerkInfo, Role
    from protocol.audit import entry_hash

    auditor = ClerkInfo("7001", "稽核员", frozenset({Role.AUDITOR}))
    record(rig, 5)
    terminal = rig.terminal()
    try:
        assert TrailSender(terminal.db, CentralClient(rig.central.base_url, rig.token)).send() == 5
        before = verify_trail(terminal, auditor)  # entry 6: the check itself
        assert before.intact and (before.central_held, before.central_matches) == (5, True)
        entries = list(stored_entries(terminal.db))
        with terminal.db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            prev = entries[0].hash
            for e in entries[1:]:
                clerk = "9999" if e.seq == 2 else e.clerk_id
                digest = entry_hash(prev, e.at, clerk, e.action, e.subject, e.person_key, e.detail)
                conn.exec_driver_sql("UPDATE audit_log SET clerk_id = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                                     (clerk, prev, digest, e.seq))
                prev = digest
        after = verify_trail(terminal, auditor)
        assert after.report.intact  # the chain alone cannot tell
        assert (after.central_held, after.central_matches, after.intact) == (5, False, False)
    finally:
        terminal.close()
