"""The central store: terminals and their tokens, idempotent submissions, receipt numbers,
cases and their review status, the status feed, and blob metadata.

A submission's client-made UUID is the idempotency key. A repeat with the same id
and the same body is a duplicate and gets the first answer again; the same id with
another body is refused. "Same body" is decided on the SHA-256 of the canonical JSON
of the whole request body as sent, so two bodies that differ only in key order or
whitespace are the same submission, while a body that spells out an optional field's
default is a different body from one that leaves it out.

The store runs on SQLite (writers serialise at ``BEGIN IMMEDIATE``) or PostgreSQL
(READ COMMITTED; unique constraints, ``INSERT ... ON CONFLICT``, ``SELECT ... FOR
UPDATE`` and one transaction-scoped advisory lock do the same work there).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Engine, Table, insert, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from central.blobs import is_terminal_folder
from central.db import database_url, make_engine, sqlite_path, writer
from central.errors import (
    AlreadyDecided,
    AttachmentsIncomplete,
    CaseConflict,
    CentralError,
    CentralStorageError,
    IdempotencyConflict,
    InvalidTerminalId,
    NotFound,
    ReceiptsExhausted,
    ReviewIncomplete,
    SignatureMissing,
)
from central.models import (
    Base,
    BlobRow,
    HomeVisitRow,
    ReceiptCounterRow,
    ReferenceVersionRow,
    ReviewRow,
    ReviewSignatureRow,
    StatusEventRow,
    SubmissionRow,
    TerminalRow,
)
from central.receipts import MAX_SEQUENCE, china_day, format_receipt, parse_receipt, utc_now
from central.tiers import STATUS_AWAITING_REVIEW, ReviewVerdict, reasons_json
from core.private import PRIVATE_DIR_MODE, create_private_file, tighten, tighten_own
from protocol.body import SIGNATURE_KEY
from protocol.canonical import canonical_json
from protocol.ids import TERMINAL_ID_PATTERN

log = logging.getLogger(__name__)

STATUS_ACCEPTED = "accepted"
STATUS_RETURNED = "returned"
STATUS_APPROVED = "approved"
STATUSES = (STATUS_ACCEPTED, STATUS_RETURNED, STATUS_APPROVED, STATUS_AWAITING_REVIEW)
#: key of the PostgreSQL advisory lock that makes status event ids follow commit order
EVENT_LOCK_KEY = 0x5E_ED_F0_0D
#: checked with ``fullmatch``: with ``match``, ``$`` also matches before a trailing newline ("T1\n")
TERMINAL_ID_RE = re.compile(TERMINAL_ID_PATTERN)
#: the tables themselves, for Core inserts of many rows
_SUBMISSION_TABLE = cast(Table, SubmissionRow.__table__)
_EVENT_TABLE = cast(Table, StatusEventRow.__table__)
_HOME_VISIT_TABLE = cast(Table, HomeVisitRow.__table__)
_REVIEW_TABLE = cast(Table, ReviewRow.__table__)
_SIGNATURE_TABLE = cast(Table, ReviewSignatureRow.__table__)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IncomingSubmission:
    """A submission as a terminal sends it (protocol field names).

    The optional fields are None when the body left them out; ``body()`` then leaves
    them out too, so the idempotency hash is that of the body as sent.
    """

    id: str
    item_code: str
    version: int
    terminal_id: str
    clerk_id: str
    created_at: str
    payload: dict[str, Any]
    attachments: Sequence[Mapping[str, Any]] | None = None
    case_id: str | None = None
    case_version: int | None = None
    counter_receipt_no: str | None = None
    review: Mapping[str, Any] | None = None
    #: true: taken at the applicant's home (上门服务); None when the body left it out
    home_visit: bool | None = None
    #: what the central system makes of the review (``central.tiers``); None: stored as accepted, unchecked
    verdict: ReviewVerdict | None = field(default=None, compare=False)

    def body(self) -> dict[str, Any]:
        """The request body this submission came as, for hashing."""
        body: dict[str, Any] = {
            "id": self.id,
            "item_code": self.item_code,
            "version": self.version,
            "terminal_id": self.terminal_id,
            "clerk_id": self.clerk_id,
            "created_at": self.created_at,
            "payload": self.payload,
        }
        optional: dict[str, Any] = {
            "attachments": None if self.attachments is None else [dict(a) for a in self.attachments],
            "case_id": self.case_id,
            "case_version": self.case_version,
            "counter_receipt_no": self.counter_receipt_no,
            "review": None if self.review is None else dict(self.review),
            "home_visit": self.home_visit,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body

    def body_sha256(self) -> str:
        return sha256_hex(canonical_json(self.body()))

    @property
    def effective_case_id(self) -> str:
        return self.case_id if self.case_id is not None else self.id

    @property
    def effective_case_version(self) -> int:
        return self.case_version if self.case_version is not None else 1

    @property
    def effective_attachments(self) -> list[dict[str, Any]]:
        return [dict(a) for a in self.attachments or ()]

    @property
    def status(self) -> str:
        """The status it is stored with: accepted, or awaiting review (待复核) until signed elsewhere."""
        return self.verdict.status if self.verdict is not None else STATUS_ACCEPTED

    def check_review(self) -> None:
        """``ReviewIncomplete`` when its tier needs signatures it does not carry (or carries wrong ones)."""
        if self.verdict is not None and self.verdict.unsigned:
            log.warning("submission %s refused: no signature", self.id)
            raise SignatureMissing(f"该事项须由申请人（代办人）签字，未附签字（{SIGNATURE_KEY}）",
                                   submission_id=self.id)
        if self.verdict is not None and self.verdict.refusal is not None:
            log.warning("submission %s refused: review %s incomplete", self.id, self.verdict.tier)
            raise ReviewIncomplete(self.verdict.refusal, submission_id=self.id)


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
    case_id: str
    case_version: int
    reason: str | None = None
    counter_receipt_no: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    #: taken at the applicant's home (上门服务)
    home_visit: bool = False

    @classmethod
    def from_row(cls, row: SubmissionRow, *, home_visit: bool = False) -> SubmissionRecord:
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
            case_id=row.case_id,
            case_version=row.case_version,
            reason=row.reason,
            counter_receipt_no=row.counter_receipt_no,
            attachments=json.loads(row.attachments),
            home_visit=home_visit,
        )


@dataclass(frozen=True)
class StatusEvent:
    """One entry of the status feed."""

    cursor: str
    submission_id: str
    case_id: str
    case_version: int
    status: str
    reason: str | None
    receipt_number: str
    at: str

    @classmethod
    def from_row(cls, row: StatusEventRow) -> StatusEvent:
        return cls(cursor=str(row.id), submission_id=row.submission_id, case_id=row.case_id,
                   case_version=row.case_version, status=row.status, reason=row.reason,
                   receipt_number=row.receipt_number, at=row.at)


@dataclass(frozen=True)
class SubmitResult:
    """What ``submit`` did: ``created`` is False when the answer replays an earlier one."""

    record: SubmissionRecord
    created: bool


class _CaseVersion(NamedTuple):
    """What the case rules need of a case's latest stored version."""

    case_version: int
    status: str


class _ItemByItem(Exception):
    """The set-based batch path gives up (its transaction rolls back); go item by item."""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


class CentralStore:
    """The central database. Thread-safe; one instance per server process."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utc_now,
                 blob_dir: Path | None = None) -> None:
        from central.audit import CentralAuditTrail
        from central.blobs import BlobStore

        self._engine = engine
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer(engine), expire_on_commit=False)
        #: the uploaded attachments; None when no blob directory is known (see ``open``)
        self.blobs = BlobStore(self._read, self._write, blob_dir, clock=clock) if blob_dir else None
        #: the terminals' audit trails (``central.audit``)
        self.audit = CentralAuditTrail(self._read, self._write, clock)

    @classmethod
    def open(cls, db: Path | str, *, clock: Callable[[], datetime] = utc_now,
             blob_dir: Path | None = None) -> CentralStore:
        """Open (creating if needed) the database ``db``: a SQLite file or a SQLAlchemy URL.

        Blobs go to ``blob_dir``, by default ``<db dir>/<db stem>-blobs`` next to a
        SQLite file; a server database has no such place, so it needs ``blob_dir``.
        """
        url = database_url(db)
        shown = str(db) if isinstance(db, Path) else _safe_url(url)
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)  # an existing one is kept
            if blob_dir is None:
                blob_dir = path.parent / f"{path.stem}-blobs"
            create_private_file(path)  # 0600 before SQLite opens it: its -wal/-shm/-journal follow
        try:
            engine = make_engine(url)
        except ValueError as exc:
            raise CentralStorageError(f"cannot open central database {shown}: {exc}") from exc
        try:
            # create_all is enough for a reference server; it has no migrations to run.
            with writer(engine).begin() as conn:
                Base.metadata.create_all(conn)
                columns = {column["name"] for column in inspect(conn).get_columns("submissions")}
        except DatabaseError as exc:
            engine.dispose()
            raise CentralStorageError(f"cannot open central database {shown}: {exc.orig}",
                                      path=shown) from exc
        if "case_id" not in columns:
            engine.dispose()
            raise CentralStorageError(
                f"central database {shown} was made by an older version without cases and attachments; "
                "move it aside and start with a new one", path=shown)
        # Only now that the file has proved to be our database are its modes ours to repair (``--db
        # /etc/passwd`` is refused above and left as it was).
        _make_private(path, blob_dir)
        return cls(engine, clock=clock, blob_dir=blob_dir)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> CentralStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        """The store's clock (the reviewer measures its delay with it)."""
        return self._clock()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write() as session, session.begin():
            yield session

    # -- reference data ------------------------------------------------------------

    def reference_version(self, name: str, sha256: str) -> int:
        """The version of data set ``name`` whose canonical hash is ``sha256``: the stored one while the
        hash is unchanged, the next one (stored now) when the document changed (docs/sync-protocol.md)."""
        with self._writing() as session:
            row = session.get(ReferenceVersionRow, name, with_for_update=True)
            if row is None:
                row = ReferenceVersionRow(name=name, sha256=sha256, version=1, published_at=_iso(self.now()))
                session.add(row)
            elif row.sha256 != sha256:
                row.sha256, row.version, row.published_at = sha256, row.version + 1, _iso(self.now())
            return row.version

    def writing(self) -> AbstractContextManager[Session]:
        """One write transaction (``central.reviews`` signs and returns cases in it)."""
        return self._writing()

    def reading(self) -> Session:
        """A read session (use as a context manager)."""
        return self._read()

    def record_event(self, session: Session, row: SubmissionRow) -> None:
        """Put ``row``'s current status in its terminal's feed, in ``session``'s transaction."""
        self._add_event(session, row)

    # -- terminals -----------------------------------------------------------------

    def add_terminal(self, terminal_id: str) -> str:
        """Register ``terminal_id`` (or rotate its token) and return the new token.

        The token is returned only here; the store keeps its SHA-256, so a lost token
        can only be replaced, never recovered.
        """
        if not TERMINAL_ID_RE.fullmatch(terminal_id):
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

        Raises ``IdempotencyConflict`` when the id is already taken by another body,
        ``AttachmentsIncomplete`` when a referenced blob is not completely uploaded by
        this terminal, and ``CaseConflict`` when the case version does not follow a
        returned latest version. Nothing is stored in any of these cases.
        """
        digest = incoming.body_sha256()
        try:
            with self._writing() as session:
                existing = self._existing(session, incoming.id)
                if existing is not None:
                    return self._replay(existing, digest)
                incoming.check_review()
                self._check_attachments(session, incoming)
                self._check_case(session, incoming)
                row = self._insert(session, incoming, digest)
                self._add_event(session, row)
                record = SubmissionRecord.from_row(row, home_visit=bool(incoming.home_visit))
        except CaseConflict:
            # A racing copy of this very submission may have committed between our
            # look-up by id and the case check (PostgreSQL, READ COMMITTED): then its
            # case version is taken by it, and the answer is the duplicate's.
            with self._read() as session:
                existing = self._existing(session, incoming.id)
                if existing is None:
                    raise
                return self._replay(existing, digest)
        except IntegrityError:
            # On SQLite, BEGIN IMMEDIATE already serialises writers, so this is a second
            # line of defence. On PostgreSQL it is the normal way a race ends: someone
            # else inserted this id (or this case version) after we looked, and their
            # insert blocked ours until it committed. Their row is the answer.
            with self._read() as session:
                existing = self._existing(session, incoming.id)
                if existing is None:
                    if self._case_version_taken(session, incoming):
                        raise self._case_conflict(incoming) from None
                    raise
                return self._replay(existing, digest)
        log.info("submission %s accepted from terminal %s as %s (case %s v%d)",
                 record.id, record.terminal_id, record.receipt_number, record.case_id, record.case_version)
        return SubmitResult(record, created=True)

    def submit_batch(self, items: Sequence[IncomingSubmission]) -> list[SubmitResult | CentralError]:
        """Store many submissions in ONE transaction; per item the result or the refusal.

        Each item gets the answer ``submit`` would give it (idempotency, attachments,
        case rules); all stored items become visible (and durable) at the single commit.
        An ordinary batch takes the set-based path (``_submit_batch_at_once``): a few
        queries for the whole batch instead of several per item. A batch it cannot
        answer exactly like the item-by-item path (one id or one case twice, several
        terminals, a racing insert) goes item by item (``_submit_batch_by_item``).
        """
        results = self._submit_batch_at_once(items) if self._batchable(items) else None
        if results is None:
            results = self._submit_batch_by_item(items)
        for result in results:
            if isinstance(result, SubmitResult) and result.created:
                record = result.record
                log.info("submission %s accepted from terminal %s as %s (case %s v%d) in a batch",
                         record.id, record.terminal_id, record.receipt_number, record.case_id, record.case_version)
        return results

    @staticmethod
    def _batchable(items: Sequence[IncomingSubmission]) -> bool:
        """Whether the items are independent of each other, so checking them all against the
        database as it was before the batch gives the same answers as checking them in turn.

        A repeated id (the second copy replays or conflicts with the first) or a case
        named twice (v1 then v2 in one batch, or two racing v2) depends on the earlier
        items' outcome; such batches go item by item.
        """
        terminals = {item.terminal_id for item in items}
        ids = {item.id for item in items}
        cases = {item.effective_case_id for item in items}
        return len(terminals) == 1 and len(ids) == len(items) and len(cases) == len(items)

    def _submit_batch_at_once(self, items: Sequence[IncomingSubmission]) -> list[SubmitResult | CentralError] | None:
        """The set-based path: None when the batch must go item by item after all.

        Checks run in the order ``submit`` runs them (existing id, attachments, case),
        each as one query for the whole batch; then one counter update allocates the
        receipts and the new rows and their events go in as two multi-row inserts.
        A racing writer that stored one of our ids or case versions after our checks
        makes an insert fail on a unique index (PostgreSQL); the transaction is then
        rolled back and the batch redone item by item, which answers from their row.
        """
        if not items:
            return []
        terminal_id = items[0].terminal_id
        digests = [item.body_sha256() for item in items]
        try:
            with self._writing() as session:
                results: list[SubmitResult | CentralError | None] = [None] * len(items)
                existing = {row.id: row for row in session.scalars(
                    select(SubmissionRow).where(SubmissionRow.id.in_([item.id for item in items])))}
                pending = []
                for index, item in enumerate(items):
                    row = existing.get(item.id)
                    if row is not None:
                        results[index] = self._replay_or_error(row, digests[index])
                        continue
                    try:
                        item.check_review()
                    except (ReviewIncomplete, SignatureMissing) as exc:
                        results[index] = exc
                    else:
                        pending.append(index)
                ready = self._complete_blobs(session, terminal_id, [items[i] for i in pending])
                checked = []
                for index in pending:
                    try:
                        self._check_attachments_in(ready, items[index])
                    except AttachmentsIncomplete as exc:
                        results[index] = exc
                    else:
                        checked.append(index)
                latest = self._latest_of_cases(session, terminal_id,
                                               [items[i].effective_case_id for i in checked])
                accepted = []
                conflicted = []
                for index in checked:
                    item = items[index]
                    if self._case_follows(latest.get(item.effective_case_id), item.effective_case_version):
                        accepted.append(index)
                    else:
                        results[index] = self._case_conflict(item, latest.get(item.effective_case_id))
                        conflicted.append(index)
                if conflicted:
                    # As in ``submit``: a racing copy of this very submission may have committed
                    # between our look-up by id and the case check; its row is the answer.
                    found = {row.id: row for row in session.scalars(
                        select(SubmissionRow).where(SubmissionRow.id.in_([items[i].id for i in conflicted]))
                        .execution_options(populate_existing=True))}
                    for index in conflicted:
                        row = found.get(items[index].id)
                        if row is not None:
                            results[index] = self._replay_or_error(row, digests[index])
                if accepted:
                    self._batch_checked(session, [items[i] for i in accepted])
                    now = self._clock()
                    receipts = self._allocate_receipts(session, now, len(accepted))
                    if receipts is None:
                        raise _ItemByItem
                    records = self._insert_batch(session, [(items[i], digests[i]) for i in accepted],
                                                 receipts, now)
                    for index, record in zip(accepted, records, strict=True):
                        results[index] = SubmitResult(record, created=True)
        except IntegrityError:
            log.info("a batch of %d submissions raced with another writer; redoing it item by item", len(items))
            return None
        except _ItemByItem:
            return None
        assert all(result is not None for result in results)
        return [result for result in results if result is not None]

    def _batch_checked(self, session: Session, items: Sequence[IncomingSubmission]) -> None:
        """Seam between the set-based checks and the inserts (tests race a writer here)."""

    def _submit_batch_by_item(self, items: Sequence[IncomingSubmission]) -> list[SubmitResult | CentralError]:
        """The careful path: each item as ``submit`` handles it, inside its own savepoint
        so that a refused item leaves the others alone, all in one transaction.

        On PostgreSQL a racing batch with the same ids queues on the receipt counter
        row's lock or on the unique index; the loser replays the winner's row.
        """
        with self._writing() as session:
            return [self._submit_in_batch(session, incoming) for incoming in items]

    def _submit_in_batch(self, session: Session, incoming: IncomingSubmission) -> SubmitResult | CentralError:
        digest = incoming.body_sha256()
        try:
            existing = self._existing(session, incoming.id)
            if existing is not None:
                return self._replay(existing, digest)
            with session.begin_nested():
                incoming.check_review()
                self._check_attachments(session, incoming)
                self._check_case(session, incoming)
                row = self._insert(session, incoming, digest)
                self._add_event(session, row)
                return SubmitResult(SubmissionRecord.from_row(row, home_visit=bool(incoming.home_visit)),
                                    created=True)
        except CaseConflict as exc:
            # As in ``submit``: a racing copy of this very submission may have committed.
            found = self._fresh_existing(session, incoming.id)
            if found is None:
                return exc
            return self._replay_or_error(found, digest)
        except IntegrityError:
            found = self._fresh_existing(session, incoming.id)
            if found is None:
                if self._case_version_taken(session, incoming):
                    return self._case_conflict(incoming)
                raise
            return self._replay_or_error(found, digest)
        except CentralError as exc:
            return exc

    def _fresh_existing(self, session: Session, submission_id: str) -> SubmissionRow | None:
        # A new statement: under READ COMMITTED it sees what a racing transaction committed.
        return session.scalars(select(SubmissionRow).where(SubmissionRow.id == submission_id)
                               .execution_options(populate_existing=True)).first()

    def _replay_or_error(self, existing: SubmissionRow, digest: str) -> SubmitResult | CentralError:
        try:
            return self._replay(existing, digest)
        except IdempotencyConflict as exc:
            return exc

    def _existing(self, session: Session, submission_id: str) -> SubmissionRow | None:
        return session.get(SubmissionRow, submission_id)

    def _replay(self, existing: SubmissionRow, digest: str) -> SubmitResult:
        if not hmac.compare_digest(existing.payload_sha256, digest):
            log.warning("submission %s repeated with a different body", existing.id)
            raise IdempotencyConflict(f"submission {existing.id} was already sent with a different body",
                                      submission_id=existing.id)
        log.info("submission %s repeated; answering as duplicate", existing.id)
        return SubmitResult(SubmissionRecord.from_row(existing), created=False)

    def _check_attachments(self, session: Session, incoming: IncomingSubmission) -> None:
        self._check_attachments_in(self._complete_blobs(session, incoming.terminal_id, [incoming]), incoming)

    def _complete_blobs(self, session: Session, terminal_id: str,
                        items: Sequence[IncomingSubmission]) -> set[tuple[str, int]]:
        """``(sha256, size)`` of ``terminal_id``'s complete blobs among those the items name."""
        wanted = {a["sha256"] for item in items for a in item.effective_attachments}
        if not wanted:
            return set()
        rows = session.execute(select(BlobRow.sha256, BlobRow.size).where(
            BlobRow.terminal_id == terminal_id, BlobRow.sha256.in_(wanted), BlobRow.complete.is_(True))).all()
        return {(row[0], row[1]) for row in rows}

    @staticmethod
    def _check_attachments_in(ready: set[tuple[str, int]], incoming: IncomingSubmission) -> None:
        attachments = incoming.effective_attachments
        missing = sorted({a["sha256"][:12] for a in attachments if (a["sha256"], a["size"]) not in ready})
        if missing:
            raise AttachmentsIncomplete(
                "attachments not completely uploaded by this terminal: " + ", ".join(missing),
                submission_id=incoming.id)

    def _latest_of_case(self, session: Session, terminal_id: str, case_id: str) -> SubmissionRow | None:
        return session.scalars(
            select(SubmissionRow)
            .where(SubmissionRow.terminal_id == terminal_id, SubmissionRow.case_id == case_id)
            .order_by(SubmissionRow.case_version.desc())
            .limit(1)
        ).first()

    def _latest_of_cases(self, session: Session, terminal_id: str,
                         case_ids: Sequence[str]) -> dict[str, _CaseVersion]:
        """The latest version of each of ``terminal_id``'s cases ``case_ids`` that exists."""
        latest: dict[str, _CaseVersion] = {}
        if not case_ids:
            return latest
        rows = session.execute(
            select(SubmissionRow.case_id, SubmissionRow.case_version, SubmissionRow.status)
            .where(SubmissionRow.terminal_id == terminal_id, SubmissionRow.case_id.in_(set(case_ids)))
        ).all()
        for case_id, case_version, status in rows:
            known = latest.get(case_id)
            if known is None or case_version > known.case_version:
                latest[case_id] = _CaseVersion(case_version, status)
        return latest

    def _check_case(self, session: Session, incoming: IncomingSubmission) -> None:
        latest = self._latest_of_case(session, incoming.terminal_id, incoming.effective_case_id)
        if not self._case_follows(latest, incoming.effective_case_version):
            raise self._case_conflict(incoming, latest)

    @staticmethod
    def _case_follows(latest: SubmissionRow | _CaseVersion | None, version: int) -> bool:
        """Whether ``version`` may follow the case's ``latest`` stored version (None: a new case)."""
        if latest is None:
            return version == 1
        return latest.status == STATUS_RETURNED and version == latest.case_version + 1

    def _case_conflict(self, incoming: IncomingSubmission,
                       latest: SubmissionRow | _CaseVersion | None = None) -> CaseConflict:
        where = ("the case is unknown" if latest is None
                 else f"its latest version is {latest.case_version}, {latest.status}")
        log.warning("submission %s refused: case %s v%d does not follow (%s)", incoming.id,
                    incoming.effective_case_id, incoming.effective_case_version, where)
        return CaseConflict(
            f"case {incoming.effective_case_id} version {incoming.effective_case_version} refused: {where}; "
            "a new version needs the latest one returned and must be exactly one higher",
            submission_id=incoming.id)

    def _case_version_taken(self, session: Session, incoming: IncomingSubmission) -> bool:
        return session.scalars(select(SubmissionRow.id).where(
            SubmissionRow.terminal_id == incoming.terminal_id,
            SubmissionRow.case_id == incoming.effective_case_id,
            SubmissionRow.case_version == incoming.effective_case_version)).first() is not None

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
            status=incoming.status,
            received_at=_iso(now),
            case_id=incoming.effective_case_id,
            case_version=incoming.effective_case_version,
            reason=None,
            counter_receipt_no=incoming.counter_receipt_no,
            attachments=canonical_json(incoming.effective_attachments),
        )
        session.add(row)
        session.flush()
        self._insert_reviews(session, [incoming], now)
        self._insert_home_visits(session, [incoming])
        return row

    @staticmethod
    def _insert_home_visits(session: Session, items: Sequence[IncomingSubmission]) -> None:
        """Mark the items taken at the applicant's home (上门服务)."""
        visits = [{"submission_id": item.id} for item in items if item.home_visit]
        if visits:
            session.execute(insert(_HOME_VISIT_TABLE), visits)

    @staticmethod
    def _home_visit_ids(session: Session, ids: Sequence[str] | None = None) -> set[str]:
        """Which of ``ids`` (None: all) were taken at the applicant's home."""
        query = select(HomeVisitRow.submission_id)
        if ids is not None:
            query = query.where(HomeVisitRow.submission_id.in_(ids))
        return set(session.scalars(query))

    def _insert_reviews(self, session: Session, items: Sequence[IncomingSubmission], now: datetime) -> None:
        """Keep each item's review (tier, reasons, the signatures it carried), logging who signed."""
        kept = [item for item in items if item.verdict is not None and item.verdict.kept]
        if not kept:
            return
        session.execute(insert(_REVIEW_TABLE), [{
            "submission_id": item.id, "tier": item.verdict.tier, "reasons": reasons_json(item.verdict.reasons)}
            for item in kept if item.verdict is not None])
        signatures = [{"submission_id": item.id, "step": g["step"], "clerk_id": g["clerk_id"],
                       "terminal_id": g["terminal_id"], "signed_at": g["signed_at"], "recorded_at": _iso(now)}
                      for item in kept if item.verdict is not None for g in item.verdict.signatures]
        if signatures:
            session.execute(insert(_SIGNATURE_TABLE), signatures)
        for g in signatures:
            log.info("submission %s: %s signed by clerk %s on terminal %s", g["submission_id"], g["step"],
                     g["clerk_id"], g["terminal_id"])

    def _allocate_receipt(self, session: Session, now: datetime) -> str:
        """Take the next receipt number of ``now``'s China day, in the caller's transaction."""
        day = china_day(now)
        sequence = self._take_sequences(session, day, 1)
        if sequence > MAX_SEQUENCE:
            raise ReceiptsExhausted(f"no receipt numbers left for {day}", day=day)
        return format_receipt(day, sequence)

    def _allocate_receipts(self, session: Session, now: datetime, count: int) -> list[str] | None:
        """``count`` consecutive receipt numbers of ``now``'s China day, in the caller's
        transaction; None if the day has not that many left (the item-by-item path then
        refuses exactly the items past the last number)."""
        day = china_day(now)
        last = self._take_sequences(session, day, count)
        if last > MAX_SEQUENCE:
            return None
        return [format_receipt(day, sequence) for sequence in range(last - count + 1, last + 1)]

    def _take_sequences(self, session: Session, day: str, count: int) -> int:
        """Advance ``day``'s counter by ``count`` in ONE statement and return its new last value.

        The upsert takes the counter row's lock on PostgreSQL, held until commit, so
        concurrent submissions queue there: the ``count`` numbers up to the returned one
        are ours alone, and a rolled-back transaction gives them back, so the numbers
        stay gapless and unique.
        """
        upsert = pg_insert if self._postgres else sqlite_insert
        stmt = (
            upsert(ReceiptCounterRow)
            .values(day=day, last_sequence=count)
            .on_conflict_do_update(
                index_elements=[ReceiptCounterRow.day],
                set_={"last_sequence": ReceiptCounterRow.last_sequence + count},
            )
            .returning(ReceiptCounterRow.last_sequence)
        )
        return int(session.execute(stmt).scalar_one())

    def _insert_batch(self, session: Session, items: Sequence[tuple[IncomingSubmission, str]],
                      receipts: Sequence[str], now: datetime) -> list[SubmissionRecord]:
        """Insert the checked ``(submission, body digest)`` pairs and their accepted events.

        Two multi-row inserts rather than a flush per row; the events go in item order
        after ``_lock_event_order``, so their ids follow commit order as ``_add_event``'s do.
        """
        received_at = _iso(now)
        rows = [{
            "id": incoming.id,
            "terminal_id": incoming.terminal_id,
            "item_code": incoming.item_code,
            "version": incoming.version,
            "clerk_id": incoming.clerk_id,
            "client_created_at": incoming.created_at,
            "payload": canonical_json(incoming.payload),
            "payload_sha256": digest,
            "receipt_number": receipt,
            "status": incoming.status,
            "received_at": received_at,
            "case_id": incoming.effective_case_id,
            "case_version": incoming.effective_case_version,
            "reason": None,
            "counter_receipt_no": incoming.counter_receipt_no,
            "attachments": canonical_json(incoming.effective_attachments),
        } for (incoming, digest), receipt in zip(items, receipts, strict=True)]
        # Core inserts of the tables: the ORM's bulk path builds and tracks an object per row
        session.execute(insert(_SUBMISSION_TABLE), rows)
        self._insert_reviews(session, [incoming for incoming, _ in items], now)
        self._insert_home_visits(session, [incoming for incoming, _ in items])
        self._lock_event_order(session)
        session.execute(insert(_EVENT_TABLE), [{
            "terminal_id": row["terminal_id"], "submission_id": row["id"], "case_id": row["case_id"],
            "case_version": row["case_version"], "status": row["status"], "reason": None,
            "receipt_number": row["receipt_number"], "at": received_at} for row in rows])
        return [SubmissionRecord(
            id=incoming.id, terminal_id=incoming.terminal_id, item_code=incoming.item_code,
            version=incoming.version, clerk_id=incoming.clerk_id, client_created_at=incoming.created_at,
            payload=incoming.payload, payload_sha256=digest, receipt_number=receipt, status=incoming.status,
            received_at=received_at, case_id=incoming.effective_case_id, case_version=incoming.effective_case_version,
            counter_receipt_no=incoming.counter_receipt_no, attachments=incoming.effective_attachments,
            home_visit=bool(incoming.home_visit))
            for (incoming, digest), receipt in zip(items, receipts, strict=True)]

    def _lock_event_order(self, session: Session) -> None:
        """Make status event ids follow commit order (see ``_add_event``); once per transaction is enough."""
        if self._postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOCK_KEY})

    def _add_event(self, session: Session, row: SubmissionRow) -> None:
        """Record ``row``'s current status in the feed, in the caller's transaction.

        Feed readers page by event id, so ids must become visible in increasing order.
        SQLite guarantees that by serialising writers; on PostgreSQL sequence values
        are taken before commit, so an advisory lock held until commit makes id order
        and commit order the same (otherwise a reader could see id 8, move its cursor
        past it, and never see id 7 committed a moment later).
        """
        self._lock_event_order(session)
        session.add(StatusEventRow(terminal_id=row.terminal_id, submission_id=row.id, case_id=row.case_id,
                                   case_version=row.case_version, status=row.status, reason=row.reason,
                                   receipt_number=row.receipt_number, at=_iso(self._clock())))
        session.flush()

    def get_submission(self, submission_id: str, *,
                       terminal_id: str | None = None) -> SubmissionRecord | None:
        """The submission with ``submission_id``; with ``terminal_id``, only if it sent it."""
        with self._read() as session:
            row = session.get(SubmissionRow, submission_id)
            if row is None or (terminal_id is not None and row.terminal_id != terminal_id):
                return None
            return SubmissionRecord.from_row(row, home_visit=bool(self._home_visit_ids(session, [row.id])))

    def list_submissions(self) -> list[SubmissionRecord]:
        """All submissions in the order they were received."""
        with self._read() as session:
            rows = session.scalars(
                select(SubmissionRow).order_by(SubmissionRow.received_at, SubmissionRow.receipt_number)
            ).all()
            visits = self._home_visit_ids(session)
            return [SubmissionRecord.from_row(row, home_visit=row.id in visits) for row in rows]

    # -- review and the status feed ----------------------------------------------------

    def review(self, submission_id: str, status: str, reason: str | None = None) -> SubmissionRecord:
        """Decide an accepted submission: ``returned`` (a reason is required) or ``approved``.

        The status change and its feed event are one transaction. Raises ``NotFound``
        for an unknown id and ``AlreadyDecided`` when the status is already final.
        """
        if status not in (STATUS_RETURNED, STATUS_APPROVED):
            raise ValueError(f"a reviewer sets returned or approved, not {status!r}")
        reason = reason.strip() if reason is not None else None
        if status == STATUS_RETURNED and not reason:
            raise ValueError("returning a submission needs a reason")
        with self._writing() as session:
            row = session.get(SubmissionRow, submission_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no submission {submission_id}", submission_id=submission_id)
            if row.status != STATUS_ACCEPTED:
                raise AlreadyDecided(f"submission {submission_id} is already {row.status}",
                                     submission_id=submission_id)
            row.status = status
            row.reason = reason or None
            session.flush()
            self._add_event(session, row)
            record = SubmissionRecord.from_row(row)
        log.info("submission %s %s by the reviewer", submission_id, status)
        return record

    def undecided(self, received_before: datetime) -> list[tuple[str, str]]:
        """``(id, receipt_number)`` of accepted submissions received before the given time, in receipt order."""
        with self._read() as session:
            rows = session.execute(
                select(SubmissionRow.id, SubmissionRow.receipt_number)
                .where(SubmissionRow.status == STATUS_ACCEPTED, SubmissionRow.received_at < _iso(received_before))
                .order_by(SubmissionRow.receipt_number)
            ).all()
        return [(row[0], row[1]) for row in rows]

    def status_feed(self, terminal_id: str, since: int | None, limit: int) -> tuple[list[StatusEvent], bool]:
        """Up to ``limit`` of ``terminal_id``'s events after cursor ``since``; and whether more follow."""
        with self._read() as session:
            query = select(StatusEventRow).where(StatusEventRow.terminal_id == terminal_id)
            if since is not None:
                query = query.where(StatusEventRow.id > since)
            rows = session.scalars(query.order_by(StatusEventRow.id).limit(limit + 1)).all()
        return [StatusEvent.from_row(row) for row in rows[:limit]], len(rows) > limit


def _make_private(path: Path | None, blob_dir: Path | None) -> None:
    """The central's files are its owner's only (0600, directories 0700: issue 17); an installation made
    before that is repaired at start and said once in the log. The database's own directory may be shared
    (``--db /srv/x.sqlite3``), so only the database's files are changed there; in the blob directory (which
    an operator may name too) only the terminals' blob folders, and the folder itself when it holds
    nothing else (``central.blobs.is_terminal_folder``)."""
    loosened: list[Path] = []
    if path is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            loosened += tighten(path.with_name(path.name + suffix))
    if blob_dir is not None:
        loosened += tighten_own(blob_dir, is_terminal_folder)
    if loosened:
        log.warning("%d central files and folders were readable by others; now by the owner only (e.g. %s)",
                    len(loosened), loosened[0])


def receipt_sequence(receipt_number: str) -> int:
    """The daily sequence of a receipt number (the reviewer's ``alternate`` mode uses its parity)."""
    return parse_receipt(receipt_number)[1]


def _safe_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


def add_terminal(db: Path | str, terminal_id: str, *, office: str | None = None) -> str:
    """Register ``terminal_id`` in the database ``db`` (file or URL); return its (new) token.

    ``office``: the office (服务大厅) it belongs to; its terminals review each other's cases awaiting review.
    """
    with CentralStore.open(db) as store:
        token = store.add_terminal(terminal_id)
        if office is not None:
            from central.reference import ReferenceSource
            from central.reviews import ReviewDesk
            from central.tiers import ReviewPolicy

            ReviewDesk(store, ReviewPolicy(ReferenceSource())).set_office(terminal_id, office)
        return token
