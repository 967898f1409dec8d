"""The background sender: works the outbox, one submission at a time.

It runs on its own thread and never touches Qt; what it does is reported
through a callback (the UI re-emits it as a Qt signal). When the central system
cannot be reached the whole sender backs off, not just the row, so a long
backlog does not hammer a dead network; ``wake()`` ("send now", or a new
submission) cuts the wait short.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.errors import CounterError, SyncError
from local_db import outbox
from local_db.database import Database
from local_db.models import utcnow
from local_db.submissions import pending_count
from sync.client import CentralClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderEvent:
    """What just happened; ``kind`` is accepted | retry | failed | online | offline."""

    kind: str
    pending: int
    submission_id: str | None = None
    receipt_number: str | None = None
    error: CounterError | None = None


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter; ``Retry-After`` from the server wins when longer."""

    base: float = 1.0
    cap: float = 300.0

    def delay(self, attempt: int, retry_after: float | None = None,
              rng: random.Random | None = None) -> float:
        ceiling: float = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        # "equal jitter": never less than half the step, so a crowd of terminals spreads out
        spread = rng.uniform(0, ceiling / 2) if rng else random.uniform(0, ceiling / 2)
        jittered = ceiling / 2 + spread
        return max(jittered, retry_after or 0.0)


class OutboxSender:
    def __init__(
        self,
        db: Database,
        client: CentralClient,
        on_event: Callable[[SenderEvent], None],
        *,
        backoff: Backoff | None = None,
        health_interval: float = 30.0,
    ) -> None:
        self._db = db
        self._client = client
        self._on_event = on_event
        self._backoff = backoff or Backoff()
        self._health_interval = health_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._online: bool | None = None
        self._failures = 0  # consecutive unreachable/busy answers, for the global backoff

    def start(self) -> None:
        requeued = outbox.requeue_in_flight(self._db)
        if requeued:
            log.info("requeued %d submissions left in flight by an earlier run", requeued)
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _emit(self, event: SenderEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not kill the sender
            log.exception("sender event listener failed")

    def _set_online(self, online: bool, error: CounterError | None = None) -> None:
        if online != self._online:
            self._online = online
            self._emit(SenderEvent("online" if online else "offline", pending_count(self._db), error=error))

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()

    def _idle_wait(self) -> float:
        due: datetime | None = outbox.next_due(self._db)
        wait = self._health_interval if due is None else (due - utcnow()).total_seconds()
        return min(self._health_interval, max(0.0, wait))

    def _run(self) -> None:
        self._set_online(self._client.health())
        while not self._stop.is_set():
            try:
                if not self.send_one():
                    wait = self._idle_wait()
                    if wait > 0:
                        self._sleep(wait)
                        if not self._stop.is_set() and not outbox.next_due(self._db):
                            self._set_online(self._client.health())
            except Exception:
                # A storage fault or a bug: log it, keep the thread alive, try again later.
                log.exception("outbox sender step failed")
                self._sleep(self._backoff.cap / 10)

    def send_one(self) -> bool:
        """Send the next due submission; False when nothing was due."""
        item = outbox.claim_next(self._db)
        if item is None:
            return False
        try:
            answer = self._client.post_submission(item.body)
        except SyncError as exc:
            if not exc.retryable:
                outbox.mark_failed(self._db, item.submission_id, error=exc.user_message)
                log.warning("submission %s refused: %s", item.submission_id, exc.detail)
                self._emit(SenderEvent("failed", pending_count(self._db), item.submission_id, error=exc))
                return True
            self._failures += 1
            delay = self._backoff.delay(self._failures, exc.retry_after)
            outbox.mark_retry(self._db, item.submission_id, error=exc.user_message,
                              delay=timedelta(seconds=delay))
            log.info("submission %s not sent (%s), next try in %.1fs", item.submission_id, exc.detail, delay)
            self._set_online(False, exc)
            self._emit(SenderEvent("retry", pending_count(self._db), item.submission_id, error=exc))
            self._sleep(delay)
            return True
        self._failures = 0
        receipt = str(answer["receipt_number"])
        received = answer.get("received_at")
        accepted_at = datetime.fromisoformat(received) if isinstance(received, str) else utcnow()
        outbox.mark_accepted(self._db, item.submission_id, receipt_number=receipt, accepted_at=accepted_at)
        self._set_online(True)
        self._emit(SenderEvent("accepted", pending_count(self._db), item.submission_id, receipt))
        return True
