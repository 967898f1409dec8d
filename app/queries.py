"""The read side: what the window lists, counts and shows, as plain functions over the ``Terminal``.

Widgets never read the database themselves; they call these (through a background operation) and get
app-level values back. The record types are re-exported here (``SubmissionView``, ``AttachmentData``,
``SubmissionState``): plain frozen values, never ORM rows, so a widget needs nothing from ``local_db``.
Every read of personal data passes through one of these functions, which is where permissions and an
audit trail of views will hang. A new read (a statistics view, a lookup) is a new function here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.terminal import Terminal
from local_db import outbox, syncstate
from local_db.audit import AuditAction, AuditEvent, DetailValue
from local_db.models import SubmissionState
from local_db.submissions import (
    AttachmentData,
    SubmissionQuery,
    SubmissionView,
    find_submissions,
    get_submission,
    pending_count,
)

__all__ = [
    "AttachmentData",
    "RecordFilter",
    "RecordPage",
    "SubmissionState",
    "SubmissionView",
    "SyncStatus",
    "counts_by_state",
    "records",
    "submission",
    "sync_status",
]

#: what the records list shows per page unless asked otherwise
PAGE_SIZE = 200


@dataclass(frozen=True)
class RecordFilter:
    """Which records to list; every criterion given must hold.

    ``states``: any of these (the list's "待发送" means queued or on its way); ``text``: part of the
    applicant's name or of a receipt number, or a full ID number; ``since``/``until``: received in
    that range; ``clerk_id``: received by that clerk.
    """

    states: frozenset[SubmissionState] | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    clerk_id: str | None = None


@dataclass(frozen=True)
class RecordPage:
    """One page of records (newest first) and where it sits among all that match."""

    records: tuple[SubmissionView, ...]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages all matching records fill (at least one, which may be empty)."""
        return max(1, -(-self.total // self.page_size))


def records(terminal: Terminal, where: RecordFilter = RecordFilter(), *, page: int = 0,
            page_size: int = PAGE_SIZE, clerk_id: str | None = None) -> RecordPage:
    """Page ``page`` (from 0) of the records matching ``where``; a page past the end is empty.

    ``clerk_id``: the clerk who asked for this list (opened it, chose another filter or page); the view
    is then on the audit trail with its filter and how many rows it showed (``view_records``). A search
    by ID number is recorded by the number's keyed hash, a name or other text only as "text". Without
    it nothing is recorded: for a list refreshing itself with the query the clerk already asked for.
    """
    if page < 0 or page_size < 1:
        raise ValueError(f"no such page: {page} of size {page_size}")
    rows, total = find_submissions(
        terminal.db, SubmissionQuery(states=where.states, text=where.text, since=where.since, until=where.until,
                                     clerk_id=where.clerk_id),
        offset=page * page_size, limit=page_size)
    if clerk_id is not None:
        terminal.audit.record(terminal.db, _records_viewed(clerk_id, where, page, len(rows), total))
    return RecordPage(tuple(rows), page, page_size, total)


#: fifteen digits in a row: an ID number searched for (or part of one), recorded only by its keyed hash
_ID_LIKE = re.compile(r"\d{15}")
#: a receipt number as the counter or the central system gives it (not personal data)
_RECEIPT = re.compile(r"^(SB\d{14}|[A-Za-z0-9._:-]{1,64}-\d{8}-\d{4})$")


def _records_viewed(clerk_id: str, where: RecordFilter, page: int, rows: int, total: int) -> AuditEvent:
    """The trail entry of one view of the records list: the filter and the count, never a name or a number."""
    text = (where.text or "").strip()
    person = text.upper() if _ID_LIKE.search(text) else None
    facts: dict[str, DetailValue] = {"rows": rows, "total": total, "page": page}
    if where.states:
        facts["states"] = sorted(state.value for state in where.states)
    if person is not None:
        facts["search"] = "id_number"
    elif text and _RECEIPT.match(text):
        facts["search"], facts["receipt_no"] = "receipt_no", text
    elif text:
        facts["search"] = "text"
    if where.since is not None:
        facts["since"] = where.since.isoformat(timespec="seconds")
    if where.until is not None:
        facts["until"] = where.until.isoformat(timespec="seconds")
    if where.clerk_id:
        facts["clerk"] = where.clerk_id
    return AuditEvent(AuditAction.VIEW_RECORDS, clerk_id, None, person, facts)


def counts_by_state(terminal: Terminal) -> dict[SubmissionState, int]:
    """How many submissions are in each local state (states without any are absent)."""
    return {SubmissionState(state): n for state, n in outbox.counts(terminal.db).items()}


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar says about sending: not yet acknowledged, waiting for review, sent back,
    when the last full sync ended and the last error the sync engine met (None after a good cycle)."""

    pending: int
    awaiting_review: int
    returned: int
    last_sync: datetime | None
    last_error: str | None


def sync_status(terminal: Terminal) -> SyncStatus:
    counts = counts_by_state(terminal)
    last_sync = syncstate.get_value(terminal.db, syncstate.LAST_SYNC)
    return SyncStatus(
        pending=pending_count(terminal.db),
        awaiting_review=counts.get(SubmissionState.AWAITING_APPROVAL, 0),
        returned=counts.get(SubmissionState.RETURNED, 0),
        last_sync=datetime.fromisoformat(last_sync) if last_sync else None,
        last_error=syncstate.get_value(terminal.db, syncstate.LAST_ERROR),
    )


def submission(terminal: Terminal, submission_id: str, clerk_id: str | None = None) -> SubmissionView | None:
    """One submission with its materials (``attachments``: sealed scans and the receipt), if it exists.

    ``clerk_id``: the clerk who opens the case; the view is then on the audit trail (Art. 38), written
    before the case is handed back. Without it nothing is recorded: only for re-reading the state of a
    case the clerk has just handled (the result page after submitting).
    """
    view = get_submission(terminal.db, submission_id)
    if view is not None and clerk_id is not None:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.VIEW_CASE, clerk_id, view.id,
                                                      view.applicant_id_number,
                                                      {"item_code": view.item_code, "state": view.state.value}))
    return view
