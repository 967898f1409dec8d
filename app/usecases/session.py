"""Signing in: a clerk's staff number and password, checked against the local clerk table."""

from __future__ import annotations

from app.terminal import Terminal
from local_db.clerks import ClerkInfo, verify_clerk

__all__ = ["ClerkInfo", "sign_in"]


def sign_in(terminal: Terminal, clerk_id: str, password: str) -> ClerkInfo:
    """The clerk (staff number and name) whose password this is; ``AuthenticationError`` otherwise."""
    return verify_clerk(terminal.db, clerk_id, password)
