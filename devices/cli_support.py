"""Small pieces the device command lines share (read and simulate commands).

The exit codes, the last-resort handler and the dates and amounts are ``core.cli``'s, shared with every
other command; what only devices take (seconds to wait, a serial rate, a port) is here.
"""

from __future__ import annotations

import argparse
import math
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: the longest wait a command takes: a day (a longer one is a typing mistake, and 1e300 s overflows a wait)
SECONDS_MAX = 86400.0
#: serial rates: from the slowest any reader offers to beyond the fastest USB-serial adapters
BAUD_MIN, BAUD_MAX = 300, 4_000_000


def positive_float(text: str) -> float:
    """argparse type for timeouts and intervals: seconds, more than 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为秒数：{text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"应为大于 0 的秒数：{text}")
    if value > SECONDS_MAX:
        raise argparse.ArgumentTypeError(f"秒数超出范围：{text}（不能大于 {SECONDS_MAX:g}）")
    return value


def baud_rate(text: str) -> int:
    """argparse type for a serial rate."""
    if not text.strip().isascii() or not text.strip().isdigit() or len(text.strip()) > 9:
        raise argparse.ArgumentTypeError(f"波特率应为整数：{text!r}")
    value = int(text)
    if not BAUD_MIN <= value <= BAUD_MAX:
        raise argparse.ArgumentTypeError(f"波特率超出范围：{text}（应在 {BAUD_MIN} 至 {BAUD_MAX} 之间）")
    return value


def tcp_port(text: str) -> int:
    """argparse type for a TCP port to connect to."""
    if not text.strip().isascii() or not text.strip().isdigit() or len(text.strip()) > 5:
        raise argparse.ArgumentTypeError(f"端口应为整数：{text!r}")
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"端口应在 1 至 65535 之间：{text}")
    return value


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop`` (only the main thread may install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
