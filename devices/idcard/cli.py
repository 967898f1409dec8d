"""``sicounter idcard read``: wait for an ID card on the reader, read it, print it.

app/cli.py delegates here with the arguments after ``idcard`` (a leading ``read`` is
accepted). Exit 0 with the record on stdout (``--json``: photo as length + SHA-256);
2 with the clerk's message and hint on stderr for any failure.
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
from devices.cli_support import baud_rate, positive_float
from devices.idcard.errors import IdReaderNotFound, NoIdCard
from devices.idcard.record import IdCardRecord
from devices.idcard.watch import IdCardEvent, IdCardWatcher

__all__ = ["build_parser", "main", "read_once"]

_TYPES = {"resident": "居民身份证", "hkmt_permit": "港澳台居民居住证", "foreign_old": "外国人永久居留身份证（旧版）",
          "foreign_2023": "外国人永久居留身份证（2023版）"}
_SEX = {"male": "男", "female": "女", None: "（未说明）"}


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="sicounter idcard read", description="Read a resident ID card.")
    parser.add_argument("--port", help="serial port (default: probe every listed port)")
    parser.add_argument("--baud", type=baud_rate, help="baud rate (default: probe 115200, 57600, 38400, 19200, 9600)")
    parser.add_argument("--json", action="store_true", help="print the record as JSON")
    parser.add_argument("--fingerprint", action="store_true", help="read the fingerprint block too")
    parser.add_argument("--timeout", type=positive_float, default=30.0, help="seconds to wait for a card (default 30)")
    return parser


def _show(record: IdCardRecord) -> str:
    def text(value: object) -> str:
        return "（无）" if value is None else str(value)

    valid_to = "长期" if record.valid_long_term else text(record.valid_to)
    lines = [
        f"证件类型：{_TYPES[record.card_type]}",
        f"姓名：{record.name}" + (f"（{record.name_en}）" if record.name_en else ""),
        f"性别：{_SEX.get(record.sex, record.sex_code)}",
        f"民族：{text(record.ethnicity)}",
        f"出生日期：{text(record.birth_date)}",
        f"住址：{text(record.address)}",
        f"证件号码：{record.id_number}",
        f"签发机关：{text(record.issuer)}",
        f"有效期限：{text(record.valid_from)} 至 {valid_to}",
    ]
    if record.nationality and record.card_type != "resident":
        lines.append(f"国籍：{record.nationality}")
    if record.pass_number:
        lines.append(f"通行证号码：{record.pass_number}（签发次数 {text(record.issue_count)}）")
    lines.append(f"照片：{len(record.photo)} 字节（WLT）")
    return "\n".join(lines)


def read_once(port: str | None, *, baud: int | None, timeout: float, fingerprint: bool = False) -> IdCardRecord:
    """Wait up to ``timeout`` s for a card and return its record, or raise the reason."""
    events: queue.Queue[IdCardEvent] = queue.Queue()
    watcher = IdCardWatcher(events.put, port=port, baud=baud, poll_interval=0.1, fingerprint=fingerprint)
    reader = False
    deadline = time.monotonic() + timeout
    watcher.start()
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                break
            if event.kind == "reader":
                reader = True
            elif event.kind == "read" and event.record is not None:
                return event.record
            elif event.kind in ("read_failed", "reader_lost") and event.error is not None:
                raise event.error
    finally:
        watcher.stop()
    if not reader:
        raise IdReaderNotFound(f"no ID reader{' on ' + port if port else ''} within {timeout:g} s")
    raise NoIdCard(f"no card within {timeout:g} s", user_message="等待放置身份证超时，未读取。",
                   hint="请将身份证平放在阅读器上后重新读取。")


def main(argv: Sequence[str] | None = None) -> int:
    return run_guarded(lambda: _run(list(sys.argv[1:] if argv is None else argv)), program="sicounter idcard read")


def _run(args_list: list[str]) -> int:
    if args_list[:1] == ["read"]:
        args_list = args_list[1:]
    args = build_parser().parse_args(args_list)
    try:
        record = read_once(args.port, baud=args.baud, timeout=args.timeout, fingerprint=args.fingerprint)
    except CounterError as exc:
        print(exc.user_message, file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(record.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(_show(record))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
