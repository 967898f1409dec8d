"""Sending the clerks' 催办 to the central system: each reminder once, by its id (``sync.sent_once``).

A refusal that is not worth repeating (the central system does not know the case, or the body was
refused) is kept in the reminder's ``last_error`` and it is not sent again.
"""

from __future__ import annotations

from local_db.database import Database
from local_db.reminders import ReminderView, mark_reminder_failed, mark_reminder_sent, unsent_reminders
from protocol.models import ReminderIn
from sync.client import CentralClient
from sync.sent_once import BATCH, OnceSender

#: reminders per cycle (a clerk records a few a day; this only bounds a long offline backlog per pass)
REMINDER_BATCH = BATCH
#: how a refused reminder's ``last_error`` starts (such a reminder is not sent again)
REFUSED = "中心系统拒收此催办"


class ReminderSender(OnceSender[ReminderView]):
    def __init__(self, db: Database, client: CentralClient, *, batch: int = REMINDER_BATCH) -> None:
        def post(reminder: ReminderView) -> object:
            return client.post_reminder(reminder.submission_id, ReminderIn(
                id=reminder.id, clerk_id=reminder.clerk_id, created_at=reminder.created_at.isoformat(),
                note=reminder.note))

        super().__init__(
            "reminder", REFUSED, post=post,
            unsent=lambda limit, refused: unsent_reminders(db, limit=limit, refused_prefix=refused),
            mark_sent=lambda rid: mark_reminder_sent(db, rid),
            mark_failed=lambda rid, error: mark_reminder_failed(db, rid, error=error), batch=batch)
