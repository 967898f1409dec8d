"""Two days without a network at a busy counter: a backlog of 500 submissions drains once it is back.

The volume is the point (``created_at`` is set by the database, so the rows are not really spread
over two days). While offline the sender keeps retrying in the background and everything stays
queued; once online, everything reaches the central system exactly once, and the sender works at most
one batch of outbox rows at a time however long the queue (the bounded-memory design: it never loads
the backlog).
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from sqlalchemy import text

from central.faultproxy import FaultProxy
from local_db.models import SubmissionState
from local_db.submissions import list_submissions, pending_count
from sync.events import SYNC_EVENTS, Accepted, Failed, Retrying, SyncEvent
from sync.planner import BATCH_ROWS
from tests.sync.conftest import Rig, integrity, local_ids
from tests.sync.worker import enqueue_one

BACKLOG = 500
#: a generous bound so a stuck engine fails the test instead of hanging it; not a speed assertion
DRAIN_LIMIT = 600.0


class InFlightWatch:
    """Samples the number of outbox rows in flight on its own connection, as often as it can."""

    def __init__(self, terminal_db: object) -> None:
        self._db = terminal_db
        self.samples = 0
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="in-flight-watch")

    def _run(self) -> None:
        with self._db.engine.connect() as conn:  # type: ignore[attr-defined]
            while not self._stop.is_set():
                count = int(conn.execute(text("SELECT count(*) FROM outbox WHERE state='in_flight'")).scalar() or 0)
                conn.commit()  # end the read transaction so the next sample sees new commits
                self.samples += 1
                self.most = max(self.most, count)
                time.sleep(0.002)

    def __enter__(self) -> InFlightWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(10)


def test_offline_backlog_of_500_drains_exactly_once(rig: Rig, tmp_path: Path) -> None:
    rng = random.Random(500)
    events: list[SyncEvent] = []
    with FaultProxy(rig.central.base_url) as proxy:
        proxy.set_offline(True)
        terminal = rig.terminal(proxy.url, start_sender=True)
        try:
            terminal.events.subscribe(lambda e: events.append(e) if isinstance(e, SYNC_EVENTS) else None)
            made = []
            for n in range(BACKLOG):
                made.append(enqueue_one(terminal, rng, rig.terminal_id, large_share=0.0, attach=n % 4 == 0))
                terminal.send_now()  # as the UI does after each save: the sender tries, and fails
            time.sleep(1.0)  # let it retry a few more times against the dead network
            retries = sum(1 for e in events if isinstance(e, Retrying))
            assert pending_count(terminal.db) == BACKLOG, "something left the queue while offline"
            assert not any(isinstance(e, Accepted | Failed) for e in events)
            assert retries >= 10, retries
            assert proxy.stats.requests_seen == 0  # nothing got through, not even half a request

            with InFlightWatch(terminal.db) as watch:
                proxy.set_offline(False)
                terminal.send_now()
                deadline = time.monotonic() + DRAIN_LIMIT
                while pending_count(terminal.db) and time.monotonic() < deadline:
                    time.sleep(0.1)
            assert pending_count(terminal.db) == 0
            assert watch.samples > 100
            assert 1 <= watch.most <= BATCH_ROWS, f"{watch.most} rows in flight at once"

            views = list_submissions(terminal.db, limit=100_000)
            assert {v.id for v in views} == set(made) == local_ids(terminal)
            assert all(v.state is SubmissionState.ACCEPTED and v.receipt_number for v in views)
            assert sum(1 for e in events if isinstance(e, Accepted)) == BACKLOG
            assert integrity(terminal) == "ok"
        finally:
            terminal.close()

    server = rig.server_submissions()
    server_ids = [row["id"] for row in server]
    assert len(server_ids) == len(set(server_ids)) == BACKLOG
    assert set(server_ids) == set(made)
    assert {row["id"]: row["receipt_number"] for row in server} == {v.id: v.receipt_number for v in views}
    assert sum(len(row["attachments"]) for row in server) == sum(len(v.attachments) for v in views)
