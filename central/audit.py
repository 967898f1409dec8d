"""The central system's copy of each terminal's audit trail: appended exactly once, checked on the way in.

A terminal sends its entries in sequence order (``POST /v1/audit/batch``). A batch is taken whole or
not at all, in one transaction that holds the terminal's row lock (SQLite: the write lock from
``BEGIN IMMEDIATE``), so two requests of one terminal never interleave:

- an entry the central system holds already with the same hash is a duplicate (a resend after a lost
  answer), and counts as success; with another hash it is a conflict (``AuditConflict``);
- the first new entry must follow the last one held (``AuditGap`` otherwise) and link to its hash,
  as each new entry must link to the one before it (``AuditFork``);
- every new entry's content must hash to its hash (``AuditHashMismatch``): the central system
  computes it again with ``protocol.audit.entry_hash``.

So what the central system holds of a terminal is always one unbroken chain from entry 1, and
``verify`` walks it again (``protocol.audit.walk_chain``) to show whether the central database was
changed since. Person keys are the terminal's keyed hashes: a person is found here by the key the
terminal's auditor gives, never by an ID number, which the central system never receives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, sessionmaker

from central.errors import AuditConflict, AuditFork, AuditGap, AuditHashMismatch, NotFound
from central.models import AuditEntryRow, TerminalRow
from protocol.audit import GENESIS, ChainEntry, ChainReport, walk_chain

_TABLE = cast(Table, AuditEntryRow.__table__)
#: entries read from the database at a time when walking a whole trail
_READ_BATCH = 2000


@dataclass(frozen=True)
class Appended:
    """What a batch did: entries stored now, entries held already, and the last entry held after it."""

    stored: int
    duplicates: int
    last_seq: int
    last_hash: str


@dataclass(frozen=True)
class HeldEntry:
    """An entry as the central system holds it, with when it arrived."""

    entry: ChainEntry
    received_at: str


def _entry(row: AuditEntryRow) -> ChainEntry:
    return ChainEntry(row.seq, row.at, row.clerk_id, row.action, row.subject, row.person_key, row.detail,
                      row.prev_hash, row.hash)


class CentralAuditTrail:
    """The audit entries of all terminals in the central database (used by the API and the CLI)."""

    def __init__(self, read: sessionmaker[Session], write: sessionmaker[Session],
                 clock: Callable[[], datetime]) -> None:
        self._read = read
        self._write = write
        self._clock = clock

    def head(self, terminal_id: str) -> tuple[int, str]:
        """The last sequence number held of ``terminal_id`` and its hash ((0, GENESIS) when none)."""
        with self._read() as session:
            return self._head(session, terminal_id)

    @staticmethod
    def _head(session: Session, terminal_id: str) -> tuple[int, str]:
        row = session.execute(select(AuditEntryRow.seq, AuditEntryRow.hash)
                              .where(AuditEntryRow.terminal_id == terminal_id)
                              .order_by(AuditEntryRow.seq.desc()).limit(1)).first()
        return (int(row[0]), str(row[1])) if row is not None else (0, GENESIS)

    def append(self, terminal_id: str, entries: Sequence[ChainEntry]) -> Appended:
        """Store the new ones of ``entries`` (consecutive, ascending) after checking the chain; all or nothing."""
        if not entries:
            raise ValueError("no entries")
        with self._write() as session, session.begin():
            # one batch of a terminal at a time (PostgreSQL; SQLite writers serialise at BEGIN IMMEDIATE)
            session.execute(select(TerminalRow.terminal_id).where(TerminalRow.terminal_id == terminal_id)
                            .with_for_update())
            last, last_hash = self._head(session, terminal_id)
            held = [e for e in entries if e.seq <= last]
            if held:
                stored = dict(session.execute(
                    select(AuditEntryRow.seq, AuditEntryRow.hash).where(
                        AuditEntryRow.terminal_id == terminal_id,
                        AuditEntryRow.seq.between(held[0].seq, held[-1].seq))).tuples().all())
                for entry in held:
                    if stored.get(entry.seq) != entry.hash:
                        raise AuditConflict(f"entry {entry.seq} is held with another hash", seq=entry.seq,
                                            terminal_id=terminal_id)
            new = [e for e in entries if e.seq > last]
            prev = last_hash
            if new and new[0].seq != last + 1:
                raise AuditGap(f"entry {new[0].seq} follows entry {new[0].seq - 1}, but the central system "
                               f"holds entries up to {last}", seq=new[0].seq, terminal_id=terminal_id)
            for entry in new:
                if entry.prev_hash != prev:
                    raise AuditFork(f"entry {entry.seq} does not link to entry {entry.seq - 1}", seq=entry.seq,
                                    terminal_id=terminal_id)
                if not entry.content_matches():
                    raise AuditHashMismatch(f"entry {entry.seq}'s content does not match its hash", seq=entry.seq,
                                            terminal_id=terminal_id)
                prev = entry.hash
            if new:
                received = self._clock().isoformat(timespec="milliseconds")
                session.execute(insert(_TABLE), [{
                    "terminal_id": terminal_id, "seq": e.seq, "at": e.at, "clerk_id": e.clerk_id,
                    "action": e.action, "subject": e.subject, "person_key": e.person_key, "detail": e.detail,
                    "prev_hash": e.prev_hash, "hash": e.hash, "received_at": received} for e in new])
                last, last_hash = new[-1].seq, new[-1].hash
        return Appended(len(new), len(held), last, last_hash)

    def _rows(self, terminal_id: str, *, person_key: str | None = None, since: str | None = None,
              until: str | None = None) -> Iterator[AuditEntryRow]:
        after = 0
        while True:
            q = (select(AuditEntryRow).where(AuditEntryRow.terminal_id == terminal_id, AuditEntryRow.seq > after)
                 .order_by(AuditEntryRow.seq).limit(_READ_BATCH))
            if person_key is not None:
                q = q.where(AuditEntryRow.person_key == person_key)
            if since is not None:
                q = q.where(AuditEntryRow.at >= since)
            if until is not None:
                q = q.where(AuditEntryRow.at < until)
            with self._read() as session:
                rows = list(session.scalars(q))
            if not rows:
                return
            yield from rows
            after = rows[-1].seq

    def entries(self, terminal_id: str, *, person_key: str | None = None, since: str | None = None,
                until: str | None = None) -> Iterator[HeldEntry]:
        """A terminal's entries in sequence order, of one person key and in ``[since, until)`` (UTC ISO text)."""
        self._known(terminal_id)
        for row in self._rows(terminal_id, person_key=person_key, since=since, until=until):
            yield HeldEntry(_entry(row), row.received_at)

    def verify(self, terminal_id: str) -> ChainReport:
        """Walk a terminal's whole trail as held here: intact, or where it breaks and how."""
        self._known(terminal_id)
        return walk_chain(_entry(row) for row in self._rows(terminal_id))

    def _known(self, terminal_id: str) -> None:
        with self._read() as session:
            if session.get(TerminalRow, terminal_id) is None:
                raise NotFound(f"no terminal {terminal_id!r}")
