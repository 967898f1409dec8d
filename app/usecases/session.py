"""Signing in: a clerk's staff number and password, checked against the local clerk table.

Every attempt is on the audit trail, refused ones with the staff number as typed (never the password).
"""

from __future__ import annotations

from app.terminal import Terminal
from core.errors import AuthenticationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo, verify_clerk

__all__ = ["ClerkInfo", "sign_in"]


def sign_in(terminal: Terminal, clerk_id: str, password: str) -> ClerkInfo:
    """The clerk (staff number and name) whose password this is; ``AuthenticationError`` otherwise."""
    try:
        clerk = verify_clerk(terminal.db, clerk_id, password)
    except AuthenticationError:
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, clerk_id.strip()))
        raise
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN, clerk.id))
    return clerk
