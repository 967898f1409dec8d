"""What the query screens do besides the lookup itself (issue 20): show a looked-up person's full ID number.

The lookups are ``app/usecases/lookup.py``'s (``look_up_person``, ``look_up_employer``): permission, reason and
both sides' records hang there. The screens show ID numbers masked; showing one in full is a deliberate act of
a clerk who holds ``Permission.SHOW_ID_NUMBER``, on the trail keyed by the person (never the number itself)
and by the lookup it belongs to, as for a case's number (``app.queries.full_id_number``).
"""

from __future__ import annotations

from app.lookups import LookupOutcome, PersonLookup
from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import StateError
from local_db.audit import AuditAction, AuditEvent
from local_db.clerks import ClerkInfo

__all__ = ["reveal_id_number"]


def reveal_id_number(terminal: Terminal, clerk: ClerkInfo, lookup: PersonLookup, *, screen: str) -> str:
    """The full ID number of the person ``lookup`` found, recorded as ``SHOW_ID_NUMBER`` (``screen``: where)."""
    require(clerk, Permission.SHOW_ID_NUMBER)
    if lookup.outcome is not LookupOutcome.FOUND or lookup.person is None:
        raise StateError("no person looked up", user_message="当前没有查询到的人员，无法显示证件号码。",
                         hint="请先读卡或输入证件号码查询。")
    number = lookup.person.id_number
    terminal.audit.record(terminal.db, AuditEvent(AuditAction.SHOW_ID_NUMBER, clerk.id, lookup.lookup_id, number,
                                                  {"screen": screen}))
    return number
