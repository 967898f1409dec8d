"""The audit trail's hash chain, defined once for the terminal that writes it and the central system that keeps a copy.

An entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's own canonical content
(time in UTC to the microsecond, clerk, action, subject, person key, and the detail as its stored
canonical JSON text). The terminal computes it when it appends (``local_db.audit``); the central
system computes it again for every entry it receives, so an entry edited on the way, or a chain that
forks from what it already holds, is refused rather than stored (docs/sync-protocol.md, "Audit trail").

``walk_chain`` is the one check of a chain, whoever holds it: it says whether the entries, in
sequence order, are intact, and otherwise the first sequence number where the chain breaks and how.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from protocol.canonical import canonical_json

#: the previous hash of the first entry
GENESIS = "0" * 64


def iso_microseconds(at: datetime) -> str:
    """The entry time as hashed and as sent: UTC, ISO 8601, microseconds, ``+00:00``."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, at: str, clerk_id: str | None, action: str, subject: str | None,
               person_key: str | None, detail: str) -> str:
    """SHA-256 of the previous hash and the entry's canonical content (the sequence number is its place).

    ``at`` is ``iso_microseconds`` of the entry's time; ``detail`` the canonical JSON text as stored.
    """
    content = canonical_json({"at": at, "clerk": clerk_id, "action": action, "subject": subject,
                              "person": person_key, "detail": detail})
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One entry exactly as stored (the detail as its text), for checking its hash and its link."""

    seq: int
    at: str
    clerk_id: str | None
    action: str
    subject: str | None
    person_key: str | None
    detail: str
    prev_hash: str
    hash: str

    def content_matches(self) -> bool:
        """Whether the entry's content still hashes, after its previous hash, to its own hash."""
        return hmac.compare_digest(self.hash, entry_hash(self.prev_hash, self.at, self.clerk_id, self.action,
                                                         self.subject, self.person_key, self.detail))


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
    """The answer of a chain check: intact, or the first broken sequence number and why."""

    entries: int
    broken_at: int | None = None
    problem: ChainProblem | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def walk_chain(entries: Iterable[ChainEntry]) -> ChainReport:
    """Walk entries in sequence order: intact, or the first sequence number where it breaks and how.

    A gap in the numbers, or a link to an entry nobody holds, is a deletion; a link that skips back
    to an earlier entry (or an entry the next one skips) is an insertion; content that no longer
    matches its own hash is an edit. An entry rewritten together with its hash shows as a deletion at
    the entry after it (the one it held is gone).
    """
    seen: dict[str, int] = {}
    expected, prev, intact = 1, GENESIS, 0
    rows = iter(entries)
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


def _break(entry: ChainEntry, following: ChainEntry | None, expected: int, prev: str,
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
