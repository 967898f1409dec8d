"""The sync engine against the real reference central system (a child process), sometimes through the
loopback fault proxy: attachments uploaded in resumable chunks, lost answers, Retry-After, the status
feed, corrections of returned cases, second-person approval, reference data with ETags.

The engine is driven step by step (``send_next`` / ``sync_once``) so each test says exactly what happens.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import usecases
from app.terminal import Terminal
from central.faultproxy import Fault, FaultProxy
from central.process import CentralServerProcess
from core.errors import CentralTooSlow, StateError
from forms.definitions import load_form
from forms.idnumber import check_character
from local_db import outbox, syncstate
from local_db.models import OutboxEntry, OutboxState, SubmissionState
from local_db.submissions import ApplicantData, AttachmentData, create_submission, get_submission, pending_count
from sync import sender as sender_module

from .conftest import CLERK, PASSWORD, TERMINAL_ID
from .samples import REGISTRATION, RETIREMENT, WAIVER


def central_records(db: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--db", str(db), "--json",
                          "--include-payload"],
                         capture_output=True, text=True, check=True, timeout=60)
    data = json.loads(out.stdout)
    assert isinstance(data, list)
    return data


def blob_content(server: CentralServerProcess, terminal: Terminal, sha256: str) -> bytes:
    token = terminal.client._http.headers["Authorization"]  # type: ignore[union-attr]
    resp = httpx.get(f"{server.base_url}/v1/blobs/{sha256}/content", headers={"Authorization": token}, timeout=30)
    resp.raise_for_status()
    return resp.content


def submission_with(terminal: Terminal, blobs: list[bytes], number: int = 0) -> str:
    """A queued submission whose attachments are these bytes (sealed in the terminal's blob store)."""
    assert terminal.blobs is not None
    refs = [terminal.blobs.put(data) for data in blobs]
    body = f"{110105194912310 + number:015d}"[:15] + "10"
    id_number = body[:17] + check_character(body[:17])
    view = create_submission(
        terminal.db, item_code="personal_registration", form_version=3, terminal_id=TERMINAL_ID, clerk_id=CLERK.id,
        applicant=ApplicantData(id_number=id_number, name=f"申请人{number}"), payload={"n": number},
        attachments=[AttachmentData(f"m{i}", ref.sha256, ref.size) for i, ref in enumerate(refs)])
    return view.id


def all_due(terminal: Terminal) -> None:
    """Every queued row due now, whatever its backoff (the test decides when to retry)."""
    with terminal.db.sessions.begin() as s:
        for entry in s.query(OutboxEntry).filter(OutboxEntry.state == OutboxState.PENDING.value):
            entry.next_attempt_at = entry.created_at


def drain(terminal: Terminal, rounds: int = 50, *, batches: bool = False) -> None:
    """Send until nothing is pending, every row due at once each round (the test decides when to retry):
    one row at a time (``send_next``) or, with ``batches``, one ``send_some`` per round."""
    sender = terminal.sender
    assert sender is not None
    for _ in range(rounds):
        if pending_count(terminal.db) == 0:
            return
        all_due(terminal)
        if batches:
            sender.send_some()
        else:
            while sender.send_next() is not None:
                pass
    raise AssertionError(f"still pending after {rounds} rounds: {pending_count(terminal.db)}")


def queued_scans(terminal: Terminal, sizes: list[int]) -> tuple[list[bytes], list[str]]:
    """One queued submission per size, each with one random scan of that size: (scans, ids)."""
    scans = [os.urandom(size) for size in sizes]
    return scans, [submission_with(terminal, [scan], number=n) for n, scan in enumerate(scans)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upload in 64 KiB pieces so a few hundred KB exercise multi-chunk uploads (a tuning constant)."""
    monkeypatch.setattr(sender_module, "UPLOAD_CHUNK", 64 * 1024)


def test_attachments_go_up_in_chunks_and_arrive_identical(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    data = [os.urandom(300_000), os.urandom(65_536), os.urandom(1)]
    first = submission_with(terminal, data)
    second = submission_with(terminal, [data[0]], number=1)  # the same scan again: uploaded once
    assert terminal.sender is not None
    assert terminal.sender.send_next() == "accepted"
    assert terminal.sender.send_next() == "accepted"
    for blob in data:
        assert blob_content(server, terminal, hashlib.sha256(blob).hexdigest()) == blob
    [one, two] = sorted(central_records(central_db), key=lambda r: r["id"] != first)
    assert (one["id"], two["id"]) == (first, second)
    view = get_submission(terminal.db, first)
    assert view is not None and view.state is SubmissionState.ACCEPTED and view.receipt_number


def test_torn_uploads_and_lost_answers_end_in_one_record(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        data = os.urandom(400_000)
        sid = submission_with(terminal, [data])
        proxy.add(Fault("reset_request_body", method="PATCH", path="/v1/blobs", times=2))
        proxy.add(Fault("lose_answer", method="POST", path="/v1/submissions"))
        drain(terminal)
        stats = proxy.stats
        assert stats.faults_injected.get("reset_request_body") == 2
        assert stats.faults_injected.get("lose_answer") == 1
    records = central_records(central_db)
    assert [r["id"] for r in records] == [sid]  # committed once, answer lost, resent: a duplicate, not a second
    assert blob_content(server, terminal, hashlib.sha256(data).hexdigest()) == data
    view = get_submission(terminal.db, sid)
    assert view is not None and view.state is SubmissionState.ACCEPTED and view.receipt_number == records[0][
        "receipt_number"]


def test_busy_server_is_retried_after_its_retry_after(start_central, make_terminal) -> None:  # type: ignore[no-untyped-def]
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        sid = submission_with(terminal, [b"x" * 10])
        proxy.add(Fault("status", status=503, retry_after=30, method="POST", path="/v1/submissions"))
        assert terminal.sender is not None
        before = time.time()
        assert terminal.sender.send_next() == "retry"
        with terminal.db.sessions() as s:
            entry = s.query(OutboxEntry).filter_by(submission_id=sid).one()
            assert entry.state == OutboxState.PENDING.value
            assert entry.next_attempt_at.timestamp() >= before + 30  # the server's wish beats our backoff
        assert terminal.sender.send_next() is None  # not due yet
        assert syncstate.get_value(terminal.db, syncstate.LAST_ERROR) == "中心系统暂时繁忙，已离线保存。"
        drain(terminal)
    assert get_submission(terminal.db, sid).state is SubmissionState.ACCEPTED  # type: ignore[union-attr]


def test_returned_case_is_corrected_and_resent_as_its_next_version(  # type: ignore[no-untyped-def]
        qapp, start_central, make_terminal, central_db) -> None:
    server = start_central(extra_args=("--review", "alternate", "--review-delay", "0.1"))
    terminal = make_terminal(server.base_url, start_sender=False)
    form = load_form("personal_registration")
    waivers = {"identity_document": WAIVER}
    first = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION, waivers=waivers)).view
    second = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION | {"phone": "13900139000"}, waivers=waivers)).view
    drain(terminal)
    assert terminal.sender is not None
    deadline = time.monotonic() + 20
    states: dict[str, SubmissionState] = {}
    while time.monotonic() < deadline:
        terminal.sender.pull_status()
        states = {sid: get_submission(terminal.db, sid).state for sid in (first.id, second.id)}  # type: ignore[union-attr]
        if SubmissionState.ACCEPTED not in states.values():
            break
        time.sleep(0.1)
    # alternate: the first in receipt order is approved (closed here), the second returned with a reason
    assert states == {first.id: SubmissionState.CLOSED, second.id: SubmissionState.RETURNED}
    returned = get_submission(terminal.db, second.id)
    assert returned is not None and returned.status_reason == "材料不清晰，请重新拍摄后补正。"

    correction = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION | {"phone": "13700137000"}, waivers=waivers, corrects=second.id)).view
    assert (correction.case_id, correction.case_version) == (second.case_id, 2)
    assert get_submission(terminal.db, second.id).state is SubmissionState.CLOSED  # type: ignore[union-attr]
    with pytest.raises(StateError):  # a case is corrected once
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION, waivers=waivers, corrects=second.id))
    drain(terminal)
    central = {r["id"]: r for r in central_records(central_db)}
    assert central[correction.id]["case_id"] == second.id and central[correction.id]["case_version"] == 2
    assert central[correction.id]["payload"]["phone"] == "13700137000"


def test_key_business_waits_for_a_second_clerk(qapp, start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    from local_db.clerks import add_clerk

    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass")
    form = load_form("retirement_approval")
    view = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, RETIREMENT, waivers={"identity_document": WAIVER})).view
    assert view.state is SubmissionState.AWAITING_APPROVAL
    assert pending_count(terminal.db) == 0  # nothing to send before the review
    assert terminal.sender is not None and terminal.sender.send_next() is None
    with pytest.raises(StateError, match="own submission"):
        usecases.approve(terminal, CLERK.id, PASSWORD, view.id)
    from core.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        usecases.approve(terminal, "1002", "wrong", view.id)
    approved = usecases.approve(terminal, "1002", "review-pass", view.id)
    assert approved.state is SubmissionState.QUEUED and approved.approved_by == "1002"
    drain(terminal)
    [record] = central_records(central_db)
    assert record["payload"]["_approved_by"] == "1002"


def test_crash_while_sending_goes_back_to_the_queue(start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    sid = submission_with(terminal, [b"evidence"])
    claimed = outbox.claim_next(terminal.db)  # a sender that claimed the row, then died
    assert claimed is not None and claimed.submission_id == sid
    assert get_submission(terminal.db, sid).state is SubmissionState.SENDING  # type: ignore[union-attr]
    assert outbox.requeue_in_flight(terminal.db) == 1
    assert get_submission(terminal.db, sid).state is SubmissionState.QUEUED  # type: ignore[union-attr]
    drain(terminal)
    assert len(central_records(central_db)) == 1


def test_reference_data_comes_with_etags(start_central, make_terminal, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from importlib.resources import files

    reference = tmp_path / "reference-src"
    (reference / "forms").mkdir(parents=True)
    (reference / "figures").mkdir()
    shipped = files("resources")
    for name in ("personal_registration", "retirement_approval"):
        (reference / "forms" / f"{name}.json").write_text(
            (shipped / "forms" / f"{name}.json").read_text(encoding="utf-8"), encoding="utf-8")
    holidays = json.loads((shipped / "rules" / "holidays_cn.json").read_text(encoding="utf-8"))
    (reference / "holidays.json").write_text(json.dumps(holidays, ensure_ascii=False), encoding="utf-8")
    server = start_central(extra_args=("--reference-dir", str(reference)))
    terminal: Terminal = make_terminal(server.base_url, start_sender=False)
    assert terminal.sender is not None
    assert 2031 not in terminal.reference.calendar().years
    assert sorted(terminal.sender.pull_reference()) == ["forms", "holidays"]
    assert terminal.sender.pull_reference() == []  # unchanged: ETags match, nothing fetched

    # the operator publishes 2031's schedule and a new version of a form
    holidays["2031"] = {"holidays": ["2031-01-01"], "workdays": []}
    (reference / "holidays.json").write_text(json.dumps(holidays, ensure_ascii=False), encoding="utf-8")
    form = json.loads((reference / "forms" / "personal_registration.json").read_text(encoding="utf-8"))
    form["version"] += 1
    form["name"] = "个人参保登记（新版）"
    (reference / "forms" / "personal_registration.json").write_text(json.dumps(form, ensure_ascii=False),
                                                                     encoding="utf-8")
    assert sorted(terminal.sender.pull_reference()) == ["forms", "holidays"]
    terminal.reference.forget()
    assert 2031 in terminal.reference.calendar().years
    assert terminal.reference.form("personal_registration").name == "个人参保登记（新版）"

    # a broken data set is refused and the good one kept
    form["sections"] = []
    form["version"] += 1
    (reference / "forms" / "personal_registration.json").write_text(json.dumps(form, ensure_ascii=False),
                                                                     encoding="utf-8")
    assert terminal.sender.pull_reference() == []
    terminal.reference.forget()
    assert terminal.reference.form("personal_registration").name == "个人参保登记（新版）"


def test_sync_once_reports_what_it_did(start_central, make_terminal) -> None:  # type: ignore[no-untyped-def]
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    for n in range(3):
        submission_with(terminal, [os.urandom(100)], number=n)
    assert terminal.sender is not None
    summary = terminal.sender.sync_once()
    assert (summary.sent, summary.failed, summary.pending, summary.error) == (3, 0, 0, None)
    assert syncstate.get_value(terminal.db, syncstate.LAST_SYNC) is not None
    server.stop()
    submission_with(terminal, [b"later"], number=9)
    offline = terminal.sender.sync_once()
    assert offline.sent == 0 and offline.pending == 1 and offline.error == "未连接中心系统，已离线保存。"


def test_background_engine_reports_status_changes(  # type: ignore[no-untyped-def]
        start_central, make_terminal) -> None:
    server = start_central(extra_args=("--review", "return", "--review-delay", "0.1"))
    terminal = make_terminal(server.base_url, start_sender=False)
    events: list[Any] = []
    terminal.events.subscribe(events.append)
    sid = submission_with(terminal, [b"scan"])
    assert terminal.sender is not None
    terminal.sender._feed_interval = 0.2  # a demo-fast feed; the default is a minute
    terminal.sender.start()
    wait_for: Callable[[], bool] = lambda: any(  # noqa: E731
        getattr(e, "kind", None) == "status" and e.submission_id == sid for e in events)
    deadline = time.monotonic() + 20
    while not wait_for() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wait_for()
    view = get_submission(terminal.db, sid)
    assert view is not None and view.state is SubmissionState.RETURNED and view.status_reason


def test_a_backlog_goes_in_batches(start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    """Small scans in one streamed request and the submissions in one more, per batch of rows."""
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans = [os.urandom(20_000 + n) for n in range(60)]
        ids = [submission_with(terminal, scans[2 * n:2 * n + 2], number=n) for n in range(30)]
        assert terminal.sender is not None
        assert terminal.sender.send_some() == "accepted"
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
    monkeypatch.setattr(sender_module, "BATCH_ROWS", 5)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, sizes)
        assert terminal.sender is not None
        assert terminal.sender.send_some() == "accepted"
        terminal.sender.stop()  # waits for the upload running ahead
        assert pending_count(terminal.db) == 5  # the second batch is not sent, nor claimed
        assert [get_submission(terminal.db, sid).state for sid in ids[5:]] == [  # type: ignore[union-attr]
            SubmissionState.QUEUED] * 5
        for scan in scans[5:]:  # but its scans are there already
            assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
        before = proxy.stats.requests_seen
        assert terminal.sender.send_some() == "accepted"
        assert proxy.stats.requests_seen - before == 1  # the submissions alone
        assert pending_count(terminal.db) == 0
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)


def test_a_large_scan_torn_while_uploading_ahead_resumes(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks, monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece of a large scan torn off during the upload ahead: the server keeps the pieces before
    it, the batch that needs the scan resumes from there, and every row still goes exactly once."""
    monkeypatch.setattr(sender_module, "BATCH_ROWS", 2)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [300_000 + n for n in range(4)])
        # 64 KiB pieces: the first batch's own 2 x 5 pieces pass, the upload ahead loses its third
        proxy.add(Fault("delay", method="PATCH", path="/v1/blobs", seconds=0.0, times=2 * 5 + 2))
        proxy.add(Fault("reset_request_body", method="PATCH", path="/v1/blobs", after_bytes=10_000))
        assert terminal.sender is not None
        assert terminal.sender.send_some() == "accepted"
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
    monkeypatch.setattr(sender_module, "BATCH_ROWS", 2)
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        scans, ids = queued_scans(terminal, [30_000 + n for n in range(8)])
        proxy.add(Fault("delay", method="POST", path="/v1/blobs/batch", seconds=0.0))  # the first batch's own
        proxy.add(Fault("status", method="POST", path="/v1/blobs/batch", status=503))  # the first group ahead
        assert terminal.sender is not None
        for _ in range(3):
            assert terminal.sender.send_some() == "accepted"
        terminal.sender.stop()  # waits for the uploads ahead
        assert proxy.stats.faults_injected.get("status") == 1
        assert pending_count(terminal.db) == 2
        for scan in scans[6:]:  # the fourth batch's scans went up ahead of it
            assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
        assert terminal.sender.send_some() == "accepted"
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)


def test_an_upload_ahead_that_fails_loses_nothing(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """Torn or refused uploads running ahead: every row still goes exactly once, its scans whole."""
    monkeypatch.setattr(sender_module, "BATCH_ROWS", 4)
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
        terminal.sender.sizer = sender_module.BatchSizer(seconds=1.0, first=300_000, smallest=100_000)
        left = [pending_count(terminal.db)]
        while left[-1] and len(left) < 30:
            assert terminal.sender.send_some() == "accepted"
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
        terminal.sender.sizer = sender_module.BatchSizer(first=1_000_000)
        assert terminal.sender.send_some() == "accepted"
        assert pending_count(terminal.db) == 0  # one batch, first time
        assert proxy.stats.requests_seen == 2  # its scans, then its submissions: nothing again
        terminal.sender.stop()
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


def test_a_batch_that_times_out_goes_again_smaller(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clerk is told the line is slow (not that it is down), and the next batch carries half."""
    monkeypatch.setattr(sender_module, "SLOWEST_LINE", 10_000_000)  # loopback: no time to carry bytes
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False, central_timeout=3.0)
        scans, ids = queued_scans(terminal, [100_000 + n for n in range(8)])
        assert terminal.sender is not None
        terminal.sender.sizer = sender_module.BatchSizer(first=900_000, smallest=100_000)
        proxy.add(Fault("delay", method="POST", path="/v1/blobs/batch", seconds=6.0))  # twice the timeout
        assert terminal.sender.send_some() == "retry"
        assert pending_count(terminal.db) == 8
        waiting = get_submission(terminal.db, ids[0])
        assert waiting is not None and waiting.last_error == CentralTooSlow.user_message
        assert terminal.sender.sizer.budget() == 450_000
        all_due(terminal)
        assert terminal.sender.send_some() == "accepted"
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
        assert terminal.sender.send_some() == "retry"  # the network is down
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
        terminal.sender.sizer = sender_module.BatchSizer(first=2_000_000)  # all ten in one batch
        proxy.add(Fault("reset_request_body", method="POST", path="/v1/blobs/batch", after_bytes=650_000))
        assert terminal.sender.send_some() == "retry"
        sixth = hashlib.sha256(scans[5]).hexdigest()
        deadline = time.monotonic() + 20  # the server commits the torn batch's items while the row backs off
        assert terminal.client is not None
        while not (terminal.client.blob_status(sixth) or {}).get("complete"):
            assert time.monotonic() < deadline, "the items before the tear were never recorded"
            time.sleep(0.05)
        before = proxy.stats.bytes_up
        all_due(terminal)
        assert terminal.sender.send_some() == "accepted"
        assert pending_count(terminal.db) == 0
        # the six scans before the tear (~600 KB) stay on the server: only the last four go again
        assert proxy.stats.bytes_up - before < 500_000, proxy.stats.bytes_up - before
        assert proxy.stats.faults_injected.get("reset_request_body") == 1
        terminal.sender.stop()
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan
