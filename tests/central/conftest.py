"""Fixtures that run the reference central system as real server processes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from central.process import CentralServerProcess
from central.store import add_terminal


def _start(db_path: Path, log_dir: Path) -> CentralServerProcess:
    return CentralServerProcess.start(db_path, timeout=30.0,
                                      stderr_path=log_dir / f"central-{uuid.uuid4().hex[:8]}.log")


@pytest.fixture
def central_factory(tmp_path: Path) -> Iterator[Callable[[Path], CentralServerProcess]]:
    """Start servers on demand (e.g. twice on one database); all are stopped afterwards."""
    started: list[CentralServerProcess] = []

    def start(db_path: Path) -> CentralServerProcess:
        server = _start(db_path, tmp_path)
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
