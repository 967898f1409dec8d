"""Retention (issue 16 item 6): personal data and scans leave the terminal a set time after the case closed.

What counts as closed, and from when the days count:

- A **case** is all versions of one application (``case_id``; a correction of a returned version is the
  next version). It is closed when every version is ``closed``: the newest by the central system's final
  answer (``approved`` → ``closed``, its ``closed_at`` is the central system's time), the older ones by
  the correction that replaced them. A returned version that was corrected is therefore kept as long as
  the case runs (the reviewer compares versions) and goes with the rest of the case. A returned case
  not yet corrected, a case awaiting review, queued, being sent or accepted is never purged.
- The days count from the newest version's ``closed_at``: the central system's time of its final
  answer (migration 0009 gives closed rows of older releases their last change as closing time).
- Nothing whose outbox row is not ``done`` is touched: what is queued, in flight or failed stays whole.
- A **一次性告知书** (``local_db.notices``) loses the applicant's name and ID number, the agent's name and
  the note ``retention_days`` after it was issued, like a draft; its row stays for the statistics.
- A **draft** never reached the central system and has no receipt; it is purged when it has not been
  changed (``updated_at``) for the retention period. Saving it again later makes it a draft with content.

What a purge does, per case in one transaction (the write lock taken first, every condition checked
again inside it, so a sync or a second purge never works on a row half-way): the payload (form values,
provenance, waiver reasons) is emptied, the central system's note and the last error cleared, the
stored request body dropped, the link to the applicant cut and the applicant row (name, ID number, sex,
birth date, phone) deleted once no unpurged submission uses it; attachments are marked purged and kept
as tombstones with their hash; ``purged_at`` is set. Receipt numbers, item, dates, state and clerks stay,
so the records list still shows the case as 已清理, and the audit trail (keyed hashes only) is never
touched; one ``purge`` entry per case is written in the case's transaction.

Sealed files are deleted after the commits, by a sweep over the tombstones whose hash no unpurged
attachment still uses (a correction carries its scans over, so versions share files): a crash between
commit and delete leaves an orphan that the next purge deletes. A file stored again recently is left
for the next sweep (``BlobStore.discard``). The connection runs with ``secure_delete`` (``database.py``),
so freed cells and pages are zeroed, and the write-ahead log is truncated after a purge.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, delete, func, select, text, update
from sqlalchemy.orm import Session, aliased

from local_db.audit import AuditAction, AuditEvent, AuditTrail
from local_db.blobstore import BlobStore
from local_db.database import Database
from local_db.models import Applicant, Attachment, OutboxEntry, OutboxState, Submission, SubmissionState, utcnow
from local_db.notices import purge_notices

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
#: a sealed file stored (or stored again) this recently is left for the next sweep: whoever stored it
#: may be about to record it (a scan is sealed seconds before its submission is saved)
BLOB_GRACE_SECONDS = 3600.0
#: takes SQLite's write lock before anything is read, so the checks and the purge see one state
_LOCK = text("UPDATE submission SET id = id WHERE 0")


@dataclass(frozen=True)
class ExpiredCase:
    """A case (or draft) whose personal content is due to go, described without personal data."""

    case_id: str
    submission_ids: tuple[str, ...]
    item_code: str
    state: SubmissionState
    #: the counter's receipt numbers (受理回执) and the central system's, of every version
    counter_receipt_nos: tuple[str, ...]
    receipt_numbers: tuple[str, ...]
    created_at: datetime
    #: when the case closed (a draft: when it was last changed); the days count from here
    closed_at: datetime
    #: sealed files (scans, the receipt) the case holds
    scans: int

    @property
    def is_draft(self) -> bool:
        return self.state is SubmissionState.DRAFT


@dataclass(frozen=True)
class PurgeResult:
    """What a run purged (or, in a dry run, would purge) and how many sealed files it deleted."""

    retention_days: int
    cutoff: datetime
    dry_run: bool
    purged: tuple[ExpiredCase, ...]
    files_deleted: int = 0
    #: 一次性告知书 whose personal columns were blanked (``local_db.notices``)
    notices: int = 0

    @property
    def cases(self) -> int:
        return sum(1 for c in self.purged if not c.is_draft)

    @property
    def drafts(self) -> int:
        return sum(1 for c in self.purged if c.is_draft)

    @property
    def submissions(self) -> int:
        return sum(len(c.submission_ids) for c in self.purged)

    @property
    def scans(self) -> int:
        return sum(c.scans for c in self.purged)


def check_retention_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"retention is a whole number of days, at least 1 (got {days!r})")
    return days


def _case_key() -> ColumnElement[str]:
    return func.coalesce(Submission.case_id, Submission.id)


def find_expired(db: Database, retention_days: int, *, now: datetime | None = None) -> list[ExpiredCase]:
    """The cases and drafts a purge at ``now`` would take (nothing changes), oldest closing first."""
    cutoff = (now or utcnow()) - timedelta(days=check_retention_days(retention_days))
    with db.sessions() as s:
        keys = _expired_keys(s, cutoff)
        found = [_describe(s, key, cutoff) for key in keys]
    return sorted((c for c in found if c is not None), key=lambda c: (c.closed_at, c.case_id))


def _expired_keys(s: Session, cutoff: datetime) -> list[str]:
    """Cases whose every version is closed, closed before ``cutoff``, with nothing left to send; old drafts."""
    key = _case_key()
    open_rows = func.sum(case((Submission.state != SubmissionState.CLOSED.value, 1), else_=0))
    unsent = func.sum(case((OutboxEntry.state.is_not(None) & (OutboxEntry.state != OutboxState.DONE.value), 1),
                           else_=0))
    closed = select(key).select_from(Submission).outerjoin(OutboxEntry, OutboxEntry.submission_id == Submission.id) \
        .where(Submission.purged_at.is_(None), Submission.state != SubmissionState.DRAFT.value) \
        .group_by(key) \
        .having(open_rows == 0, unsent == 0,
                # a superset: which version closed the case is decided in ``_describe``
                func.min(func.coalesce(Submission.closed_at, Submission.updated_at)) <= cutoff)
    drafts = select(Submission.id).where(Submission.purged_at.is_(None),
                                         Submission.state == SubmissionState.DRAFT.value,
                                         Submission.updated_at <= cutoff)
    return [str(k) for k in s.scalars(closed)] + [str(k) for k in s.scalars(drafts)]


def _versions(s: Session, key: str) -> list[Submission]:
    return list(s.scalars(select(Submission).where(_case_key() == key, Submission.purged_at.is_(None))
                          .order_by(Submission.case_version)))


def _describe(s: Session, key: str, cutoff: datetime) -> ExpiredCase | None:
    """The case as it stands, if it is still due (checked again here: inside a purge, under the write lock)."""
    versions = _versions(s, key)
    if not versions:
        return None
    ids = [v.id for v in versions]
    unsent = s.scalar(select(func.count()).select_from(OutboxEntry).where(
        OutboxEntry.submission_id.in_(ids), OutboxEntry.state != OutboxState.DONE.value))
    if unsent:
        return None
    drafts = [v for v in versions if v.state == SubmissionState.DRAFT.value]
    if drafts:
        if len(versions) != 1 or versions[0].updated_at > cutoff:
            return None
        closed_at = versions[0].updated_at
    else:
        if any(v.state != SubmissionState.CLOSED.value for v in versions):
            return None
        closed_at = versions[-1].closed_at or versions[-1].updated_at  # the central system's final answer
        if closed_at > cutoff:
            return None
    newest = versions[-1]
    scans = s.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.submission_id.in_(ids), Attachment.purged_at.is_(None))) or 0
    return ExpiredCase(
        case_id=key, submission_ids=tuple(ids), item_code=newest.item_code, state=SubmissionState(newest.state),
        counter_receipt_nos=tuple(v.counter_receipt_no for v in versions if v.counter_receipt_no),
        receipt_numbers=tuple(dict.fromkeys(v.receipt_number for v in versions if v.receipt_number)),
        created_at=versions[0].created_at, closed_at=closed_at, scans=int(scans))


def purge_expired(db: Database, blobs: BlobStore | None, audit: AuditTrail, retention_days: int, *,
                  clerk_id: str | None = None, trigger: str = "manual", dry_run: bool = False,
                  now: datetime | None = None, blob_grace: float = BLOB_GRACE_SECONDS) -> PurgeResult:
    """Purge what is due (see the module docstring); ``dry_run`` only says what would go.

    ``clerk_id``: the administrator who runs it (None: the terminal's own daily run). Each case is one
    transaction with its audit entry; the run's counts are one more entry when anything went or an
    administrator ran it. Sealed files go after the commits (``sweep_files``). ``blobs`` None: the
    terminal has no scans' key; the rows are purged and the files wait for a run that has it.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=check_retention_days(retention_days))
    if dry_run:
        return PurgeResult(retention_days, cutoff, True, tuple(find_expired(db, retention_days, now=now)))
    with db.sessions() as s:
        keys = _expired_keys(s, cutoff)
    purged = [done for key in keys if (done := _purge_case(db, audit, key, cutoff, now, clerk_id)) is not None]
    # a notice's personal data goes like a draft's: retention_days after it was issued
    notices = purge_notices(db, cutoff, now, lambda s, ids: audit.record_in(s, AuditEvent(
        AuditAction.PURGE, clerk_id, None, None, {"scope": "notices", "notices": len(ids)})))
    files = sweep_files(db, blobs, grace=blob_grace) if blobs is not None else 0
    result = PurgeResult(retention_days, cutoff, False, tuple(sorted(purged, key=lambda c: (c.closed_at, c.case_id))),
                         files, len(notices))
    if purged or files or notices or clerk_id is not None:
        audit.record(db, AuditEvent(AuditAction.PURGE, clerk_id, None, None, {
            "scope": "run", "trigger": trigger, "retention_days": retention_days, "cases": result.cases,
            "drafts": result.drafts, "submissions": result.submissions, "scans": result.scans,
            "files_deleted": files, "notices": result.notices}))
    if purged or notices:
        _truncate_wal(db)
        log.info("retention: purged %d cases and %d drafts closed before %s, %d sealed files deleted",
                 result.cases, result.drafts, cutoff.date(), files)
    return result


def _purge_case(db: Database, audit: AuditTrail, key: str, cutoff: datetime, now: datetime,
                clerk_id: str | None) -> ExpiredCase | None:
    with db.sessions.begin() as s:
        s.execute(_LOCK)
        found = _describe(s, key, cutoff)
        if found is None:  # changed since it was listed (a draft saved again, a second purge): leave it
            return None
        versions = _versions(s, key)
        people = {v.applicant_id for v in versions if v.applicant_id is not None}
        id_number = versions[-1].applicant.id_number if versions[-1].applicant is not None else None
        ids = [v.id for v in versions]
        for version in versions:
            version.payload = {}
            version.applicant = None
            version.status_reason = None
            version.last_error = None
            version.purged_at = now
        s.execute(update(OutboxEntry).where(OutboxEntry.submission_id.in_(ids)).values(body=None, last_error=None))
        s.execute(update(Attachment).where(Attachment.submission_id.in_(ids), Attachment.purged_at.is_(None))
                  .values(purged_at=now))
        s.flush()
        for person in people:
            if not s.scalar(select(func.count()).select_from(Submission).where(Submission.applicant_id == person)):
                s.execute(delete(Applicant).where(Applicant.id == person))
        audit.record_in(s, AuditEvent(AuditAction.PURGE, clerk_id, key, id_number, {
            "scope": "case", "item_code": found.item_code, "state": found.state.value,
            "counter_receipt_no": found.counter_receipt_nos[-1] if found.counter_receipt_nos else None,
            "versions": len(ids), "scans": found.scans, "closed_at": found.closed_at.date().isoformat()}))
        return found


def unreferenced_files(db: Database) -> list[str]:
    """Hashes of purged attachments that no unpurged attachment still uses (their files may go)."""
    other = aliased(Attachment)
    with db.sessions() as s:
        return list(s.scalars(
            select(Attachment.sha256).where(Attachment.purged_at.is_not(None))
            .where(~select(other.id).where(other.sha256 == Attachment.sha256, other.purged_at.is_(None)).exists())
            .distinct()))


def sweep_files(db: Database, blobs: BlobStore, *, grace: float = BLOB_GRACE_SECONDS) -> int:
    """Delete the sealed files only purged attachments name (also orphans a crash left); how many went."""
    untouched_since = time.time() - grace
    deleted = 0
    for sha256 in unreferenced_files(db):
        if blobs.exists(sha256) and blobs.discard(sha256, untouched_since=untouched_since):
            deleted += 1
    return deleted


def _truncate_wal(db: Database) -> None:
    """Copy the write-ahead log into the file and cut it to nothing: the old page images go with it."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
