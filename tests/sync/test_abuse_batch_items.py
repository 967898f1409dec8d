"""Abuse suite, the terminal's side of a batch (issue 17, item 2): an item the central system refuses fails
alone, with a Chinese reason for the clerk; the good rows of its batch are accepted and never cross the wire
again; and a batch the central system keeps answering 500 is retried with a growing pause, not in a loop.

A real central process behind the loopback fault proxy (to count requests and inject 500s); the poisoned rows
are queued bodies edited in the terminal's database, as a bug or an old release could have stored them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update

from central.faultproxy import Fault, FaultProxy
from local_db.models import OutboxEntry, OutboxState, SubmissionState
from local_db.submissions import get_submission
from sync.events import Outcome
from sync.submitter import REFUSALS
from tests.sync.engine_rig import all_due, central_records, submission_with


def _poison(terminal, submission_id: str, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    """Edit the queued body text of one row (the JSON text, so ``new`` may hold an escape such as ``\\ud800``)."""
    with terminal.db.sessions.begin() as s:
        entry = s.query(OutboxEntry).filter(OutboxEntry.submission_id == submission_id).one()
        assert entry.body is not None and old in entry.body
        s.execute(update(OutboxEntry).where(OutboxEntry.id == entry.id).values(body=entry.body.replace(old, new)))


@pytest.mark.parametrize("old, new", [
    pytest.param('"n":2', '"n":"\\ud800"', id="lone surrogate in the payload"),
    pytest.param('"version":3', '"version":9223372036854775808', id="version of 2**63"),
    pytest.param('"n":2', '"n":1e400', id="number beyond float"),
])
def test_a_refused_item_fails_alone_and_the_good_rows_cross_once(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db, old: str, new: str) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)
        ids = [submission_with(terminal, [], number=n) for n in range(4)]
        _poison(terminal, ids[2], old, new)
        assert terminal.sender is not None
        assert terminal.sender.send_some() is Outcome.ACCEPTED
        good = [ids[0], ids[1], ids[3]]
        for sid in good:
            assert get_submission(terminal.db, sid).state is SubmissionState.ACCEPTED  # type: ignore[union-attr]
        bad = get_submission(terminal.db, ids[2])
        assert bad is not None and bad.last_error == REFUSALS["validation_error"]
        with terminal.db.sessions.begin() as s:
            assert s.query(OutboxEntry).filter(OutboxEntry.submission_id == ids[2]).one().state == OutboxState.FAILED
        # from now on, any submission request would be counted (and answered 500) by the proxy
        proxy.add(Fault("status", method="POST", path="/v1/submissions", status=500, times=0))
        all_due(terminal)
        assert terminal.sender.send_some() is None  # a second cycle has nothing to send
        assert terminal.sender.sync_once(now=True).sent == 0
        assert proxy.stats.faults_injected == {}  # no submission crossed the wire again
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(good)  # each good row stored once


def test_a_batch_answered_500_again_and_again_is_retried_with_a_growing_pause(  # type: ignore[no-untyped-def]
        start_central, make_terminal, central_db) -> None:
    server = start_central()
    with FaultProxy(server.base_url) as proxy:
        terminal = make_terminal(proxy.url, start_sender=False)  # backoff 0.05 s doubling up to 0.5 s
        ids = [submission_with(terminal, [], number=n) for n in range(3)]
        proxy.add(Fault("status", method="POST", path="/v1/submissions/batch", status=500, times=0))
        assert terminal.sender is not None
        waits = []
        for _ in range(6):
            all_due(terminal)
            assert terminal.sender.send_some() is Outcome.RETRY
            assert terminal.sender.send_some() is None  # not due again at once: no loop on the same batch
            with terminal.db.sessions.begin() as s:
                due = [e.next_attempt_at for e in s.query(OutboxEntry).filter(OutboxEntry.submission_id.in_(ids))]
                waits.append(min(due) - datetime.now(due[0].tzinfo))
        assert waits[-1] > waits[0]  # the pause grew (equal jitter keeps each at least half its step)
        assert proxy.stats.faults_injected.get("status") == 6
        proxy.clear()
        all_due(terminal)
        assert terminal.sender.send_some() is Outcome.ACCEPTED
    assert sorted(r["id"] for r in central_records(central_db)) == sorted(ids)
