"""The ``sicounter`` command: the clerk's window by default, and tools for administrators.

Each command imports what it needs when it runs: ``sicounter gui`` must show its sign-in dialog within
a second (app.ui.launch), so nothing heavy (the keyring, the database, Qt for a shell command) loads here.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from app.clerk_cli import add_clerk_commands
from app.reference_cli import add_reference_commands
from app.settings import (
    APP_NAME,
    TRUST_SETTINGS,
    Settings,
    default_settings_path,
    load_settings,
    save_settings,
    validated_settings,
)
from core.cli import ChineseArgumentParser, count_arg, run_guarded
from core.errors import ConfigError
from core.private import make_private_dir, private_umask, tighten

if TYPE_CHECKING:
    from app.secrets import SecretStore

#: the most rows ``queue list`` prints at once
QUEUE_LIST_MAX = 1_000_000


def _log_file() -> Path:
    """The terminal's log, where ``_setup_logging`` writes and the last-resort handler puts tracebacks."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "sicounter.log"


def _setup_logging(verbose: bool) -> None:
    """The log file (it names cases and clerks) is its owner's only: directory 0700, file 0600 (issue 17)."""
    log_dir = make_private_dir(Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)), own=True)
    if log_dir.parent.name == APP_NAME:  # Linux: ~/.local/state/sicounter/log, the state folder is ours too
        make_private_dir(log_dir.parent, own=True)
    loosened = tighten(log_dir)  # a log written before the umask: repaired once, said below
    handlers: list[logging.Handler] = [logging.FileHandler(log_dir / "sicounter.log", encoding="utf-8")]
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    handlers.append(stderr)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=handlers,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if loosened:
        logging.getLogger(__name__).info("log files made readable by their owner only: %d in %s",
                                         len(loosened), log_dir)


def _cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.launch import run_counter

    return run_counter(args.config)


def _secrets() -> SecretStore:
    """The terminal's secrets in the OS keyring (the keyring package loads only for commands that use it)."""
    from app.secrets import SecretStore, os_keyring

    return SecretStore(os_keyring())


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import run_demo

    demo_dir = args.dir or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"
    return run_demo(demo_dir, screenshot_dir=args.screenshot_dir)


def _set_trust_setting(args: argparse.Namespace, settings: Settings, key: str, value: str | None) -> int:
    """Whom the terminal trusts (central address, CA file, signing key): an administrator's change, audited."""
    from app import usecases
    from app.clerk_cli import _signed_in_admin
    from app.terminal import build_terminal

    terminal = build_terminal(settings, _secrets(), start_sender=False, start_devices=False)
    try:
        admin = _signed_in_admin(terminal, args)
        if admin is None:
            return 2
        usecases.change_trust_setting(terminal, admin, args.config, key, value)
    finally:
        terminal.close()
    print(f"已修改 {key}（已记入审计日志），重新启动本程序后生效。")
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.action == "path":
        print(args.config)
    elif args.action == "show":
        print(json.dumps(settings.model_dump(mode="json"), ensure_ascii=False, indent=2))
    elif args.action == "set":
        data = settings.model_dump()
        key, value = args.key, args.value
        if key is None:
            print("请给出配置项名称和值，如：sicounter config set terminal_id TC-0001"
                  "（可用 config show 查看全部配置项）", file=sys.stderr)
            return 2
        if key not in data or key == "devices":
            print(f"未知配置项：{key}", file=sys.stderr)
            return 2
        if key in TRUST_SETTINGS:
            return _set_trust_setting(args, settings, key, value)
        data[key] = value
        save_settings(validated_settings(data), args.config)
    elif args.action == "set-token":
        token = getpass.getpass("终端令牌: ").strip()
        if not token:
            return 2
        _secrets().set_terminal_token(token)
        print("终端令牌已保存到系统密钥库。")
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    from local_db.database import head_revision, open_database

    path = load_settings(args.config).database_path()
    db = open_database(path, _secrets().database_key())
    db.close()
    print(f"{path}: revision {head_revision()}")
    return 0


def _cmd_forms(args: argparse.Namespace) -> int:
    """Administrators check a form definition before it is installed or sent to terminals."""
    from forms.catalogue import load_catalogue
    from forms.definitions import TIER_LABELS, available_forms, load_form, load_form_file

    if args.forms_command == "list":
        items = {item.form_code: item for item in load_catalogue() if item.form_code}
        for code in available_forms():
            form = load_form(code)
            item = items.get(code)
            materials = "、".join(m.name for m in form.materials) or "—"
            days = form.time_limit_working_days
            limit = form.time_limit_basis if days is None else f"{days} 个工作日（{form.time_limit_basis}）"
            raised = "（按条件提高）" if form.review.raised_when else ""
            review = ("—" if form.review.tier == "none" else TIER_LABELS[form.review.tier]) + raised
            listed = "" if item else "\t（未列入服务事项目录）"
            print(f"{code}\tv{form.version}\t{form.name}\t{limit}\t{review}\t材料：{materials}{listed}")
        return 0
    try:
        form = load_form_file(args.file)
    except ConfigError as exc:  # the administrator needs every fault, not just "invalid"
        print(f"{exc.user_message}\n{exc.hint}\n{exc.detail}", file=sys.stderr)
        return 2
    fields = sum(len(section.fields) for section in form.sections)
    print(f"{args.file}: 有效 valid — {form.code} v{form.version} {form.name}: "
          f"{len(form.sections)} sections, {fields} fields, {len(form.materials)} materials")
    return 0


def _cmd_queue(args: argparse.Namespace) -> int:
    """What is saved here and where each submission stands; ID numbers masked, never the payload."""
    from app import queries
    from app.audit import AuditAction, AuditEvent
    from app.terminal import build_terminal
    from core.errors import mask_id_number
    from local_db.submissions import SubmissionQuery, find_submissions

    terminal = build_terminal(load_settings(args.config), _secrets(), start_sender=False,
                              start_devices=False)
    try:
        states = frozenset({queries.SubmissionState(args.state)}) if args.state else None
        # the operator's maintenance listing on this machine (it needs the keyring): no clerk signs in, so
        # there is no post to check (``queries.records`` is the clerks' list); the export itself is recorded
        rows = (find_submissions(terminal.db, SubmissionQuery(states=states), limit=args.limit)[0]
                if args.limit > 0 else [])
        # names leave the terminal's screens here: an export, on the trail (no clerk signs in for this command)
        terminal.audit.record(terminal.db, AuditEvent(AuditAction.EXPORT, None, None, None, {
            "what": "queue_list", "rows": len(rows), "state": args.state, "format": "json" if args.json else "text"}))
    finally:
        terminal.close()
    records = [{
        "id": row.id, "case_id": row.case_id, "case_version": row.case_version, "item_code": row.item_code,
        "state": row.state.value, "applicant": row.applicant_name,
        "applicant_id_number": mask_id_number(row.applicant_id_number or ""),
        "counter_receipt_no": row.counter_receipt_no, "receipt_number": row.receipt_number,
        "reason": queries.mask_id_numbers_in(row.status_reason) if row.status_reason else None,
        "last_error": queries.mask_id_numbers_in(row.last_error) if row.last_error else None,
        "created_at": row.created_at.isoformat(timespec="seconds"),
        "purged_at": row.purged_at.isoformat(timespec="seconds") if row.purged_at else None,  # retention
    } for row in rows]
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
        return 0
    for r in records:
        who = "已清理" if r["purged_at"] else r["applicant"] or ""
        print(f"{r['created_at']}\t{r['state']}\t{r['item_code']}\t{who}"
              f"\t{r['applicant_id_number']}\t{r['receipt_number'] or r['counter_receipt_no'] or '—'}"
              f"\t{r['reason'] or r['last_error'] or ''}")
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    """One sync cycle without the window: send what is due, pull status and reference data."""
    from app.terminal import build_terminal

    terminal = build_terminal(load_settings(args.config), _secrets(), start_sender=False,
                              start_devices=False)
    refused: dict[str, str] = {}
    awaiting: list[str] = []

    def heard(event: object) -> None:
        from sync.events import ReferenceAwaiting, ReferenceRefused

        if isinstance(event, ReferenceRefused):
            refused[event.name] = event.reason
        elif isinstance(event, ReferenceAwaiting):
            awaiting.extend(event.keys)

    try:
        if terminal.sender is None:
            print("本终端尚未配置终端编号或令牌，无法同步。请先运行 sicounter config set terminal_id … "
                  "和 sicounter config set-token。", file=sys.stderr)
            return 2
        terminal.events.subscribe(heard)
        summary = terminal.sender.sync_once(now=args.now)
    finally:
        terminal.close()
    for name, reason in sorted(refused.items()):
        print(f"参考数据 {name} 未被采用：{reason}。仍按原有数据办理，请系统管理员核查。", file=sys.stderr)
    if awaiting:
        print(f"以下表单定义更新会降低审核要求，待系统管理员确认（sicounter reference pending）：{'、'.join(awaiting)}",
              file=sys.stderr)
    first = summary.next_attempt_at.astimezone() if summary.next_attempt_at else None
    if args.json:
        print(json.dumps({"sent": summary.sent, "failed": summary.failed, "statuses": summary.statuses,
                          "reference_updated": summary.reference_updated, "pending": summary.pending,
                          "waiting": summary.waiting, "reference_refused": refused,
                          "reference_awaiting": awaiting,
                          "next_attempt_at": first.isoformat(timespec="seconds") if first else None,
                          "trail_sent": summary.trail_sent, "trail_pending": summary.trail_pending,
                          "error": summary.error}, ensure_ascii=False))
    else:
        waiting = (f"（其中 {summary.waiting} 笔在等待重试，最早 {first:%Y-%m-%d %H:%M:%S} 可发送；"
                   "加 --now 可立即重试）" if summary.waiting and first else "")
        print(f"已发送 {summary.sent} 笔，待发送 {summary.pending} 笔{waiting}，状态更新 {summary.statuses} 条，"
              f"审计日志已报送 {summary.trail_sent} 条、待报送 {summary.trail_pending} 条"
              + (f"，参考数据已更新：{'、'.join(summary.reference_updated)}" if summary.reference_updated else "")
              + (f"。未完成：{summary.error}" if summary.error else "。"))
    return 1 if summary.error else 0


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sicounter", description="社会保险经办柜台终端")
    parser.add_argument("--config", type=Path, default=default_settings_path(), help="settings file (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true")
    # subcommands are ChineseArgumentParsers too (argparse makes them of the parent's class)
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(dest="command")  # type: ignore[assignment]

    sub.add_parser("gui", help="open the clerk's window (the default)").set_defaults(func=_cmd_gui)

    demo = sub.add_parser("demo", help="a whole counter on this machine: own database, reference central")
    demo.add_argument("--dir", type=Path, help="demo data directory")
    demo.add_argument("--screenshot-dir", type=Path, help="save screenshots of the windows here")
    demo.set_defaults(func=_cmd_demo)

    sub.add_parser("central", help="the reference central system (see: sicounter central -h)",
                   add_help=False)
    sub.add_parser("card", help="social security card: 'card read [--json]', 'card simulate --holder FILE'",
                   add_help=False)
    sub.add_parser("idcard", help="resident ID card: 'idcard read --port PORT --json', 'idcard simulate'",
                   add_help=False)
    sub.add_parser("scan", help="photos or a camera to a PDF: 'scan --source IMAGE... --out FILE.pdf', "
                                "'scan idcopy --front IMG --back IMG --out FILE.pdf'", add_help=False)

    add_clerk_commands(sub)
    from app.purge_cli import add_purge_command

    add_purge_command(sub)

    config = sub.add_parser("config", help="terminal settings")
    config.add_argument("action", choices=["path", "show", "set", "set-token"])
    config.add_argument("key", nargs="?")
    config.add_argument("value", nargs="?")
    config.add_argument("--admin", help="for central_url, central_ca_file, central_signing_key: the administrator's "
                                        "staff number (password by prompt or $SICOUNTER_ADMIN_PASSWORD)")
    config.set_defaults(func=_cmd_config)
    add_reference_commands(sub)

    sub.add_parser("db", help="create or upgrade the local database").set_defaults(func=_cmd_db)

    from app.audit_cli import add_parser as add_audit_parser

    add_audit_parser(sub)

    from app.report_cli import add_parser as add_report_parser

    add_report_parser(sub)

    queue = sub.add_parser("queue", help="the local queue: 'queue list [--json] [--state STATE]'")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    listing = queue_sub.add_parser("list", help="submissions saved on this terminal, newest first")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--state", choices=["draft", "awaiting_approval", "review_elsewhere", "queued", "sending",
                                             "accepted", "returned", "closed"])
    listing.add_argument("--limit", type=count_arg(QUEUE_LIST_MAX, "条数"), default=1000)
    queue.set_defaults(func=_cmd_queue)

    sync = sub.add_parser("sync", help="send the queue and pull status now: 'sync --once [--now] [--json]'")
    sync.add_argument("--once", action="store_true", required=True,
                      help="one cycle, then exit (status 1 if the central system could not be reached)")
    sync.add_argument("--now", action="store_true",
                      help="also send the rows waiting out a retry delay (a scheduled run leaves them be)")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(func=_cmd_sync)

    forms = sub.add_parser("forms", help="form definitions: 'forms list', 'forms validate FILE'")
    forms_sub = forms.add_subparsers(dest="forms_command", required=True)
    forms_sub.add_parser("list", help="the installed form definitions")
    check = forms_sub.add_parser("validate", help="check a form definition file against the schema")
    check.add_argument("file", type=Path)
    forms.set_defaults(func=_cmd_forms)
    sub.add_parser("rules", help="policy rules: 'rules idnumber|retirement|pension|survivor|deadline ... [--json]'",
                   add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Exit codes (``core.cli``): 0 done, 1 the command's answer is "no" (``sync`` could not
    reach the central system, ``rules idnumber`` found the number invalid), 2 it could not run on its input,
    with the reason in Chinese on stderr; a fault of ours is reported the same way, its traceback only in
    the log."""
    private_umask()  # first: what this process and its libraries create is its owner's only (core/private.py)
    return run_guarded(lambda: _dispatch(list(sys.argv[1:] if argv is None else argv)), program="sicounter",
                       log_file=_log_file())


#: the commands with command lines of their own (``_dispatch``)
_DELEGATED = ("central", "rules", "scan", "card", "idcard")


def _command_start(argv: list[str]) -> int:
    """Where the command word is, after the global options (``--config FILE``, ``-v``): a command handed
    to its own command line (``rules``, ``central``, ...) must be found behind them too."""
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in ("-v", "--verbose") or word.startswith("--config="):
            index += 1
        elif word == "--config":
            index += 2
        else:
            break
    return index


def _dispatch(argv: list[str]) -> int:
    start = _command_start(argv)
    if start and start < len(argv) and argv[start] in _DELEGATED:
        # The global options mean nothing to these commands (they read no settings): they are dropped.
        argv = argv[start:]
    if argv[:1] == ["central"]:
        from central.cli import main as central_main

        return central_main(argv[1:])
    if argv[:1] == ["rules"]:
        from forms.rules.cli import main as rules_main

        return rules_main(argv[1:])
    if argv[:1] == ["scan"]:
        from devices.scan.cli import main as scan_main

        return scan_main(argv[1:])
    if argv[:2] == ["card", "simulate"]:
        from devices.sim.sscard_cli import main as simulate_main

        return simulate_main(argv[2:])
    if argv[:2] == ["card", "read"]:
        from devices.card.cli import main as card_read_main

        return card_read_main(argv[2:])
    if argv[:2] == ["idcard", "simulate"]:
        from devices.sim.idcard_cli import main as id_simulate_main

        return id_simulate_main(argv[2:])
    if argv[:2] == ["idcard", "read"]:
        from devices.idcard.cli import main as id_read_main

        return id_read_main(argv[2:])
    args = build_parser().parse_args(argv)
    _setup_logging(args.verbose)
    func = getattr(args, "func", _cmd_gui)
    return int(func(args))
