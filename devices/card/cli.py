"""``sicounter card read``: wait for a social security card, read it, print it.

app/cli.py delegates here with the arguments after ``card read`` (a leading ``read``
is accepted too). Exit status 0 with the record on stdout; 2 with the clerk's message
and hint on stderr for any failure (no reader, no card in time, unreadable card).
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from collections.abc import Sequence

from core.cli import ChineseArgumentParser, run_guarded
from core.errors import CounterError
from devices.card.errors import NoCard, ReaderUnavailable
from devices.card.reading import DEFAULT_READ_TIMEOUT
from devices.card.sscard import SocialSecurityCardRecord
from devices.card.watch import CardEvent, CardWatcher
from devices.cli_support import positive_float

__all__ = ["build_parser", "main"]

_SEX = {"male": "男", "female": "女", None: "（未记录）"}


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sicounter card read", description="Read a social security card.")
    parser.add_argument("--reader", help="reader name (default: the first reader a card is inserted into)")
    parser.add_argument("--json", action="store_true", help="print the record as JSON")
    parser.add_argument("--timeout", type=positive_float, default=30.0, help="seconds to wait for a card (default 30)")
    parser.add_argument("--read-timeout", type=positive_float, default=DEFAULT_READ_TIMEOUT,
                        help=f"seconds a card may take to answer (default {DEFAULT_READ_TIMEOUT:g})")
    return parser


def _show(record: SocialSecurityCardRecord) -> str:
    def text(value: object) -> str:
        return "（未记录）" if value is None else str(value)

    lines = [
        f"姓名：{record.name}" + ("（姓名编码无法识别）" if record.name_undecodable else ""),
        f"社会保障号码：{record.ssn}",
        f"性别：{_SEX.get(record.sex, text(record.sex))}",
        f"民族代码：{text(record.ethnicity_code)}",
        f"出生日期：{text(record.birth_date)}",
        f"出生地：{text(record.birthplace_code)}",
        f"卡号：{record.card_number}",
        f"发卡地区：{record.region_code}",
        f"规范版本：{record.spec_version}",
        f"发卡日期：{text(record.issue_date)}",
        f"有效期至：{text(record.expiry_date)}" + ("（已过期）" if record.expired else ""),
    ]
    return "\n".join(lines)


def _fail(error: CounterError) -> int:
    print(error.user_message, file=sys.stderr)
    if error.hint:
        print(error.hint, file=sys.stderr)
    return 2


def read_once(reader: str | None, *, timeout: float, read_timeout: float) -> SocialSecurityCardRecord:
    """Wait up to ``timeout`` s for a card and return its record, or raise the reason."""
    events: queue.Queue[CardEvent] = queue.Queue()
    watcher = CardWatcher(events.put, reader=reader, read_timeout=read_timeout)
    readers: tuple[str, ...] = ()
    deadline = time.monotonic() + timeout
    watcher.start()
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                break
            if event.kind == "readers":
                readers = event.readers
            elif event.kind == "read" and event.record is not None:
                return event.record
            elif event.kind in ("read_failed", "service_down") and event.error is not None:
                raise event.error
    finally:
        watcher.stop()
    if not readers or (reader is not None and reader not in readers):
        raise ReaderUnavailable(f"no reader{' ' + repr(reader) if reader else ''} within {timeout:g} s")
    raise NoCard(f"no card inserted within {timeout:g} s",
                 user_message="等待插卡超时，未读取社保卡。", hint="请插入社保卡后重新读取。")


def main(argv: Sequence[str] | None = None) -> int:
    return run_guarded(lambda: _run(list(sys.argv[1:] if argv is None else argv)), program="sicounter card read")


def _run(args_list: list[str]) -> int:
    if args_list[:1] == ["read"]:
        args_list = args_list[1:]
    args = build_parser().parse_args(args_list)
    try:
        record = read_once(args.reader, timeout=args.timeout, read_timeout=args.read_timeout)
    except CounterError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(record.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(_show(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
