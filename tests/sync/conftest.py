"""A real central server, a terminal's data directory with a file keyring, and helpers to check both.

Everything here is real: the central server is its own process on a loopback port, the terminal's
database is the encrypted SQLite file the counter uses, the workers are child processes killed with
SIGKILL. Only the keyring is a file of the test's own (never the developer's).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from app.secrets import SecretStore, file_keyring
from app.terminal import Terminal
from central.process import CentralServerProcess
from central.store import add_terminal
from local_db.clerks import Role, add_clerk
from local_db.submissions import pending_count
from tests.app.conftest import (  # noqa: F401  (fixtures)
    central_db,
    central_key,
    make_central_key,
    make_terminal,
    secrets_store,
    start_central,
)
from tests.sync.engine_rig import small_chunks  # noqa: F401  (a fixture)
from tests.sync.worker import CLERK_ID, open_terminal

TERMINAL_ID = "T-SYNC-01"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Rig:
    """One terminal's files and the central server it talks to."""

    central: CentralServerProcess
    central_db: Path
    token: str
    keyring: Path
    data: Path
    terminal_id: str = TERMINAL_ID
    #: the central system's reference signing key the terminal is enrolled with
    signing_key: str | None = None

    def terminal(self, central_url: str | None = None, *, start_sender: bool = False) -> Terminal:
        """Open the terminal the way the counter does (key from the keyring, migrations, blob store)."""
        return open_terminal(self.data, self.keyring, central_url or self.central.base_url, self.terminal_id,
                             start_sender=start_sender, signing_key=self.signing_key)

    def server_submissions(self) -> list[dict[str, Any]]:
        """What the central system stored, through its own command line (not our client)."""
        out = subprocess.run([sys.executable, "-m", "central", "list-submissions", "--db", str(self.central_db),
                              "--json"], capture_output=True, text=True, check=True, cwd=REPO, timeout=60)
        rows: list[dict[str, Any]] = json.loads(out.stdout)
        return rows

    def server_trail(self) -> list[dict[str, Any]]:
        """The terminal's audit entries the central system holds, through its own command line."""
        out = subprocess.run([sys.executable, "-m", "central", "audit", "list", "--terminal", self.terminal_id,
                              "--db", str(self.central_db), "--json"],
                             capture_output=True, text=True, check=True, cwd=REPO, timeout=60)
        rows: list[dict[str, Any]] = json.loads(out.stdout)
        return rows

    def server_trail_report(self) -> dict[str, Any]:
        """``central audit verify`` of the terminal's trail (intact, or where it breaks)."""
        out = subprocess.run([sys.executable, "-m", "central", "audit", "verify", "--terminal", self.terminal_id,
                              "--db", str(self.central_db), "--json"],
                             capture_output=True, text=True, cwd=REPO, timeout=60)
        report: dict[str, Any] = json.loads(out.stdout)
        return report

    def server_blob(self, client: httpx.Client, sha256: str) -> bytes:
        """An uploaded blob's bytes as the central system holds them (straight to the server, no proxy)."""
        answer = client.get(f"{self.central.base_url}/v1/blobs/{sha256}/content",
                            headers={"Authorization": f"Bearer {self.token}"})
        assert answer.status_code == 200, (sha256, answer.status_code, answer.text[:200])
        return answer.content


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    database = tmp_path / "central.sqlite3"
    token = add_terminal(database, TERMINAL_ID)
    keyring = tmp_path / "keyring"
    SecretStore(file_keyring(keyring)).set_terminal_token(token)
    data = tmp_path / "terminal"
    key = make_central_key(tmp_path / "central-keyring")
    central = CentralServerProcess.start(database, stderr_path=tmp_path / "central.log", extra_args=key.serve_args())
    made = Rig(central, database, token, keyring, data, signing_key=key.public_key)
    terminal = made.terminal()  # creates the database and the keys before any worker races for them
    add_clerk(terminal.db, CLERK_ID, "测试柜员", "counter-pass", roles=frozenset({Role.FRONT_DESK, Role.REVIEW}))
    terminal.close()
    try:
        yield made
    finally:
        central.stop()


def integrity(terminal: Terminal) -> str:
    """``PRAGMA integrity_check`` through the terminal's own (keyed) connection."""
    with terminal.db.engine.connect() as conn:
        rows = [str(r[0]) for r in conn.execute(text("PRAGMA integrity_check"))]
    return "\n".join(rows)


def local_ids(terminal: Terminal) -> set[str]:
    with terminal.db.engine.connect() as conn:
        return {str(r[0]) for r in conn.execute(text("SELECT id FROM submission"))}


def drain(terminal: Terminal, timeout: float = 120.0) -> int:
    """Run ``sync_once`` until nothing is pending, audit entries included (rows waiting out a backoff become
    due within 0.5 s)."""
    assert terminal.sender is not None
    deadline = time.monotonic() + timeout
    while True:
        summary = terminal.sender.sync_once()
        if summary.pending == 0 and summary.trail_pending == 0:
            return pending_count(terminal.db)
        if time.monotonic() > deadline:
            raise AssertionError(f"still {summary.pending} pending after {timeout} s: {summary}")
        time.sleep(0.1)


@dataclass
class Worker:
    """A running ``tests.sync.worker`` and the lines it printed (read on a thread so its pipe never fills)."""

    process: subprocess.Popen[str]
    log: Path
    lines: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    reader: threading.Thread | None = None

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            if line == "ready":
                self.ready.set()

    def go(self) -> None:
        """Let it open the terminal and start working; returns once it has (it printed ``ready``)."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        if not self.ready.wait(60):
            self.kill()
            raise AssertionError(f"worker did not start; see {self.log}:\n"
                                 f"{self.log.read_text(encoding='utf-8')[-3000:]}")

    def kill(self) -> list[str]:
        """SIGKILL (no cleanup of any kind runs), wait, and return the ids it reported committed."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        if self.reader is not None:
            self.reader.join(timeout=30)
        return [line.split(" ", 1)[1] for line in self.lines if line.startswith("committed ")]


def spawn_worker(made: Rig, central_url: str, *, seed: int, mode: str, log: Path,
                 pause: float | None = None) -> Worker:
    """Start a worker that imports everything and then waits for ``go()`` before opening the terminal.

    The imports take most of a worker's start-up; spawning the next worker while the previous one
    still runs saves that time on every round without two of them ever opening the database at once.
    """
    command = [sys.executable, "-m", "tests.sync.worker", "--data", str(made.data), "--keyring", str(made.keyring),
               "--central", central_url, "--terminal", made.terminal_id, "--seed", str(seed), "--mode", mode,
               "--wait-go", *(["--pause", str(pause)] if pause is not None else []),
               *(["--signing-key", made.signing_key] if made.signing_key else [])]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with log.open("a", encoding="utf-8") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                   text=True, cwd=REPO, env=env)
    worker = Worker(process, log=log)
    worker.reader = threading.Thread(target=worker._read, daemon=True, name=f"worker-{process.pid}")
    worker.reader.start()
    return worker


def start_worker(made: Rig, central_url: str, *, seed: int, mode: str, log: Path) -> Worker:
    worker = spawn_worker(made, central_url, seed=seed, mode=mode, log=log)
    worker.go()
    return worker


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
