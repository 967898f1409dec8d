"""Sending the clerks' 催办 to the central system: each reminder once, by its id.

A reminder is marked sent only after the central system's answer (201 stored, or 200: it held it
already); a lost answer leaves it unsent, and the next cycle sends it again with the same id, which
the central system takes as the same reminder. So it arrives exactly once whatever the network does.
Offline, reminders wait. A refusal that is not worth repeating (the central system does not know the
case, or the body was refused) is kept in the reminder's ``last_error`` and it is not sent again.
"""

from __future__ import annotations

import logging

from core.errors import SyncError
from local_db.database import Database
from local_db.reminders import mark_reminder_failed, mark_reminder_sent, unsent_reminders
from protocol.models import ReminderIn
from sync.client import CentralClient

log = logging.getLogger(__name__)

#: reminders per cycle (a clerk records a few a day; this only bounds a long offline backlog per pass)
REMINDER_BATCH = 50
#: how a refused reminder's ``last_error`` starts (such a reminder is not sent again)
REFUSED = "中心系统拒收此催办"


class ReminderSender:
    def __init__(self, db: Database, client: CentralClient, *, batch: int = REMINDER_BATCH) -> None:
        self._db = db
        self._client = client
        self._batch = batch

    def pending(self) -> int:
        return len(unsent_reminders(self._db, limit=10_000, refused_prefix=REFUSED))

    def send(self) -> int:
        """Send the unsent reminders (up to a batch); how many the central system now holds.

        Raises a retryable ``SyncError`` when it cannot be reached: the rest wait for the next cycle.
        """
        sent = 0
        for reminder in unsent_reminders(self._db, limit=self._batch, refused_prefix=REFUSED):
            body = ReminderIn(id=reminder.id, clerk_id=reminder.clerk_id,
                              created_at=reminder.created_at.isoformat(), note=reminder.note)
            try:
                self._client.post_reminder(reminder.submission_id, body)
            except SyncError as exc:
                if exc.retryable:
                    raise
                log.warning("reminder %s refused: %s", reminder.id, exc.detail)
                mark_reminder_failed(self._db, reminder.id, error=f"{REFUSED}（{exc.detail}）")
                continue
            mark_reminder_sent(self._db, reminder.id)
            sent += 1
        return sent
