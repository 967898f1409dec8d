"""A real network link for benchmarks: a veth pair into a network namespace, shaped by the kernel.

Loopback measures CPU, not a network: client and server share the machine's cores and the bytes
never queue anywhere. A service hall's LAN or a township's line is a link of fixed rate. This
module makes one with the kernel's own tools (iproute2 and the token-bucket filter ``tbf``), so
what crosses it goes through a real network stack, real queues and real TCP flow control:

    host side  10.213.<n>.1 (veth, tbf at RATE) <-> namespace side 10.213.<n>.2 (veth, tbf at RATE)

Servers listen on the host side; clients run inside the namespace (``ip netns exec``). Needs root
(creating namespaces and qdiscs) and the ``ip`` and ``tc`` commands; ``LinkUnavailable`` says what
is missing. Everything made is removed on exit (deleting the namespace removes the veth pair).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

_RATE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m|g)?bit$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


class LinkUnavailable(RuntimeError):
    """This machine or user cannot make the shaped link (not root, no iproute2)."""


def parse_rate(text: str) -> int:
    """Bits per second of a tc-style rate such as ``1gbit`` or ``100mbit``."""
    match = _RATE_RE.match(text.strip())
    if match is None:
        raise ValueError(f"not a rate like 100mbit or 1gbit: {text!r}")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").lower()])


@dataclass(frozen=True)
class ShapedLink:
    namespace: str
    host_ip: str
    rate_bits: int

    def in_namespace(self, command: list[str]) -> list[str]:
        """``command`` run inside the namespace (the client's side of the link)."""
        return ["ip", "netns", "exec", self.namespace, *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise LinkUnavailable(f"{' '.join(command)}: {done.stderr.strip() or done.returncode}")


@contextlib.contextmanager
def shaped_link(rate: str) -> Iterator[ShapedLink]:
    """A veth link of ``rate`` each way between this namespace and a new one, for the ``with`` block."""
    bits = parse_rate(rate)
    if os.geteuid() != 0:
        raise LinkUnavailable("a shaped link needs root (network namespaces and qdiscs)")
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            raise LinkUnavailable(f"'{tool}' not found (Debian package iproute2)")
    n = os.getpid() % 250 + 1
    namespace, host_dev, peer_dev = f"sicounter-bench-{os.getpid()}", f"sib{n}h", f"sib{n}n"
    host_ip, peer_ip = f"10.213.{n}.1", f"10.213.{n}.2"
    # the bucket must hold at least one timer tick of traffic; 10 ms of the rate, never under 64 KiB
    burst = max(64 * 1024, bits // 8 // 100)
    shape = ["root", "tbf", "rate", f"{bits}bit", "burst", str(burst), "latency", "50ms"]
    _run(["ip", "netns", "add", namespace])
    try:
        _run(["ip", "link", "add", host_dev, "type", "veth", "peer", "name", peer_dev])
        _run(["ip", "link", "set", peer_dev, "netns", namespace])
        _run(["ip", "addr", "add", f"{host_ip}/24", "dev", host_dev])
        _run(["ip", "link", "set", host_dev, "up"])
        _run(["ip", "-n", namespace, "addr", "add", f"{peer_ip}/24", "dev", peer_dev])
        _run(["ip", "-n", namespace, "link", "set", peer_dev, "up"])
        _run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        _run(["tc", "qdisc", "add", "dev", host_dev, *shape])
        _run(["ip", "netns", "exec", namespace, "tc", "qdisc", "add", "dev", peer_dev, *shape])
        yield ShapedLink(namespace, host_ip, bits)
    finally:
        subprocess.run(["ip", "netns", "delete", namespace], capture_output=True, check=False)
        subprocess.run(["ip", "link", "delete", host_dev], capture_output=True, check=False)
