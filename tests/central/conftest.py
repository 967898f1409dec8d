"""Fixtures that run the reference central system as real server processes, on SQLite
files or on a private throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.process import CentralServerProcess
from central.store import add_terminal


def _start(db_path: Path, log_dir: Path, *extra_args: str, db_url: str | None = None) -> CentralServerProcess:
    return CentralServerProcess.start(db_path, timeout=30.0, db_url=db_url, extra_args=extra_args,
                                      stderr_path=log_dir / f"central-{uuid.uuid4().hex[:8]}.log")


@pytest.fixture
def central_factory(tmp_path: Path) -> Iterator[Callable[..., CentralServerProcess]]:
    """Start servers on demand (e.g. twice on one database, or with ``serve`` options:
    ``start(db_path, "--review", "accept")``); all are stopped afterwards."""
    started: list[CentralServerProcess] = []

    def start(db_path: Path, *extra_args: str) -> CentralServerProcess:
        server = _start(db_path, tmp_path, *extra_args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServerProcess]:
    """One server shared by a test module; tests keep apart by their own terminals and ids."""
    directory = tmp_path_factory.mktemp("central")
    server = _start(directory / "central.sqlite3", directory)
    yield server
    server.stop()


@pytest.fixture
def make_terminal(central: CentralServerProcess) -> Callable[[], tuple[str, str]]:
    """Register a fresh terminal in the shared server's database while it runs.

    Returns ``(terminal_id, token)``.
    """

    def make() -> tuple[str, str]:
        terminal_id = f"T-{uuid.uuid4().hex[:12]}"
        return terminal_id, add_terminal(central.db_path, terminal_id)

    return make


def submission_body(terminal_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid POST /v1/submissions body; ``overrides`` replace fields."""
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "item_code": "pension.retirement",
        "version": 1,
        "terminal_id": terminal_id,
        "clerk_id": "clerk-007",
        "created_at": "2026-11-23T09:30:00+08:00",
        "payload": {"name": "张三", "id_number": "110101195001011234", "months": 180},
    }
    body.update(overrides)
    return body


@pytest.fixture
def body_for() -> Callable[..., dict[str, Any]]:
    """``body_for(terminal_id, **overrides)``: a valid submission body."""
    return submission_body


# -- PostgreSQL -----------------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                    "run scripts/setup.sh, which installs Debian's postgresql package")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class PostgresCluster:
    """A private PostgreSQL server reachable only through its unix socket directory."""

    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"central_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A throwaway cluster for the whole session: initdb, pg_ctl start, and rm -rf at the end.

    initdb refuses to run as root, so under root the server runs as the ``postgres``
    user (``runuser``). Its directory is a fresh one in the system temp dir rather
    than pytest's tmp_path, whose parents are private to root and so unreachable for
    that user.
    """
    bindir = _postgres_bin()
    as_postgres: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="sicounter-pg-"))
    if os.geteuid() == 0:
        as_postgres = ["runuser", "-u", "postgres", "--"]
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
    data, log = root / "data", root / "server.log"
    port = _free_port()

    def run(*command: str | Path) -> None:
        done = subprocess.run([*as_postgres, *map(str, command)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            extra = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}\n{extra}")

    try:
        run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale", "C",
            "--no-sync")
        run(bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
            f"-p {port} -k {root} -c listen_addresses='' -c fsync=off -c max_connections=200", "start")
        yield PostgresCluster(root, port)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                            "stop"], capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Backend:
    """A real server process on one database backend, for tests that must hold on both."""

    name: str
    server: CentralServerProcess
    #: the database as ``CentralStore.open`` takes it: a SQLite file or a URL
    db: Path | str

    def add_terminal(self) -> tuple[str, str]:
        terminal_id = f"T-{uuid.uuid4().hex[:12]}"
        return terminal_id, add_terminal(self.db, terminal_id)

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.server.base_url, headers={"Authorization": f"Bearer {token}"},
                            timeout=30.0)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """The same test against a server on SQLite and one on PostgreSQL."""
    log = tmp_path / f"central-{request.param}.log"
    if request.param == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        url = cluster.new_database()
        server = CentralServerProcess.start(tmp_path / "unused.sqlite3", db_url=url, stderr_path=log,
                                            extra_args=["--blob-dir", str(tmp_path / "blobs")])
        db: Path | str = url
    else:
        db = tmp_path / "central.sqlite3"
        server = CentralServerProcess.start(db, stderr_path=log)
    try:
        yield Backend(request.param, server, db)
    finally:
        server.stop()
