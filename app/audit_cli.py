"""``sicounter audit verify`` and ``sicounter audit list [--person ID] [--since DATE] …``, for the 稽核 role only.

Both sign the auditor in first (``--auditor`` or ``SICOUNTER_AUDITOR``; the password by prompt or
``SICOUNTER_AUDITOR_PASSWORD``, never on the command line), the same way ``sicounter clerk`` signs an
administrator in (``app.clerk_cli.signed_in_clerk``), and read through the use cases
(``app/usecases/audit.py``), which refuse anyone else and put the reading itself on the trail.

``verify`` answers whether the hash chain is intact and agrees with the central system's copy (exit
status 0), or where it first breaks and how, or that the copies differ (exit status 1). ``list`` finds
entries by the keyed hash of the ID number given, by time, clerk and action; it prints the number
masked, and nothing in an entry holds personal data.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from app.audit_labels import ACTION_LABELS, PROBLEM_LABELS
from app.settings import load_settings
from core.cli import count_arg, date_arg

if TYPE_CHECKING:
    from app.usecases.audit import TrailCheck

AUDITOR_ENV = "SICOUNTER_AUDITOR"
AUDITOR_PASSWORD_ENV = "SICOUNTER_AUDITOR_PASSWORD"
#: entries ``list`` prints unless --limit says otherwise
LIST_LIMIT = 10_000
#: the most entries one listing may ask for (a larger export goes by date ranges)
LIST_LIMIT_MAX = 1_000_000


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="the audit trail, for the auditor (稽核): 'audit verify', "
                                         "'audit list [--person ID] [--since DATE]'")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)

    def with_auditor(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--auditor", help=f"the auditor's staff number (or ${AUDITOR_ENV}); "
                                              f"password by prompt or ${AUDITOR_PASSWORD_ENV}")
        return parser

    with_auditor(audit_sub.add_parser("verify", help="check the hash chain (status 0: intact, 1: broken)"))
    listing = with_auditor(audit_sub.add_parser("list", help="entries, oldest first; a person by the keyed hash "
                                                             "of the ID number"))
    listing.add_argument("--person", help="the person's ID number")
    listing.add_argument("--since", type=date_arg, help="from this day on (YYYY-MM-DD, Beijing time)")
    listing.add_argument("--until", type=date_arg, help="up to and including this day")
    listing.add_argument("--clerk", help="done by this staff number")
    listing.add_argument("--action", action="append", default=[], choices=sorted(ACTION_LABELS),
                         help="only this action (repeatable)")
    listing.add_argument("--limit", type=count_arg(LIST_LIMIT_MAX, "条数"), default=LIST_LIMIT)
    listing.add_argument("--json", action="store_true")
    audit.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.clerk_cli import signed_in_clerk
    from app.secrets import SecretStore, os_keyring
    from app.terminal import build_terminal
    from app.usecases.audit import TrailFilter, read_trail, verify_trail
    from forms.receipt import CHINA_TZ

    terminal = build_terminal(load_settings(args.config), SecretStore(os_keyring()), start_sender=False,
                              start_devices=False)
    try:
        auditor = signed_in_clerk(terminal, args.auditor, role="稽核人员", option="--auditor", id_env=AUDITOR_ENV,
                                  password_env=AUDITOR_PASSWORD_ENV)
        if auditor is None:
            return 2
        if args.audit_command == "verify":
            check = verify_trail(terminal, auditor)
            report = check.report
            if report.intact:
                print(f"审计日志完整：共 {report.entries} 条，哈希链未被改动。")
            else:
                problem = PROBLEM_LABELS.get(str(report.problem), str(report.problem))
                print(f"审计日志不完整：第 {report.broken_at} 条处断开（{problem}，{report.problem}）；"
                      f"此前 {report.entries} 条完好。请立即报告系统管理员和稽核人员，并保留本机数据。")
            print(_central_line(check))
            return 0 if check.intact else 1
        since = datetime.combine(args.since, time(), CHINA_TZ) if args.since else None
        until = datetime.combine(args.until + timedelta(days=1), time(), CHINA_TZ) if args.until else None
        where = TrailFilter(id_number=args.person, since=since, until=until, clerk_id=args.clerk,
                            actions=frozenset(args.action))
        found = read_trail(terminal, auditor, where, page_size=max(1, args.limit), oldest_first=True)
    finally:
        terminal.close()
    if args.json:
        print(json.dumps({"person": found.masked_id_number or None, "total": found.total, "entries": [
            {"seq": e.seq, "at": e.at.astimezone(CHINA_TZ).isoformat(timespec="seconds"), "clerk_id": e.clerk_id,
             "action": e.action, "subject": e.subject, "person_key": e.person_key, "detail": e.detail}
            for e in found.entries]}, ensure_ascii=False, indent=1))
        return 0
    who = f"证件号码 {found.masked_id_number} 的" if found.masked_id_number else ""
    when = f"自 {args.since:%Y-%m-%d} 起" if args.since else "全部"
    print(f"{who}审计记录（{when}）：共 {found.total} 条" + (f"，显示前 {len(found.entries)} 条"
                                                          if found.total > len(found.entries) else ""))
    for e in found.entries:
        detail = "，".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        print(f"{e.seq}\t{e.at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S}\t柜员 {e.clerk_id or '—'}"
              f"\t{ACTION_LABELS.get(e.action, e.action)}\t{e.subject or '—'}\t{detail}")
    return 0


def _central_line(check: TrailCheck) -> str:
    """What the comparison with the central system's copy found."""
    if check.central_held is None:
        return check.central_error or "未与中心系统核对。"
    if check.central_matches:
        return f"与中心系统保存的副本一致（中心系统已收到 {check.central_held} 条）。"
    return (f"本机审计日志与中心系统保存的副本不一致：第 {check.central_held} 条及之前的记录已被改写。"
            "请立即报告系统管理员和稽核人员，并保留本机数据。")
