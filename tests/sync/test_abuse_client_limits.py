"""Abuse suite (issue 17, item 1, the terminal's side): the sync client against a central system that
bounds its requests. Batches stay within the default batch limit; a batch refused as too large (a
central system configured lower) is split and nothing is sent twice; a submission too large on its
own fails alone, with a reason; a 429 throttle is waited out like a 503.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx

from forms.idnumber import check_character
from local_db.models import OutboxEntry, OutboxState, SubmissionState, utcnow
from local_db.submissions import ApplicantData, create_submission, get_submission, pending_count
from protocol.limits import SUBMISSION_BATCH_BODY
from sync.events import Outcome
from sync.submitter import TOO_LARGE
from tests.app.conftest import CLERK, TERMINAL_ID
from tests.sync.engine_rig import central_records, drain


def queue(terminal, number: int, note_bytes: int) -> str:  # type: ignore[no-untyped-def]
    """A queued submission without scans whose payload carries ``note_bytes`` of text."""
    body = f"{110105194912310 + number:015d}"[:15] + "10"
    view = create_submission(
        terminal.db, item_code="personal_registration", form_version=3, terminal_id=TERMINAL_ID, clerk_id=CLERK.id,
        applicant=ApplicantData(id_number=body[:17] + check_character(body[:17]), name=f"申请人{number}"),
        payload={"n": number, **_notes(note_bytes)}, attachments=[])
    return view.id


def _notes(total: int) -> dict[str, str]:
    """``total`` characters of text in fields of at most 50 000 (a payload string holds at most 65 536)."""
    step = 50_000
    notes = {f"note{i}": "x" * min(step, total - start) for i, start in enumerate(range(0, total, step))}
    return notes or {"note0": ""}


def accepted_counts(log: Path) -> Counter[str]:
    """How often the central system stored each submission (a resend would be logged as repeated)."""
    text = log.read_text(encoding="utf-8")
    assert "answering as duplicate" not in text, "a submission was sent twice"
    return Counter(re.findall(r"submission (\S+) accepted from terminal", text))


def test_a_batch_refused_as_too_large_is_split_and_a_too_big_submission_fails_alone(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, tmp_path: Path) -> None:
    server = start_central(extra_args=("--max-submission-batch-body", "16K"))
    terminal = make_terminal(server.base_url, start_sender=False)
    good = [queue(terminal, n, 1000) for n in range(3)]
    too_big = queue(terminal, 3, 40_000)
    good += [queue(terminal, n, 1000) for n in range(4, 8)]
    assert terminal.sender is not None
    assert terminal.sender.send_some() is Outcome.ACCEPTED  # one turn: splits until each part fits
    assert pending_count(terminal.db) == 1  # the failed one stays here, for a person to deal with
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(good)
    assert accepted_counts(tmp_path / "central-0.log") == Counter(good)  # each good one stored once
    failed = get_submission(terminal.db, too_big)
    assert failed is not None and failed.last_error == TOO_LARGE
    with terminal.db.sessions() as s:  # failed for good: not retried, kept for a person to deal with
        assert s.query(OutboxEntry).filter_by(submission_id=too_big).one().state == OutboxState.FAILED.value
    for sid in good:
        assert get_submission(terminal.db, sid).state is SubmissionState.ACCEPTED  # type: ignore[union-attr]
    log = (tmp_path / "central-0.log").read_text(encoding="utf-8")
    # the whole batch, then the half with the large one, ..., then the large one alone
    assert log.count('"POST /v1/submissions/batch HTTP/1.1" 413') >= 3


def test_the_client_never_builds_a_batch_above_the_default_batch_limit(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, tmp_path: Path) -> None:
    server = start_central()  # the default limits
    terminal = make_terminal(server.base_url, start_sender=False)
    ids = [queue(terminal, n, 200_000) for n in range(30)]  # about 6 MB in all, each well within its limit
    assert SUBMISSION_BATCH_BODY < 30 * 200_000
    assert terminal.sender is not None
    assert terminal.sender.send_some() is Outcome.ACCEPTED
    assert pending_count(terminal.db) == 0
    log = (tmp_path / "central-0.log").read_text(encoding="utf-8")
    assert '"POST /v1/submissions/batch HTTP/1.1" 413' not in log
    assert log.count('"POST /v1/submissions/batch HTTP/1.1" 200') == 2  # two requests, each under the limit
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)


def test_a_throttled_terminal_waits_out_the_429_and_loses_nothing(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, tmp_path: Path) -> None:
    server = start_central(extra_args=("--auth-attempts", "2", "--auth-lockout", "3"))
    terminal = make_terminal(server.base_url, start_sender=False)
    ids = [queue(terminal, n, 100) for n in range(3)]
    for _ in range(2):  # someone at this address guesses tokens: the address is locked out
        assert httpx.get(f"{server.base_url}/v1/reviews", headers={"Authorization": "Bearer guess"}).status_code == 401
    assert terminal.sender is not None
    before = utcnow()
    assert terminal.sender.send_some() is Outcome.RETRY
    assert pending_count(terminal.db) == 3
    with terminal.db.sessions() as s:
        waits = [e.next_attempt_at - before for e in s.query(OutboxEntry)]
    assert all(wait >= timedelta(seconds=1.5) for wait in waits), waits  # Retry-After (2-3 s) honoured
    for sid in ids:
        view = get_submission(terminal.db, sid)
        assert view is not None and "身份凭证多次验证失败" in (view.last_error or "")
    assert central_records(central_db) == []
    time.sleep(max(0.0, 3.3 - (utcnow() - before).total_seconds()))  # the lockout is over
    drain(terminal, batches=True)
    assert accepted_counts(tmp_path / "central-0.log") == Counter(ids)
