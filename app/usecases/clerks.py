"""Clerk accounts, managed by a system administrator (系统管理员) only.

Each command takes the signed-in administrator (``ClerkInfo`` with roles) and refuses anyone else
(``PermissionDenied``); creating never overwrites an existing staff number; disabling and resetting a
password are separate commands. ``init_admin`` is the one way in on a fresh terminal: it creates the
first administrator while, and only while, there are no clerks at all.

Every change is on the audit trail (个人权益记录管理办法 Art. 26, 等保 security audit) in the change's own
transaction: who (the administrator), to whom (the staff number), what (``clerk_change`` with ``change``
add / disable / reset_password / init_admin, and the roles given). Listing the clerks reads no personal
data of applicants and is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.permissions import Permission, require
from app.terminal import Terminal
from core.errors import StateError
from local_db import clerks as store
from local_db.audit import AuditAction, AuditEvent, DetailValue
from local_db.clerks import ClerkInfo, ClerkRecord, Role

__all__ = ["create_clerk", "disable_clerk", "init_admin", "list_clerks", "reset_password"]


def create_clerk(terminal: Terminal, admin: ClerkInfo, clerk_id: str, name: str, password: str,
                 roles: frozenset[Role]) -> ClerkInfo:
    """A new clerk with these roles; ``ClerkExists`` when the staff number is taken."""
    require(admin, Permission.MANAGE_CLERKS)
    return store.add_clerk(terminal.db, clerk_id, name, password, roles=roles,
                           audit=_change(terminal, admin.id, clerk_id, "add", roles=sorted(r.value for r in roles)))


def disable_clerk(terminal: Terminal, admin: ClerkInfo, clerk_id: str) -> None:
    """The clerk can no longer sign in; an administrator cannot disable their own account."""
    require(admin, Permission.MANAGE_CLERKS)
    if clerk_id.strip() == admin.id:
        raise StateError("admin disabling self", user_message="不能停用自己的账号。",
                         hint="请由另一名系统管理员办理。")
    store.disable_clerk(terminal.db, clerk_id, audit=_change(terminal, admin.id, clerk_id, "disable"))


def reset_password(terminal: Terminal, admin: ClerkInfo, clerk_id: str, password: str) -> None:
    """A new password for the clerk (the policy applies), which also lifts a lockout."""
    require(admin, Permission.MANAGE_CLERKS)
    store.reset_password(terminal.db, clerk_id, password,
                         audit=_change(terminal, admin.id, clerk_id, "reset_password"))


def list_clerks(terminal: Terminal, admin: ClerkInfo) -> list[ClerkRecord]:
    require(admin, Permission.MANAGE_CLERKS)
    return store.list_clerks(terminal.db)


def init_admin(terminal: Terminal, clerk_id: str, name: str, password: str) -> ClerkInfo:
    """The first administrator of a terminal with no clerks; ``StateError`` once any clerk exists."""
    if store.count_clerks(terminal.db):
        raise StateError("clerks exist", user_message="本终端已有柜员，不能再初始化管理员。",
                         hint="请由现有系统管理员使用 sicounter clerk add 创建账号。")
    return store.add_clerk(terminal.db, clerk_id, name, password, roles=frozenset({Role.ADMIN}),
                           audit=_change(terminal, None, clerk_id, "init_admin", roles=[Role.ADMIN.value]))


def _change(terminal: Terminal, admin_id: str | None, clerk_id: str, change: str,
            **facts: DetailValue) -> Callable[[Session], object]:
    """The hook that records one clerk change in the change's transaction."""
    detail: dict[str, DetailValue] = {"change": change, "clerk": clerk_id.strip(), **facts}
    return lambda s: terminal.audit.record_in(s, AuditEvent(AuditAction.CLERK_CHANGE, admin_id, clerk_id.strip(),
                                                            detail=detail))
