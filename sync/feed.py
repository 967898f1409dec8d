"""The status feed: what the central system did with the submissions since the stored cursor.

Pages are applied one transaction each, and the cursor is written after the events it covers, so
replaying the feed after a crash is harmless (statuses only move forward locally). The feed also
settles a row whose answer was lost: it proves the server has it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from local_db import outbox, syncstate
from local_db.database import Database
from local_db.models import SubmissionState
from local_db.submissions import pending_count
from sync.client import CentralClient
from sync.events import StatusChanged, SyncEvent

#: status events asked for per feed page: the most the protocol allows (a backlog's "accepted" events
#: come back in few round trips, each applied in one transaction)
FEED_PAGE = 500


class StatusFeedPuller:
    def __init__(self, db: Database, client: CentralClient, emit: Callable[[SyncEvent], None]) -> None:
        self._db = db
        self._client = client
        self._emit = emit

    def pull(self) -> int:
        """Apply the central system's status changes since the stored cursor; how many applied.

        Raises ``SyncError`` when the central system cannot be asked (what was applied stays).
        """
        applied = 0
        cursor = syncstate.get_value(self._db, syncstate.FEED_CURSOR)
        while True:
            page = self._client.status_feed(cursor, limit=FEED_PAGE)
            changes = [outbox.StatusChange(e.submission_id, e.status, e.reason, e.receipt_number,
                                           datetime.fromisoformat(e.at)) for e in page.events]
            # an "accepted" is news only for a case that was awaiting review elsewhere (signed there now)
            reviewed = outbox.in_state(self._db, [c.submission_id for c in changes if c.status == "accepted"],
                                       SubmissionState.REVIEW_ELSEWHERE)
            done = outbox.apply_statuses(self._db, changes)
            applied += sum(done)
            moved = [c for c, ok in zip(changes, done, strict=True)
                     if ok and (c.status not in ("accepted", "awaiting_review") or c.submission_id in reviewed)]
            if moved:
                pending = pending_count(self._db)
                for change in moved:
                    self._emit(StatusChanged(pending, change.submission_id, change.receipt_number,
                                             change.status, change.reason))
            cursor = page.next_cursor or cursor or ""
            syncstate.set_values(self._db, {syncstate.FEED_CURSOR: cursor or None})
            if not page.more:
                return applied
