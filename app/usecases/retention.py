"""Purging personal data after the retention period (issue 16 item 6): an administrator's action, and the
terminal's own daily run.

Which cases count and what goes is ``local_db.retention``'s to say; here is who may run it. A purge is
terminal management (系统管理员, ``Permission.MANAGE_TERMINAL``): the administrator handles no personal
data and a purge shows none (receipt numbers, items and dates only). The daily run in the background is
the terminal's own (``purge_daily``: no clerk, recorded as such on the audit trail).
"""

from __future__ import annotations

from datetime import datetime

from app.permissions import Permission, require
from app.terminal import Terminal
from local_db.clerks import ClerkInfo
from local_db.retention import ExpiredCase, PurgeResult, purge_expired

__all__ = ["ExpiredCase", "PurgeResult", "purge", "purge_daily"]


def purge(terminal: Terminal, admin: ClerkInfo, *, dry_run: bool = False,
          now: datetime | None = None) -> PurgeResult:
    """Purge every case closed more than ``retention_days`` ago (``dry_run``: only list them).

    The administrator's run is on the audit trail with its counts (a dry run changes nothing and
    writes nothing). ``PermissionDenied`` for anyone but an administrator.
    """
    require(admin, Permission.MANAGE_TERMINAL)
    return purge_expired(terminal.db, terminal.blobs, terminal.audit, terminal.settings.retention_days,
                         clerk_id=admin.id, trigger="admin", dry_run=dry_run, now=now)


def purge_daily(terminal: Terminal, *, now: datetime | None = None) -> PurgeResult:
    """The terminal's own run (``app/retention.py`` calls it once a day off the GUI thread)."""
    return purge_expired(terminal.db, terminal.blobs, terminal.audit, terminal.settings.retention_days,
                         trigger="daily", now=now)
