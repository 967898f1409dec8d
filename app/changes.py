"""What an operation (or the sync engine) changed, so that each view reloads only what concerns it.

An operation the clerk runs reports an ``OpChanges``; so does each event of the sync engine. Views
listen for changes and refresh themselves (the records list on ``records``, the status bar on
``counts``, the result page when its submission is named), so no code has to know which views to
refresh after which action. Qt-free: the values are built here and carried by a Qt signal in ``app/ui``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.retention import Purged
from core.errors import CentralUnreachable
from sync.events import SYNC_EVENTS, Failed, Offline, Retrying, submission_of


@dataclass(frozen=True)
class OpChanges:
    #: submissions were added, removed or changed state (lists of records)
    records: bool = False
    #: the counts by state or what is pending may differ (status bar)
    counts: bool = False
    #: reported by the sync engine (connection, last sync, answers of the central system)
    sync: bool = False
    #: these submissions changed (a page showing one of them reloads it)
    submissions: frozenset[str] = frozenset()
    #: from the sync engine: why the named submissions are not sent yet (the line is down), if that is why
    offline_reason: str | None = None
    #: clerk accounts were created or changed (the administrator's list)
    clerks: bool = False

    @classmethod
    def everything(cls) -> OpChanges:
        """Reload every list and count (a view that cannot tell what changed)."""
        return cls(records=True, counts=True)

    @classmethod
    def submission(cls, submission_id: str) -> OpChanges:
        """One submission was saved or changed state: lists, counts and its own page."""
        return cls(records=True, counts=True, submissions=frozenset({submission_id}))

    def __bool__(self) -> bool:
        return self.records or self.counts or self.sync or bool(self.submissions) or self.clerks


def changes_from_event(event: object) -> OpChanges | None:
    """The changes a background event stands for; None for events that change no stored data (devices)."""
    if isinstance(event, Purged):  # the daily purge: those records now show 已清理
        return OpChanges(records=True, counts=True, submissions=event.submission_ids)
    if not isinstance(event, SYNC_EVENTS):
        return None
    error = event.error if isinstance(event, Retrying | Failed | Offline) else None
    offline = error.user_message if isinstance(error, CentralUnreachable) else None
    sid = submission_of(event)
    return OpChanges(records=True, counts=True, sync=True, submissions=frozenset({sid}) if sid else frozenset(),
                     offline_reason=offline)
