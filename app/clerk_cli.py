"""``sicounter clerk …``: clerk accounts from a shell, only with an administrator's credentials.

``add``, ``disable``, ``reset`` and ``list`` sign the administrator in first (``--admin`` or
``SICOUNTER_ADMIN``; the password read with getpass, or from ``SICOUNTER_ADMIN_PASSWORD`` for scripts
and tests, never from the command line where ``ps`` and the shell history would keep it). A wrong
administrator password counts towards that account's lockout like any sign-in. ``init-admin`` makes
the first administrator and works only while the database holds no clerk at all. New passwords come
from getpass (typed twice) or ``SICOUNTER_NEW_PASSWORD``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.settings import load_settings

if TYPE_CHECKING:
    from app.terminal import Terminal
    from local_db.clerks import ClerkInfo, Role

ADMIN_ENV = "SICOUNTER_ADMIN"
ADMIN_PASSWORD_ENV = "SICOUNTER_ADMIN_PASSWORD"
NEW_PASSWORD_ENV = "SICOUNTER_NEW_PASSWORD"


def _terminal(args: argparse.Namespace) -> Terminal:
    from app.cli import _secrets
    from app.terminal import build_terminal

    return build_terminal(load_settings(args.config), _secrets(), start_sender=False, start_devices=False)


def _new_password() -> str | None:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    password = getpass.getpass("新柜员密码: ")
    if getpass.getpass("再次输入密码: ") != password:
        print("两次输入的密码不一致。", file=sys.stderr)
        return None
    return password


def signed_in_clerk(terminal: Terminal, staff_id: str | None, *, role: str, option: str, id_env: str,
                    password_env: str) -> ClerkInfo | None:
    """The clerk whose credentials a command was given, signed in (and so on the audit trail), or None.

    The staff number comes from ``option`` or the environment variable ``id_env``; the password from
    ``password_env`` (scripts, tests) or getpass, never the command line. A wrong password raises
    ``AuthenticationError`` and counts towards the account's lockout like any sign-in. ``role`` names
    the post in the messages (系统管理员, 稽核人员); the use case then checks the permission itself.
    """
    from app import usecases

    staff_id = staff_id or os.environ.get(id_env)
    if not staff_id:
        print(f"需要{role}的工号：请用 {option} 指定（或设置环境变量 {id_env}）。", file=sys.stderr)
        return None
    password = os.environ.get(password_env)
    if password is None:
        password = getpass.getpass(f"{role} {staff_id} 的密码: ")
    return usecases.sign_in(terminal, staff_id, password)


def _signed_in_admin(terminal: Terminal, args: argparse.Namespace) -> ClerkInfo | None:
    return signed_in_clerk(terminal, args.admin, role="系统管理员", option="--admin", id_env=ADMIN_ENV,
                           password_env=ADMIN_PASSWORD_ENV)


def _with_admin(action: Callable[[Terminal, ClerkInfo, argparse.Namespace], int]) \
        -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        terminal = _terminal(args)
        try:
            admin = _signed_in_admin(terminal, args)
            return 2 if admin is None else action(terminal, admin, args)
        finally:
            terminal.close()
    return run


def _roles(text: str) -> frozenset[Role]:
    from local_db.clerks import Role

    try:
        return frozenset(Role(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"岗位应为 {','.join(r.value for r in Role)} 中的一个或多个") from None


def _add(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    password = _new_password()
    if password is None:
        return 2
    clerk = usecases.create_clerk(terminal, admin, args.clerk_id, args.name, password, args.roles)
    print(f"柜员 {clerk.id}（{clerk.name}）已创建，岗位：{_labels(clerk.roles)}。")
    return 0


def _disable(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    usecases.disable_clerk(terminal, admin, args.clerk_id)
    print(f"柜员 {args.clerk_id} 已停用。")
    return 0


def _reset(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    password = _new_password()
    if password is None:
        return 2
    usecases.reset_password(terminal, admin, args.clerk_id, password)
    print(f"柜员 {args.clerk_id} 的密码已重置。")
    return 0


def _set_roles(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    usecases.set_clerk_roles(terminal, admin, args.clerk_id, args.roles)
    print(f"柜员 {args.clerk_id} 的岗位已改为：{_labels(args.roles)}（下次登录时生效）。")
    return 0


def _list(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    rows = usecases.list_clerks(terminal, admin)
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "roles": sorted(r.roles), "active": r.active,
                           "locked_until": r.locked_until.isoformat() if r.locked_until else None}
                          for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        state = "在用" if r.active else "已停用"
        print(f"{r.id}\t{r.name}\t{_labels(r.roles)}\t{state}")
    return 0


def _init_admin(args: argparse.Namespace) -> int:
    from app import usecases

    terminal = _terminal(args)
    try:
        password = _new_password()
        if password is None:
            return 2
        clerk = usecases.init_admin(terminal, args.clerk_id, args.name, password)
    finally:
        terminal.close()
    print(f"系统管理员 {clerk.id}（{clerk.name}）已创建。")
    return 0


def _labels(roles: frozenset[Role]) -> str:
    from local_db.clerks import ROLE_LABELS

    return "、".join(ROLE_LABELS[r] for r in sorted(roles))


def add_clerk_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``clerk add|disable|reset|roles|list|init-admin`` on the ``sicounter`` parser."""
    clerk = sub.add_parser("clerk", help="clerk accounts (an administrator's credentials required)")
    clerk_sub = clerk.add_subparsers(dest="clerk_command", required=True)

    def with_admin_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--admin", help=f"the administrator's staff number (or ${ADMIN_ENV}); "
                                            f"password by prompt or ${ADMIN_PASSWORD_ENV}")
        return parser

    add = with_admin_option(clerk_sub.add_parser("add", help="create a clerk (never replaces one)"))
    add.add_argument("clerk_id")
    add.add_argument("--name", required=True)
    add.add_argument("--roles", type=_roles, required=True,
                     help="comma-separated: front_desk,review,approval,supervisor,auditor | admin")
    add.set_defaults(func=_with_admin(_add))

    disable = with_admin_option(clerk_sub.add_parser("disable", help="stop a clerk signing in"))
    disable.add_argument("clerk_id")
    disable.set_defaults(func=_with_admin(_disable))

    reset = with_admin_option(clerk_sub.add_parser("reset", help="set a clerk's new password, lift a lockout"))
    reset.add_argument("clerk_id")
    reset.set_defaults(func=_with_admin(_reset))

    roles = with_admin_option(clerk_sub.add_parser("roles", help="replace a clerk's roles (admin stays exclusive)"))
    roles.add_argument("clerk_id")
    roles.add_argument("--roles", type=_roles, required=True,
                       help="comma-separated: front_desk,review,approval,supervisor,auditor | admin")
    roles.set_defaults(func=_with_admin(_set_roles))

    listing = with_admin_option(clerk_sub.add_parser("list", help="the clerks and their roles"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_with_admin(_list))

    init = clerk_sub.add_parser("init-admin", help="the first administrator, only while there are no clerks")
    init.add_argument("clerk_id")
    init.add_argument("--name", required=True)
    init.set_defaults(func=_init_admin)
