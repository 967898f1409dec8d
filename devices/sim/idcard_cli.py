"""``sicounter idcard simulate``: a simulated ID reader on a pseudo-terminal.

``--identity`` is an identity JSON file or a bundled sample (``zhang_wei``,
``chan_ka_yan``, ``john_smith``, ``anna_mueller``); without it the reader is empty.
``--fault NAME[=VALUE]`` (repeatable) makes it misbehave (see ``IdFaults``). Prints
"simulated ID reader on PORT" and runs until Ctrl-C or SIGTERM (or until a
``close-mid-read`` fault closes the port). app/cli.py delegates here with the
arguments after ``idcard simulate``.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from core.cli import ChineseArgumentParser, run_guarded
from core.errors import CounterError
from devices.cli_support import baud_rate, stop_on_signals
from devices.sim.idcard import Identity, IdFaults, SimulatedIdReader
from devices.sim.identities import SAMPLE_IDENTITIES, sample_identity_data

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sicounter idcard simulate",
                                     description="Run a simulated resident ID card reader on a pseudo-terminal.")
    parser.add_argument("--identity", help=f"identity JSON file, or a sample: {', '.join(SAMPLE_IDENTITIES)}")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME[=VALUE]",
                        help="noise=N, torn-ms=N, bad-checksum=N, find-fail=N, select-fail=N, read-fail=N "
                             "(N=-1: always), sam-unauthorised, slow-sam-ms=N, close-mid-read")
    parser.add_argument("--baud", type=baud_rate, default=115200, help="pace replies to this rate (default 115200)")
    return parser


def _load(spec: str) -> Identity:
    if spec in SAMPLE_IDENTITIES and not Path(spec).exists():
        return Identity.from_dict(sample_identity_data(spec))
    return Identity.load(Path(spec))


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    return run_guarded(lambda: _run(list(sys.argv[1:] if argv is None else argv), stop),
                       program="sicounter idcard simulate")


def _run(args_list: list[str], stop: threading.Event | None) -> int:
    if args_list[:1] == ["simulate"]:
        args_list = args_list[1:]
    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        faults = IdFaults.parse(args.fault)
        identity = _load(args.identity) if args.identity else None
    except CounterError as exc:  # the identity file: missing, not a regular file, too large, not UTF-8
        parser.error(exc.user_message)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        parser.error(f"身份证数据有误：{exc}")
    stop = stop or threading.Event()
    reader = SimulatedIdReader(identity, baud=args.baud, faults=faults).start()
    with stop_on_signals(stop):
        print(f"simulated ID reader on {reader.port}", flush=True)
        try:
            while not stop.wait(0.2):
                if not reader.running:
                    print("simulated ID reader closed its port (fault)", file=sys.stderr)
                    return 1
        finally:
            reader.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
