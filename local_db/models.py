"""SQLAlchemy models of the terminal's local database.

The schema is owned by the Alembic migrations in ``local_db/migrations``; these
classes must match them (a test compares the two). Times are stored in UTC.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class SubmissionState(enum.StrEnum):
    """Where a submission is in its life; stored as its value."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    #: sent to the central system as 待复核, to be signed there or on another terminal of the office
    REVIEW_ELSEWHERE = "review_elsewhere"
    QUEUED = "queued"
    SENDING = "sending"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    CLOSED = "closed"


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    #: the central system refused the request itself (not the application): needs a person
    FAILED = "failed"


class Base(DeclarativeBase):
    pass


class Clerk(Base):
    __tablename__ = "clerk"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # staff number (工号)
    name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: wrong passwords since the last successful sign-in or lock (issue 16: lockout)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: sign-in refused until then, whatever the password
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class ClerkRole(Base):
    """One role a clerk holds (受理, 复核, …, 系统管理员); the names are ``local_db.clerks.Role`` values."""

    __tablename__ = "clerk_role"

    clerk_id: Mapped[str] = mapped_column(ForeignKey("clerk.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Applicant(Base):
    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id_number: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    sex: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Submission(Base):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("counter_receipt_no", name="uq_submission_counter_receipt_no"),
        # the due dates still to count (``local_db.due_dates``, migration 0010): no scan at every start
        Index("ix_submission_due_open", "id", sqlite_where=text("due_provisional IS 1 OR due_date IS NULL")),
        # the workbench's lists (``local_db/workbench.py``): a state, then the clerk, the due date or the answer
        Index("ix_submission_state_clerk", "state", "clerk_id"),
        Index("ix_submission_state_due", "state", "due_date"),
        Index("ix_submission_state_answered", "state", "answered_at"),
        # the statistics read only these (migration 0012): answered from the index, no payload decrypted
        # (and the ratings, migration 0015; four flags packed in ``stat_bits``, migration 0016)
        *(Index(f"ix_submission_stats_{name}", "received_day", group, "state", "open_due", "waiver_count",
                "answer_days", "stat_bits", "rating_bits")
          for name, group in (("clerk", "clerk_id"), ("window", "terminal_id"), ("item", "item_code"))),
        # the statistics' home visits (上门服务, migration 0014): the few such cases, read from their own index
        Index("ix_submission_home_visits", "received_day", "clerk_id", "terminal_id", "item_code", "state",
              "home_visit", sqlite_where=text("home_visit = 1")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # client UUID = idempotency key
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    terminal_id: Mapped[str] = mapped_column(String(64))
    clerk_id: Mapped[str] = mapped_column(ForeignKey("clerk.id"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(32), index=True, default=SubmissionState.QUEUED.value)
    #: the central system's number, once it has accepted the submission
    receipt_number: Mapped[str | None] = mapped_column(String(64))
    #: the number on the counter's own receipt (受理回执), given when the clerk accepted it, online or not
    counter_receipt_no: Mapped[str | None] = mapped_column(String(48))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: when the counter accepted it (or the draft was first kept): the day its time limit counts from
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the case this submission is a version of (its first version's id); a correction is a new version
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    case_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: why the central system returned it (or its note on approval)
    status_reason: Mapped[str | None] = mapped_column(Text)
    #: the second clerk who approved it before it was queued (Art. 37), and when
    approved_by: Mapped[str | None] = mapped_column(String(32))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: when the central system closed the case (its time), or when a correction closed this version
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: when its personal content was purged after the retention period (``local_db.retention``)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the review tier computed from the values when it was submitted (none / review / review_approval;
    #: None: submitted before tiers were stored) and the reasons of the raises that held
    review_tier: Mapped[str | None] = mapped_column(String(16))
    review_reasons: Mapped[list[str] | None] = mapped_column(JSON)
    #: the legal due date counted at acceptance (None: the item has no day count, or no calendar yet)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    #: the due date was counted from the statutory holidays, the year's schedule not yet published (预计)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    #: the working-day limit the due date was counted with (the form's, when it was accepted)
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    #: how many required materials were waived with a reason (statistics)
    waiver_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: when the central system's answer came (returned or closed), its time
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the Beijing date of ``created_at``, the days from it to ``answered_at`` and two flags of the answer:
    #: written by SQLite triggers (migration 0012) for the statistics, never by the application
    received_day: Mapped[date | None] = mapped_column(Date)
    answer_days: Mapped[float | None] = mapped_column(Float)
    #: 1 when answered after the Beijing due day; 1 when the central system returned this version (trigger)
    answered_late: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    was_returned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the due date while the central system has not answered (trigger): what a report judges late "today"
    open_due: Mapped[date | None] = mapped_column(Date)
    #: taken at the applicant's home (上门服务) rather than at a window (migration 0013)
    home_visit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    #: ``1 << 12 * (level - 1)`` of the case's 好差评 (``case_rating``), 0 while unrated: a sum holds each
    #: level's count in a 12-bit field. Written by a SQLite trigger (migration 0015), never by the application
    rating_bits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: a correction (``case_version`` > 1), ``was_returned``, ``answered_late`` and answered (``answer_days``
    #: known), one bit each at 0, 15, 30 and 45: a sum holds the four counts (trigger, migration 0016)
    stat_bits: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    applicant: Mapped[Applicant | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="submission")
    signatures: Mapped[list[ReviewSignature]] = relationship(back_populates="submission",
                                                             order_by="ReviewSignature.signed_at")
    #: its outbox row, once queued (read only: the outbox module writes it with plain SQL)
    outbox: Mapped[OutboxEntry | None] = relationship(viewonly=True)


class ReviewSignature(Base):
    """One step of a case's review (复核 ``review`` or 审批 ``approval``) signed by a clerk, here or elsewhere."""

    __tablename__ = "review_signature"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    clerk_id: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: the terminal the clerk signed on (their password was checked there)
    terminal_id: Mapped[str] = mapped_column(String(64))

    submission: Mapped[Submission] = relationship(back_populates="signatures")


class ReceiptCounter(Base):
    """The last receipt sequence number a terminal gave on a day (Beijing date)."""

    __tablename__ = "receipt_counter"

    terminal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    material_key: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(64))
    #: indexed: uploads are confirmed by hash, and a retention sweep asks who else holds a file
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: when the central system confirmed it holds the whole blob (None: upload still to do)
    uploaded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: when its sealed file was given up (retention): the row stays as a tombstone with its hash
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


class OutboxEntry(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the exact request body (canonical JSON), fixed when queued so every resend is identical
    body: Mapped[str | None] = mapped_column(Text)


class SyncState(Base):
    """Small facts of the sync: the status-feed cursor, the last good sync, reference-data ETags."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """One entry of the append-only audit trail (``local_db.audit``); triggers refuse UPDATE and DELETE.

    ``person_key`` is a keyed hash of an ID number, never the number; ``hash`` chains the entry to the
    one before it (``prev_hash``), so an edited, deleted or inserted entry shows.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    clerk_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str | None] = mapped_column(String(64))
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)
    #: canonical JSON of a few facts without personal data (a form's code, a field's key, a receipt number)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class CaseReminder(Base):
    """A 催办 a clerk recorded on a case pending at the central system, and when it went there."""

    __tablename__ = "case_reminder"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # client UUID = idempotency key
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), index=True)
    clerk_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class CaseRating(Base):
    """The applicant's 好差评 of a handled case: one per submission, of the case and never of the person.

    ``level`` 5 = 非常满意 … 1 = 非常不满意; ``reasons`` the reasons chosen for the two lowest levels.
    The client UUID is the idempotency key at the central system; ``sent_at`` is set once it holds it.
    """

    __tablename__ = "case_rating"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="ck_case_rating_level"),
                      Index("ix_case_rating_pending", "created_at", sqlite_where=text("sent_at IS NULL")))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), unique=True, index=True)
    clerk_id: Mapped[str] = mapped_column(String(32))
    level: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class InformedNotice(Base):
    """A 一次性告知书: the case could not be accepted today; what the applicant still has to bring.

    The outcome "informed, not accepted" is counted in the statistics; its personal data is purged like a
    draft's (``local_db.retention``).
    """

    __tablename__ = "informed_notice"
    __table_args__ = (Index("ix_informed_notice_stats", "created_at", "clerk_id", "terminal_id", "item_code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    notice_no: Mapped[str] = mapped_column(String(48), unique=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    form_version: Mapped[int] = mapped_column(Integer)
    terminal_id: Mapped[str] = mapped_column(String(64))
    clerk_id: Mapped[str] = mapped_column(String(32), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(64))
    applicant_id_number: Mapped[str | None] = mapped_column(String(32))
    agent_name: Mapped[str | None] = mapped_column(String(64))
    #: the missing materials: [{"key", "name", "basis"}]
    missing: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ClerkItem(Base):
    """A clerk's favourite (我的收藏) and recently used service items."""

    __tablename__ = "clerk_item"

    clerk_id: Mapped[str] = mapped_column(ForeignKey("clerk.id"), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    favourite: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    use_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
