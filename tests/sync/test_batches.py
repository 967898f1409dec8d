"""The sync engine's batches against the real reference central system, through the loopback fault
proxy: small scans in one streamed request, the next batch's scans uploaded ahead, batches sized to
the measured line, torn streams and lost answers.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from datetime import timedelta

import httpx
import pytest

from central.faultproxy import Fault, FaultProxy
from core.errors import CentralTooSlow
from local_db.models import OutboxEntry, SubmissionState
from local_db.submissions import get_submission, pending_count
from sync import planner
from sync.events import Outcome
from sync.planner import BatchSizer
from tests.sync.engine_rig import (
    all_due,
    blob_content,
    central_records,
    drain,
    queued_scans,
    submission_with,
)


def test_a_backlog_goes_in_batches(start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    """Small scans in one streamed request and the submissions in one more, per batch of rows."""
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans = [os.urandom(20_000 + n) for n in range(60)]
        ids = [submission_with(terminal, scans[2 * n:2 * n + 2], number=n) for n in range(30)]
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert pending_count(terminal.db) == 0
        assert proxy.stats.requests_seen <= 3  # blobs, submissions (and nothing per row)
    central = {r["id"]: r for r in central_records(central_db)}
    assert set(central) == set(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_batches_survive_torn_streams_and_lost_answers(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [50_000] * 20)
        proxy.add(Fault("reset_request_body", method="POST", path="/v1/blobs/batch", after_bytes=300_000))
        proxy.add(Fault("lose_answer", method="POST", path="/v1/submissions/batch"))
        drain(terminal, rounds=20, batches=True)
        assert proxy.stats.faults_injected.get("reset_request_body") == 1
        assert proxy.stats.faults_injected.get("lose_answer") == 1
    records = central_records(central_db)
    assert sorted(r["id"] for r in records) == sorted(ids)  # every one once: the lost answer was a duplicate
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
    for sid in ids:
        assert get_submission(terminal.db, sid).state is SubmissionState.ACCEPTED  # type: ignore[union-attr]


@pytest.mark.parametrize("sizes", [
    pytest.param([30_000 + n for n in range(10)], id="small scans"),
    # pieces are 64 KiB here: every other scan is too large for a blob batch (resumable, 4 pieces)
    pytest.param([200_000 + n if n % 2 else 20_000 + n for n in range(10)], id="large scans too"),
])
def test_the_next_batch_uploads_while_this_one_is_posted(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks, sizes: list[int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The next batch's scans are on the server before its rows are claimed; its turn posts only the forms.
    Large scans go ahead too (resumably, piece by piece), not from the sender's turn."""
    monkeypatch.setattr(planner, "BATCH_ROWS", 5)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, sizes)
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        terminal.sender.stop()  # waits for the upload running ahead
        assert pending_count(terminal.db) == 5  # the second batch is not sent, nor claimed
        assert [get_submission(terminal.db, sid).state for sid in ids[5:]] == [  # type: ignore[union-attr]
            SubmissionState.QUEUED] * 5
        for scan in scans[5:]:  # but its scans are there already
            assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
        before = proxy.stats.requests_seen
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert proxy.stats.requests_seen - before == 1  # the submissions alone
        assert pending_count(terminal.db) == 0
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)


def test_a_large_scan_torn_while_uploading_ahead_resumes(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks, monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece of a large scan torn off during the upload ahead: the server keeps the pieces before
    it, the batch that needs the scan resumes from there, and every row still goes exactly once."""
    monkeypatch.setattr(planner, "BATCH_ROWS", 2)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [300_000 + n for n in range(4)])
        # 64 KiB pieces: the first batch's own 2 x 5 pieces pass, the upload ahead loses its third
        proxy.add(Fault("delay", method="PATCH", path="/v1/blobs", seconds=0.0, times=2 * 5 + 2))
        proxy.add(Fault("reset_request_body", method="PATCH", path="/v1/blobs", after_bytes=10_000))
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        terminal.sender.stop()  # waits for the upload running ahead
        assert proxy.stats.faults_injected.get("reset_request_body") == 1
        token = terminal.client._http.headers["Authorization"]  # type: ignore[union-attr]
        torn = httpx.get(f"{server.base_url}/v1/blobs/{hashlib.sha256(scans[2]).hexdigest()}",
                         headers={"Authorization": token}, timeout=30).json()
        assert torn["received"] == 2 * 64 * 1024 and not torn["complete"]  # two pieces ahead, then torn
        before = proxy.stats.requests_seen
        drain(terminal, batches=True)
        # the rest of the torn scan (3 pieces), the other scan (announce + 5 pieces), the forms
        assert proxy.stats.requests_seen - before == 1 + 3 + 1 + 5 + 1
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_uploads_ahead_resume_after_one_failed(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """A group of scans that failed ahead is sent by its own batch; the groups after it go ahead again
    (a failure must not leave the sender uploading every batch's scans itself from then on)."""
    monkeypatch.setattr(planner, "BATCH_ROWS", 2)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [30_000 + n for n in range(8)])
        proxy.add(Fault("delay", method="POST", path="/v1/blobs/batch", seconds=0.0))  # the first batch's own
        proxy.add(Fault("status", method="POST", path="/v1/blobs/batch", status=503))  # the first group ahead
        assert terminal.sender is not None
        for _ in range(3):
            assert terminal.sender.send_some() is Outcome.ACCEPTED
        terminal.sender.stop()  # waits for the uploads ahead
        assert proxy.stats.faults_injected.get("status") == 1
        assert pending_count(terminal.db) == 2
        for scan in scans[6:]:  # the fourth batch's scans went up ahead of it
            assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
        assert terminal.sender.send_some() is Outcome.ACCEPTED
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)


def test_an_upload_ahead_that_fails_loses_nothing(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """Torn or refused uploads running ahead: every row still goes exactly once, its scans whole."""
    monkeypatch.setattr(planner, "BATCH_ROWS", 4)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [40_000 + n for n in range(16)])
        # the second and third blob batches go wrong, whether a batch's own upload or one running ahead
        proxy.add(Fault("delay", method="POST", path="/v1/blobs/batch", seconds=0.0))
        proxy.add(Fault("reset_request_body", method="POST", path="/v1/blobs/batch", after_bytes=50_000))
        proxy.add(Fault("status", method="POST", path="/v1/blobs/batch", status=503))
        drain(terminal, batches=True)
        assert terminal.sender is not None
        terminal.sender.stop()
        assert proxy.stats.faults_injected.get("reset_request_body") == 1
        assert proxy.stats.faults_injected.get("status") == 1
    records = central_records(central_db)
    assert sorted(r["id"] for r in records) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_a_slow_line_drains_in_small_batches(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    """Batches carry about a second of the measured line each here, so rows are accepted as it goes.

    The budget bounds what a batch still has to upload: rows whose scans went up ahead come on top.
    """
    server = start_central()
    with FaultProxy(server.base_url, bandwidth=200_000) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [140_000 + n for n in range(12)])
        assert terminal.sender is not None
        terminal.sender.sizer = BatchSizer(seconds=1.0, first=300_000, smallest=100_000)
        left = [pending_count(terminal.db)]
        while left[-1] and len(left) < 30:
            assert terminal.sender.send_some() is Outcome.ACCEPTED
            left.append(pending_count(terminal.db))
        terminal.sender.stop()
        assert left[-1] == 0
        assert len(left) - 1 >= 4, left  # several batches, not one
        assert max(a - b for a, b in itertools.pairwise(left)) <= 4, left
        rate = terminal.sender.sizer.rate
        assert rate is not None and rate < 250_000  # it measured the line (at most 200 kB/s here)
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_a_batch_still_crossing_a_slow_line_is_not_given_up(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    """At 100 kB/s the OS takes most of a 900 KB batch at once and the line needs ~9 s to carry it:
    the answer is awaited that long, not just the usual (here 2 s) timeout, so nothing is sent twice."""
    server = start_central()
    with FaultProxy(server.base_url, bandwidth=100_000) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False, central_timeout=2.0)
        scans, ids = queued_scans(terminal, [150_000 + n for n in range(6)])
        assert terminal.sender is not None
        terminal.sender.sizer = BatchSizer(first=1_000_000)
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert pending_count(terminal.db) == 0  # one batch, first time
        assert proxy.stats.requests_seen == 2  # its scans, then its submissions: nothing again
        terminal.sender.stop()
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_a_batch_that_times_out_goes_again_smaller(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk is told the line is slow (not that it is down), and the next batch carries half."""
    monkeypatch.setattr(planner, "SLOWEST_LINE", 10_000_000)  # loopback: no time to carry bytes
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False, central_timeout=3.0)
        scans, ids = queued_scans(terminal, [100_000 + n for n in range(8)])
        assert terminal.sender is not None
        terminal.sender.sizer = BatchSizer(first=900_000, smallest=100_000)
        proxy.add(Fault("delay", method="POST", path="/v1/blobs/batch", seconds=6.0))  # twice the timeout
        assert terminal.sender.send_some() is Outcome.RETRY
        assert pending_count(terminal.db) == 8
        waiting = get_submission(terminal.db, ids[0])
        assert waiting is not None and waiting.last_error == CentralTooSlow.user_message
        assert terminal.sender.sizer.budget() == 450_000
        all_due(terminal)
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert 3 <= pending_count(terminal.db) < 8  # about half went
        drain(terminal, batches=True)
        terminal.sender.stop()
    records = central_records(central_db)
    assert sorted(r["id"] for r in records) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_sync_now_sends_waiting_rows_first_in_queue_order(  # type: ignore[no-untyped-def]
        start_central, make_terminal) -> None:
    """Rows waiting out a long backoff are not overtaken by rows queued later when the clerk presses
    "立即同步": receipt numbers follow the order the applications were taken."""
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        proxy.set_offline(True)
        terminal = make_terminal(proxy.url, start_sender=False)
        _, first = queued_scans(terminal, [20_000, 20_001, 20_002])
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.RETRY  # the network is down
        with terminal.db.sessions.begin() as s:  # as after many failures: the next try is far off
            for entry in s.query(OutboxEntry):
                entry.next_attempt_at = entry.next_attempt_at + timedelta(hours=1)
        later = [submission_with(terminal, [os.urandom(20_000)], number=10 + n) for n in range(3)]
        proxy.set_offline(False)
        terminal.sender.wake()
        while terminal.sender.send_some() is not None:
            pass
        views = [get_submission(terminal.db, sid) for sid in first + later]
        assert all(v is not None and v.state is SubmissionState.ACCEPTED for v in views)
        receipts = [str(v.receipt_number) for v in views if v is not None]
        assert receipts == sorted(receipts), receipts


def test_a_broken_off_batch_sends_again_only_what_did_not_arrive(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    """The server keeps the scans a torn batch delivered whole; the client asks, and resends the rest."""
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [100_000 + n for n in range(10)])
        assert terminal.sender is not None
        terminal.sender.sizer = BatchSizer(first=2_000_000)  # all ten in one batch
        proxy.add(Fault("reset_request_body", method="POST", path="/v1/blobs/batch", after_bytes=650_000))
        assert terminal.sender.send_some() is Outcome.RETRY
        sixth = hashlib.sha256(scans[5]).hexdigest()
        deadline = time.monotonic() + 20  # the server commits the torn batch's items while the row backs off
        assert terminal.client is not None
        while not ((state := terminal.client.blob_status(sixth)) and state.complete):
            assert time.monotonic() < deadline, "the items before the tear were never recorded"
            time.sleep(0.05)
        before = proxy.stats.bytes_up
        all_due(terminal)
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert pending_count(terminal.db) == 0
        # the six scans before the tear (~600 KB) stay on the server: only the last four go again
        assert proxy.stats.bytes_up - before < 500_000, proxy.stats.bytes_up - before
        assert proxy.stats.faults_injected.get("reset_request_body") == 1
        terminal.sender.stop()
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
