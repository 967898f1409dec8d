"""Small durable facts of the sync: the status-feed cursor, the last good contact, reference ETags.

Kept in the (encrypted) database rather than a side file. Callers write the cursor only after the
events it covers are applied, so a crash between the two replays those events, which is harmless
(``outbox.apply_status`` only moves states forward).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.database import Database
from local_db.models import SyncState, utcnow

FEED_CURSOR = "status_feed_cursor"
LAST_SYNC = "last_sync_at"
LAST_ERROR = "last_error"
#: the last audit entry the central system acknowledged (``sync.trail``); kept here, not in the
#: append-only trail, whose rows never change
AUDIT_SENT = "audit_sent_seq"
#: when the terminal last asked the central system for its reference data and got an answer (UTC, ISO 8601),
#: whether anything had changed or not: how old the terminal's forms, rules and holidays may be (issue 19)
REFERENCE_CHECKED = "reference_checked_at"
#: why the central system refused the trail (its copy and ours differ), until a batch goes through
AUDIT_ERROR = "audit_error"


def get_value(db: Database, key: str) -> str | None:
    with db.sessions() as s:
        return s.scalar(select(SyncState.value).where(SyncState.key == key))


def get_value_in(s: Session, key: str) -> str | None:
    """``get_value`` in the caller's transaction."""
    return s.scalar(select(SyncState.value).where(SyncState.key == key))


def set_values(db: Database, values: dict[str, str | None]) -> None:
    """Write (or, with None, delete) several keys in one transaction."""
    with db.sessions.begin() as s:
        set_values_in(s, values)


def set_values_in(s: Session, values: dict[str, str | None]) -> None:
    """``set_values`` in the caller's transaction (with the audit entry that records why)."""
    for key, value in values.items():
        row = s.get(SyncState, key)
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(SyncState(key=key, value=value, updated_at=utcnow()))
        else:
            row.value = value
            row.updated_at = utcnow()


def all_values(db: Database) -> dict[str, str]:
    with db.sessions() as s:
        return {row.key: row.value for row in s.scalars(select(SyncState))}
