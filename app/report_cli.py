"""``sicounter report --period month --by item --since D --until D [--csv F | --xlsx F]``: the supervisor's
statistics without the window (业务主管 only).

The supervisor signs in first (``--supervisor`` or ``SICOUNTER_SUPERVISOR``; the password by prompt or
``SICOUNTER_SUPERVISOR_PASSWORD``, never on the command line), as ``sicounter audit`` signs the auditor in
(``app.clerk_cli.signed_in_clerk``); the read (``app.reports.statistics``) checks the post and puts the
report on the audit trail, a file written is recorded as an export. Without a file the lines are printed.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from app.settings import load_settings
from core.cli import date_arg

SUPERVISOR_ENV = "SICOUNTER_SUPERVISOR"
SUPERVISOR_PASSWORD_ENV = "SICOUNTER_SUPERVISOR_PASSWORD"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="statistics for the supervisor (业务主管): 'report --period month "
                                           "--by item --since D --until D [--csv F | --xlsx F]'")
    report.add_argument("--period", choices=["day", "week", "month"], required=True)
    report.add_argument("--by", choices=["clerk", "window", "item"], required=True)
    report.add_argument("--since", type=date_arg, required=True, help="first day (YYYY-MM-DD, Beijing time)")
    report.add_argument("--until", type=date_arg, required=True, help="last day, included")
    report.add_argument("--today", type=date_arg, help="judge unanswered cases overdue against this day "
                                                       "(default: today in Beijing)")
    report.add_argument("--supervisor", help=f"the supervisor's staff number (or ${SUPERVISOR_ENV}); "
                                             f"password by prompt or ${SUPERVISOR_PASSWORD_ENV}")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, help="write CSV (UTF-8 with BOM, opens in Excel)")
    out.add_argument("--xlsx", type=Path, help="write an Excel workbook")
    report.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from app.clerk_cli import signed_in_clerk
    from app.report_export import COLUMNS, RATING_COLUMNS, period_label, satisfaction_text, write_csv, write_xlsx
    from app.reports import Grouping, Period, record_export, statistics
    from app.secrets import SecretStore, os_keyring
    from app.terminal import build_terminal
    from forms.receipt import CHINA_TZ

    terminal = build_terminal(load_settings(args.config), SecretStore(os_keyring()), start_sender=False,
                              start_devices=False)
    try:
        supervisor = signed_in_clerk(terminal, args.supervisor, role="业务主管", option="--supervisor",
                                     id_env=SUPERVISOR_ENV, password_env=SUPERVISOR_PASSWORD_ENV)
        if supervisor is None:
            return 2
        today = args.today or datetime.now(CHINA_TZ).date()
        report = statistics(terminal, supervisor, Period(args.period), Grouping(args.by), args.since, args.until,
                            today=today)
        if args.csv is not None or args.xlsx is not None:
            path: Path = args.csv or args.xlsx
            (write_csv if args.csv is not None else write_xlsx)(report, path)
            record_export(terminal, supervisor, report, "csv" if args.csv is not None else "xlsx")
            print(f"{report.title}：{len(report.lines)} 行，已写入 {path}")
            return 0
    finally:
        terminal.close()
    print(report.title + (f"（{report.office_name}）" if report.office_name else ""))
    print("\t".join(["期间", "分组", "名称", *(h for h, _ in COLUMNS), "平均答复天数", *(h for h, _ in RATING_COLUMNS),
                     "满意率"]))
    for line in (*report.lines, None):
        m = line.measures if line else report.total
        avg = "—" if m.avg_answer_days is None else f"{m.avg_answer_days:.1f}"
        lead = [period_label(report.period, line.period_start), line.group, line.label] if line else ["合计", "", ""]
        print("\t".join([*lead, *(str(getattr(m, attr)) for _, attr in COLUMNS), avg,
                         *(str(getattr(m, attr)) for _, attr in RATING_COLUMNS), satisfaction_text(m)]))
    return 0
