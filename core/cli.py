"""What every command line of ours shares: exit codes, the last-resort handler, argument domains.

Exit codes, the same for every command (``sicounter …``, ``python -m central``, the simulators):

- 0: done;
- 1: the command ran and its answer is "no" (``rules idnumber`` found the number invalid, ``sync`` could
  not reach the central system, a simulator's port closed);
- 2: the command could not run on its input (a bad argument, a file that is missing, too large or not
  UTF-8, a refused setting), or failed inside; the reason is on stderr in Chinese, never a traceback.

``run_guarded`` is the one place that turns an exception into that message: a ``CounterError`` shows its
``user_message`` and ``hint``; anything unexpected shows that an internal error happened and where the
log is, and the traceback goes only to that log, with ID numbers masked (issue 17: a traceback tells a
clerk nothing and may show data). Each ``main`` wraps its body in it, so a command run on its own
(``python -m central``) holds as well as one run through ``sicounter``.

The argument types (``date_arg``, ``year_arg``, ``amount_arg``, ``count_arg``) refuse values outside
their domain with a Chinese reason, which argparse prints with exit code 2: a date beyond 2100 or an
amount of 1e300 is a typing mistake, and an answer computed from it ("退休时间：10054-12") would be
believed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NoReturn

from core.errors import CounterError

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "EXIT_FAILED",
    "EXIT_NO",
    "EXIT_OK",
    "ChineseArgumentParser",
    "amount_arg",
    "count_arg",
    "date_arg",
    "default_log_file",
    "run_guarded",
    "year_arg",
]

EXIT_OK, EXIT_NO, EXIT_FAILED = 0, 1, 2

#: the dates any command takes: birth dates of living people to deadlines of this century
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)

#: an 18- or 15-digit ID number inside a traceback's text (exception messages may quote input)
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")

log = logging.getLogger(__name__)


def default_log_file() -> Path:
    """The terminal's log file, where ``app`` writes its log (platformdirs' ``user_log_dir("sicounter")``).

    Spelled out with the standard library because ``core`` imports nothing else; a test checks it
    against platformdirs.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "sicounter" / "Logs" / "sicounter.log"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "sicounter" / "sicounter.log"
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state and Path(state).is_absolute() else home / ".local" / "state"
    return base / "sicounter" / "log" / "sicounter.log"


def _masked(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: m.group(1)[:3] + "*" * (len(m.group(1)) - 5) + m.group(1)[-2:], text)


def _write_crash(log_file: Path, program: str, exc: BaseException) -> bool:
    """Append the traceback of ``exc`` to ``log_file`` (owner-only); False when it cannot be written."""
    text = "".join(traceback.format_exception(exc))
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(f"{stamp} ERROR {program}: internal error\n{_masked(text)}")
    except OSError:
        return False
    return True


def _say(*lines: str) -> None:
    for line in lines:
        if line:
            print(line, file=sys.stderr)


def run_guarded(body: Callable[[], int], *, program: str, log_file: Path | None = None) -> int:
    """Run a command's ``body`` and return its exit code; no exception leaves as a traceback.

    ``SystemExit`` (argparse's own exit 2 with its message, ``--help``) passes through untouched.
    """
    try:
        return body()
    except CounterError as exc:
        log.debug("%s failed: %s", program, exc.detail, exc_info=True)
        _say(exc.user_message, exc.hint)
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("已中断。")
        return 130
    except EOFError:  # a prompt (password, token) met a closed input: a script without a terminal
        _say("需要输入时没有可读的输入（标准输入已关闭）。", "请在终端中运行，或按命令说明通过环境变量提供。")
        return EXIT_FAILED
    except BrokenPipeError:
        # the reader of our output went away (``… | head``): nothing left to tell it
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces stdout for the interpreter's exit
        return EXIT_FAILED
    except MemoryError:
        _say("内存不足，操作未能完成。", "请关闭其他程序后重试；如输入的文件很大，请确认选择了正确的文件。")
        return EXIT_FAILED
    except OSError as exc:  # the machine said no (permission, disk full, a path that is a file): say what
        where = log_file or default_log_file()
        _write_crash(where, program, exc)
        name = f"：{exc.filename}" if exc.filename else ""
        _say(f"{program}：文件或系统操作失败（{exc.strerror or type(exc).__name__}）{name}",
             f"请检查路径、权限和磁盘空间后重试。详细信息已写入日志：{where}")
        return EXIT_FAILED
    except Exception as exc:  # the last resort: a fault of ours, reported without a traceback
        where = log_file or default_log_file()
        written = _write_crash(where, program, exc)
        _say(f"{program}：程序内部错误（{type(exc).__name__}），操作未能完成。",
             f"详细信息已写入日志：{where}。请将该日志交给系统管理员。" if written
             else "详细信息无法写入日志文件。请联系系统管理员。")
        return EXIT_FAILED


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse whose usage errors say in Chinese what to do (exit code 2 as argparse's own)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, f"{self.prog}：参数有误：{message}\n请用 {self.prog} --help 查看用法。\n")


# -- argument types: each refuses a value out of its domain with a Chinese reason -------------------


def date_arg(text: str) -> date:
    """A date ``YYYY-MM-DD`` between 1900-01-01 and 2100-12-31."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式：{text!r}") from None
    if not DATE_MIN <= value <= DATE_MAX:
        raise argparse.ArgumentTypeError(
            f"日期超出范围：{text}（应在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间）")
    return value


def year_arg(text: str) -> int:
    """A four-digit year between 1900 and 2100."""
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"年份应为4位数字：{text!r}")
    value = int(text)
    if not DATE_MIN.year <= value <= DATE_MAX.year:
        raise argparse.ArgumentTypeError(f"年份超出范围：{text}（应在 {DATE_MIN.year} 至 {DATE_MAX.year} 之间）")
    return value


def amount_arg(maximum: Decimal | int, what: str = "金额") -> Callable[[str], Decimal]:
    """An argparse type: a finite decimal number from 0 to ``maximum`` (``what`` names it in messages)."""
    limit = Decimal(maximum)

    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise argparse.ArgumentTypeError(f"{what}应为数字：{text!r}") from None
        if not value.is_finite():
            raise argparse.ArgumentTypeError(f"{what}应为有限的数字：{text!r}")
        if value < 0:
            raise argparse.ArgumentTypeError(f"{what}不能为负数：{text}")
        if value > limit:
            raise argparse.ArgumentTypeError(f"{what}超出范围：{text}（不能大于 {limit:,}）")
        return value

    parse.__name__ = what  # argparse names the type in its own messages
    return parse


def count_arg(maximum: int, what: str = "数量") -> Callable[[str], int]:
    """An argparse type: a whole number from 0 to ``maximum``."""

    def parse(text: str) -> int:
        stripped = text.strip()
        if not re.fullmatch(r"-?[0-9]+", stripped):
            raise argparse.ArgumentTypeError(f"{what}应为整数：{text!r}")
        if len(stripped) > 18:  # beyond any maximum here; int() of a huge string is not worth the time
            raise argparse.ArgumentTypeError(f"{what}超出范围：{text[:20]}…（不能大于 {maximum}）")
        value = int(stripped)
        if value < 0:
            raise argparse.ArgumentTypeError(f"{what}不能为负数：{text}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{what}超出范围：{text}（不能大于 {maximum}）")
        return value

    parse.__name__ = what
    return parse
