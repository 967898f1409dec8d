"""``sicounter audit verify`` and ``sicounter audit list --person ID --since DATE``.

``verify`` answers whether the trail's hash chain is intact (exit status 0) or where it first breaks
and how (exit status 1). ``list`` finds a person's entries by the keyed hash of the ID number given;
it prints the number masked, and nothing in an entry holds personal data.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time

from app.settings import load_settings

#: how each action reads in a list (the stored value is shown for one a newer release wrote)
ACTION_LABELS = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_out": "退出登录", "lock": "锁屏", "unlock": "解锁",
    "submit": "受理提交", "save_draft": "暂存草稿", "approve": "复核通过", "return": "退回",
    "view_case": "查看业务", "view_scan": "查看扫描件", "show_id_number": "显示完整证件号码",
    "print_receipt": "打印回执", "export": "导出", "card_override": "更正读卡信息", "waiver": "免交材料",
    "clerk_change": "柜员管理", "settings_change": "修改设置", "reference_confirm": "确认参考数据变更",
    "reference_update": "参考数据生效", "reference_refused": "拒收参考数据",
    "purge": "清理个人数据",
}
PROBLEM_LABELS = {"edited": "记录被修改", "deleted": "记录被删除", "inserted": "被插入了记录"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="the audit trail: 'audit verify', 'audit list --person ID [--since DATE]'")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser("verify", help="check the hash chain (status 0: intact, 1: broken)")
    listing = audit_sub.add_parser("list", help="a person's entries, found by the keyed hash of the ID number")
    listing.add_argument("--person", required=True, help="the person's ID number")
    listing.add_argument("--since", type=date.fromisoformat, help="from this day on (YYYY-MM-DD, Beijing time)")
    listing.add_argument("--json", action="store_true")
    audit.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app import audit
    from app.secrets import SecretStore, os_keyring
    from app.terminal import build_terminal
    from forms.receipt import CHINA_TZ

    terminal = build_terminal(load_settings(args.config), SecretStore(os_keyring()), start_sender=False,
                              start_devices=False)
    try:
        if args.audit_command == "verify":
            report = audit.verify(terminal)
            if report.intact:
                print(f"审计日志完整：共 {report.entries} 条，哈希链未被改动。")
                return 0
            problem = PROBLEM_LABELS.get(str(report.problem), str(report.problem))
            print(f"审计日志不完整：第 {report.broken_at} 条处断开（{problem}，{report.problem}）；"
                  f"此前 {report.entries} 条完好。请立即报告系统管理员和稽核人员，并保留本机数据。")
            return 1
        since = datetime.combine(args.since, time(), CHINA_TZ) if args.since else None
        trail = audit.person_trail(terminal, args.person, since)
    finally:
        terminal.close()
    if args.json:
        print(json.dumps({"person": trail.masked_id_number, "entries": [
            {"seq": e.seq, "at": e.at.astimezone(CHINA_TZ).isoformat(timespec="seconds"), "clerk_id": e.clerk_id,
             "action": e.action, "subject": e.subject, "detail": e.detail} for e in trail.entries]},
            ensure_ascii=False, indent=1))
        return 0
    when = f"自 {args.since:%Y-%m-%d} 起" if args.since else "全部"
    print(f"证件号码 {trail.masked_id_number} 的审计记录（{when}）：共 {len(trail.entries)} 条")
    for e in trail.entries:
        detail = "，".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        print(f"{e.seq}\t{e.at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M:%S}\t柜员 {e.clerk_id or '—'}"
              f"\t{ACTION_LABELS.get(e.action, e.action)}\t{e.subject or '—'}\t{detail}")
    return 0
