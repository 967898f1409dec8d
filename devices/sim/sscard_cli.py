"""``sicounter card simulate``: put a virtual social security card into vpcd.

``--holder`` is a holder JSON file or the name of a bundled demo holder
(``li_xiuying``, ``wang_jianguo``); ``--fault NAME[=VALUE]`` (repeatable) makes the
card misbehave (see ``Faults``). Runs until Ctrl-C or SIGTERM, or until the card
leaves the reader on its own (a ``remove_after`` fault, or pcscd stopping).
app/cli.py delegates here with the arguments after ``card simulate``.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from core.cli import ChineseArgumentParser, run_guarded
from core.errors import CounterError
from devices.cli_support import stop_on_signals, tcp_port
from devices.sim.holders import DEMO_HOLDERS, demo_holder_data
from devices.sim.sscard import DEFAULT_VPCD_PORT, Faults, Holder, VirtualCard

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sicounter card simulate",
                                     description="Insert a virtual social security card into pcscd's vpcd reader.")
    parser.add_argument("--holder", required=True,
                        help=f"holder JSON file, or a demo holder: {', '.join(DEMO_HOLDERS)}")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[=VALUE]",
                        help="mute, slow_ms=N, missing_app, security, corrupt_tlv, truncated, remove_after=N, "
                             "t0, record_number_only, select_p1_02, bad_bcd")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=tcp_port, default=DEFAULT_VPCD_PORT,
                        help=f"vpcd port (default {DEFAULT_VPCD_PORT})")
    return parser


def _load_holder(spec: str) -> Holder:
    if spec in DEMO_HOLDERS and not Path(spec).exists():
        return Holder.from_dict(demo_holder_data(spec))
    return Holder.load(Path(spec))


def main(argv: Sequence[str] | None = None) -> int:
    return run_guarded(lambda: _run(list(sys.argv[1:] if argv is None else argv)),
                       program="sicounter card simulate")


def _run(args_list: list[str]) -> int:
    if args_list[:1] == ["simulate"]:
        args_list = args_list[1:]
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        faults = Faults.parse(args.fault)
        holder = _load_holder(args.holder)
    except CounterError as exc:  # the holder file: missing, not a regular file, too large, not UTF-8
        parser.error(exc.user_message)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        parser.error(f"持卡人数据有误：{exc}")
    card = VirtualCard(holder, faults, host=args.host, port=args.port)
    stop = threading.Event()
    with stop_on_signals(stop):
        try:
            card.insert()
        except CounterError as exc:
            print(exc.user_message, file=sys.stderr)
            print(exc.hint, file=sys.stderr)
            return 2
        print(f"virtual card inserted into vpcd on port {args.port}", flush=True)
        try:
            while not stop.wait(0.2):
                if not card.inserted:
                    print("virtual card left the reader (fault or vpcd closed the connection)", file=sys.stderr)
                    return 1
        finally:
            card.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
