"""The central store: terminals and their tokens, idempotent submissions, receipt numbers.

A submission's client-made UUID is the idempotency key. A repeat with the same id
and the same body is a duplicate and gets the first answer again; the same id with
another body is refused. "Same body" is decided on the SHA-256 of the canonical JSON
of the whole request body, so two bodies that differ only in key order or
whitespace are the same submission.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from central.db import make_engine, writer
from central.errors import CentralStorageError, IdempotencyConflict, InvalidTerminalId, ReceiptsExhausted
from central.models import Base, ReceiptCounterRow, SubmissionRow, TerminalRow
from central.receipts import MAX_SEQUENCE, china_day, format_receipt, utc_now

log = logging.getLogger(__name__)

STATUS_ACCEPTED = "accepted"
TERMINAL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def canonical_json(body: Mapping[str, Any]) -> str:
    """The canonical JSON text of a request body: sorted keys, no spaces, real UTF-8."""
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IncomingSubmission:
    """A submission as a terminal sends it (protocol field names)."""

    id: str
    item_code: str
    version: int
    terminal_id: str
    clerk_id: str
    created_at: str
    payload: dict[str, Any]

    def body(self) -> dict[str, Any]:
        """The request body this submission came as, for hashing."""
        return {
            "id": self.id,
            "item_code": self.item_code,
            "version": self.version,
            "terminal_id": self.terminal_id,
            "clerk_id": self.clerk_id,
            "created_at": self.created_at,
            "payload": self.payload,
        }

    def body_sha256(self) -> str:
        return sha256_hex(canonical_json(self.body()))


@dataclass(frozen=True)
class SubmissionRecord:
    """A stored submission; ``payload`` holds personal data, so never log it."""

    id: str
    terminal_id: str
    item_code: str
    version: int
    clerk_id: str
    client_created_at: str
    payload: dict[str, Any]
    payload_sha256: str
    receipt_number: str
    status: str
    received_at: str

    @classmethod
    def from_row(cls, row: SubmissionRow) -> SubmissionRecord:
        return cls(
            id=row.id,
            terminal_id=row.terminal_id,
            item_code=row.item_code,
            version=row.version,
            clerk_id=row.clerk_id,
            client_created_at=row.client_created_at,
            payload=json.loads(row.payload),
            payload_sha256=row.payload_sha256,
            receipt_number=row.receipt_number,
            status=row.status,
            received_at=row.received_at,
        )


@dataclass(frozen=True)
class SubmitResult:
    """What ``submit`` did: ``created`` is False when the answer replays an earlier one."""

    record: SubmissionRecord
    created: bool


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class CentralStore:
    """The central database. Thread-safe; one instance per server process."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._clock = clock
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)

    @classmethod
    def open(cls, db_path: Path, *, clock: Callable[[], datetime] = utc_now) -> CentralStore:
        """Open (creating if needed) the database at ``db_path``."""
        db_path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(db_path)
        try:
            # create_all is enough for a reference server; it has no migrations to run.
            with writer(engine).begin() as conn:
                Base.metadata.create_all(conn)
        except DatabaseError as exc:
            engine.dispose()
            raise CentralStorageError(f"cannot open central database {db_path}: {exc.orig}",
                                      path=str(db_path)) from exc
        return cls(engine, clock=clock)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> CentralStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    # -- terminals -----------------------------------------------------------------

    def add_terminal(self, terminal_id: str) -> str:
        """Register ``terminal_id`` (or rotate its token) and return the new token.

        The token is returned only here; the store keeps its SHA-256, so a lost token
        can only be replaced, never recovered.
        """
        if not TERMINAL_ID_RE.match(terminal_id):
            raise InvalidTerminalId(f"invalid terminal id {terminal_id!r}", terminal_id=terminal_id)
        token = secrets.token_urlsafe(32)
        digest = sha256_hex(token)
        with self._writing() as session:
            row = session.get(TerminalRow, terminal_id)
            if row is None:
                session.add(TerminalRow(terminal_id=terminal_id, token_sha256=digest,
                                        created_at=_iso(self._clock())))
                log.info("terminal %s registered", terminal_id)
            else:
                row.token_sha256 = digest
                log.info("terminal %s token rotated", terminal_id)
        return token

    def authenticate(self, token: str) -> str | None:
        """The terminal id the ``token`` belongs to, or None.

        The lookup is by the hash of the presented token, so its timing reveals nothing
        about stored tokens; the constant-time comparison is kept as a second guard.
        """
        digest = sha256_hex(token)
        with self._read() as session:
            row = session.scalars(select(TerminalRow).where(TerminalRow.token_sha256 == digest)).first()
        if row is None or not hmac.compare_digest(row.token_sha256, digest):
            return None
        return row.terminal_id

    # -- submissions ---------------------------------------------------------------

    def submit(self, incoming: IncomingSubmission) -> SubmitResult:
        """Store ``incoming`` once; a repeat of the same body replays the first answer.

        Raises ``IdempotencyConflict`` when the id is already taken by another body.
        """
        digest = incoming.body_sha256()
        try:
            with self._writing() as session:
                existing = self._existing(session, incoming.id)
                if existing is not None:
                    return self._replay(existing, digest)
                row = self._insert(session, incoming, digest)
                record = SubmissionRecord.from_row(row)
        except IntegrityError:
            # BEGIN IMMEDIATE already serialises writers, so this is a second line of
            # defence (e.g. a database that does not take the lock at BEGIN): someone
            # else inserted this id after we looked. Their row is the answer.
            with self._read() as session:
                existing = self._existing(session, incoming.id)
                if existing is None:
                    raise
                return self._replay(existing, digest)
        log.info("submission %s accepted from terminal %s as %s",
                 record.id, record.terminal_id, record.receipt_number)
        return SubmitResult(record, created=True)

    def _existing(self, session: Session, submission_id: str) -> SubmissionRow | None:
        return session.get(SubmissionRow, submission_id)

    def _replay(self, existing: SubmissionRow, digest: str) -> SubmitResult:
        if not hmac.compare_digest(existing.payload_sha256, digest):
            log.warning("submission %s repeated with a different body", existing.id)
            raise IdempotencyConflict(f"submission {existing.id} was already sent with a different body",
                                      submission_id=existing.id)
        log.info("submission %s repeated; answering as duplicate", existing.id)
        return SubmitResult(SubmissionRecord.from_row(existing), created=False)

    def _insert(self, session: Session, incoming: IncomingSubmission, digest: str) -> SubmissionRow:
        now = self._clock()
        row = SubmissionRow(
            id=incoming.id,
            terminal_id=incoming.terminal_id,
            item_code=incoming.item_code,
            version=incoming.version,
            clerk_id=incoming.clerk_id,
            client_created_at=incoming.created_at,
            payload=canonical_json(incoming.payload),
            payload_sha256=digest,
            receipt_number=self._allocate_receipt(session, now),
            status=STATUS_ACCEPTED,
            received_at=_iso(now),
        )
        session.add(row)
        session.flush()
        return row

    def _allocate_receipt(self, session: Session, now: datetime) -> str:
        """Take the next receipt number of ``now``'s China day, in the caller's transaction."""
        day = china_day(now)
        stmt = (
            sqlite_insert(ReceiptCounterRow)
            .values(day=day, last_sequence=1)
            .on_conflict_do_update(
                index_elements=[ReceiptCounterRow.day],
                set_={"last_sequence": ReceiptCounterRow.last_sequence + 1},
            )
            .returning(ReceiptCounterRow.last_sequence)
        )
        sequence = session.execute(stmt).scalar_one()
        if sequence > MAX_SEQUENCE:
            raise ReceiptsExhausted(f"no receipt numbers left for {day}", day=day)
        return format_receipt(day, sequence)

    def get_submission(self, submission_id: str, *,
                       terminal_id: str | None = None) -> SubmissionRecord | None:
        """The submission with ``submission_id``; with ``terminal_id``, only if it sent it."""
        with self._read() as session:
            row = session.get(SubmissionRow, submission_id)
            if row is None or (terminal_id is not None and row.terminal_id != terminal_id):
                return None
            return SubmissionRecord.from_row(row)

    def list_submissions(self) -> list[SubmissionRecord]:
        """All submissions in the order they were received."""
        with self._read() as session:
            rows = session.scalars(
                select(SubmissionRow).order_by(SubmissionRow.received_at, SubmissionRow.receipt_number)
            ).all()
            return [SubmissionRecord.from_row(row) for row in rows]


def add_terminal(db_path: Path, terminal_id: str) -> str:
    """Register ``terminal_id`` in the database at ``db_path``; return its (new) token."""
    with CentralStore.open(db_path) as store:
        return store.add_terminal(terminal_id)
