"""``sicounter reference pending|confirm NAME``: updates held back for an administrator's confirmation.

A signed reference update that lowers a form's review tier or drops or loosens a required material
waits on the terminal (``sync.reference``); these commands list such updates and put one in force, with
an administrator's credentials as ``sicounter clerk`` takes them (``--admin``/``SICOUNTER_ADMIN``, the
password by prompt or ``SICOUNTER_ADMIN_PASSWORD``). Confirming is recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from app.clerk_cli import ADMIN_ENV, ADMIN_PASSWORD_ENV, _with_admin

if TYPE_CHECKING:
    from app.terminal import Terminal
    from local_db.clerks import ClerkInfo


def _pending(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    rows = usecases.pending_reference(terminal, admin)
    if args.json:
        print(json.dumps([{"set": r.name, "name": r.key, "title": r.title, "version": r.version,
                           "set_version": r.set_version, "weakenings": list(r.weakenings)} for r in rows],
                         ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("没有待确认的参考数据更新。")
    for r in rows:
        print(f"{r.key}\tv{r.version}\t{r.title}\t（参考数据 {r.name} 第 {r.set_version} 版）")
        for why in r.weakenings:
            print(f"\t- {why}")
    return 0


def _confirm(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app import usecases

    done = usecases.confirm_reference(terminal, admin, args.name, args.set)
    print(f"已确认生效：{done.title}（{done.key} v{done.version}）：{'；'.join(done.weakenings)}。已记入审计日志。")
    return 0


def add_reference_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``reference pending|confirm`` on the ``sicounter`` parser."""
    reference = sub.add_parser("reference", help="reference updates awaiting an administrator "
                                                 "('reference pending', 'reference confirm NAME')")
    reference_sub = reference.add_subparsers(dest="reference_command", required=True)
    admin_help = f"the administrator's staff number (or ${ADMIN_ENV}); password by prompt or ${ADMIN_PASSWORD_ENV}"
    pending = reference_sub.add_parser("pending", help="updates that would weaken a safeguard, held back")
    pending.add_argument("--admin", help=admin_help)
    pending.add_argument("--json", action="store_true")
    pending.set_defaults(func=_with_admin(_pending))
    confirm = reference_sub.add_parser("confirm", help="put a held-back update in force (audited)")
    confirm.add_argument("name", help="the form's code, e.g. retirement_approval")
    confirm.add_argument("--set", default="forms", help="the reference data set (default: forms)")
    confirm.add_argument("--admin", help=admin_help)
    confirm.set_defaults(func=_with_admin(_confirm))
