"""Run the central server as a child process and wait until it answers.

The demo launcher, end-to-end tests and this package's own tests all need the same
thing: start ``python -m central serve --port 0``, learn the port it actually got,
wait for ``/v1/health`` with a bounded timeout, and stop it cleanly afterwards.
"""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx

from central.errors import CentralError

BANNER_RE = re.compile(r"^central listening on (http://\S+)$")


class CentralStartError(CentralError):
    code = "start_failed"
    user_message = "中心系统模拟服务未能启动。"


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    # Keeps reading after the banner so the child never blocks on a full pipe.
    for line in stream:
        lines.put(line.rstrip("\r\n"))
    lines.put(None)


class CentralServerProcess:
    """A running ``python -m central serve``; use ``start`` to make one."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, banner: str,
                 reader: threading.Thread, db_path: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.banner = banner
        self.db_path = db_path
        self._reader = reader

    @classmethod
    def start(cls, db_path: Path, *, host: str = "127.0.0.1", port: int = 0,
              timeout: float = 30.0, stderr_path: Path | None = None) -> CentralServerProcess:
        """Start a server on ``db_path`` and return once ``/v1/health`` answers 200.

        ``stderr_path`` receives the server's log (else it goes to our stderr).
        Raises ``CentralStartError`` if the server exits or is not healthy in time.
        """
        command = [sys.executable, "-u", "-m", "central", "serve",
                   "--host", host, "--port", str(port), "--db", str(db_path)]
        stderr: IO[str] | None = stderr_path.open("w", encoding="utf-8") if stderr_path else None
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr,
                                       text=True, encoding="utf-8")
        finally:
            if stderr is not None:
                stderr.close()
        assert process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True,
                                  name="central-stdout")
        reader.start()
        deadline = time.monotonic() + timeout

        def fail(reason: str) -> CentralStartError:
            process.kill()
            process.wait(timeout=timeout)
            log = stderr_path.read_text(encoding="utf-8")[-4000:] if stderr_path else ""
            return CentralStartError(f"central server did not start: {reason}\n{log}".rstrip())

        try:
            banner = lines.get(timeout=timeout)
        except queue.Empty:
            banner = None
        match = BANNER_RE.match(banner or "")
        if banner is None or match is None:
            raise fail(f"unexpected first line on stdout: {banner!r}")
        server = cls(process, match.group(1), banner, reader, db_path)
        while not server.healthy():
            if process.poll() is not None:
                raise fail(f"exited with status {process.returncode}")
            if time.monotonic() > deadline:
                raise fail(f"/v1/health did not answer within {timeout} s")
            time.sleep(0.05)
        return server

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/v1/health", timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self, timeout: float = 15.0) -> int:
        """Ask the server to stop (SIGTERM; TerminateProcess on Windows) and wait.

        Kills it if it does not stop within ``timeout``. Returns the exit status,
        which is 0 after a clean SIGTERM shutdown on POSIX.
        """
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        return self.process.returncode

    def __enter__(self) -> CentralServerProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
