"""The audit trail (条例 Art. 38, 等保 level 3 security audit): append-only, hash-chained, no ID numbers.

Each entry says when (UTC), which clerk, what (``AuditAction``), about what (``subject``, e.g. a
submission id) and about whom: ``person_key``, an HMAC-SHA256 of the person's ID number under a secret
the caller hands in (the app keeps it in the OS keyring; this package never imports ``keyring``), so an
auditor finds a person's entries by the number without the trail holding it. ``detail`` is a small
JSON object of facts without personal data; a string in it that looks like an ID number is refused.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's own canonical content,
so ``verify_chain`` finds an entry edited, deleted or inserted through SQL. Sequence numbers have no
gaps. The chain is not keyed: whoever holds the database key could rewrite all of it consistently,
which only a copy held elsewhere (the central system) can show.

Entries are written in the transaction of the change they record (``record_in`` with the caller's
session), or in a transaction of their own (``record``). Appending takes SQLite's write lock before it
reads the tail, so two threads never chain to the same entry.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.errors import mask_id_number
from local_db.database import Database
from local_db.models import AuditEntry, utcnow
from protocol.audit import GENESIS, ChainEntry, ChainProblem, ChainReport, iso_microseconds, walk_chain
from protocol.audit import entry_hash as wire_hash
from protocol.canonical import canonical_json

__all__ = ["GENESIS", "AuditAction", "AuditEvent", "AuditQuery", "AuditRecord", "AuditTrail", "ChainEntry",
           "ChainProblem", "ChainReport", "DetailValue", "entry_hash", "last_seq", "stored_entries", "verify_chain"]

#: what a detail value may be: plain facts, or a list of them (the keys of the fields a clerk corrected)
DetailValue = str | int | bool | None | Sequence[str]
#: fifteen digits in a row: an ID number (15 or 18 characters), or part of one
_ID_LIKE = re.compile(r"\d{15}")
_LOCK = text("UPDATE audit_log SET seq = seq WHERE 0")


class AuditAction(enum.StrEnum):
    """What a clerk (or the terminal) did; stored as its value."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    LOCK = "lock"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock_failed"
    #: another clerk signed in at a locked window (the previous clerk's session ends with it)
    SWITCH_CLERK = "switch_clerk"
    SUBMIT = "submit"
    SAVE_DRAFT = "save_draft"
    APPROVE = "approve"
    #: a case awaiting review sent to the central system as 待复核, to be signed elsewhere
    SEND_FOR_REVIEW = "send_for_review"
    #: a case the central system refused for missing signatures waits for them again
    REOPEN_REVIEW = "reopen_review"
    RETURN = "return"
    VIEW_CASE = "view_case"
    VIEW_SCAN = "view_scan"
    SHOW_ID_NUMBER = "show_id_number"
    PRINT_RECEIPT = "print_receipt"
    EXPORT = "export"
    CARD_OVERRIDE = "card_override"
    WAIVER = "waiver"
    CLERK_CHANGE = "clerk_change"
    SETTINGS_CHANGE = "settings_change"
    REFERENCE_CONFIRM = "reference_confirm"
    #: a reference data set verified and put in force (entries that would weaken a safeguard held back)
    REFERENCE_UPDATE = "reference_update"
    #: a reference data set refused: unsigned, wrongly signed, older, changed at the same version, unusable
    REFERENCE_REFUSED = "reference_refused"
    PURGE = "purge"
    #: the records list or a search of it was shown (its filter and how many rows; a person key, never a number)
    VIEW_RECORDS = "view_records"
    #: a draft was deleted
    DELETE_DRAFT = "delete_draft"
    #: an auditor read the trail or checked its chain (稽核)
    READ_AUDIT = "read_audit"
    #: a supervisor gave a case to another clerk (改派): from, to, why
    REASSIGN = "reassign"
    #: a 一次性告知书 was issued: the case was not accepted today (item, notice number, how many missing)
    INFORM = "inform"
    #: a 一次性告知书 was printed (or written as a PDF)
    PRINT_NOTICE = "print_notice"
    #: stored due dates counted again (a holiday schedule arrived, or at start): how many changed, never whose
    DUE_RECOUNT = "due_recount"
    #: a supervisor read a statistics report (业务统计): which report and range, never a person
    VIEW_STATISTICS = "view_statistics"
    #: a clerk recorded a 催办 on a case pending at the central system (the reminder's id, whether a note)
    REMIND = "remind"
    #: the applicant rated a handled case (好差评): the rating's id, its level and reason codes, never a person
    RATE = "rate"
    #: the central system was asked about a person or employer (issue 20): the lookup's id, what kind, the reason
    #: kind, the outcome; the person as their key, never a number
    LOOKUP = "lookup"
    #: a 参保证明 / 缴费证明 was issued and printed (its verification code, kind, for whom as a person key)
    ISSUE_CERTIFICATE = "issue_certificate"
    #: an employer's staff list was imported (人员新增): the batch's case, rows accepted and refused
    BATCH_IMPORT = "batch_import"


@dataclass(frozen=True)
class AuditEvent:
    """One thing to record. ``id_number`` is turned into the person key when written and never stored."""

    action: AuditAction
    clerk_id: str | None
    subject: str | None = None
    id_number: str | None = field(default=None, repr=False)
    detail: Mapping[str, DetailValue] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """One entry as stored (read back for the CLI, the auditor and the tests)."""

    seq: int
    at: datetime
    clerk_id: str | None
    action: str
    subject: str | None
    person_key: str | None
    detail: dict[str, object]
    prev_hash: str
    hash: str


def entry_hash(prev_hash: str, at: datetime, clerk_id: str | None, action: str, subject: str | None,
               person_key: str | None, detail: str) -> str:
    """SHA-256 of the previous hash and the entry's canonical content (``protocol.audit.entry_hash``)."""
    return wire_hash(prev_hash, iso_microseconds(at), clerk_id, action, subject, person_key, detail)


def _detail_text(detail: Mapping[str, DetailValue]) -> str:
    plain: dict[str, object] = {}
    for key, value in detail.items():
        items = [value] if value is None or isinstance(value, str | int | bool) else list(value)
        for item in items:
            if not (item is None or isinstance(item, str | int | bool)):
                raise ValueError(f"audit detail {key!r} is not a plain value")
            if isinstance(item, str) and _ID_LIKE.search(item):
                raise ValueError(f"audit detail {key!r} looks like it holds an ID number")
        plain[key] = value if value is None or isinstance(value, str | int | bool) else items
    return canonical_json(plain)


class AuditTrail:
    """Writes and reads the trail of one database; holds the secret of the person keys."""

    def __init__(self, person_secret: bytes, clock: Callable[[], datetime] = utcnow) -> None:
        if len(person_secret) < 32:
            raise ValueError("the person-key secret must be at least 32 bytes")
        self._secret = person_secret
        self._clock = clock

    def __repr__(self) -> str:
        return "AuditTrail(<secret>)"

    def person_key(self, id_number: str) -> str:
        """The keyed hash an ID number is found by (letters in upper case, spaces ignored)."""
        normal = id_number.strip().upper().encode()
        return hmac.new(self._secret, normal, hashlib.sha256).hexdigest()

    def record(self, db: Database, *events: AuditEvent) -> list[AuditRecord]:
        """Append ``events`` in a transaction of their own (something that changes nothing else)."""
        with db.sessions.begin() as s:
            return self.record_in(s, *events)

    def record_in(self, session: Session, *events: AuditEvent) -> list[AuditRecord]:
        """Append ``events`` in the caller's open transaction: they commit or roll back with its change."""
        session.execute(_LOCK)  # a write first: SQLite's write lock is ours before the tail is read
        tail = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                               .order_by(AuditEntry.seq.desc()).limit(1)).first()
        seq, prev = (tail[0], tail[1]) if tail is not None else (0, GENESIS)
        written = []
        for event in events:
            subject = event.subject
            if subject is not None and _ID_LIKE.search(subject):
                raise ValueError("an audit subject looks like an ID number")
            person = self.person_key(event.id_number) if event.id_number and event.id_number.strip() else None
            detail = _detail_text(event.detail)
            at = self._clock().astimezone(UTC)
            clerk = (event.clerk_id or "").strip()[:32] or None
            if clerk is not None and _ID_LIKE.search(clerk):  # an ID number typed as a staff number
                clerk = mask_id_number(clerk)
            seq += 1
            digest = entry_hash(prev, at, clerk, event.action.value, subject, person, detail)
            session.add(AuditEntry(seq=seq, at=at, clerk_id=clerk, action=event.action.value, subject=subject,
                                   person_key=person, detail=detail, prev_hash=prev, hash=digest))
            written.append(AuditRecord(seq, at, clerk, event.action.value, subject, person, json.loads(detail),
                                       prev, digest))
            prev = digest
        session.flush()
        return written

    def find(self, db: Database, *, id_number: str | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int | None = None) -> list[AuditRecord]:
        """Entries about the person with ``id_number`` (all when None) in ``[since, until)``, oldest first."""
        rows, _total = self.search(db, AuditQuery(id_number=id_number, since=since, until=until), limit=limit,
                                   newest_first=False, count=False)
        return rows

    def search(self, db: Database, query: AuditQuery, *, offset: int = 0, limit: int | None = None,
               newest_first: bool = True, count: bool = True) -> tuple[list[AuditRecord], int]:
        """One page of the entries ``query`` selects, and how many it selects in all (-1 without ``count``)."""
        conditions = []
        if query.id_number is not None and query.id_number.strip():
            conditions.append(AuditEntry.person_key == self.person_key(query.id_number))
        if query.since is not None:
            conditions.append(AuditEntry.at >= query.since)
        if query.until is not None:
            conditions.append(AuditEntry.at < query.until)
        if query.clerk_id is not None and query.clerk_id.strip():
            conditions.append(AuditEntry.clerk_id == query.clerk_id.strip())
        if query.actions:
            conditions.append(AuditEntry.action.in_(sorted(str(a) for a in query.actions)))
        if query.subject is not None:
            conditions.append(AuditEntry.subject == query.subject)
        order = AuditEntry.seq.desc() if newest_first else AuditEntry.seq
        q = select(AuditEntry).where(*conditions).order_by(order).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with db.sessions() as s:
            rows = [_record(row) for row in s.scalars(q)]
            total = int(s.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0) \
                if count else -1
        return rows, total


@dataclass(frozen=True)
class AuditQuery:
    """Which entries an auditor asks for; every criterion given must hold.

    ``id_number`` is turned into its person key before the search and never stored or logged;
    ``since``/``until`` bound the time (``[since, until)``); ``actions``: any of these.
    """

    id_number: str | None = field(default=None, repr=False)
    since: datetime | None = None
    until: datetime | None = None
    clerk_id: str | None = None
    actions: frozenset[str] = frozenset()
    #: about this subject (a submission id, a staff number)
    subject: str | None = None


def _record(row: AuditEntry) -> AuditRecord:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {}
    return AuditRecord(row.seq, row.at, row.clerk_id, row.action, row.subject, row.person_key,
                       detail if isinstance(detail, dict) else {}, row.prev_hash, row.hash)


def stored_entries(db: Database, after: int = 0, batch: int = 1000,
                   limit: int | None = None) -> Iterator[ChainEntry]:
    """Entries after sequence number ``after`` in order, exactly as stored, read in batches (a year's
    trail does not sit in memory at once); at most ``limit`` of them. What the sync sends and the chain
    check walks."""
    left = limit
    while left is None or left > 0:
        size = batch if left is None else min(batch, left)
        q = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(size)
        with db.sessions() as s:
            rows = [ChainEntry(r.seq, iso_microseconds(r.at), r.clerk_id, r.action, r.subject, r.person_key,
                               r.detail, r.prev_hash, r.hash) for r in s.scalars(q)]
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        if left is not None:
            left -= len(rows)


def last_seq(db: Database) -> int:
    """The sequence number of the newest entry (0 for an empty trail)."""
    with db.sessions() as s:
        return int(s.scalar(select(func.max(AuditEntry.seq))) or 0)


def verify_chain(db: Database) -> ChainReport:
    """Walk the whole trail: intact, or the first sequence number where it breaks and how
    (``protocol.audit.walk_chain``)."""
    return walk_chain(stored_entries(db))
