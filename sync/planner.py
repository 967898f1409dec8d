"""What goes next: batches sized to the line, claimed from the outbox, and their scans uploaded ahead.

A batch is at most ``BATCH_ROWS`` rows whose scans still to upload take about ``BATCH_SECONDS`` of
the line as measured (``BatchSizer``). While a batch's submissions are posted and settled, the scans
of the rows due after it go up on a thread of their own, one group after the other (at most
``AHEAD_GROUPS``), so the line never waits for the sender's bookkeeping. Those threads only upload:
what arrived is recorded by the sender's own thread, which alone claims and settles rows. At most
two scan streams and ``BATCH_ROWS`` claimed rows exist at once, so memory stays bounded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from core.errors import CentralTooSlow, SyncError
from local_db import outbox
from local_db.database import Database
from protocol.models import MAX_BATCH_SUBMISSIONS
from sync.uploader import BlobUploader, Drain, Uploaded

log = logging.getLogger(__name__)

#: a batch: at most this many rows in flight, and this much still to upload among them (memory and
#: the cost of a dropped request stay bounded; the server commits a batch once). 200 is the most
#: the protocol lets one POST /v1/submissions/batch carry; fewer, larger batches drained the 1000-row
#: benchmark backlog ~15 % faster than batches of 50 (docs/PERFORMANCE.md)
BATCH_ROWS = MAX_BATCH_SUBMISSIONS
BATCH_BYTES = 64 * 1024 * 1024
#: a batch's scans are sized to take about this long on the line as measured (see ``BatchSizer``)
BATCH_SECONDS = 8.0
#: the slowest line planned for, bytes/s (about 256 kbit/s, a poor mobile link): bytes the OS took
#: may need this long to cross it before the central system can answer (see ``BatchSizer.drain``)
SLOWEST_LINE = 32 * 1024
#: the most an upload can leave waiting in the OS's send buffers once it is written (Linux grows a
#: socket's send buffer to 4 MiB by default; Windows similarly)
IN_FLIGHT_MAX = 4 * 1024 * 1024
#: upload groups ahead of the sender at most: the one under way and the next, queued behind it
AHEAD_GROUPS = 2


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


class AheadUpload:
    """One group of scans uploaded on a daemon thread, after the group before it (if any) is done;
    ``join`` gives the hashes the server holds whole.

    If the group before failed, this one does not start (the line is down or slower than planned;
    the batches that need the scans send them). A daemon thread rather than an executor: a process
    that is quitting must not wait for an upload that can be repeated at no cost.
    """

    def __init__(self, uploader: BlobUploader, uploads: list[outbox.BlobToSend], drain: Drain, *,
                 after: AheadUpload | None = None) -> None:
        self.hashes = frozenset(b.sha256 for b in uploads)
        #: what it got to the server, and how fast (to size the batches to the line)
        self.uploaded = Uploaded()
        #: it timed out (the line is slower than measured)
        self.too_slow = False
        #: it stopped on an error (or did not start, because the group before it had)
        self.failed = False
        self._after = after
        self._thread = threading.Thread(target=self._run, args=(uploader, uploads, drain),
                                        name="outbox-ahead", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _run(self, uploader: BlobUploader, uploads: list[outbox.BlobToSend], drain: Drain) -> None:
        after, self._after = self._after, None  # no chain of finished groups kept alive
        if after is not None:
            after.join()
            if after.failed:
                self.failed = True
                return
        try:
            uploader.upload(uploads, self.uploaded, drain, large_first=False)
        except SyncError as exc:  # the batch that needs them uploads them itself and reports the fault
            self.failed = True
            self.too_slow = isinstance(exc, CentralTooSlow)
            log.info("uploading ahead stopped: %s", exc)
        except Exception as exc:
            self.failed = True
            log.info("uploading ahead stopped: %s", exc)

    def join(self, timeout: float | None = None) -> set[str]:
        self._thread.join(timeout)
        return set() if self._thread.is_alive() else set(self.uploaded.arrived)


class Planner:
    """Claims the next batch and keeps the scans of the rows after it going up ahead.

    Used from the sender's thread only (the groups it starts run on their own threads).
    """

    def __init__(self, db: Database, uploader: BlobUploader) -> None:
        self._db = db
        self._uploader = uploader
        #: sizes each batch's scans to the line (replaceable, so a test can make the line "slow" cheaply)
        self.sizer = BatchSizer()
        #: scans of the rows due after this batch, uploading one group after the other; oldest first
        self._ahead: deque[AheadUpload] = deque()

    def claim(self, *, single: bool = False) -> list[outbox.OutboxItem]:
        """Claim up to ``BATCH_ROWS`` due rows (one when ``single``) within the sizer's budget,
        recording the scans that went up ahead meanwhile in the same transaction."""
        arrived = self.collect(wait_for=set())  # those done; the rest may carry on meanwhile
        return outbox.claim_batch(self._db, limit=1 if single else BATCH_ROWS, max_upload_bytes=self.sizer.budget(),
                                  uploaded=arrived)

    def start_ahead(self, claimed: set[str]) -> None:
        """Queue the scans of the rows due after this batch for upload on a thread of their own.

        A group starts when the one before it is done and once this batch's own scans are up: sharing
        the line with them would only delay this batch (on a slow line, past its timeout) and gain
        nothing. Nothing is lost if one fails: its scans go with their own batch. ``claimed``: this
        batch's scans, which are not planned again.
        """
        if not self._uploader.can_read or len(self._ahead) >= AHEAD_GROUPS:
            return
        planned = claimed | self.in_flight()
        upcoming = [b for b in outbox.upcoming_uploads(self._db, limit=BATCH_ROWS, max_upload_bytes=self.sizer.budget())
                    if b.sha256 not in planned]
        if upcoming:
            last = self._ahead[-1] if self._ahead else None
            before = last if last is not None and not last.done else None
            self._ahead.append(AheadUpload(self._uploader, upcoming, self.sizer.drain, after=before))

    def in_flight(self) -> set[str]:
        """Scans of upload groups not yet collected that may bring them: queued, uploading, or done
        (not yet recorded); not those of a group that failed."""
        return set().union(*(ahead.hashes for ahead in self._ahead if not (ahead.done and ahead.failed)))

    def collect(self, wait_for: set[str] | None = None) -> set[str]:
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
            self.sizer.observe(ahead.uploaded.sent, ahead.uploaded.seconds)
            if ahead.too_slow:
                self.sizer.slowed()
        return arrived

    def join(self, deadline: float) -> None:
        """Wait for the uploads ahead until ``deadline`` (``time.monotonic``), for a clean stop."""
        for ahead in list(self._ahead):
            ahead.join(max(0.0, deadline - time.monotonic()))
