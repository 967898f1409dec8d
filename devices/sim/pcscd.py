"""A private pcscd with one vpcd reader, for tests, the demo and the benchmark.

pcscd always serves /run/pcscd/pcscd.comm (it ignores PCSCLITE_CSOCK_NAME), so a
machine has one pcscd. We run ours in the foreground with our own reader
configuration directory (``-c``), which declares vpcd on a port we choose; vpcd then
offers two readers, "Virtual PCD 00 00" on ``port`` and "Virtual PCD 00 01" on
``port + 1``.

``start`` refuses when a pcscd already serves the socket, and says which (the kernel
tells us the listener's pid). ``shared`` is for several users in one process (two test
fixtures of one pytest run): it attaches to a pcscd this same process started, reading
its vpcd port from the configuration it was started with, and starts one otherwise.

A pcscd we start outlives a process killed hard (it runs in its own session, so the
kill does not reach it), and would then hold the socket until someone stops it by
hand. So ``start`` leaves a note beside the configuration saying which process owns
it, and a later ``start`` stops a pcscd whose owner is gone. Any other pcscd (the
system's, another live run's) is still never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

from core.errors import DeviceError

log = logging.getLogger(__name__)

__all__ = ["PCSCD_SOCKET", "PcscdAlreadyRunning", "PcscdError", "PcscdProcess", "orphaned", "reader_config",
           "running_pcscd"]

PCSCD = "/usr/sbin/pcscd"
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
PCSCD_PIDFILE = Path("/run/pcscd/pcscd.pid")
DEFAULT_CONFDIR = Path("/etc/reader.conf.d")
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"


class PcscdError(DeviceError):
    """Our pcscd could not be started or stopped."""

    user_message = "无法启动读卡服务（pcscd）。"
    hint = "请确认已安装 pcscd 和 vsmartcard-vpcd，并查看日志中的详细原因。"


class PcscdAlreadyRunning(PcscdError):
    """Another pcscd owns /run/pcscd/pcscd.comm."""

    user_message = "本机已有一个读卡服务（pcscd）在运行，无法再启动一个。"
    hint = "请先停止已运行的 pcscd（例如 systemctl stop pcscd.socket pcscd），或直接使用它。"


def reader_config(port: int) -> str:
    """The reader.conf entry that makes vpcd listen on ``port``."""
    return (f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{port:04X}\n'
            f"LIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{port:04X}\n")


def running_pcscd() -> int | None:
    """The pid of a pcscd serving the socket right now (0 if unknown), else None."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(PCSCD_SOCKET))
        peer = getattr(socket, "SO_PEERCRED", None)
        if peer is not None:  # Linux: the kernel tells who listens; pcscd -f writes no pid file
            pid, _uid, _gid = struct.unpack("3i", probe.getsockopt(socket.SOL_SOCKET, peer, struct.calcsize("3i")))
            return int(pid)
    except OSError:
        return None
    finally:
        probe.close()
    try:
        return int(PCSCD_PIDFILE.read_text().strip())
    except (OSError, ValueError):
        return 0


def _parent_pid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[1])


def _start_ticks(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot: with the pid, names one process even
    after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rpartition(")")[2].split()[19])


def _owner_note(confdir: Path) -> Path:
    # Beside confdir, not in it: pcscd parses every file inside as reader configuration.
    return confdir.parent / f"{confdir.name}.owner"


def orphaned(pid: int) -> bool:
    """True if ``pid`` is a pcscd that ``PcscdProcess.start`` started for a process now gone."""
    confdir = _confdir_of(pid)
    if confdir is None or confdir == DEFAULT_CONFDIR:
        return False
    try:
        owner_pid, owner_ticks = (int(field) for field in _owner_note(confdir).read_text().split())
    except (OSError, ValueError):
        return False  # not one of ours, or we cannot tell: leave it alone
    return _start_ticks(owner_pid) != owner_ticks


def _confdir_of(pid: int) -> Path | None:
    """The reader configuration directory a running pcscd was started with."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None
    for index, arg in enumerate(args):
        if arg in ("-c", "--config") and index + 1 < len(args):
            return Path(args[index + 1])
        if arg.startswith("--config="):
            return Path(arg.partition("=")[2])
    return DEFAULT_CONFDIR


def vpcd_port(confdir: Path) -> int | None:
    """The CHANNELID (= TCP port) of the first vpcd reader declared in ``confdir``."""
    files = sorted(confdir.iterdir()) if confdir.is_dir() else [confdir]
    for path in files:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if "libifdvpcd" not in text:
            continue
        for line in text.splitlines():
            key, _, value = line.strip().partition(" ")
            if key == "CHANNELID":
                return int(value.strip(), 0)
    return None


class PcscdProcess:
    """A pcscd we started (``start``) or share (``shared``); ``stop``, ``restart``."""

    def __init__(self, confdir: Path, port: int, log_path: Path, *, process: subprocess.Popen[bytes] | None = None,
                 attached_pid: int | None = None, pcscd: str = PCSCD, debug: bool = False) -> None:
        self.confdir = confdir
        self.port = port
        self.log_path = log_path
        self._process = process
        self._attached_pid = attached_pid
        self._pcscd = pcscd
        self._debug = debug

    @property
    def reader(self) -> str:
        """The reader whose card is the one inserted on ``port``."""
        return "Virtual PCD 00 00"

    @property
    def readers(self) -> tuple[str, str]:
        """Both vpcd readers: on ``port`` and on ``port + 1``."""
        return ("Virtual PCD 00 00", "Virtual PCD 00 01")

    @property
    def owned(self) -> bool:
        """True if this object started the pcscd now running (and so should stop it)."""
        return self._process is not None

    @property
    def pid(self) -> int | None:
        if self._process is not None:
            return self._process.pid
        return self._attached_pid

    @property
    def running(self) -> bool:
        if self._process is not None:
            return self._process.poll() is None
        return self._attached_pid is not None and running_pcscd() == self._attached_pid

    @classmethod
    def start(cls, confdir: Path, port: int = 39425, *, timeout: float = 10.0, pcscd: str = PCSCD,
              debug: bool = False) -> PcscdProcess:
        """Write the reader config into ``confdir`` and start pcscd; return once it lists our reader.

        A pcscd left behind by a process killed before it could stop it is stopped first."""
        other = running_pcscd()
        if other and orphaned(other):
            log.warning("stopping pcscd %d: the process that started it is gone", other)
            cls(_confdir_of(other) or DEFAULT_CONFDIR, port, Path(os.devnull), attached_pid=other).stop()
            other = running_pcscd()
        if other is not None:
            raise PcscdAlreadyRunning(f"a pcscd (pid {other or 'unknown'}) already serves {PCSCD_SOCKET}",
                                      pid=other)
        if not Path(pcscd).exists():
            raise PcscdError(f"{pcscd} not found")
        confdir.mkdir(parents=True, exist_ok=True)
        (confdir / "vpcd").write_text(reader_config(port), encoding="ascii")
        # The log lives beside confdir: pcscd parses every file inside it as reader configuration.
        self = cls(confdir, port, confdir.parent / f"{confdir.name}.pcscd.log", pcscd=pcscd, debug=debug)
        self._spawn_and_wait(timeout)
        return self

    @classmethod
    def shared(cls, confdir: Path, port: int = 39425, *, timeout: float = 10.0) -> PcscdProcess:
        """Attach to a pcscd with a vpcd reader that this very process started; else ``start``.

        A pcscd of anyone else (the system's, another test run's) is never taken over:
        that raises ``PcscdAlreadyRunning`` as ``start`` does."""
        other = running_pcscd()
        if other and _parent_pid(other) == os.getpid():
            found = _confdir_of(other)
            attached_port = vpcd_port(found) if found is not None else None
            if found is not None and attached_port is not None:
                return cls(found, attached_port, found.parent / f"{found.name}.pcscd.log", attached_pid=other)
        return cls.start(confdir, port, timeout=timeout)

    def _spawn_and_wait(self, timeout: float) -> None:
        args = [self._pcscd, "--foreground", "-c", str(self.confdir)]
        if self._debug:
            args += ["--debug", "--apdu"]
        _owner_note(self.confdir).write_text(f"{os.getpid()} {_start_ticks(os.getpid())}\n", encoding="ascii")
        with self.log_path.open("ab") as log_file:
            self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log_file,
                                             stderr=subprocess.STDOUT, start_new_session=True)
        self._attached_pid = None
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        """Poll (bounded) until pyscard lists our reader through a fresh context."""
        from devices.card.connection import list_readers  # only here: importing pcscd.py needs no pyscard
        from devices.card.errors import PcscUnavailable

        deadline = time.monotonic() + timeout
        while True:
            if not self.running:
                raise PcscdError(f"pcscd exited at start; see {self.log_path}: {self._log_tail()}")
            try:
                if self.reader in list_readers():
                    return
            except PcscUnavailable:
                pass
            if time.monotonic() > deadline:
                raise PcscdError(f"pcscd did not list {self.reader!r} within {timeout} s; see {self.log_path}")
            time.sleep(0.05)

    def _log_tail(self) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return ""

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM (SIGKILL after ``timeout``) and wait until the socket is gone."""
        process, self._process = self._process, None
        pid, self._attached_pid = self._attached_pid, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout)
            pid = process.pid
        elif pid is not None and running_pcscd() == pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        else:
            return
        deadline = time.monotonic() + timeout
        while running_pcscd() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        if running_pcscd() == pid and pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # A pcscd killed hard leaves its socket behind; the next start would trip on it.
        if running_pcscd() is None:
            with contextlib.suppress(OSError):
                PCSCD_SOCKET.unlink()

    def restart(self, timeout: float = 10.0) -> None:
        """Stop and start again with the same reader configuration (ours from then on)."""
        self.stop()
        other = running_pcscd()
        if other is not None:
            raise PcscdAlreadyRunning(f"a pcscd (pid {other or 'unknown'}) took over {PCSCD_SOCKET}", pid=other)
        self._spawn_and_wait(timeout)

    def __enter__(self) -> PcscdProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
