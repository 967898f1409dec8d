"""The protocol client: typed answers, the fall-back to single requests for an older central system, and
malformed answers turned into a ``SyncError`` the clerk can read.

An older central system is the real one behind the loopback fault proxy answering 404 for the batch
endpoints; malformed answers come from a tiny real HTTP server in the test, so the client's own
parsing is what is exercised (nothing of ours is mocked).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest

from central.faultproxy import Fault, FaultProxy
from core.errors import SyncError
from local_db.models import OutboxEntry, OutboxState, SubmissionState
from local_db.submissions import get_submission, pending_count
from protocol.body import QueuedBody
from sync.client import BlobSource, CentralClient
from sync.events import SYNC_EVENTS, Failed, Outcome, Retrying
from tests.sync.engine_rig import blob_content, central_records, queued_scans, submission_with

UNREADABLE = "中心系统的应答无法识别，已离线保存。"
SID = "6f1c0a52-3b9e-4c1e-9d8f-0a1b2c3d4e5f"
GOOD_ANSWER = {"id": SID, "receipt_number": "SB20261206000001", "status": "accepted",
               "received_at": "2026-12-06T08:00:00+00:00", "case_id": SID, "case_version": 1, "reason": None,
               "duplicate": False}


def test_an_older_central_system_is_served_one_request_at_a_time(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    """Without the batch endpoints (404), scans go announced and whole, submissions one post each, with
    the same per-row outcomes; the client asks each batch endpoint once and then remembers."""
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        for path in ("/v1/blobs/batch", "/v1/blobs/states", "/v1/submissions/batch"):
            proxy.add(Fault("status", method="POST", path=path, status=404, times=0))
        terminal = make_terminal(proxy.url, start_sender=False)
        events: list[Any] = []
        terminal.events.subscribe(lambda e: events.append(e) if isinstance(e, SYNC_EVENTS) else None)
        scans, ids = queued_scans(terminal, [20_000 + n for n in range(6)])
        # the first row's id is taken at the server by another body: refused, the others go
        with terminal.db.sessions() as s:
            body = json.loads(s.query(OutboxEntry).filter_by(submission_id=ids[0]).one().body or "{}")
        token = terminal.client._http.headers["Authorization"]  # type: ignore[union-attr]
        taken = httpx.post(f"{server.base_url}/v1/submissions", headers={"Authorization": token}, timeout=30,
                           json={k: v for k, v in body.items() if k != "attachments"} | {"payload": {"other": 1}})
        assert taken.status_code == 201
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        # two 404s, then per scan an announce and one piece, per submission one post
        assert proxy.stats.faults_injected.get("status") == 2
        assert proxy.stats.requests_seen == 2 + 6 * 2 + 6
        assert pending_count(terminal.db) == 1  # the refused one, kept for a person
        with terminal.db.sessions() as s:
            assert s.query(OutboxEntry).filter_by(submission_id=ids[0]).one().state == OutboxState.FAILED.value
        assert [e.submission_id for e in events if isinstance(e, Failed)] == [ids[0]]
        for sid in ids[1:]:
            assert get_submission(terminal.db, sid).state is SubmissionState.ACCEPTED  # type: ignore[union-attr]

        later = submission_with(terminal, [b"one more scan"], number=20)
        before = proxy.stats.requests_seen
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        assert proxy.stats.requests_seen - before == 3  # no batch endpoint asked again
        assert proxy.stats.faults_injected.get("status") == 2
    assert {r["id"] for r in central_records(central_db)} == set(ids[1:]) | {later, ids[0]}
    for scan in scans:
        assert blob_content(server, terminal, hashlib.sha256(scan).hexdigest()) == scan


class _Canned(BaseHTTPRequestHandler):
    """Answers each request with the canned (status, JSON text) for its method and path."""

    answers: ClassVar[dict[tuple[str, str], tuple[int, str]]] = {}

    def _answer(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:  # read the streamed body to its end before answering
                size = int(self.rfile.readline().strip() or b"0", 16)
                self.rfile.read(size + 2)
                if size == 0:
                    break
        else:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, text = self.answers.get((self.command, self.path.split("?")[0]), (404, '{"error":{}}'))
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def canned() -> Iterator[tuple[str, dict[tuple[str, str], tuple[int, str]]]]:
    """A real HTTP server on loopback and the answers it gives (set by the test)."""
    answers: ClassVar[dict[tuple[str, str], tuple[int, str]]] = {}
    handler = type("Handler", (_Canned,), {"answers": answers})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", answers
    finally:
        httpd.shutdown()
        httpd.server_close()


def _batch(answer: object) -> str:
    return json.dumps({"results": [{"id": SID, "ok": True, "status_code": 201, "answer": answer, "error": None}]})


@pytest.mark.parametrize(("path", "text"), [
    pytest.param("/v1/submissions/batch", _batch({k: v for k, v in GOOD_ANSWER.items() if k != "receipt_number"}),
                 id="no receipt number"),
    pytest.param("/v1/submissions/batch", _batch(GOOD_ANSWER | {"received_at": 20261206}), id="time not a string"),
    pytest.param("/v1/submissions/batch", _batch(GOOD_ANSWER | {"received_at": "yesterday"}), id="time not a date"),
    pytest.param("/v1/submissions/batch", _batch(None), id="ok without an answer"),
    pytest.param("/v1/submissions/batch", '{"results": {"a": 1}}', id="results not a list"),
    pytest.param("/v1/submissions/batch", "<html>proxy error</html>", id="not JSON"),
    pytest.param("/v1/status-feed", json.dumps({"events": [{"submission_id": SID}], "next_cursor": "1",
                                                "more": False}), id="feed event without fields"),
    pytest.param("/v1/blobs/batch", '{"blobs": [{"sha256": "x", "size": 1, "received": 1, "complete": "maybe"}]}',
                 id="blob state not a boolean"),
])
def test_a_malformed_answer_is_a_sync_error_in_chinese(
        canned: tuple[str, dict[tuple[str, str], tuple[int, str]]], path: str, text: str) -> None:
    url, answers = canned
    method = "GET" if path == "/v1/status-feed" else "POST"
    answers[(method, path)] = (200, text)
    with CentralClient(url, "token", timeout=5) as client, pytest.raises(SyncError) as caught:
        if path == "/v1/submissions/batch":
            client.post_submission_batch([QueuedBody(SID, "{}")])
        elif path == "/v1/status-feed":
            client.status_feed(None)
        else:
            client.upload_blob_batch([BlobSource("x", 1, "application/pdf", lambda: [b"x"])])
    assert caught.value.retryable
    assert caught.value.user_message == UNREADABLE and caught.value.hint


def test_a_newer_central_system_may_add_fields_and_statuses(
        canned: tuple[str, dict[tuple[str, str], tuple[int, str]]]) -> None:
    """Unknown fields are ignored, and a status this terminal does not know is read (and skipped later)."""
    url, answers = canned
    answers[("POST", "/v1/submissions/batch")] = (200, json.dumps({
        "results": [{"id": SID, "ok": True, "status_code": 201, "error": None, "trace": "abc",
                     "answer": GOOD_ANSWER | {"status": "archived", "priority": 3}}], "server": "v2"}))
    answers[("GET", "/v1/status-feed")] = (200, json.dumps({
        "events": [{"cursor": "7", "submission_id": SID, "case_id": SID, "case_version": 1, "status": "archived",
                    "reason": None, "receipt_number": "SB20261206000001", "at": "2026-12-06T08:00:00Z",
                    "office": "铜川"}], "next_cursor": "7", "more": False}))
    with CentralClient(url, "token", timeout=5) as client:
        [result] = client.post_submission_batch([QueuedBody(SID, "{}")])
        assert result.ok and result.answer is not None
        assert (result.answer.receipt_number, result.answer.status) == ("SB20261206000001", "archived")
        feed = client.status_feed(None)
        assert [(e.submission_id, e.status) for e in feed.events] == [(SID, "archived")]


def test_the_engine_keeps_a_row_whose_answer_is_unreadable(  # type: ignore[no-untyped-def]
        canned: tuple[str, dict[tuple[str, str], tuple[int, str]]], make_terminal) -> None:
    """A malformed answer to a batch leaves its rows queued with a message the clerk can read, and the
    engine backs off as for any passing fault; nothing crashes."""
    url, answers = canned
    answers[("POST", "/v1/submissions/batch")] = (200, '{"results": [{"id": 5}]}')
    terminal = make_terminal(url, start_sender=False)
    events: list[Any] = []
    terminal.events.subscribe(lambda e: events.append(e) if isinstance(e, SYNC_EVENTS) else None)
    sid = submission_with(terminal, [])
    assert terminal.sender is not None
    assert terminal.sender.send_some() is Outcome.RETRY
    view = get_submission(terminal.db, sid)
    assert view is not None and view.state is SubmissionState.QUEUED and view.last_error == UNREADABLE
    assert [type(e) for e in events if isinstance(e, Retrying)] == [Retrying]


def test_a_first_release_central_system_is_understood(
        canned: tuple[str, dict[tuple[str, str], tuple[int, str]]]) -> None:
    """No batch endpoint, and answers from before cases existed (no case_id, case_version, reason):
    the submission is read as the first version of its own case, as before."""
    url, answers = canned
    answers[("POST", "/v1/submissions")] = (201, json.dumps(
        {k: v for k, v in GOOD_ANSWER.items() if k not in ("case_id", "case_version", "reason")}))
    with CentralClient(url, "token", timeout=5) as client:
        [result] = client.post_submission_batch([QueuedBody(SID, "{}")])
    assert result.ok and result.status_code == 201 and result.answer is not None
    assert (result.answer.receipt_number, result.answer.case_id, result.answer.case_version) == (
        "SB20261206000001", SID, 1)
