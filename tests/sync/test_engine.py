"""The sync engine against the real reference central system (a child process), sometimes through the
loopback fault proxy: attachments uploaded in resumable chunks, lost answers, Retry-After, the status
feed, corrections of returned cases, second-person approval, reference data with ETags.

The engine is driven step by step (``send_next`` / ``sync_once``) so each test says exactly what happens.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app import usecases
from app.terminal import Terminal
from central.faultproxy import Fault, FaultProxy
from core.errors import StateError
from forms.definitions import load_form
from local_db import outbox, syncstate
from local_db.models import OutboxEntry, OutboxState, SubmissionState
from local_db.submissions import get_submission, pending_count
from sync.events import Outcome, StatusChanged
from tests.app.conftest import CLERK, PASSWORD
from tests.app.samples import REGISTRATION, RETIREMENT, SIGNATURE, WAIVER
from tests.sync.engine_rig import blob_content, central_records, drain, submission_with


def test_attachments_go_up_in_chunks_and_arrive_identical(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, small_chunks) -> None:
    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    data = [os.urandom(300_000), os.urandom(65_536), os.urandom(1)]
    first = submission_with(terminal, data)
    second = submission_with(terminal, [data[0]], number=1)  # the same scan again: uploaded once
    assert terminal.sender is not None
    assert terminal.sender.send_next() is Outcome.ACCEPTED
    assert terminal.sender.send_next() is Outcome.ACCEPTED
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
        assert terminal.sender.send_next() is Outcome.RETRY
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
        CLERK, form, REGISTRATION, waivers=waivers, signature=SIGNATURE)).view
    second = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, REGISTRATION | {"phone": "13900139000"}, waivers=waivers, signature=SIGNATURE)).view
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
        CLERK, form, REGISTRATION | {"phone": "13700137000"}, waivers=waivers, corrects=second.id,
            signature=SIGNATURE)).view
    assert (correction.case_id, correction.case_version) == (second.case_id, 2)
    assert get_submission(terminal.db, second.id).state is SubmissionState.CLOSED  # type: ignore[union-attr]
    with pytest.raises(StateError):  # a case is corrected once
        usecases.submit_application(terminal, usecases.SubmitRequest(
            CLERK, form, REGISTRATION, waivers=waivers, corrects=second.id, signature=SIGNATURE))
    drain(terminal)
    central = {r["id"]: r for r in central_records(central_db)}
    assert central[correction.id]["case_id"] == second.id and central[correction.id]["case_version"] == 2
    assert central[correction.id]["payload"]["phone"] == "13700137000"


def test_key_business_waits_for_a_second_clerk(qapp, start_central, make_terminal, central_db) -> None:  # type: ignore[no-untyped-def]
    from local_db.clerks import Role, add_clerk

    server = start_central()
    terminal = make_terminal(server.base_url, start_sender=False)
    add_clerk(terminal.db, "1002", "复核柜员", "review-pass", roles=frozenset({Role.REVIEW}))
    add_clerk(terminal.db, "1003", "审批柜员", "final-pass", roles=frozenset({Role.APPROVAL}))
    form = load_form("retirement_approval")
    view = usecases.submit_application(terminal, usecases.SubmitRequest(
        CLERK, form, RETIREMENT, waivers={"identity_document": WAIVER}, signature=SIGNATURE)).view
    assert view.state is SubmissionState.AWAITING_APPROVAL
    assert pending_count(terminal.db) == 0  # nothing to send before the review
    assert terminal.sender is not None and terminal.sender.send_next() is None
    with pytest.raises(StateError, match="own submission"):
        usecases.approve(terminal, CLERK.id, PASSWORD, view.id)
    from core.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        usecases.approve(terminal, "1002", "wrong", view.id)
    reviewed = usecases.approve(terminal, "1002", "review-pass", view.id)
    assert reviewed.state is SubmissionState.AWAITING_APPROVAL  # 复核 signed, 审批 still due
    assert pending_count(terminal.db) == 0
    approved = usecases.approve(terminal, "1003", "final-pass", view.id, step="approval")
    assert approved.state is SubmissionState.QUEUED and approved.approved_by == "1002"
    drain(terminal)
    [record] = central_records(central_db)
    assert [(g["step"], g["clerk_id"]) for g in record["review"]["signatures"]] == [
        ("review", "1002"), ("approval", "1003")]
    assert record["review"]["tier"] == "review_approval" and "_approved_by" not in record["payload"]


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
    terminal.sender.feed_interval = 0.2  # a demo-fast feed; the default is a minute
    terminal.sender.start()
    wait_for: Callable[[], bool] = lambda: any(  # noqa: E731
        isinstance(e, StatusChanged) and e.submission_id == sid for e in events)
    deadline = time.monotonic() + 20
    while not wait_for() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wait_for()
    view = get_submission(terminal.db, sid)
    assert view is not None and view.state is SubmissionState.RETURNED and view.status_reason
