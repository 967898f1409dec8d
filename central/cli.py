"""Command line of the reference central system: ``python -m central ...``.

The application's own ``sicounter central ...`` delegates here with its argv.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from central.constants import DEFAULT_RETURN_REASON, REVIEW_MODES, SIGNING_SERVICE
from core.errors import CounterError
from core.private import private_umask

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import uvicorn

    from central.store import CentralStore

# Matches the terminal's default central_url (app/settings.py), so both work without options.
DEFAULT_PORT = 8470
log = logging.getLogger(__name__)


def default_db_path() -> Path:
    """Where the central database lives unless ``--db`` says otherwise."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("sicounter")) / "central.sqlite3"


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("port must be between 0 and 65535")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value < 86400 * 365:
        raise argparse.ArgumentTypeError("seconds must be 0 or more")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (off) or more")
    return value


_UNITS = {"": 1, "K": 1024, "KI": 1024, "KIB": 1024, "M": 1024 ** 2, "MI": 1024 ** 2, "MIB": 1024 ** 2}


def _size(text: str) -> int:
    """A byte count: ``262144``, ``256K`` or ``4M`` (binary units)."""
    number = text.strip().upper().rstrip("B") if text.strip().upper().endswith("IB") else text.strip().upper()
    digits = number.rstrip("KMI")
    unit = _UNITS.get(number[len(digits):])
    if unit is None or not digits.isdigit() or not digits.isascii() or len(digits) > 12 or int(digits) < 1:
        raise argparse.ArgumentTypeError("a size in bytes of 1 or more, e.g. 262144, 256K or 4M")
    return int(digits) * unit


def _count(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000000")
    return value


def _add_limits(serve: argparse.ArgumentParser) -> None:
    """The options that bound each request (docs/sync-protocol.md, "Limits"); their defaults come from
    cheap modules, so building the parser imports no server code."""
    from central.constants import (
        BACKLOG,
        BODY_TIMEOUT,
        DRAIN_TIMEOUT,
        HEADER_TIMEOUT,
        MAX_CONNECTIONS,
        MAX_HEADER_BYTES,
        THROTTLE_ATTEMPTS,
        THROTTLE_LOCKOUT,
        THROTTLE_WINDOW,
    )
    from protocol import limits as defaults

    limits = serve.add_argument_group("limits", "how much each request may send, and how slowly")
    for name, what, default in (
            ("submission", "POST /v1/submissions", defaults.SUBMISSION_BODY),
            ("submission_batch", "POST /v1/submissions/batch", defaults.SUBMISSION_BATCH_BODY),
            ("blob_announce", "POST /v1/blobs", defaults.BLOB_ANNOUNCE_BODY),
            ("blob_states", "POST /v1/blobs/states", defaults.BLOB_STATES_BODY),
            ("audit_batch", "POST /v1/audit/batch", defaults.AUDIT_BATCH_BODY),
            ("review", "POST /v1/reviews/{id}/signatures|return", defaults.REVIEW_BODY)):
        limits.add_argument(f"--max-{name.replace('_', '-')}-body", dest=f"max_{name}_body", type=_size,
                            default=default, metavar="BYTES",
                            help=f"largest body of {what} (default {default}); 413 beyond")
    for name, what, most in (("blob_chunk", "PATCH /v1/blobs/{sha256}", "8 MiB"),
                             ("blob_batch", "POST /v1/blobs/batch", "256 MiB")):
        limits.add_argument(f"--max-{name.replace('_', '-')}-body", dest=f"max_{name}_body", type=_size,
                            default=None, metavar="BYTES",
                            help=f"largest body of {what} (default and most: {most}); 413 beyond")
    limits.add_argument("--body-timeout", type=_seconds, default=BODY_TIMEOUT, metavar="SECONDS",
                        help=f"cut off a sender that pauses this long mid-body (default {BODY_TIMEOUT:g}; 0: off)")
    limits.add_argument("--drain-timeout", type=_seconds, default=DRAIN_TIMEOUT, metavar="SECONDS",
                        help="close a connection if the rest of a body refused unread (413, 401) takes longer "
                             f"to arrive (default {DRAIN_TIMEOUT:g}; 0: off)")
    limits.add_argument("--header-timeout", type=_seconds, default=HEADER_TIMEOUT, metavar="SECONDS",
                        help=f"close a connection whose request headers take longer (default {HEADER_TIMEOUT:g}; "
                             "0: off)")
    limits.add_argument("--max-header-bytes", type=_size, default=MAX_HEADER_BYTES, metavar="BYTES",
                        help=f"largest request header block (default {MAX_HEADER_BYTES}); 431 beyond")
    limits.add_argument("--max-connections", type=_count, default=MAX_CONNECTIONS, metavar="N",
                        help=f"connections served at once (default {MAX_CONNECTIONS}); 503 beyond")
    limits.add_argument("--backlog", type=_count, default=BACKLOG, metavar="N",
                        help=f"connections the OS queues before they are accepted (default {BACKLOG})")
    limits.add_argument("--auth-attempts", type=_positive, default=THROTTLE_ATTEMPTS, metavar="K",
                        help=f"wrong or missing tokens from one address within --auth-window before it is "
                             f"locked out (default {THROTTLE_ATTEMPTS}; 0: never)")
    limits.add_argument("--auth-window", type=_seconds, default=THROTTLE_WINDOW, metavar="SECONDS",
                        help=f"default {THROTTLE_WINDOW:g}")
    limits.add_argument("--auth-lockout", type=_seconds, default=THROTTLE_LOCKOUT, metavar="SECONDS",
                        help=f"how long a locked-out address is answered 429 (default {THROTTLE_LOCKOUT:g})")


def _boundary(args: argparse.Namespace) -> Any:
    """The ``central.boundary.Boundary`` the limit options describe."""
    from central.blobs import MAX_BATCH_BODY, MAX_CHUNK_SIZE
    from central.boundary import BodyLimits, Boundary

    sizes = {name: getattr(args, f"max_{name}_body") for name in (
        "submission", "submission_batch", "blob_announce", "blob_states", "audit_batch", "review", "blob_chunk",
        "blob_batch")}
    # the streamed endpoints have their own ceilings; the options can only lower them
    sizes["blob_chunk"] = min(sizes["blob_chunk"] or MAX_CHUNK_SIZE, MAX_CHUNK_SIZE)
    sizes["blob_batch"] = min(sizes["blob_batch"] or MAX_BATCH_BODY, MAX_BATCH_BODY)
    return Boundary(limits=BodyLimits(**sizes), body_timeout=args.body_timeout or None,
                    throttle_attempts=args.auth_attempts, throttle_window=args.auth_window,
                    throttle_lockout=args.auth_lockout)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, default=None,
                       help="central database file (default: <user data dir>/sicounter/central.sqlite3)")
    where.add_argument("--db-url", default=None, metavar="URL",
                       help="SQLAlchemy URL instead of a file, e.g. postgresql+psycopg://user@host/db")
    parser = argparse.ArgumentParser(prog="central", description="Reference central system for sicounter.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="serve the sync protocol over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help="0 picks a free port")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--stop-on-stdin-eof", action="store_true",
                       help="shut down when stdin closes (a parent that dies or forgets us closes it)")
    serve.add_argument("--blob-dir", type=Path, default=None,
                       help="where uploaded attachments go (default: <db dir>/<db stem>-blobs; "
                            "required with a --db-url that is not SQLite)")
    serve.add_argument("--reference-dir", type=Path, default=None,
                       help="reference data: forms/*.json, holidays.json, figures/<code>.json "
                            "(default: the terminal's own resources)")
    serve.add_argument("--review", default="none", choices=REVIEW_MODES,
                       help="automatic reviewer: approve all, return all, or return every second one")
    serve.add_argument("--review-delay", type=_seconds, default=5.0, metavar="SECONDS",
                       help="age at which the reviewer decides a submission (default 5)")
    serve.add_argument("--return-reason", default=DEFAULT_RETURN_REASON, metavar="TEXT",
                       help="the reason the reviewer gives when it returns a submission")
    serve.add_argument("--busy-every", type=_positive, default=0, metavar="N",
                       help="TEST AID: answer every Nth request to /v1/submissions or /v1/blobs with 503")
    serve.add_argument("--tls-cert", type=Path, default=None, metavar="PEM",
                       help="serve HTTPS with this certificate chain (PEM); required beyond loopback")
    serve.add_argument("--tls-key", type=Path, default=None, metavar="PEM", help="the certificate's private key")
    serve.add_argument("--api-docs", action="store_true",
                       help="serve the API page /docs and /openapi.json, without a token (the protocol is "
                            "public: docs/sync-protocol.md); off by default")
    _add_limits(serve)
    keygen = commands.add_parser("keygen", help="make the reference-data signing key in the keyring (once); "
                                                "prints the public key")
    keygen.add_argument("--replace", action="store_true",
                        help="make a new key even though one exists (every terminal must then be enrolled again)")
    public = commands.add_parser("public-key", help="print the public key terminals are enrolled with "
                                                    "(their central_signing_key setting)")
    for command in (serve, keygen, public):
        command.add_argument("--keyring-dir", type=Path, default=None, metavar="DIR",
                             help="a keyring file in DIR instead of the OS keyring (tests, the demo)")
        command.add_argument("--keyring-service", default=SIGNING_SERVICE, metavar="NAME",
                             help=f"keyring service name (default {SIGNING_SERVICE})")

    review = commands.add_parser("review", parents=[common],
                                 help="approve or return one submission by hand, or sign a case awaiting review")
    review.add_argument("submission_id")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--return", dest="return_reason", metavar="REASON",
                          help="return it for correction, with this reason (shown to the clerk)")
    decision.add_argument("--sign", choices=["review", "approval"],
                          help="sign this step (复核 review, 审批 approval) of a case awaiting review, as --clerk")
    review.add_argument("--note", default=None, help="a note with --approve")
    review.add_argument("--clerk", default=None, metavar="STAFF_NO",
                        help="the central reviewer signing (--sign) or returning a case awaiting review")
    review.add_argument("--reference-dir", type=Path, default=None,
                        help="the forms the review tiers come from (default: the terminal's own resources)")
    awaiting = commands.add_parser("awaiting-review", parents=[common],
                                   help="list the cases awaiting review (待复核), with the steps still to sign")
    awaiting.add_argument("--reference-dir", type=Path, default=None)
    awaiting.add_argument("--json", action="store_true")

    commands.add_parser("openapi", help="print the protocol's OpenAPI document (docs/openapi.json)")

    add = commands.add_parser("add-terminal", parents=[common],
                              help="register a terminal (or rotate its token); prints the token")
    add.add_argument("terminal_id")
    add.add_argument("--office", default=None, help="the office (服务大厅) whose terminals review each other's cases")

    audit = commands.add_parser("audit", help="a terminal's audit trail as the central system holds it")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", parents=[common],
                                  help="check a terminal's hash chain (status 0: intact, 1: broken)")
    verify.add_argument("--terminal", required=True, help="the terminal id")
    verify.add_argument("--json", action="store_true")
    trail = audit_sub.add_parser("list", parents=[common], help="a terminal's entries, oldest first")
    trail.add_argument("--terminal", required=True, help="the terminal id")
    trail.add_argument("--person-key", default=None,
                       help="only entries of this person key (the terminal's keyed hash, never an ID number)")
    trail.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="from this UTC day on")
    trail.add_argument("--json", action="store_true")

    reminders = commands.add_parser("reminders", parents=[common],
                                    help="list the reminders (催办) terminals sent, in the order they arrived")
    reminders.add_argument("--terminal", default=None, help="only this terminal's")
    reminders.add_argument("--json", action="store_true", help="one JSON array instead of a table")

    ratings = commands.add_parser("ratings", parents=[common],
                                  help="list the ratings (好差评) of cases terminals sent, in the order they arrived")
    ratings.add_argument("--terminal", default=None, help="only this terminal's")
    ratings.add_argument("--json", action="store_true", help="one JSON array instead of a table")

    seed = commands.add_parser("seed", parents=[common],
                               help="fill the registry with a deterministic synthetic population (issue 20)")
    seed.add_argument("--persons", type=_positive, default=10_000, help="persons (default 10000)")
    seed.add_argument("--employers", type=_count, default=500, help="employers (default 500)")
    seed.add_argument("--seed", type=int, default=0, help="the same seed makes the same registry (default 0)")
    seed.add_argument("--replace", action="store_true",
                      help="empty an already seeded registry first (otherwise it is refused)")

    lookups = commands.add_parser("lookups", parents=[common],
                                  help="list the lookups (查询) terminals made, in the order they arrived")
    lookups.add_argument("--terminal", default=None, help="only this terminal's")
    lookups.add_argument("--json", action="store_true", help="one JSON array instead of a table")

    listing = commands.add_parser("list-submissions", parents=[common], help="print stored submissions")
    listing.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    listing.add_argument("--include-payload", action="store_true",
                         help="include payloads (personal data!) in --json output")
    return parser


def _bind(host: str, port: int, backlog: int = 128) -> socket.socket:
    """Bind and listen before uvicorn starts, so ``--port 0`` yields the real port to print."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":
            # Lets a restarted server take its port back at once; on Windows this
            # option would let another process steal a live port instead.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


def _watch_stdin(server: uvicorn.Server) -> None:
    """Stop ``server`` once stdin reaches end of file.

    A parent that started us with a pipe on stdin closes it by exiting, even when it
    crashes, so servers started by tests or launchers are never left orphaned; it is
    also the only graceful way to stop a child on Windows, which has no SIGTERM.
    """

    def wait_for_eof() -> None:
        # os.read on the descriptor, not sys.stdin: a daemon thread blocked inside the
        # buffered reader holds its lock, and interpreter shutdown then aborts.
        with contextlib.suppress(OSError, ValueError):
            fd = sys.stdin.fileno()
            while os.read(fd, 4096):
                pass
        log.info("stdin closed; shutting down")
        server.should_exit = True

    threading.Thread(target=wait_for_eof, name="central-stdin-watch", daemon=True).start()


def _serve(db: Path | str, host: str, port: int, log_level: str, stop_on_stdin_eof: bool = False,
           tls_cert: Path | None = None, tls_key: Path | None = None, keyring_dir: Path | None = None,
           keyring_service: str = SIGNING_SERVICE, header_timeout: float | None = None,
           max_header_bytes: int | None = None, max_connections: int | None = None, backlog: int | None = None,
           drain_timeout: float | None = None, **options: Any) -> int:
    """Serve until stopped; ``options`` go to ``create_app`` (blob dir, reviewer, ...).

    With ``tls_cert`` and ``tls_key`` it serves HTTPS (terminals refuse plain HTTP beyond loopback).
    Reference data is signed with the key in the keyring; without one it goes out unsigned, and an
    enrolled terminal refuses it (a warning says so at start). ``header_timeout``, ``max_header_bytes``,
    ``max_connections``, ``backlog`` and ``drain_timeout`` bound the connections (``central.connections``;
    defaults when None).
    """
    import uvicorn

    from central import connections
    from central.api import create_app
    from central.signing import keyring_backend, load_signer
    from central.tls import hardened_context

    logging.basicConfig(level=log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if (tls_cert is None) != (tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together")
    for pem in (tls_cert, tls_key):
        if pem is not None and not pem.is_file():
            raise ValueError(f"no such file: {pem}")
    try:
        signer = load_signer(keyring_backend(keyring_dir), keyring_service)
    except CounterError as exc:  # no keyring on this machine: serve, unsigned, as without a key
        if not exc.fields.get("no_keyring"):
            raise
        log.warning("%s", exc.detail)
        signer = None
    if tls_cert is None and host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("serving plain HTTP on %s: terminals refuse an http:// central beyond loopback "
                    "(give --tls-cert and --tls-key)", host)
    if signer is None:
        log.warning("no reference signing key (run: central keygen): reference data goes out unsigned "
                    "and enrolled terminals will refuse it")
    else:
        log.info("reference data signed with %s", signer.public_key_text())
    sock = _bind(host, port, backlog or connections.BACKLOG)
    with sock:
        app = create_app(db, signer=signer, **options)
        bound_port = sock.getsockname()[1]
        shown_host = f"[{host}]" if ":" in host else host
        scheme = "https" if tls_cert is not None else "http"
        # log_config=None: uvicorn logs through the stderr handler above, so stdout
        # carries only the "listening" line and a launcher never has to drain it.
        # server_header=False: no "server: uvicorn" banner telling a scanner what to try.
        protocol = connections.bounded_protocol(
            header_timeout=connections.HEADER_TIMEOUT if header_timeout is None else header_timeout,
            max_header_bytes=max_header_bytes or connections.MAX_HEADER_BYTES,
            max_connections=max_connections or connections.MAX_CONNECTIONS,
            drain_timeout=connections.DRAIN_TIMEOUT if drain_timeout is None else drain_timeout)
        config = uvicorn.Config(app, log_config=None, log_level=log_level, timeout_graceful_shutdown=10,
                                ssl_certfile=tls_cert, ssl_keyfile=tls_key, http=protocol,
                                backlog=backlog or connections.BACKLOG, server_header=False,
                                ssl_context_factory=hardened_context if tls_cert is not None else None)
        server = uvicorn.Server(config)

        def stop(_signum: int, _frame: FrameType | None) -> None:
            # uvicorn takes over these signals while serving and re-raises them after
            # its graceful shutdown; this handler turns that into a normal return
            # (exit status 0) instead of death by signal. Set before serving, it also
            # covers a signal that arrives before uvicorn has installed its own.
            server.should_exit = True

        if stop_on_stdin_eof:
            _watch_stdin(server)
        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            print(f"central listening on {scheme}://{shown_host}:{bound_port}", flush=True)
            server.run(sockets=[sock])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    log.info("central stopped")
    return 0


def _list(db: Path | str, as_json: bool, include_payload: bool) -> int:
    from central.store import CentralStore

    if isinstance(db, Path) and not db.exists():
        print(f"central: no database at {db}", file=sys.stderr)
        return 1
    with CentralStore.open(db) as store:
        records = store.list_submissions()
        desk = _desk(store, None)
        reviews = {record.id: desk.review_of(record.id) for record in records} if as_json else {}
    if as_json:
        rows = [{**asdict(record), "review": reviews[record.id]} for record in records]
        if not include_payload:
            for row in rows:
                del row["payload"]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in records:
        print(f"{r.received_at}  {r.receipt_number}  {r.id}  {r.terminal_id}  "
              f"{r.item_code} v{r.version}  case {r.case_id} v{r.case_version}  {r.status}"
              f"{'  home-visit' if r.home_visit else ''}")
    print(f"{len(records)} submission(s)", file=sys.stderr)
    return 0


def _listing(db: Path | str, rows: Callable[[CentralStore], Sequence[Any]], line: Callable[[Any], str],
             noun: str, as_json: bool) -> int:
    """A ``central`` listing: JSON, or one line a row and the count on stderr; 1 without a database."""
    from central.store import CentralStore

    if isinstance(db, Path) and not db.exists():
        print(f"central: no database at {db}", file=sys.stderr)
        return 1
    with CentralStore.open(db) as store:
        found = rows(store)
    if as_json:
        print(json.dumps([asdict(r) for r in found], ensure_ascii=False, indent=2))
        return 0
    for r in found:
        print(line(r))
    print(f"{len(found)} {noun}(s)", file=sys.stderr)
    return 0


def _reminders(db: Path | str, terminal_id: str | None, as_json: bool) -> int:
    """``central reminders``: every 催办 with its case's receipt number and current status."""
    from central.reminders import list_reminders

    return _listing(db, lambda store: list_reminders(store, terminal_id=terminal_id),
                    lambda r: f"{r.received_at}  {r.receipt_number}  {r.case_status}  {r.terminal_id}  {r.clerk_id}  "
                              f"{r.id}  {r.note or ''}", "reminder", as_json)


def _ratings(db: Path | str, terminal_id: str | None, as_json: bool) -> int:
    """``central ratings``: every 好差评 with its case's receipt number and item (no person in it)."""
    from central.ratings import list_ratings
    from protocol.ratings import LEVEL_LABELS, RatingLevel

    return _listing(db, lambda store: list_ratings(store, terminal_id=terminal_id),
                    lambda r: f"{r.received_at}  {r.receipt_number}  {r.item_code}  {r.terminal_id}  {r.clerk_id}  "
                              f"{r.level} {LEVEL_LABELS[RatingLevel(r.level)]}  {','.join(r.reasons)}  {r.id}",
                    "rating", as_json)


def _seed(db: Path | str, args: argparse.Namespace) -> int:
    """``central seed``: the synthetic registry (``central.registry_seed``); refused on a seeded one unless
    ``--replace``."""
    from central.registry_seed import seed_registry
    from central.store import CentralStore

    with CentralStore.open(db) as store:
        summary = seed_registry(store, persons=args.persons, employers=args.employers, seed=args.seed,
                                replace=args.replace)
    kinds = "，".join(f"{kind} {count}" for kind, count in summary.kinds.items())
    print(f"已生成参保登记数据：{summary.persons} 人、{summary.employers} 个单位、{summary.periods} 条缴费记录"
          f"（种子 {args.seed}；{kinds}）", flush=True)
    return 0


def _lookups(db: Path | str, terminal_id: str | None, as_json: bool) -> int:
    """``central lookups``: every lookup with its terminal, clerk, subject kind, reason and whether it found."""
    from central.lookups import list_lookups
    from core.errors import mask_id_number

    def subject(r: Any) -> str:
        return mask_id_number(r.subject) if r.subject_kind == "person" else r.subject

    return _listing(db, lambda store: list_lookups(store, terminal_id=terminal_id),
                    lambda r: f"{r.received_at}  {r.terminal_id}  {r.clerk_id}  {r.subject_kind}  {subject(r)}  "
                              f"{r.reason_kind}{' ' + r.reason_note if r.reason_note else ''}  "
                              f"{'found' if r.found else 'not found'}  {r.id}", "lookup", as_json)


def _review(db: Path | str, submission_id: str, return_reason: str | None, note: str | None) -> int:
    from central.store import STATUS_APPROVED, STATUS_RETURNED, CentralStore

    if isinstance(db, Path) and not db.exists():
        print(f"central: no database at {db}", file=sys.stderr)
        return 1
    if return_reason is not None and not return_reason.strip():
        print("central: --return needs a reason", file=sys.stderr)
        return 2
    with CentralStore.open(db) as store:
        if return_reason is not None:
            record = store.review(submission_id, STATUS_RETURNED, return_reason)
        else:
            record = store.review(submission_id, STATUS_APPROVED, note)
    print(f"{record.id}  {record.receipt_number}  {record.status}", flush=True)
    return 0


def _audit(db: Path | str, args: argparse.Namespace) -> int:
    """``audit verify`` and ``audit list`` over the central database (the operator's reading, no HTTP)."""
    from central.store import CentralStore

    if isinstance(db, Path) and not db.exists():
        print(f"central: no database at {db}", file=sys.stderr)
        return 1
    with CentralStore.open(db) as store:
        if args.audit_command == "verify":
            report = store.audit.verify(args.terminal)
            if args.json:
                print(json.dumps({"terminal": args.terminal, "intact": report.intact, "entries": report.entries,
                                  "broken_at": report.broken_at,
                                  "problem": str(report.problem) if report.problem else None}))
            elif report.intact:
                print(f"{args.terminal}: audit trail intact, {report.entries} entries")
            else:
                print(f"{args.terminal}: audit trail BROKEN at entry {report.broken_at} ({report.problem}); "
                      f"{report.entries} entries before it are intact")
            return 0 if report.intact else 1
        since = f"{args.since}T00:00:00" if args.since else None
        held = list(store.audit.entries(args.terminal, person_key=args.person_key, since=since))
    if args.json:
        print(json.dumps([{**asdict(h.entry), "received_at": h.received_at} for h in held], ensure_ascii=False,
                         indent=1))
        return 0
    for h in held:
        e = h.entry
        print(f"{e.seq}\t{e.at}\t{e.clerk_id or '-'}\t{e.action}\t{e.subject or '-'}\t"
              f"{(e.person_key or '-')[:12]}\t{e.detail}")
    print(f"{len(held)} entr{'y' if len(held) == 1 else 'ies'}", file=sys.stderr)
    return 0


def _signing_key(command: str, keyring_dir: Path | None, service: str, replace: bool) -> int:
    """``keygen``: make the signing key once (``--replace`` for a new one); ``public-key``: print it."""
    from central.signing import generate, keyring_backend, load_signer

    try:
        backend = keyring_backend(keyring_dir)
        if command == "keygen":
            signer, made = generate(backend, service, replace=replace)
            print("已生成参考数据签名密钥。" if made else "签名密钥已存在（未更换；更换请加 --replace）。",
                  file=sys.stderr)
        else:
            found = load_signer(backend, service)
            if found is None:
                print("central: no signing key yet; run: sicounter central keygen", file=sys.stderr)
                return 1
            signer = found
    except CounterError as exc:
        print(f"central: {exc.user_message} {exc.hint}", file=sys.stderr)
        return 2
    print(signer.public_key_text(), flush=True)
    return 0


def _desk(store: Any, reference_dir: Path | None) -> Any:
    from central.reference import ReferenceSource
    from central.reviews import ReviewDesk
    from central.tiers import ReviewPolicy

    return ReviewDesk(store, ReviewPolicy(ReferenceSource(reference_dir)))


def _review_awaiting(db: Path | str, submission_id: str, args: argparse.Namespace) -> int | None:
    """``--sign`` or ``--return`` of a case awaiting review, by a central reviewer (``--clerk``); None:
    the case does not await review (``--return`` then decides an accepted submission as before)."""
    from datetime import UTC, datetime

    from central.reviews import CENTRAL_SIGNER
    from central.store import CentralStore
    from central.tiers import STATUS_AWAITING_REVIEW

    with CentralStore.open(db) as store:
        record = store.get_submission(submission_id)
        if args.sign is None and (record is None or record.status != STATUS_AWAITING_REVIEW):
            return None
        if not args.clerk:
            print("central: a case awaiting review is signed or returned by a named reviewer: give --clerk",
                  file=sys.stderr)
            return 2
        desk = _desk(store, args.reference_dir)
        if args.sign is not None:
            case = desk.sign(submission_id, args.sign, args.clerk, CENTRAL_SIGNER,
                             datetime.now(UTC).isoformat(timespec="seconds"))
        else:
            case = desk.return_case(submission_id, args.clerk, CENTRAL_SIGNER, args.return_reason)
    print(f"{case.record.id}  {case.record.receipt_number}  {case.record.status}  "
          f"next: {case.next_step or '-'}", flush=True)
    return 0


def _awaiting(db: Path | str, reference_dir: Path | None, as_json: bool) -> int:
    from central.reviews import case_summary
    from central.store import CentralStore

    if isinstance(db, Path) and not db.exists():
        print(f"central: no database at {db}", file=sys.stderr)
        return 1
    with CentralStore.open(db) as store:
        desk = _desk(store, reference_dir)
        rows = [case_summary(desk, case) for case in desk.awaiting()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        signed = ",".join(f"{g['step']}:{g['clerk_id']}" for g in r["signatures"]) or "-"
        print(f"{r['received_at']}  {r['receipt_number']}  {r['submission_id']}  {r['terminal_id']}  "
              f"{r['item_code']}  {r['applicant_id_masked'] or ''}  tier {r['tier']}  signed {signed}  "
              f"next {r['next_step']}")
    print(f"{len(rows)} case(s) awaiting review", file=sys.stderr)
    return 0


def _add_terminal(db: Path | str, terminal_id: str, office: str | None) -> int:
    """Register a terminal and print its token; a malformed id is refused with exit status 2."""
    from central.errors import InvalidTerminalId
    from central.store import add_terminal

    try:
        token = add_terminal(db, terminal_id, office=office)
    except InvalidTerminalId as exc:
        print(f"central: {exc.user_message}{exc.hint}（收到：{terminal_id!r}）", file=sys.stderr)
        return 2
    print(token, flush=True)
    return 0


def _openapi() -> int:
    """Print the OpenAPI document of the app (built over a throwaway database)."""
    import tempfile

    from central.api import create_app

    with tempfile.TemporaryDirectory() as directory:
        app = create_app(Path(directory) / "openapi.sqlite3")
        document = app.openapi()
        app.state.store.close()
    print(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
    return 0


def _check_tls_files(*paths: Path | None) -> None:
    """The certificate and key are read by the TLS library at start; refuse a FIFO, a device or a huge file
    first (``core.files``), which would hang or exhaust the server before it says anything."""
    from core.files import CA_FILE_LIMIT, check_regular_file

    for path in paths:
        if path is not None:
            check_regular_file(path, CA_FILE_LIMIT, "TLS 证书或密钥文件")


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit status (``core.cli``: 0 done, 2 it could not run on its
    input, with the reason on stderr and never a traceback; a fault of ours goes to ``central.log``)."""
    private_umask()  # the database, blobs and packs this process creates are its owner's only (core/private.py)
    from core.cli import default_log_file, run_guarded

    return run_guarded(lambda: _main(argv), program="central", log_file=default_log_file().with_name("central.log"))


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        return _openapi()
    if args.command in ("keygen", "public-key"):
        return _signing_key(args.command, args.keyring_dir, args.keyring_service, getattr(args, "replace", False))
    db: Path | str = args.db_url or (args.db if args.db is not None else default_db_path())
    try:
        if args.command == "serve":
            _check_tls_files(args.tls_cert, args.tls_key)
            return _serve(db, args.host, args.port, args.log_level, args.stop_on_stdin_eof,
                          blob_dir=args.blob_dir, reference_dir=args.reference_dir, review=args.review,
                          review_delay=args.review_delay, return_reason=args.return_reason,
                          busy_every=args.busy_every, tls_cert=args.tls_cert, tls_key=args.tls_key,
                          keyring_dir=args.keyring_dir, keyring_service=args.keyring_service,
                          api_docs=args.api_docs,
                          header_timeout=args.header_timeout, max_header_bytes=args.max_header_bytes,
                          max_connections=args.max_connections, backlog=args.backlog,
                          drain_timeout=args.drain_timeout, boundary=_boundary(args))
        if args.command == "add-terminal":
            return _add_terminal(db, args.terminal_id, args.office)
        if args.command == "review":
            if args.sign is not None or args.return_reason is not None:
                done = _review_awaiting(db, args.submission_id, args)
                if done is not None:
                    return done
            return _review(db, args.submission_id, args.return_reason, args.note)
        if args.command == "awaiting-review":
            return _awaiting(db, args.reference_dir, args.json)
        if args.command == "audit":
            return _audit(db, args)
        if args.command == "reminders":
            return _reminders(db, args.terminal, args.json)
        if args.command == "ratings":
            return _ratings(db, args.terminal, args.json)
        if args.command == "seed":
            return _seed(db, args)
        if args.command == "lookups":
            return _lookups(db, args.terminal, args.json)
        return _list(db, args.json, args.include_payload)
    except CounterError as exc:
        detail = f"（{exc}）" if str(exc) != exc.user_message else ""
        print(f"central: {exc.user_message}{detail}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"central: 操作未能完成：{exc}", file=sys.stderr)
        return 2
