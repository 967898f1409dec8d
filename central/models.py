"""Tables of the central store (its own schema, unrelated to the terminal's local_db).

The same tables serve SQLite and PostgreSQL; only portable column types are used.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class TerminalRow(Base):
    """A registered counter terminal; only the SHA-256 of its token is kept."""

    __tablename__ = "terminals"

    terminal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Unique so authentication is one index lookup on the hash of the presented token.
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(40))


class SubmissionRow(Base):
    """One accepted submission, keyed by the client-made UUID (the idempotency key)."""

    __tablename__ = "submissions"
    __table_args__ = (
        # One row per (terminal, case, version): two corrections racing for the same
        # version cannot both be stored, whatever the isolation level.
        UniqueConstraint("terminal_id", "case_id", "case_version", name="uq_submission_case_version"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    clerk_id: Mapped[str] = mapped_column(String(64))
    client_created_at: Mapped[str] = mapped_column(String(40))
    #: the ``payload`` object as JSON text
    payload: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the canonical JSON of the WHOLE request body (not only the payload);
    #: a repeat with the same id is a duplicate only if this matches
    payload_sha256: Mapped[str] = mapped_column(String(64))
    receipt_number: Mapped[str] = mapped_column(String(16), unique=True)
    #: accepted, returned or approved (see central.store.STATUSES)
    status: Mapped[str] = mapped_column(String(16))
    #: UTC, ISO 8601
    received_at: Mapped[str] = mapped_column(String(40), index=True)
    case_id: Mapped[str] = mapped_column(String(36))
    case_version: Mapped[int] = mapped_column(Integer)
    #: the reviewer's reason (required for returned, a note for approved)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    counter_receipt_no: Mapped[str | None] = mapped_column(String(48), nullable=True)
    #: the ``attachments`` list as JSON text
    attachments: Mapped[str] = mapped_column(Text, default="[]")


class ReceiptCounterRow(Base):
    """The last receipt sequence handed out on a China calendar day."""

    __tablename__ = "receipt_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer)


class StatusEventRow(Base):
    """One status change of a submission; its id is the status feed's cursor."""

    __tablename__ = "status_events"
    __table_args__ = (Index("ix_status_events_terminal_id_id", "terminal_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    terminal_id: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    case_id: Mapped[str] = mapped_column(String(36))
    case_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt_number: Mapped[str] = mapped_column(String(16))
    #: UTC, ISO 8601
    at: Mapped[str] = mapped_column(String(40))


class BlobRow(Base):
    """Metadata of one uploaded blob; the bytes live in files (see central.blobs)."""

    __tablename__ = "blobs"

    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[str] = mapped_column(String(40))


class BlobPackEntryRow(Base):
    """Where a blob received in a blob batch lies: ``length`` bytes at ``offset`` of a pack file.

    A table of its own rather than columns of ``blobs``, so that an existing database
    gets it from ``create_all`` without a migration. A blob without an entry is a file
    of its own (the resumable upload; see central.blobs).
    """

    __tablename__ = "blob_pack_entries"

    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the pack's file name in ``<blob dir>/<terminal>/packs/``
    pack: Mapped[str] = mapped_column(String(64))
    offset: Mapped[int] = mapped_column(BigInteger)
    length: Mapped[int] = mapped_column(BigInteger)


class AuditEntryRow(Base):
    """One entry of a terminal's audit trail, as the terminal chained it (see ``central.audit``).

    The central system's copy is what shows a trail rewritten on the terminal: whoever holds the
    terminal's database key could rewrite its chain consistently, but not this one.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_person", "terminal_id", "person_key"),)

    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    #: UTC, ISO 8601 with microseconds, exactly as hashed
    at: Mapped[str] = mapped_column(String(40))
    clerk_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: the terminal's keyed hash of an ID number (never the number)
    person_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: canonical JSON text, exactly as hashed
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: when the central system stored it (UTC, ISO 8601)
    received_at: Mapped[str] = mapped_column(String(40))


class ReferenceVersionRow(Base):
    """The version under which a reference data set was last published, and the hash it had then.

    A document served with another hash than the one stored is published under the next version, so
    terminals (which take a changed data set only with a higher version) see every change as new.
    """

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    #: UTC, ISO 8601
    published_at: Mapped[str] = mapped_column(String(40))


class TerminalOfficeRow(Base):
    """The office (服务大厅) a terminal belongs to: its terminals review each other's cases awaiting review.

    A table of its own (like ``blob_pack_entries``) so an existing database gets it from ``create_all``;
    a terminal without a row is in the unnamed office ''.
    """

    __tablename__ = "terminal_offices"

    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), primary_key=True)
    office: Mapped[str] = mapped_column(String(64))


class ReviewRow(Base):
    """The review a submission needs, as the central system computed it when the submission arrived."""

    __tablename__ = "reviews"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    #: none, review or review_approval: the higher of the central system's and the terminal's
    tier: Mapped[str] = mapped_column(String(16))
    #: the raise reasons as a JSON list
    reasons: Mapped[str] = mapped_column(Text, default="[]")


class ReviewSignatureRow(Base):
    """One signed review step: on the terminal before sending, on another terminal, or at the central system."""

    __tablename__ = "review_signatures"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    #: review (复核) or approval (审批)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    clerk_id: Mapped[str] = mapped_column(String(64))
    #: where the signer's password was checked ('central' for the central system's own reviewers)
    terminal_id: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    #: when the central system learnt of it (UTC, ISO 8601)
    recorded_at: Mapped[str] = mapped_column(String(40))


class RatingRow(Base):
    """A 好差评 of one of a terminal's cases, keyed by the terminal-made UUID (idempotency); one per case.

    Of the case, never of the person: the level, the reason codes and the staff number of the window.
    """

    __tablename__ = "ratings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), unique=True)
    clerk_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    #: reason codes of a poor rating (protocol/ratings.py), as a JSON array
    reasons: Mapped[list[str]] = mapped_column(JSON)
    #: when the applicant rated (the terminal's clock, ISO 8601) and when it arrived here (UTC)
    created_at: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[str] = mapped_column(String(40), index=True)
    #: SHA-256 of the canonical request body: a repeat with the same id is a replay only if it matches
    body_sha256: Mapped[str] = mapped_column(String(64))


class ReminderRow(Base):
    """A 催办 a terminal's clerk sent about one of its cases, keyed by the terminal-made UUID (idempotency)."""

    __tablename__ = "reminders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    clerk_id: Mapped[str] = mapped_column(String(64))
    #: when the clerk recorded it (the terminal's clock, ISO 8601) and when it arrived here (UTC)
    created_at: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[str] = mapped_column(String(40), index=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: SHA-256 of the canonical request body: a repeat with the same id is a replay only if it matches
    body_sha256: Mapped[str] = mapped_column(String(64))


class HomeVisitRow(Base):
    """A submission taken at the applicant's home (上门服务, issue 19) rather than at a window.

    A table of its own (like ``blob_pack_entries``) so that an existing database gets it from ``create_all``
    without a migration; a submission without a row was taken at a window.
    """

    __tablename__ = "home_visits"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)


# -- The registry (issue 20): what the central system knows of persons and employers ------------------------
# Filled by ``sicounter central seed`` on the reference server (a deterministic synthetic registry); read by
# the lookup endpoints, the certificates and the batch import's duplicate check. Tables of their own, so an
# existing database gets them from ``create_all``.


class EmployerRecordRow(Base):
    """An employer (用人单位) as the registry knows it."""

    __tablename__ = "registry_employers"

    unit_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    #: normal, suspended, cancelled (protocol.lookup.EMPLOYER_STATUS_LABELS)
    status: Mapped[str] = mapped_column(String(16))
    registered_on: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    legal_representative: Mapped[str | None] = mapped_column(String(30), nullable=True)
    #: [{"role": …, "name": …, "phone": …}]
    contacts: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    #: insurance codes the unit is registered for (protocol.lookup.INSURANCE_LABELS)
    insurances: Mapped[list[str]] = mapped_column(JSON)
    #: contributions owed, in fen, and over how many months
    arrears_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    arrears_months: Mapped[int] = mapped_column(Integer, default=0)


class PersonRecordRow(Base):
    """A person as the registry knows them: identity, contact, current employer, pension account, card."""

    __tablename__ = "registry_persons"

    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(8))
    birth_date: Mapped[str] = mapped_column(String(10))
    ethnicity: Mapped[str | None] = mapped_column(String(20), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    household_address: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: employee or flexible (the forms' values); None: registered but never insured
    insured_category: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: the current employer; None for a flexible worker or someone not working
    unit_number: Mapped[str | None] = mapped_column(ForeignKey("registry_employers.unit_number"), nullable=True,
                                                    index=True)
    work_start_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    #: 视同缴费月数, 个人账户储存额 (fen), 平均缴费指数 (hundredths)
    deemed_months: Mapped[int] = mapped_column(Integer, default=0)
    account_balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    avg_index_centi: Mapped[int] = mapped_column(Integer, default=100)
    #: none, pension, suspended, deceased (protocol.lookup.BENEFIT_STATUS_LABELS) and its details
    benefit_status: Mapped[str] = mapped_column(String(16), default="none")
    benefit_since: Mapped[str | None] = mapped_column(String(10), nullable=True)
    monthly_pension_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    pension_paid_until: Mapped[str | None] = mapped_column(String(7), nullable=True)
    #: YYYY-MM of the first month of pension paid (kept when the status becomes suspended or deceased, so the
    #: months received stay known: the survivor panel's input)
    pension_since: Mapped[str | None] = mapped_column(String(7), nullable=True)
    #: normal, lost, replaced, none (protocol.lookup.CARD_STATUS_LABELS)
    card_status: Mapped[str] = mapped_column(String(16), default="normal")
    card_number: Mapped[str | None] = mapped_column(String(20), nullable=True)
    card_issued_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    card_changed_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    updated_at: Mapped[str] = mapped_column(String(40))


class PersonInsuranceRow(Base):
    """One insurance of one person (参保状态)."""

    __tablename__ = "registry_person_insurances"

    id_number: Mapped[str] = mapped_column(ForeignKey("registry_persons.id_number"), primary_key=True)
    insurance: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: insured, suspended, stopped (protocol.lookup.INSURED_STATUS_LABELS)
    status: Mapped[str] = mapped_column(String(16))
    since: Mapped[str | None] = mapped_column(String(7), nullable=True)
    unit_number: Mapped[str | None] = mapped_column(ForeignKey("registry_employers.unit_number"), nullable=True,
                                                    index=True)


class ContributionPeriodRow(Base):
    """A stretch of months paid for one insurance at one base (缴费记录), at an employer or as a flexible worker."""

    __tablename__ = "registry_contribution_periods"
    __table_args__ = (Index("ix_registry_periods_person", "id_number", "insurance", "start_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id_number: Mapped[str] = mapped_column(ForeignKey("registry_persons.id_number"))
    insurance: Mapped[str] = mapped_column(String(16))
    #: YYYY-MM, both inclusive
    start_month: Mapped[str] = mapped_column(String(7))
    end_month: Mapped[str] = mapped_column(String(7))
    #: months actually paid within the stretch (fewer than its length when some are owed)
    months: Mapped[int] = mapped_column(Integer)
    base_fen: Mapped[int] = mapped_column(BigInteger)
    unit_number: Mapped[str | None] = mapped_column(ForeignKey("registry_employers.unit_number"), nullable=True)


class LookupRow(Base):
    """A lookup a terminal's clerk made, keyed by the terminal-made UUID: who looked up whom, when and why."""

    __tablename__ = "lookups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    terminal_id: Mapped[str] = mapped_column(ForeignKey("terminals.terminal_id"), index=True)
    clerk_id: Mapped[str] = mapped_column(String(64))
    #: person, employer, registered_check, certificate
    subject_kind: Mapped[str] = mapped_column(String(24))
    #: the ID number, unit number or credit code looked up (the central system holds them anyway)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    #: card_read, id_card_read, typed (protocol.lookup.REASON_LABELS) and the clerk's words
    reason_kind: Mapped[str] = mapped_column(String(16))
    reason_note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    item_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    found: Mapped[bool] = mapped_column(Boolean)
    #: the terminal's time and when it arrived here (UTC)
    created_at: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[str] = mapped_column(String(40), index=True)
