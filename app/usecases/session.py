"""A clerk's session: signing in and out, the idle lock, unlocking, and another clerk taking the window over.

The lockout's threshold and length come from the settings (``signin_max_failures``,
``signin_lockout_minutes``); ``now`` and ``hasher`` are the clock and hash seams tests use. Every attempt
is on the audit trail, refused ones with the staff number as typed (never the password). An unknown
staff number is refused and "locked" after as many failures as a real one (``Terminal.unknown_signins``),
so the answer does not tell which numbers exist. Unlocking checks the password of the clerk who locked
the window and no other, and its wrong passwords count toward the same lockout as a sign-in's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.terminal import Terminal
from core.errors import AuthenticationError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import AccountLocked, ClerkInfo, verify_clerk
from local_db.passwords import Hasher

__all__ = ["ClerkInfo", "lock_session", "sign_in", "sign_out", "switch_clerk", "unlock_session"]


def _verify(terminal: Terminal, clerk_id: str, password: str, now: datetime | None,
            hasher: Hasher | None) -> ClerkInfo:
    settings = terminal.settings
    return verify_clerk(terminal.db, clerk_id, password, now=now, hasher=hasher,
                        max_failures=settings.signin_max_failures,
                        lockout=timedelta(minutes=settings.signin_lockout_minutes),
                        unknown=terminal.unknown_signins)


def sign_in(terminal: Terminal, clerk_id: str, password: str, *, now: datetime | None = None,
            hasher: Hasher | None = None) -> ClerkInfo:
    """The clerk (staff number, name, roles) whose password this is.

    ``AuthenticationError`` otherwise, ``AccountLocked`` (saying until when) after too many wrong ones.
    """
    try:
        clerk = _verify(terminal, clerk_id, password, now, hasher)
    except AuthenticationError as exc:
        locked = isinstance(exc, AccountLocked)
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN_FAILED, clerk_id.strip(),
                                                      detail={"locked": locked}))
        raise
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_IN, clerk.id))
    return clerk


def sign_out(terminal: Terminal, clerk: ClerkInfo, reason: str = "sign_out") -> None:
    """The clerk's session ends (signed out, the window closed, or another clerk took over: ``reason``)."""
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SIGN_OUT, clerk.id, detail={"reason": reason}))


def lock_session(terminal: Terminal, clerk: ClerkInfo, reason: str = "idle") -> None:
    """The window was locked (``idle`` after the configured time, or ``manual`` by the clerk)."""
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.LOCK, clerk.id, detail={"reason": reason}))


def unlock_session(terminal: Terminal, clerk: ClerkInfo, password: str, *, now: datetime | None = None,
                   hasher: Hasher | None = None) -> ClerkInfo:
    """The same clerk, unlocked by their own password; a wrong one counts toward the lockout.

    Returns the clerk as the window holds it (the roles of the session, not re-read).
    ``AuthenticationError`` or ``AccountLocked`` otherwise, each audited as a failed unlock.
    """
    try:
        _verify(terminal, clerk.id, password, now, hasher)
    except AuthenticationError as exc:
        locked = isinstance(exc, AccountLocked)
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.UNLOCK_FAILED, clerk.id,
                                                      detail={"locked": locked}))
        raise
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.UNLOCK, clerk.id))
    return clerk


def switch_clerk(terminal: Terminal, previous: ClerkInfo, new: ClerkInfo, parked_draft: str | None) -> None:
    """Another clerk signed in at a locked window: the previous clerk's session ends, both on the trail.

    The new clerk's sign-in is already on the trail (``sign_in``); ``parked_draft`` names the draft the
    previous clerk's open form was kept as, if one was open.
    """
    terminal.audit.record(terminal.db,
                          AuditEvent(AuditAction.SWITCH_CLERK, previous.id, parked_draft,
                                     detail={"to_clerk": new.id}),
                          AuditEvent(AuditAction.SIGN_OUT, previous.id, detail={"reason": "switch"}))
