"""The sync engine: works the outbox, uploads attachments, pulls status changes and reference data.

It runs on its own thread and never touches Qt; what it does is reported
through a callback (the UI re-emits it as a Qt signal). When the central system
cannot be reached the whole engine backs off, not just the row, so a long
backlog does not hammer a dead network; ``wake()`` ("sync now", or a new
submission) cuts the wait short and asks for a full cycle.

Memory stays bounded however long the backlog: at most ``BATCH_ROWS`` outbox rows
are claimed at a time, and attachments stream from the encrypted blob store chunk
by chunk, at most two streams at once (this batch's own, and the next batches'
scans, which upload one group after the other while this one's submissions are
posted; at most ``AHEAD_GROUPS`` groups are planned).
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from core.errors import CentralTooSlow, CentralUnreachable, CounterError, SyncError
from local_db import outbox, syncstate
from local_db.blobstore import BlobStore
from local_db.database import Database
from local_db.models import utcnow
from local_db.submissions import pending_count
from sync.client import CentralClient, OffsetMismatch

log = logging.getLogger(__name__)

#: bytes per upload request: large enough that per-request costs (a server fsync) stay small,
#: small enough that a dropped request wastes little and memory stays bounded
UPLOAD_CHUNK = 4 * 1024 * 1024
#: a batch: at most this many rows in flight, and this much still to upload among them (memory and
#: the cost of a dropped request stay bounded; the server commits a batch once). 200 is the most
#: the protocol lets one POST /v1/submissions/batch carry; fewer, larger batches drained the 1000-row
#: benchmark backlog ~15 % faster than batches of 50 (docs/PERFORMANCE.md)
BATCH_ROWS = 200
BATCH_BYTES = 64 * 1024 * 1024
#: a batch's scans are sized to take about this long on the line as measured (see ``BatchSizer``)
BATCH_SECONDS = 8.0
#: the slowest line planned for, bytes/s (about 256 kbit/s, a poor mobile link): bytes the OS took
#: may need this long to cross it before the central system can answer (see ``BatchSizer.drain``)
SLOWEST_LINE = 32 * 1024
#: the most an upload can leave waiting in the OS's send buffers once it is written (Linux grows a
#: socket's send buffer to 4 MiB by default; Windows similarly)
IN_FLIGHT_MAX = 4 * 1024 * 1024
#: broken-off scan uploads remembered to ask about (a bound: memory stays small whatever happens)
TORN_MAX = 10_000
#: upload groups ahead of the sender at most: the one under way and the next, queued behind it
AHEAD_GROUPS = 2
#: status events asked for per feed page: the most the protocol allows (a backlog's "accepted" events
#: come back in few round trips, each applied in one transaction)
FEED_PAGE = 500
#: the last good contact is written at most this often (a commit per submission would cost a fsync each)
LAST_SYNC_EVERY = 5.0


@dataclass(frozen=True)
class SenderEvent:
    """What just happened; ``kind`` is accepted | retry | failed | online | offline | status | synced."""

    kind: str
    pending: int
    submission_id: str | None = None
    receipt_number: str | None = None
    error: CounterError | None = None
    #: for ``status``: the new central status (returned, approved) and its reason
    status: str | None = None
    reason: str | None = None


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
class BatchSizer:
    """How many bytes of scans the next batch may carry: about ``seconds`` of upload on the line.

    On a township line rows are then accepted every few seconds (the clerk sees the backlog drain,
    and a dropped request loses little); on a fast line few, large batches keep per-batch costs
    small. The rate is measured from the scan uploads themselves (uploads too small to time well
    are ignored) and smoothed; until one is measured, batches start small.
    """

    seconds: float = BATCH_SECONDS
    first: int = 4 * 1024 * 1024
    smallest: int = 1024 * 1024
    largest: int = BATCH_BYTES
    #: smoothed bytes per second of the uploads seen so far
    rate: float | None = None

    def observe(self, size: int, seconds: float) -> None:
        if size < 256 * 1024 or seconds <= 0:
            return
        measured = size / seconds
        self.rate = measured if self.rate is None else (self.rate + measured) / 2

    def budget(self) -> int:
        if self.rate is None:
            return self.first
        return int(min(self.largest, max(self.smallest, self.rate * self.seconds)))

    def slowed(self) -> None:
        """An upload timed out: the line is slower than measured, so halve the next batches.

        Retrying the same amount would time out the same way; halving converges on what the line
        carries in the time allowed, and the next measured uploads bring the size back up.
        """
        self.rate = max(self.smallest, self.budget() // 2) / self.seconds

    def drain(self, size: int) -> float:
        """Seconds the line may need to carry the part of a ``size``-byte upload the OS still holds
        when the client has written it all: what the answer is awaited on top of the usual timeout.
        A quarter of the measured rate is assumed (the line may be shared or worsen), never less
        than ``SLOWEST_LINE``."""
        rate = max(SLOWEST_LINE, (self.rate or 0.0) / 4)
        return min(size, IN_FLIGHT_MAX) / rate


@dataclass
class ReferenceTarget:
    """Which reference data sets this terminal keeps, and where (a directory outside the package)."""

    directory: Path
    names: tuple[str, ...]
    #: checks a data set before it replaces the cached one; raises on bad data
    validate: Callable[[str, dict[str, Any]], None] = field(default=lambda _n, _d: None)


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


class OutboxSender:
    def __init__(
        self,
        db: Database,
        client: CentralClient,
        on_event: Callable[[SenderEvent], None],
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
        self._blobs = blobs
        self._feed_interval = feed_interval
        self._reference = reference
        self._reference_interval = reference_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._online: bool | None = None
        self._failures = 0  # consecutive unreachable/busy answers, for the global backoff
        self._full_cycle = True  # pull status and reference data at the next chance
        self._due_requested = False  # "立即同步": rows waiting out a backoff are due at once
        self._next_feed = 0.0
        self._next_reference = 0.0
        self._retry_delay = 0.0
        self._last_error: SyncError | None = None
        #: the central system has the batch endpoints (an older one answers 404: one at a time then)
        self._batching = True
        #: rows to send one at a time before batching again (to single out a row that breaks a batch)
        self._single_rows = 0
        self._last_sync_written = 0.0
        #: submissions accepted and failed so far (for ``sync_once``'s summary)
        self._counts = (0, 0)
        #: scans of the rows due after this batch, uploading (one group after the other) while this
        #: batch is posted; at most ``AHEAD_GROUPS``, oldest first
        self._ahead: deque[_AheadUpload] = deque()
        #: small scans whose upload broke off: the server may hold some whole, so ask before resending
        self._torn: set[str] = set()
        #: sizes each batch's scans to the line (public so a test can make the line "slow" cheaply)
        self.sizer = BatchSizer()

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
        for ahead in list(self._ahead):
            ahead.join(max(0.0, deadline - time.monotonic()))

    def _emit(self, event: SenderEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not kill the sender
            log.exception("sender event listener failed")

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
        if online != self._online:
            self._online = online
            self._emit(SenderEvent("online" if online else "offline", pending_count(self._db), error=error))

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
                if outcome == "retry":
                    self._sleep(self._retry_delay)
                    continue
                if outcome is not None:
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
        reference = self._reference is not None and (self._full_cycle or now >= self._next_reference)
        if not feed and not reference:
            return False
        self._full_cycle = False
        try:
            if feed:
                self.pull_status()
                self._next_feed = time.monotonic() + self._feed_interval
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
    def send_one(self) -> bool:
        """Send the next due submission; False when nothing was due."""
        return self.send_next() is not None

    def send_next(self) -> str | None:
        """Upload the next due submission's attachments, then send it.

        Returns what happened: "accepted", "retry" (the row waits ``_retry_delay``), "failed" (it needs
        a person), or None when nothing was due.
        """
        arrived = self._collect_ahead()
        if arrived:
            outbox.mark_uploaded(self._db, *arrived)
        item = outbox.claim_next(self._db)
        if item is None:
            return None
        try:
            for blob in item.uploads:
                self._upload(blob)
            answer = self._client.post_submission(item.body)
        except SyncError as exc:
            if exc.fields.get("code") == "attachments_incomplete":
                outbox.forget_uploads(self._db, item.submission_id)
            if not exc.retryable:
                outbox.mark_failed(self._db, item.submission_id, error=exc.user_message)
                log.warning("submission %s refused: %s", item.submission_id, exc.detail)
                self._counts = (self._counts[0], self._counts[1] + 1)
                self._emit(SenderEvent("failed", pending_count(self._db), item.submission_id, error=exc))
                return "failed"
            self._failures += 1
            delay = self._backoff.delay(self._failures, exc.retry_after)
            outbox.mark_retry(self._db, item.submission_id, error=exc.user_message,
                              delay=timedelta(seconds=delay))
            log.info("submission %s not sent (%s), next try in %.1fs", item.submission_id, exc.detail, delay)
            self._set_online(False, exc)
            self._emit(SenderEvent("retry", pending_count(self._db), item.submission_id, error=exc))
            self._retry_delay = delay
            self._last_error = exc
            return "retry"
        except CounterError as exc:  # e.g. a local blob that cannot be read: needs a person, keep the row
            outbox.mark_failed(self._db, item.submission_id, error=exc.user_message)
            log.error("submission %s cannot be sent: %s", item.submission_id, exc.detail)
            self._counts = (self._counts[0], self._counts[1] + 1)
            self._emit(SenderEvent("failed", pending_count(self._db), item.submission_id, error=exc))
            return "failed"
        self._failures = 0
        receipt = str(answer["receipt_number"])
        received = answer.get("received_at")
        accepted_at = datetime.fromisoformat(received) if isinstance(received, str) else utcnow()
        outbox.mark_accepted(self._db, item.submission_id, receipt_number=receipt, accepted_at=accepted_at)
        status = answer.get("status")
        if isinstance(status, str) and status != "accepted":  # decided already (a resend of a reviewed one)
            outbox.apply_status(self._db, item.submission_id, status=status, reason=answer.get("reason"),
                                receipt_number=receipt, at=accepted_at)
        self._set_online(True)
        self._counts = (self._counts[0] + 1, self._counts[1])
        self._emit(SenderEvent("accepted", pending_count(self._db), item.submission_id, receipt))
        return "accepted"

    def send_some(self) -> str | None:
        """Send what is due: a batch when the central system takes batches, else the next row alone."""
        if self._due_requested:  # the clerk pressed "立即同步": whatever waits goes now, in queue order
            self._due_requested = False
            outbox.due_now(self._db, forget_errors=False)
        if not self._batching or self._single_rows > 0:
            self._single_rows = max(0, self._single_rows - 1)
            return self.send_next()
        return self.send_batch()

    def send_batch(self) -> str | None:
        """Claim up to ``BATCH_ROWS`` due rows, upload their small scans in one streamed request (large
        ones resumably, chunk by chunk), post the submissions in one request, settle all in one commit.

        Returns "accepted" (something went through), "retry" (the whole batch waits ``_retry_delay``),
        "failed", or None when nothing was due.
        """
        arrived = self._collect_ahead(wait_for=set())  # those done; the rest may carry on meanwhile
        items = outbox.claim_batch(self._db, limit=BATCH_ROWS, max_upload_bytes=self.sizer.budget(),
                                   uploaded=arrived)
        if not items:
            return None
        outcome = outbox.Settlement()
        try:
            needed = {u.sha256 for item in items for u in item.uploads}
            coming = needed & self._ahead_in_flight()
            if coming == needed:  # all on their way: the next group queues behind them, the line never idles
                self._start_ahead(needed)
            arrived = self._collect_ahead(wait_for=coming)
            outcome.uploaded.extend(arrived)
            missing = self._upload_all(items, outcome, skip=arrived)
            if coming != needed:  # this batch's own scans are up: the line is free for the next group
                self._start_ahead(needed)
            ready = []
            for item in items:
                if any(u.sha256 in missing for u in item.uploads):  # a scan did not arrive whole: again soon
                    outcome.retry.append((item.submission_id, "材料补传中，稍后重试。", timedelta(seconds=1)))
                else:
                    ready.append(item)
            results = self._client.post_submission_batch([item.body for item in ready]) if ready else []
        except SyncError as exc:
            if exc.status in (404, 405):
                # an older central system: back to one at a time, nothing was stored by this attempt
                log.info("central system has no batch endpoints; sending one at a time")
                self._batching = False
                outbox.settle(self._db, outbox.Settlement(
                    retry=[(i.submission_id, "", timedelta(0)) for i in items], uploaded=outcome.uploaded))
                return "accepted"
            return self._batch_failed(items, exc, outcome.uploaded)
        except CounterError as exc:  # a scan that cannot be read: find its row by sending one at a time
            log.error("batch of %d could not be read locally (%s); sending them one by one", len(items), exc.detail)
            self._single_rows = len(items)
            outbox.settle(self._db, outbox.Settlement(retry=[(i.submission_id, exc.user_message, timedelta(0))
                                                              for i in items], uploaded=outcome.uploaded))
            return "retry"
        self._settle_results(ready, results, outcome)
        return "accepted" if outcome.accepted else ("failed" if outcome.failed else "retry")

    def _start_ahead(self, claimed: set[str]) -> None:
        """Queue the scans of the rows due after this batch for upload on a thread of their own.

        Posting a batch's submissions and settling them leaves the line idle while each side commits;
        the next batch's scans fill that time, so a backlog drains at the speed of its bytes. A group
        starts when the one before it is done and once this batch's own scans are up: sharing the line
        with them would only delay this batch (on a slow line, past its timeout) and gain nothing. While
        the sender claims and posts, the next group is already queued, so the line never waits for the
        sender's bookkeeping. Only uploads happen there: what arrived is recorded by the sender's own
        thread (``_collect_ahead``), which alone claims and settles rows. Nothing is lost if one fails:
        its scans go with their own batch as before. Large scans go too (resumably, piece by piece,
        after the small ones): on the sender's thread they would leave the line idle while it waits
        for each piece. ``claimed``: this batch's scans, which are not planned again.
        """
        if self._blobs is None or len(self._ahead) >= AHEAD_GROUPS:
            return
        planned = claimed | self._ahead_in_flight()
        upcoming = [b for b in outbox.upcoming_uploads(self._db, limit=BATCH_ROWS, max_upload_bytes=self.sizer.budget())
                    if b.sha256 not in planned]
        if upcoming:
            small = sum(b.size for b in upcoming if b.size <= UPLOAD_CHUNK)
            last = self._ahead[-1] if self._ahead else None
            before = last if last is not None and not last.done else None
            self._ahead.append(_AheadUpload(self._client, self._blobs, upcoming, self.sizer.drain(small),
                                            self.sizer.drain(UPLOAD_CHUNK), after=before))

    def _ahead_in_flight(self) -> set[str]:
        """Scans of upload groups not yet collected that may bring them: queued, uploading, or done
        (not yet recorded); not those of a group that failed."""
        return set().union(*(ahead.hashes for ahead in self._ahead if not (ahead.done and ahead.failed)))

    def _collect_ahead(self, wait_for: set[str] | None = None) -> set[str]:
        """The scans uploads ahead got to the server (to record): those of the groups that are done,
        after waiting for every group up to the last that carries one of ``wait_for`` (all when None)."""
        last = max((i for i, ahead in enumerate(self._ahead) if wait_for is None or ahead.hashes & wait_for),
                   default=-1)
        arrived: set[str] = set()
        index = 0
        while self._ahead and (index <= last or self._ahead[0].done):
            ahead = self._ahead.popleft()
            index += 1
            arrived |= ahead.join()
            self.sizer.observe(ahead.sent, ahead.seconds)
            if ahead.too_slow:
                self.sizer.slowed()
            self._note_torn(ahead.torn)
        return arrived

    def _upload_all(self, items: list[outbox.OutboxItem], outcome: outbox.Settlement,
                    skip: set[str]) -> set[str]:
        """Upload every scan the claimed rows need but ``skip`` (the server has them); returns the
        SHA-256 of those that did not arrive.

        Small scans that arrived are added to ``outcome.uploaded`` (recorded when the batch settles).
        """
        blobs = {u.sha256: u for item in items for u in item.uploads if u.sha256 not in skip}
        small = [b for b in blobs.values() if b.size <= UPLOAD_CHUNK]
        for blob in blobs.values():
            if blob.size > UPLOAD_CHUNK:
                self._upload(blob)
        if not small:
            return set()
        if self._blobs is None:
            raise CounterError("no blob store to read attachments from",
                               user_message="本机无法读取加密的材料扫描件，业务暂不能发送。",
                               hint="请联系系统管理员检查系统密钥库。")
        store = self._blobs
        held = self._held_after_tear(small)
        outcome.uploaded.extend(held)
        small = [b for b in small if b.sha256 not in held]
        if not small:
            return set()
        size = sum(b.size for b in small)
        started = time.monotonic()
        try:
            answers = self._client.upload_blob_batch(
                ((b.sha256, b.size, b.media_type, store.open_chunks(b.sha256)) for b in small),
                drain=self.sizer.drain(size))
        except SyncError:
            self._note_torn(b.sha256 for b in small)
            raise
        self.sizer.observe(size, time.monotonic() - started)
        done = {str(a.get("sha256")) for a in answers if a.get("complete")}
        outcome.uploaded.extend(done)
        return {b.sha256 for b in small} - done

    def _note_torn(self, hashes: Iterable[str]) -> None:
        self._torn.update(hashes)
        if len(self._torn) > TORN_MAX:  # rows that never came back: forget, at worst bytes go twice
            self._torn.clear()

    def _held_after_tear(self, small: list[outbox.BlobToSend]) -> set[str]:
        """Of these scans, those whose earlier upload broke off but reached the server whole.

        The server keeps every item of a torn batch it received completely; asking costs one small
        request, sending them again costs their bytes, which on a poor line is what broke it off.
        """
        asked = [b.sha256 for b in small if b.sha256 in self._torn]
        if not asked:
            return set()
        held = self._client.complete_blobs(asked)
        self._torn.difference_update(asked)
        if held:
            log.info("%d of %d scans of a broken-off upload are on the server already", len(held), len(asked))
        return held

    def _settle_results(self, ready: list[outbox.OutboxItem], results: list[dict[str, Any]],
                        outcome: outbox.Settlement) -> None:
        by_id = {str(r.get("id")): r for r in results}
        failed_events: list[tuple[str, CounterError]] = []
        for item in ready:
            result = by_id.get(item.submission_id)
            answer = result.get("answer") if result else None
            error = (result or {}).get("error") or {}
            code = str(error.get("code", "")) if isinstance(error, dict) else ""
            if result is not None and result.get("ok") and isinstance(answer, dict):
                received = answer.get("received_at")
                at = datetime.fromisoformat(received) if isinstance(received, str) else utcnow()
                outcome.accepted.append((item.submission_id, str(answer["receipt_number"]), at))
            elif code == "attachments_incomplete":
                outcome.reupload.append(item.submission_id)
                outcome.retry.append((item.submission_id, "中心系统尚未收齐本笔业务的材料，正在补传。",
                                      timedelta(seconds=1)))
            elif result is not None and result.get("status_code") in (403, 409, 422):
                refused = SyncError(f"central refused {item.submission_id}: {code}", retryable=False,
                                    status=int(result["status_code"]), code=code,
                                    user_message="中心系统拒收了这笔业务。",
                                    hint="业务已保存在本机，请联系系统管理员处理。")
                outcome.failed.append((item.submission_id, refused.user_message))
                failed_events.append((item.submission_id, refused))
            else:  # no answer for it, or a passing fault: again with the next batch
                outcome.retry.append((item.submission_id, "中心系统暂时繁忙，已离线保存。", timedelta(seconds=1)))
        outbox.settle(self._db, outcome)
        decided = []  # resends of ones the central system has reviewed already
        for submission_id, receipt, at in outcome.accepted:
            answer = by_id[submission_id].get("answer") or {}
            status = answer.get("status")
            if isinstance(status, str) and status != "accepted":
                decided.append(outbox.StatusChange(submission_id, status, answer.get("reason"), receipt, at))
        if decided:
            outbox.apply_statuses(self._db, decided)
        self._counts = (self._counts[0] + len(outcome.accepted), self._counts[1] + len(outcome.failed))
        if outcome.accepted:
            self._failures = 0
            self._set_online(True)
        pending = pending_count(self._db)
        for submission_id, receipt, _at in outcome.accepted:
            self._emit(SenderEvent("accepted", pending, submission_id, receipt))
        for submission_id, exc in failed_events:
            log.warning("submission %s refused: %s", submission_id, exc.detail)
            self._emit(SenderEvent("failed", pending, submission_id, error=exc))

    def _batch_failed(self, items: list[outbox.OutboxItem], exc: SyncError, uploaded: list[str]) -> str:
        """The whole batch went wrong (network, server busy or refusing the request itself)."""
        if not exc.retryable:  # the request as such is refused: find the row that causes it, one by one
            self._single_rows = len(items)
            outbox.settle(self._db, outbox.Settlement(retry=[(i.submission_id, exc.user_message, timedelta(0))
                                                              for i in items], uploaded=uploaded))
            return "retry"
        if isinstance(exc, CentralTooSlow):
            self.sizer.slowed()
        self._failures += 1
        delay = self._backoff.delay(self._failures, exc.retry_after)
        outbox.settle(self._db, outbox.Settlement(
            retry=[(i.submission_id, exc.user_message, timedelta(seconds=delay)) for i in items],
            uploaded=uploaded))
        log.info("batch of %d not sent (%s), next try in %.1fs", len(items), exc.detail, delay)
        self._retry_delay = delay
        self._last_error = exc
        self._set_online(False, exc)
        self._emit(SenderEvent("retry", pending_count(self._db), items[0].submission_id, error=exc))
        return "retry"

    def _upload(self, blob: outbox.BlobToSend) -> None:
        """Make the central system hold the whole blob, resuming where it stopped."""
        if self._blobs is None:
            raise CounterError("no blob store to read attachments from",
                               user_message="本机无法读取加密的材料扫描件，业务暂不能发送。",
                               hint="请联系系统管理员检查系统密钥库。")
        _upload_resumably(self._client, self._blobs, blob, self.sizer.drain(UPLOAD_CHUNK))
        outbox.mark_uploaded(self._db, blob.sha256)

    # -- pulling --------------------------------------------------------------------------------
    def pull_status(self) -> int:
        """Apply the central system's status changes since the stored cursor; returns how many applied."""
        applied = 0
        cursor = syncstate.get_value(self._db, syncstate.FEED_CURSOR)
        while True:
            page = self._client.status_feed(cursor, limit=FEED_PAGE)
            changes = [outbox.StatusChange(str(event["submission_id"]), str(event.get("status", "")),
                                           event.get("reason"), event.get("receipt_number"), _when(event.get("at")))
                       for event in page.get("events", [])]
            done = outbox.apply_statuses(self._db, changes)
            applied += sum(done)
            moved = [c for c, ok in zip(changes, done, strict=True) if ok and c.status != "accepted"]
            if moved:
                pending = pending_count(self._db)
                for change in moved:
                    self._emit(SenderEvent("status", pending, change.submission_id, change.receipt_number,
                                           status=change.status, reason=change.reason))
            cursor = str(page.get("next_cursor") or cursor or "")
            syncstate.set_values(self._db, {syncstate.FEED_CURSOR: cursor or None})
            if not page.get("more"):
                return applied

    def pull_reference(self) -> list[str]:
        """Fetch changed reference data (forms, holidays, yearly figures) into the cache; names updated."""
        target = self._reference
        if target is None:
            return []
        updated = []
        offered = self._client.reference_index()
        for name in target.names:
            if name not in offered:
                continue
            key = f"etag:{name}"
            path = target.directory / f"{name}.json"
            etag = syncstate.get_value(self._db, key) if path.exists() else None
            if etag is not None and etag == offered[name]:
                continue
            data, new_etag = self._client.reference(name, etag)
            if data is None:
                continue
            try:
                target.validate(name, data)
            except CounterError as exc:
                log.error("reference data %s refused: %s", name, exc.detail)
                continue
            _write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
            syncstate.set_values(self._db, {key: new_etag or offered[name]})
            updated.append(name)
        if updated:  # the terminal reads forms, holidays and figures again
            self._emit(SenderEvent("reference", pending_count(self._db), reason=",".join(updated)))
        return updated

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
                if outcome == "retry":
                    summary.error = self._last_error.user_message if self._last_error else "发送失败"
                    break
            if summary.error is None:
                summary.statuses = self.pull_status()
                summary.reference_updated = self.pull_reference()
                self._set_online(True)
        except SyncError as exc:
            summary.error = exc.user_message
            self._set_online(False, exc)
        summary.pending = pending_count(self._db)
        summary.waiting, summary.next_attempt_at = outbox.waiting(self._db)
        return summary


class _AheadUpload:
    """One group of scans uploaded on a daemon thread, after the group before it (if any) is done;
    ``join`` gives the hashes the server holds whole.

    The small ones go as one streamed blob batch, then the large ones resumably. If the group before
    failed, this one does not start (the line is down or slower than planned; the batches that need
    the scans send them). A daemon thread rather than an executor: a process that is quitting must not
    wait for an upload that can be repeated at no cost.
    """

    def __init__(self, client: CentralClient, blobs: BlobStore, uploads: list[outbox.BlobToSend],
                 drain: float, piece_drain: float, *, after: _AheadUpload | None = None) -> None:
        self.hashes = frozenset(b.sha256 for b in uploads)
        self._arrived: set[str] = set()
        #: bytes sent and seconds taken by the small scans' batch, when it went through (to size the
        #: batches to the line)
        self.sent = 0
        self.seconds = 0.0
        #: it timed out (the line is slower than measured)
        self.too_slow = False
        #: it stopped on an error (or did not start, because the group before it had)
        self.failed = False
        #: small scans it was sending when it broke off (the server may hold some of them whole)
        self.torn: list[str] = []
        self._after = after
        self._thread = threading.Thread(target=self._run, args=(client, blobs, uploads, drain, piece_drain),
                                        name="outbox-ahead", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _run(self, client: CentralClient, blobs: BlobStore, uploads: list[outbox.BlobToSend],
             drain: float, piece_drain: float) -> None:
        after, self._after = self._after, None  # no chain of finished groups kept alive
        if after is not None:
            after.join()
            if after.failed:
                self.failed = True
                return
        small = [b for b in uploads if b.size <= UPLOAD_CHUNK]
        try:
            if small:
                started = time.monotonic()
                try:
                    answers = client.upload_blob_batch(
                        ((b.sha256, b.size, b.media_type, blobs.open_chunks(b.sha256)) for b in small), drain=drain)
                except SyncError:
                    self.torn = [b.sha256 for b in small]
                    raise
                self.seconds = time.monotonic() - started
                self.sent = sum(b.size for b in small)
                self._arrived.update(str(a.get("sha256")) for a in answers if a.get("complete"))
            for blob in uploads:
                if blob.size > UPLOAD_CHUNK:
                    _upload_resumably(client, blobs, blob, piece_drain)
                    self._arrived.add(blob.sha256)
        except SyncError as exc:  # the batch that needs them uploads them itself and reports the fault
            self.failed = True
            self.too_slow = isinstance(exc, CentralTooSlow)
            log.info("uploading ahead stopped: %s", exc)
        except Exception as exc:
            self.failed = True
            log.info("uploading ahead stopped: %s", exc)

    def join(self, timeout: float | None = None) -> set[str]:
        self._thread.join(timeout)
        return set() if self._thread.is_alive() else set(self._arrived)


def _upload_resumably(client: CentralClient, blobs: BlobStore, blob: outbox.BlobToSend, drain: float) -> None:
    """Make the central system hold the whole blob in ``UPLOAD_CHUNK`` pieces, resuming where it stopped
    (a dropped piece costs that piece only); ``drain`` as in ``CentralClient._request``, per piece."""
    state = client.create_blob(blob.sha256, blob.size, blob.media_type)
    received = int(state.get("received", 0))
    complete = bool(state.get("complete"))
    while not complete:
        try:
            for offset, chunk in _chunks_from(blobs, blob.sha256, received):
                state = client.upload_chunk(blob.sha256, offset, chunk, drain=drain)
                received = int(state.get("received", offset + len(chunk)))
            complete = bool(state.get("complete"))
            if not complete:  # the server counted differently: ask it where it stands
                status = client.blob_status(blob.sha256) or {}
                received, complete = int(status.get("received", 0)), bool(status.get("complete"))
        except OffsetMismatch as exc:
            received = exc.received


def _when(text: object) -> datetime:
    """A feed event's time, or now when the central system gave none."""
    return datetime.fromisoformat(text) if isinstance(text, str) else utcnow()


def _chunks_from(blobs: BlobStore, sha256: str, offset: int) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) pieces of a blob's plaintext from ``offset`` on, at most ``UPLOAD_CHUNK`` each."""
    position = 0
    pending = bytearray()
    start = offset
    for piece in blobs.open_chunks(sha256):
        end = position + len(piece)
        if end > offset:
            pending += piece[max(0, offset - position):]
            while len(pending) >= UPLOAD_CHUNK:
                yield start, bytes(pending[:UPLOAD_CHUNK])
                start += UPLOAD_CHUNK
                del pending[:UPLOAD_CHUNK]
        position = end
    if pending:
        yield start, bytes(pending)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


__all__ = ["Backoff", "BatchSizer", "CentralUnreachable", "OutboxSender", "ReferenceTarget", "SenderEvent",
           "SyncSummary"]
