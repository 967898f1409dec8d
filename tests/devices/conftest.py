"""Fixtures for the card tests that cross the real stack: pyscard -> pcscd -> vpcd -> our card.

One pcscd for the whole session (a machine has only one), with vpcd on a port far from
vpcd's default (0x8C7B) and from the simulator's default (0x9A01), so a developer's own
virtual card does not answer our tests. Waits are bounded everywhere; nothing sleeps to
make an assertion true.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from devices.card.monitor import PcscMonitor
from devices.sim.holders import demo_holder_data
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import Faults, Holder, VirtualCard

WAIT = 15.0  # generous bound for anything pcscd has to notice (it polls vpcd every 400 ms)
TODAY = date(2026, 1, 15)


def wait_until(predicate: Callable[[], bool], timeout: float = WAIT, what: str = "condition") -> None:
    """Poll ``predicate`` until true; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def wait_card(reader: str, present: bool, timeout: float = WAIT) -> None:
    """Wait until pcscd reports a card (or no card) in ``reader``."""
    monitor = PcscMonitor.open()
    try:
        deadline = time.monotonic() + timeout
        state = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"pcscd did not report present={present} in {reader!r} within {timeout} s")
            for status in monitor.wait_for_change({reader: state}, min(remaining, 0.5)):
                state = status.state
                if status.present == present and not (present and status.mute):
                    return
    finally:
        monitor.close()


@pytest.fixture
def running_pcscd_process(pcscd: PcscdProcess) -> PcscdProcess:
    """The session's pcscd, restarted if an earlier test left it stopped."""
    if not pcscd.running:
        pcscd.restart()
    return pcscd


@pytest.fixture
def reader(running_pcscd_process: PcscdProcess) -> str:
    return running_pcscd_process.reader


@pytest.fixture
def li() -> Holder:
    return Holder.from_dict(demo_holder_data("li_xiuying"))


@pytest.fixture
def wang() -> Holder:
    return Holder.from_dict(demo_holder_data("wang_jianguo"))


CardFactory = Callable[..., VirtualCard]


@pytest.fixture
def make_card(running_pcscd_process: PcscdProcess, li: Holder) -> Iterator[CardFactory]:
    """``make_card(holder=li, insert=True, **faults)``: a virtual card in the test reader.

    With ``insert`` the card is in and powered (pcscd reported it) when returned. Every
    card is removed afterwards, and the reader is seen empty again before the next test."""
    cards: list[VirtualCard] = []

    def make(holder: Holder | None = None, *, insert: bool = True, **faults: object) -> VirtualCard:
        card = VirtualCard(holder or li, Faults(**faults), port=running_pcscd_process.port)  # type: ignore[arg-type]
        cards.append(card)
        if insert:
            # An earlier test (maybe of another module) may have just pulled its card; vpcd
            # would hand our card's connection over only at its next poll, after pcscd
            # already reported "present" for the old one.
            if not cards[:-1]:
                wait_card(running_pcscd_process.reader, False)
            card.insert()
            wait_card(running_pcscd_process.reader, True)
        return card

    yield make
    for card in cards:
        card.close()
    if running_pcscd_process.running:
        wait_card(running_pcscd_process.reader, False)
