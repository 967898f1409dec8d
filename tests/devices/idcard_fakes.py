"""Helpers for the ID reader tests: a scripted SerialLink and a pty simulator fixture."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

import pytest

from devices.sim.idcard import Identity, IdFaults, SimulatedIdReader
from devices.sim.identities import SAMPLE_IDENTITIES, sample_identity_data

WAIT = 10.0


def identity(name: str) -> Identity:
    return Identity.from_dict(sample_identity_data(name))


def all_identities() -> list[Identity]:
    return [identity(n) for n in SAMPLE_IDENTITIES]


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class ScriptedLink:
    """A SerialLink that answers each write with the next scripted chunks (b"" = silence)."""

    def __init__(self, replies: Iterable[list[bytes]]) -> None:
        self.replies = list(replies)
        self.written: list[bytes] = []
        self._pending: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self._pending = list(self.replies.pop(0)) if self.replies else []

    def read(self, max_bytes: int, timeout: float) -> bytes:
        if self._pending:
            return self._pending.pop(0)
        time.sleep(min(timeout, 0.005))
        return b""

    def close(self) -> None:
        self.closed = True


SimFactory = Callable[..., SimulatedIdReader]


@pytest.fixture
def make_sim() -> Iterator[SimFactory]:
    """Start simulated readers on ptys; all are stopped after the test."""
    started: list[SimulatedIdReader] = []

    def make(card: Identity | None = None, *, baud: int = 115200, **faults: object) -> SimulatedIdReader:
        sim = SimulatedIdReader(card, baud=baud, faults=IdFaults(**faults)).start()  # type: ignore[arg-type]
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


__all__ = ["WAIT", "ScriptedLink", "SimFactory", "all_identities", "identity", "make_sim", "wait_until"]
