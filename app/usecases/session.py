"""Signing in: a clerk's staff number and password, checked against the local clerk table.

The lockout's threshold and length come from the settings (``signin_max_failures``,
``signin_lockout_minutes``); ``now`` and ``hasher`` are the clock and hash seams tests use. Every attempt
is on the audit trail, refused ones with the staff number as typed (never the password).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.terminal import Terminal
from core.errors import AuthenticationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo, verify_clerk
from local_db.passwords import Hasher

__all__ = ["ClerkInfo", "sign_in"]


def sign_in(terminal: Terminal, clerk_id: str, password: str, *, now: datetime | None = None,
            hasher: Hasher | None = None) -> ClerkInfo:
    """The clerk (staff number, name, roles) whose password this is.

    ``AuthenticationError`` otherwise, ``AccountLocked`` (saying until when) after too many wrong ones.
    """
    settings = terminal.settings
    try:
        clerk = verify_clerk(terminal.db, clerk_id, password, now=now, hasher=hasher,
                             max_failures=settings.signin_max_failures,
                             lockout=timedelta(minutes=settings.signin_lockout_minutes))
    except AuthenticationError:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, clerk_id.strip()))
        raise
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN, clerk.id))
    return clerk
