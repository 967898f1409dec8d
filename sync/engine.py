"""The sync engine: the thread that works the outbox and pulls status changes and reference data.

It runs on its own thread and never touches Qt; what it does is reported as typed events
(``sync.events``) through one callback. When the central system cannot be reached the whole engine
backs off, not just the row, so a long backlog does not hammer a dead network; ``wake()`` ("sync
now", or a new submission) cuts the wait short and asks for a full cycle.

There is one send path: claim a batch (``Planner``), get its scans up (``BlobUploader``), post it
(``Submitter``), settle it in one commit. A single row is a batch of one: after a batch is refused
as a whole, or a scan of it cannot be read locally, its rows go as batches of one to single out
the culprit. Whether the central system has the batch endpoints is the client's business.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.errors import CentralTooSlow, CounterError, SyncError
from local_db import outbox, syncstate
from local_db.blobstore import BlobStore
from local_db.database import Database
from local_db.models import utcnow
from local_db.submissions import pending_count
from sync.client import CentralClient
from sync.events import Accepted, Failed, Offline, Online, Outcome, Retrying, StatusChanged, SyncEvent
from sync.feed import StatusFeedPuller
from sync.planner import BatchSizer, Planner
from sync.ratings import RatingSender
from sync.reference import ReferencePuller, ReferenceTarget
from sync.reminders import ReminderSender
from sync.submitter import Submitted, Submitter
from sync.trail import TrailSender
from sync.uploader import BlobUploader, Uploaded

log = logging.getLogger(__name__)

#: the last good contact is written at most this often (a commit per submission would cost a fsync each)
LAST_SYNC_EVERY = 5.0


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


@dataclass
class SyncSummary:
    """What one ``sync_once`` did, for the command line."""

    sent: int = 0
    failed: int = 0
    statuses: int = 0
    reference_updated: list[str] = field(default_factory=list)
    pending: int = 0
    #: of ``pending``, rows waiting out a retry delay, and when the first of them may go (UTC)
    waiting: int = 0
    next_attempt_at: datetime | None = None
    error: str | None = None
    #: audit entries the central system acknowledged in this run, and those it has not yet
    trail_sent: int = 0
    trail_pending: int = 0
    #: 催办 the central system took in this run
    reminders_sent: int = 0
    #: 好差评 the central system took in this run
    ratings_sent: int = 0


class SyncEngine:
    def __init__(
        self,
        db: Database,
        client: CentralClient,
        on_event: Callable[[SyncEvent], None],
        *,
        backoff: Backoff | None = None,
        health_interval: float = 30.0,
        blobs: BlobStore | None = None,
        feed_interval: float = 60.0,
        reference: ReferenceTarget | None = None,
        reference_interval: float = 3600.0,
    ) -> None:
        self._db = db
        self._client = client
        self._on_event = on_event
        self._backoff = backoff or Backoff()
        self._health_interval = health_interval
        #: seconds between status feed pulls (a demo may make it short)
        self.feed_interval = feed_interval
        self._reference_interval = reference_interval
        self._uploader = BlobUploader(client, blobs)
        self._planner = Planner(db, self._uploader)
        self._submitter = Submitter(client)
        self._feed = StatusFeedPuller(db, client, self._emit)
        self._reference = ReferencePuller(db, client, reference, self._emit)
        self._trail = TrailSender(db, client)
        self._reminders = ReminderSender(db, client)
        self._ratings = RatingSender(db, client)
        self._next_trail = 0.0
        self._trail_failures = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._online: bool | None = None
        #: why the central system is unreachable, once known (None: online, or offline for no known reason)
        self._offline_reason: CounterError | None = None
        self._failures = 0  # consecutive unreachable/busy answers, for the global backoff
        self._full_cycle = True  # pull status and reference data at the next chance
        self._due_requested = False  # "立即同步": rows waiting out a backoff are due at once
        self._next_feed = 0.0
        self._next_reference = 0.0
        self._retry_delay = 0.0
        self._last_error: SyncError | None = None
        #: rows to send as batches of one before batching again (to single out a row that breaks a batch)
        self._single_rows = 0
        self._last_sync_written = 0.0
        #: submissions accepted and failed so far (for ``sync_once``'s summary)
        self._counts = (0, 0)

    @property
    def sizer(self) -> BatchSizer:
        """Sizes each batch's scans to the line (replaceable, so a test can make the line "slow" cheaply)."""
        return self._planner.sizer

    @sizer.setter
    def sizer(self, sizer: BatchSizer) -> None:
        self._planner.sizer = sizer

    @property
    def online(self) -> bool | None:
        """Whether the central system answered at the last attempt (None: not yet tried)."""
        return self._online

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        requeued = outbox.requeue_in_flight(self._db)
        if requeued:
            log.info("requeued %d submissions left in flight by an earlier run", requeued)
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Send now, and pull status and reference data too (the clerk's "立即同步").

        Rows waiting out a backoff become due as well, so they go in queue order with the rest:
        otherwise rows never tried would overtake them and take the earlier receipt numbers.
        """
        self._full_cycle = True
        self._due_requested = True
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout  # one budget for all threads: closing must not wait twice
        if self._thread is not None:
            self._thread.join(timeout)
        self._planner.join(deadline)

    def _emit(self, event: SyncEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not kill the sender
            log.exception("sync event listener failed")

    def _set_online(self, online: bool, error: CounterError | None = None) -> None:
        if online and (self._online is not True or time.monotonic() - self._last_sync_written >= LAST_SYNC_EVERY):
            self._last_sync_written = time.monotonic()
            syncstate.set_values(self._db, {syncstate.LAST_SYNC: datetime.now(UTC).isoformat(timespec="seconds"),
                                            syncstate.LAST_ERROR: None})
        elif error is not None:
            syncstate.set_values(self._db, {syncstate.LAST_ERROR: error.user_message})
        if online and self._online is False:
            waiting = outbox.due_now(self._db)  # their backoff was the network's, and it is back
            if waiting:
                log.info("central system reachable again; %d waiting submissions are due now", waiting)
        # offline again with a reason where the first word had none (the health probe gives none): say
        # why once, e.g. a certificate that does not verify, so the window can tell the administrator
        reason_found = not online and error is not None and self._offline_reason is None
        if online != self._online or reason_found:
            self._online = online
            self._offline_reason = None if online else error
            pending = pending_count(self._db)
            self._emit(Online(pending) if online else Offline(pending, error))

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()

    def _idle_wait(self) -> float:
        due: datetime | None = outbox.next_due(self._db)
        wait = self._health_interval if due is None else (due - utcnow()).total_seconds()
        now = time.monotonic()
        return min(self._health_interval, max(0.0, wait), max(0.0, self._next_feed - now),
                   max(0.0, self._next_reference - now))

    def _run(self) -> None:
        self._set_online(self._client.health())
        while not self._stop.is_set():
            try:
                outcome = self.send_some()
                if outcome is Outcome.RETRY:
                    self._sleep(self._retry_delay)
                    continue
                if outcome is not None:
                    continue
                if self._send_trail():
                    continue
                if self._send_reminders():
                    continue
                if self._pull_due():
                    continue
                wait = self._idle_wait()
                if wait > 0:
                    self._sleep(wait)
                    if not self._stop.is_set() and not outbox.next_due(self._db) and not self._full_cycle:
                        self._set_online(self._client.health())
            except Exception:
                # A storage fault or a bug: log it, keep the thread alive, try again later.
                log.exception("sync step failed")
                self._sleep(self._backoff.cap / 10)

    def _pull_due(self) -> bool:
        """Pull status and reference data when due; True when it did (the loop then looks again)."""
        now = time.monotonic()
        feed = self._full_cycle or now >= self._next_feed
        reference = self._reference.target is not None and (self._full_cycle or now >= self._next_reference)
        if not feed and not reference:
            return False
        self._full_cycle = False
        try:
            if feed:
                self.pull_status()
                self._next_feed = time.monotonic() + self.feed_interval
            if reference:
                self.pull_reference()
                self._next_reference = time.monotonic() + self._reference_interval
            self._set_online(True)
        except SyncError as exc:
            retry_at = time.monotonic() + self._backoff.delay(max(1, self._failures), exc.retry_after)
            self._next_feed = retry_at
            if exc.retryable:
                self._set_online(False, exc)
            else:  # e.g. a central system without the feed: it is reachable, sending goes on
                log.warning("pulling from the central system refused: %s", exc.detail)
                self._next_reference = max(self._next_reference, retry_at)
        return True

    # -- sending --------------------------------------------------------------------------------
    def send_some(self) -> Outcome | None:
        """Send what is due: the next batch (of one, while singling out a row that breaks batches).

        Returns what happened, or None when nothing was due.
        """
        if self._due_requested:  # the clerk pressed "立即同步": whatever waits goes now, in queue order
            self._due_requested = False
            outbox.due_now(self._db, forget_errors=False)
        single = self._single_rows > 0
        self._single_rows = max(0, self._single_rows - 1)
        return self._send(single=single)

    def send_next(self) -> Outcome | None:
        """Send the next due row alone (a batch of one); None when nothing was due."""
        return self._send(single=True)

    def _send(self, *, single: bool) -> Outcome | None:
        """Claim due rows, get their scans to the server (the small ones in one streamed request, large
        ones resumably), post the submissions in one request, settle all in one commit.

        Returns ACCEPTED (something went through), RETRY (the whole batch waits ``_retry_delay``, or
        rows retry shortly), FAILED, or None when nothing was due.
        """
        items = self._planner.claim(single=single)
        if not items:
            return None
        settlement = outbox.Settlement()
        uploaded = Uploaded()
        try:
            needed = {u.sha256 for item in items for u in item.uploads}
            coming = needed & self._planner.in_flight()
            if coming == needed:  # all on their way: the next group queues behind them, the line never idles
                self._planner.start_ahead(needed)
            uploaded.arrived |= self._planner.collect(wait_for=coming)
            self._uploader.upload([u for item in items for u in item.uploads if u.sha256 not in uploaded.arrived],
                                  uploaded, self.sizer.drain)
            self.sizer.observe(uploaded.sent, uploaded.seconds)
            if coming != needed:  # this batch's own scans are up: the line is free for the next group
                self._planner.start_ahead(needed)
            ready = []
            for item in items:
                if any(u.sha256 in uploaded.missing for u in item.uploads):  # a scan did not arrive whole
                    settlement.retry.append((item.submission_id, "材料补传中，稍后重试。", timedelta(seconds=1)))
                else:
                    ready.append(item)
            submitted = self._submitter.submit(ready, settlement) if ready else Submitted()
        except SyncError as exc:
            return self._batch_failed(items, exc, uploaded.arrived)
        except CounterError as exc:  # a scan that cannot be read here
            return self._unreadable(items, exc, uploaded.arrived)
        settlement.uploaded.extend(uploaded.arrived)
        self._settle(settlement, submitted)
        return Outcome.ACCEPTED if settlement.accepted else (Outcome.FAILED if settlement.failed else Outcome.RETRY)

    def _settle(self, settlement: outbox.Settlement, submitted: Submitted) -> None:
        outbox.settle(self._db, settlement)
        if submitted.decided:  # resends of ones the central system has reviewed already
            outbox.apply_statuses(self._db, submitted.decided)
        self._counts = (self._counts[0] + len(settlement.accepted), self._counts[1] + len(settlement.failed))
        if settlement.accepted:
            self._failures = 0
            self._set_online(True)
        pending = pending_count(self._db)
        elsewhere = set(settlement.review_elsewhere)
        for submission_id, receipt, _at in settlement.accepted:
            if submission_id in elsewhere:  # received as 待复核: not accepted for processing yet
                self._emit(StatusChanged(pending, submission_id, receipt, "awaiting_review", None))
            else:
                self._emit(Accepted(pending, submission_id, receipt))
        for submission_id, exc in submitted.refused:
            log.warning("submission %s refused: %s", submission_id, exc.detail)
            self._emit(Failed(pending, submission_id, exc))

    def _fail_alone(self, item: outbox.OutboxItem, exc: CounterError, uploaded: set[str]) -> Outcome:
        """A batch of one that cannot go (refused as a request, or unreadable here): it needs a person."""
        outbox.settle(self._db, outbox.Settlement(failed=[(item.submission_id, exc.user_message)],
                                                  uploaded=list(uploaded)))
        log.warning("submission %s cannot be sent: %s", item.submission_id, exc.detail)
        self._counts = (self._counts[0], self._counts[1] + 1)
        self._emit(Failed(pending_count(self._db), item.submission_id, exc))
        return Outcome.FAILED

    def _unreadable(self, items: list[outbox.OutboxItem], exc: CounterError, uploaded: set[str]) -> Outcome:
        """A scan of the batch cannot be read locally: find its row by sending them one at a time."""
        if len(items) == 1:
            return self._fail_alone(items[0], exc, uploaded)
        log.error("batch of %d could not be read locally (%s); sending them one by one", len(items), exc.detail)
        self._single_rows = len(items)
        outbox.settle(self._db, outbox.Settlement(retry=[(i.submission_id, exc.user_message, timedelta(0))
                                                         for i in items], uploaded=list(uploaded)))
        return Outcome.RETRY

    def _batch_failed(self, items: list[outbox.OutboxItem], exc: SyncError, uploaded: set[str]) -> Outcome:
        """The whole batch went wrong (network, server busy or refusing the request itself)."""
        if not exc.retryable:  # the request as such is refused: find the row that causes it, one by one
            if len(items) == 1:
                return self._fail_alone(items[0], exc, uploaded)
            self._single_rows = len(items)
            outbox.settle(self._db, outbox.Settlement(retry=[(i.submission_id, exc.user_message, timedelta(0))
                                                             for i in items], uploaded=list(uploaded)))
            return Outcome.RETRY
        if isinstance(exc, CentralTooSlow):
            self.sizer.slowed()
        self._failures += 1
        delay = self._backoff.delay(self._failures, exc.retry_after)
        outbox.settle(self._db, outbox.Settlement(
            retry=[(i.submission_id, exc.user_message, timedelta(seconds=delay)) for i in items],
            uploaded=list(uploaded)))
        log.info("batch of %d not sent (%s), next try in %.1fs", len(items), exc.detail, delay)
        self._retry_delay = delay
        self._last_error = exc
        self._set_online(False, exc)
        self._emit(Retrying(pending_count(self._db), items[0].submission_id, exc))
        return Outcome.RETRY

    # -- the audit trail ------------------------------------------------------------------------
    @property
    def trail(self) -> TrailSender:
        return self._trail

    def _send_trail(self) -> bool:
        """One batch of the audit trail when submissions are done and it is due; True when one went."""
        now = time.monotonic()
        if now < self._next_trail or self._trail.unsupported:
            return False
        try:
            sent = self._trail.send(max_batches=1)
            self._trail_failures = 0
            return sent > 0
        except SyncError as exc:
            if exc.retryable:
                self._trail_failures += 1
                self._next_trail = now + self._backoff.delay(self._trail_failures, exc.retry_after)
            else:  # the two copies differ: a person must look; try again after a long pause
                self._next_trail = now + self._backoff.cap
            log.info("audit trail not sent (%s)", exc.detail)
            return False

    def _send_reminders(self) -> bool:
        """The clerks' unsent 催办 and the applicants' 好差评, when the trail is done; True when one went (the
        loop looks again)."""
        if time.monotonic() < self._next_trail:  # the trail's backoff: the central system is not answering
            return False
        try:
            return self._reminders.send() + self._ratings.send() > 0
        except SyncError as exc:
            self._trail_failures += 1
            self._next_trail = time.monotonic() + self._backoff.delay(self._trail_failures, exc.retry_after)
            log.info("reminders or ratings not sent (%s)", exc.detail)
            return False

    # -- pulling --------------------------------------------------------------------------------
    def pull_status(self) -> int:
        """Apply the central system's status changes since the stored cursor; returns how many applied."""
        return self._feed.pull()

    def pull_reference(self) -> list[str]:
        """Fetch changed reference data (forms, holidays, yearly figures) into the cache; names updated."""
        return self._reference.pull()

    # -- one cycle, for the command line ----------------------------------------------------------
    def sync_once(self, *, max_seconds: float = 600.0, now: bool = False) -> SyncSummary:
        """Send everything due, then pull status and reference data; stops at the first failed attempt.

        Used by ``sicounter sync --once`` without the background thread. A row that failed keeps its
        backoff time and is left for the next run, so a scheduled run does not hammer a central
        system that asked for a pause; ``now`` (``--now``, an operator at the keyboard) ends those
        waits first, like the clerk's "立即同步", and the rows go in queue order.
        """
        summary = SyncSummary()
        outbox.requeue_in_flight(self._db)
        if now:
            outbox.due_now(self._db, forget_errors=False)
        deadline = time.monotonic() + max_seconds
        try:
            while time.monotonic() < deadline:
                before = self._counts
                outcome = self.send_some()
                if outcome is None:
                    break
                summary.sent += self._counts[0] - before[0]
                summary.failed += self._counts[1] - before[1]
                if outcome is Outcome.RETRY:
                    summary.error = self._last_error.user_message if self._last_error else "发送失败"
                    break
            if summary.error is None:
                summary.statuses = self.pull_status()
                summary.reference_updated = self.pull_reference()
                # last, so that what the pulls put on the trail (reference data taken or refused) goes too
                summary.trail_sent = self._trail.send(max_batches=1_000_000)
                while (sent := self._reminders.send()) > 0:
                    summary.reminders_sent += sent
                while (sent := self._ratings.send()) > 0:
                    summary.ratings_sent += sent
                self._set_online(True)
        except SyncError as exc:
            summary.error = exc.user_message
            self._set_online(False, exc)
        summary.pending = pending_count(self._db)
        summary.trail_pending = self._trail.pending()
        summary.waiting, summary.next_attempt_at = outbox.waiting(self._db)
        return summary
