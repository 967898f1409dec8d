"""``sicounter purge [--dry-run]``: remove personal data the retention period has passed, as an administrator.

A purge is terminal management, so it signs an administrator in first, exactly as ``sicounter clerk``
does (``--admin`` or ``SICOUNTER_ADMIN``; the password by prompt or ``SICOUNTER_ADMIN_PASSWORD``).
What it prints names no person: counts, receipt numbers, items, and when each case closed.
``--dry-run`` says what would go and changes nothing.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from app.clerk_cli import ADMIN_ENV, ADMIN_PASSWORD_ENV, _with_admin

if TYPE_CHECKING:
    from app.terminal import Terminal
    from local_db.clerks import ClerkInfo
    from local_db.retention import ExpiredCase, PurgeResult


def _day(case: ExpiredCase) -> str:
    from forms.receipt import CHINA_TZ

    return case.closed_at.astimezone(CHINA_TZ).date().isoformat()


def _purge(terminal: Terminal, admin: ClerkInfo, args: argparse.Namespace) -> int:
    from app.usecases.retention import purge

    result = purge(terminal, admin, dry_run=args.dry_run)
    names = {item.form_code: item.name for item in terminal.catalogue if item.form_code}
    if args.json:
        print(json.dumps(_as_json(result), ensure_ascii=False, indent=1))
        return 0
    verb = "将清理" if result.dry_run else "已清理"
    from forms.receipt import CHINA_TZ

    cutoff = result.cutoff.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
    print(f"保存期限：办结后 {result.retention_days} 天（{cutoff} 之前办结的业务，草稿按最后修改时间）。")
    print(f"{verb}：已办结业务 {result.cases} 件（{result.submissions - result.drafts} 笔申报），"
          f"长期未办草稿 {result.drafts} 件，扫描件与回执 {result.scans} 份。")
    if not result.dry_run:
        print(f"已删除加密文件 {result.files_deleted} 个。")
    for case in result.purged:
        kind = "草稿（最后修改）" if case.is_draft else "办结"
        numbers = "、".join(case.counter_receipt_nos + case.receipt_numbers) or "—"
        print(f"{numbers}\t{names.get(case.item_code, case.item_code)}\t{kind} {_day(case)}\t"
              f"材料 {case.scans} 份")
    return 0


def _as_json(result: PurgeResult) -> dict[str, object]:
    return {"dry_run": result.dry_run, "retention_days": result.retention_days,
            "cutoff": result.cutoff.isoformat(), "cases": result.cases, "drafts": result.drafts,
            "submissions": result.submissions, "scans": result.scans, "files_deleted": result.files_deleted,
            "purged": [{"case_id": c.case_id, "item_code": c.item_code, "state": c.state.value,
                        "counter_receipt_nos": list(c.counter_receipt_nos),
                        "receipt_numbers": list(c.receipt_numbers), "closed_on": _day(c), "scans": c.scans}
                       for c in result.purged]}


def add_purge_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``purge [--dry-run] [--json] [--admin ID]`` on the ``sicounter`` parser."""
    purge = sub.add_parser("purge", help="remove personal data and scans past the retention period "
                                         "(an administrator's credentials required)")
    purge.add_argument("--dry-run", action="store_true", help="only list what would go; change nothing")
    purge.add_argument("--json", action="store_true")
    purge.add_argument("--admin", help=f"the administrator's staff number (or ${ADMIN_ENV}); "
                                       f"password by prompt or ${ADMIN_PASSWORD_ENV}")
    purge.set_defaults(func=_with_admin(_purge))
