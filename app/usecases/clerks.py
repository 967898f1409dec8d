"""Clerk accounts, managed by a system administrator (系统管理员) only.

Each command takes the signed-in administrator (``ClerkInfo`` with roles) and refuses anyone else
(``PermissionDenied``); creating never overwrites an existing staff number; disabling, resetting a
password and changing roles are separate commands. Every change is on the audit trail as a
``CLERK_CHANGE`` by the administrator, naming the clerk changed (an administrator's action, 等保
security audit), written in the change's own transaction: the change and its entry are saved together
or not at all. ``init_admin`` is the one way in on a fresh terminal: it creates the first
administrator while, and only while, there are no clerks at all.
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

__all__ = ["ClerkRecord", "create_clerk", "disable_clerk", "init_admin", "list_clerks", "reset_password",
           "set_clerk_roles"]


def _audit(terminal: Terminal, admin: ClerkInfo | None, clerk_id: str, change: str,
           **facts: DetailValue) -> Callable[[Session], object]:
    """The hook that records one clerk change inside the change's transaction."""
    event = AuditEvent(AuditAction.CLERK_CHANGE, admin.id if admin else None, clerk_id.strip(),
                       detail={"change": change, **facts})
    return lambda s: terminal.audit.record_in(s, event)


def create_clerk(terminal: Terminal, admin: ClerkInfo, clerk_id: str, name: str, password: str,
                 roles: frozenset[Role]) -> ClerkInfo:
    """A new clerk with these roles; ``ClerkExists`` when the staff number is taken."""
    require(admin, Permission.MANAGE_CLERKS)
    return store.add_clerk(terminal.db, clerk_id, name, password, roles=roles,
                           audit=_audit(terminal, admin, clerk_id, "create", roles=sorted(r.value for r in roles)))


def disable_clerk(terminal: Terminal, admin: ClerkInfo, clerk_id: str) -> None:
    """The clerk can no longer sign in; an administrator cannot disable their own account."""
    require(admin, Permission.MANAGE_CLERKS)
    if clerk_id.strip() == admin.id:
        raise StateError("admin disabling self", user_message="不能停用自己的账号。",
                         hint="请由另一名系统管理员办理。")
    store.disable_clerk(terminal.db, clerk_id, audit=_audit(terminal, admin, clerk_id, "disable"))


def reset_password(terminal: Terminal, admin: ClerkInfo, clerk_id: str, password: str) -> None:
    """A new password for the clerk (the policy applies), which also lifts a lockout."""
    require(admin, Permission.MANAGE_CLERKS)
    store.reset_password(terminal.db, clerk_id, password, audit=_audit(terminal, admin, clerk_id, "reset_password"))


def set_clerk_roles(terminal: Terminal, admin: ClerkInfo, clerk_id: str, roles: frozenset[Role]) -> None:
    """The clerk's posts from now on (the administrator's stays exclusive); an administrator keeps their own."""
    require(admin, Permission.MANAGE_CLERKS)
    if clerk_id.strip() == admin.id and Role.ADMIN not in roles:
        raise StateError("admin demoting self", user_message="不能取消自己的系统管理员岗位。",
                         hint="请由另一名系统管理员办理。")
    store.set_roles(terminal.db, clerk_id.strip(), roles,
                    audit=_audit(terminal, admin, clerk_id, "roles", roles=sorted(r.value for r in roles)))


def list_clerks(terminal: Terminal, admin: ClerkInfo) -> list[ClerkRecord]:
    require(admin, Permission.MANAGE_CLERKS)
    return store.list_clerks(terminal.db)


def init_admin(terminal: Terminal, clerk_id: str, name: str, password: str) -> ClerkInfo:
    """The first administrator of a terminal with no clerks; ``StateError`` once any clerk exists."""
    if store.count_clerks(terminal.db):
        raise StateError("clerks exist", user_message="本终端已有柜员，不能再初始化管理员。",
                         hint="请由现有系统管理员使用 sicounter clerk add 创建账号。")
    return store.add_clerk(terminal.db, clerk_id, name, password, roles=frozenset({Role.ADMIN}),
                           audit=_audit(terminal, None, clerk_id, "init_admin", roles=[Role.ADMIN.value]))
