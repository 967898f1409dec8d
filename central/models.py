"""Tables of the central store (its own schema, unrelated to the terminal's local_db)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
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
    status: Mapped[str] = mapped_column(String(16))
    #: UTC, ISO 8601
    received_at: Mapped[str] = mapped_column(String(40), index=True)


class ReceiptCounterRow(Base):
    """The last receipt sequence handed out on a China calendar day."""

    __tablename__ = "receipt_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer)
