"""Run the central server as a child process and wait until it answers.

The demo launcher, end-to-end tests and this package's own tests all need the same
thing: start ``python -m central serve --port 0``, learn the port it actually got,
wait for ``/v1/health`` with a bounded timeout, and stop it cleanly afterwards.
"""

from __future__ import annotations

import contextlib
import queue
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import httpx

from central.errors import CentralStartError

BANNER_RE = re.compile(r"^central listening on (https?://\S+)$")


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    # Keeps reading after the banner so the child never blocks on a full pipe.
    for line in stream:
        lines.put(line.rstrip("\r\n"))
    lines.put(None)


class CentralServerProcess:
    """A running ``python -m central serve``; use ``start`` to make one."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, banner: str,
                 reader: threading.Thread, db_path: Path, stderr_path: Path | None = None,
                 db_url: str | None = None, ca_file: Path | None = None) -> None:
        self.process = process
        self.base_url = base_url
        self.banner = banner
        self.db_path = db_path
        #: the server's log file, if ``start`` was given one
        self.stderr_path = stderr_path
        #: the database URL when the server runs on one instead of ``db_path``
        self.db_url = db_url
        #: the CA that issued an HTTPS server's certificate (its health is checked against it)
        self.ca_file = ca_file
        self._reader = reader

    @classmethod
    def start(cls, db_path: Path, *, host: str = "127.0.0.1", port: int = 0,
              timeout: float = 30.0, stderr_path: Path | None = None, db_url: str | None = None,
              extra_args: Sequence[str] = (), ca_file: Path | None = None) -> CentralServerProcess:
        """Start a server on ``db_path`` and return once ``/v1/health`` answers 200.

        ``db_url`` (a SQLAlchemy URL) replaces ``db_path`` as the database when given;
        ``db_path`` then only names the server for the caller (and its blob directory
        must come in ``extra_args``). ``extra_args`` are more ``serve`` options, e.g.
        ``["--review", "return", "--review-delay", "0.2"]``.
        ``stderr_path`` receives the server's log (else it goes to our stderr). ``ca_file``: the CA of
        the certificate given with ``--tls-cert`` in ``extra_args``, to check its health over HTTPS.
        Raises ``CentralStartError`` if the server exits or is not healthy in time.
        """
        # --stop-on-stdin-eof: if this process dies without calling stop(), the
        # server sees its stdin close and exits instead of living on as an orphan.
        command = [sys.executable, "-u", "-m", "central", "serve", "--stop-on-stdin-eof",
                   "--host", host, "--port", str(port),
                   *(["--db-url", db_url] if db_url else ["--db", str(db_path)]), *extra_args]
        stderr: IO[str] | None = stderr_path.open("w", encoding="utf-8") if stderr_path else None
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=stderr, text=True, encoding="utf-8")
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
        server = cls(process, match.group(1), banner, reader, db_path, stderr_path, db_url, ca_file)
        while not server.healthy():
            if process.poll() is not None:
                raise fail(f"exited with status {process.returncode}")
            if time.monotonic() > deadline:
                raise fail(f"/v1/health did not answer within {timeout} s")
            time.sleep(0.05)
        return server

    def healthy(self) -> bool:
        try:
            verify: ssl.SSLContext | bool = (ssl.create_default_context(cafile=str(self.ca_file))
                                             if self.ca_file is not None else True)
            return httpx.get(f"{self.base_url}/v1/health", timeout=2.0, verify=verify).status_code == 200
        except httpx.TransportError:
            return False

    def stop(self, timeout: float = 15.0) -> int:
        """Ask the server to shut down gracefully and wait; returns its exit status (0 if clean).

        Closing its stdin is the graceful request on every platform; on POSIX a
        SIGTERM follows at once (same effect, and it also reaches a server that is
        not reading stdin). Kills the server if it has not stopped within ``timeout``.
        """
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):  # the pipe is already broken if it died
                self.process.stdin.close()
        if self.process.poll() is None:
            if sys.platform != "win32":
                # A test may have frozen the server with SIGSTOP to simulate a hang;
                # let it run again so it can shut down gracefully.
                self.process.send_signal(signal.SIGCONT)
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
