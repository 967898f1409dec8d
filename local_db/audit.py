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

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.errors import mask_id_number
from local_db.database import Database
from local_db.models import AuditEntry, utcnow
from protocol.canonical import canonical_json

#: the previous hash of the first entry
GENESIS = "0" * 64
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
    PURGE = "purge"


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


class ChainProblem(enum.StrEnum):
    """Why the chain breaks at an entry."""

    #: the entry's content no longer matches its hash
    EDITED = "edited"
    #: entries are missing before this one (a gap in the numbers, or a link to an entry that is gone)
    DELETED = "deleted"
    #: an entry that belongs to no chain sits before this one
    INSERTED = "inserted"


@dataclass(frozen=True)
class ChainReport:
    """The answer of ``verify_chain``: intact, or the first broken sequence number and why."""

    entries: int
    broken_at: int | None = None
    problem: ChainProblem | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def entry_hash(prev_hash: str, at: datetime, clerk_id: str | None, action: str, subject: str | None,
               person_key: str | None, detail: str) -> str:
    """SHA-256 of the previous hash and the entry's canonical content (the sequence number is its place)."""
    content = canonical_json({"at": at.astimezone(UTC).isoformat(timespec="microseconds"), "clerk": clerk_id,
                              "action": action, "subject": subject, "person": person_key, "detail": detail})
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


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
        q = select(AuditEntry).order_by(AuditEntry.seq)
        if id_number is not None:
            q = q.where(AuditEntry.person_key == self.person_key(id_number))
        if since is not None:
            q = q.where(AuditEntry.at >= since)
        if until is not None:
            q = q.where(AuditEntry.at < until)
        if limit is not None:
            q = q.limit(limit)
        with db.sessions() as s:
            return [_record(row) for row in s.scalars(q)]


def _record(row: AuditEntry) -> AuditRecord:
    try:
        detail = json.loads(row.detail)
    except ValueError:
        detail = {}
    return AuditRecord(row.seq, row.at, row.clerk_id, row.action, row.subject, row.person_key,
                       detail if isinstance(detail, dict) else {}, row.prev_hash, row.hash)


@dataclass(frozen=True)
class _Stored:
    """An entry exactly as stored, for checking its hash (the detail as its stored text)."""

    seq: int
    at: datetime
    clerk_id: str | None
    action: str
    subject: str | None
    person_key: str | None
    detail: str
    prev_hash: str
    hash: str

    def content_matches(self) -> bool:
        return hmac.compare_digest(self.hash, entry_hash(self.prev_hash, self.at, self.clerk_id, self.action,
                                                         self.subject, self.person_key, self.detail))


def _stored(db: Database, batch: int = 1000) -> Iterator[_Stored]:
    """Every entry in sequence order, read in batches (a year's trail does not sit in memory at once)."""
    after: int | None = None
    while True:
        q = select(AuditEntry).order_by(AuditEntry.seq).limit(batch)
        if after is not None:
            q = q.where(AuditEntry.seq > after)
        with db.sessions() as s:
            rows = [_Stored(r.seq, r.at, r.clerk_id, r.action, r.subject, r.person_key, r.detail, r.prev_hash,
                            r.hash) for r in s.scalars(q)]
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def verify_chain(db: Database) -> ChainReport:
    """Walk the whole trail: intact, or the first sequence number where it breaks and how.

    A gap in the numbers, or a link to an entry nobody holds, is a deletion; a link that skips back
    to an earlier entry (or an entry the next one skips) is an insertion; content that no longer
    matches its own hash is an edit. An entry rewritten together with its hash shows as a deletion at
    the entry after it (the one it held is gone).
    """
    seen: dict[str, int] = {}
    expected, prev, intact = 1, GENESIS, 0
    rows = _stored(db)
    current = next(rows, None)
    while current is not None:
        following = next(rows, None)
        broken = _break(current, following, expected, prev, seen)
        if broken is not None:
            return ChainReport(intact, broken[0], broken[1])
        intact += 1
        seen[current.hash] = current.seq
        expected, prev = current.seq + 1, current.hash
        current = following
    return ChainReport(intact)


def _break(entry: _Stored, following: _Stored | None, expected: int, prev: str,
           seen: Mapping[str, int]) -> tuple[int, ChainProblem] | None:
    if entry.seq > expected:
        return expected, ChainProblem.DELETED
    if entry.seq < expected:
        return entry.seq, ChainProblem.INSERTED
    if entry.prev_hash != prev:
        if entry.prev_hash in seen:  # it still follows an earlier entry: what sits between was slipped in
            return seen[entry.prev_hash] + 1, ChainProblem.INSERTED
        if following is not None and following.prev_hash == prev:  # the next one skips it
            return entry.seq, ChainProblem.INSERTED
        if entry.content_matches():  # whole in itself, but the entry it followed is gone
            return entry.seq, ChainProblem.DELETED
        return entry.seq, ChainProblem.EDITED
    if not entry.content_matches():
        return entry.seq, ChainProblem.EDITED
    return None
