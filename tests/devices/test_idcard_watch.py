"""Discovery and IdCardWatcher against the pty simulator."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest

from devices.idcard.discovery import ReaderLocation, find_reader, list_ports, probe
from devices.idcard.errors import IdCardReadFailed, IdReaderPortLost
from devices.idcard.watch import IdCardEvent, IdCardWatcher
from devices.sim.idcard import SimulatedIdReader

from .idcard_fakes import WAIT, SimFactory, identity, make_sim

__all__ = ["make_sim"]


class Events:
    def __init__(self) -> None:
        self.queue: queue.Queue[IdCardEvent] = queue.Queue()
        self.threads: set[str] = set()

    def __call__(self, event: IdCardEvent) -> None:
        self.threads.add(threading.current_thread().name)
        self.queue.put(event)

    def next(self, kind: str | None = None, timeout: float = WAIT) -> IdCardEvent:
        event = self.queue.get(timeout=timeout)
        if kind is not None:
            assert event.kind == kind, event
        return event

    def none(self, within: float) -> None:
        with pytest.raises(queue.Empty):
            event = self.queue.get(timeout=within)
            raise AssertionError(f"unexpected {event}")


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def watchers() -> Iterator[list[IdCardWatcher]]:
    made: list[IdCardWatcher] = []
    yield made
    for w in made:
        w.stop()


def _watch(events: Events, watchers: list[IdCardWatcher], **kw: object) -> IdCardWatcher:
    kw.setdefault("poll_interval", 0.05)
    kw.setdefault("rescan_interval", 0.1)
    kw.setdefault("scan_system_ports", False)
    watcher = IdCardWatcher(events, **kw)  # type: ignore[arg-type]
    watchers.append(watcher)
    watcher.start()
    return watcher


def test_probe_and_find(make_sim: SimFactory) -> None:
    sim = make_sim()
    assert probe(sim.port) == ReaderLocation(sim.port, 115200)
    assert probe("/dev/does-not-exist") is None
    assert find_reader(["/dev/does-not-exist", sim.port]) == ReaderLocation(sim.port, 115200)
    assert find_reader([], remembered=ReaderLocation(sim.port, 9600)) == ReaderLocation(sim.port, 9600)
    assert list_ports([sim.port])[0] == sim.port


def test_probe_walks_the_rates(make_sim: SimFactory) -> None:
    sim = make_sim()
    tried: list[int] = []

    def opener(port: str, baud: int) -> object:
        from devices.idcard.serial_link import PySerialLink

        tried.append(baud)
        if baud != 19200:
            from tests.devices.idcard_fakes import ScriptedLink  # a silent line at the wrong rate

            return ScriptedLink([])
        return PySerialLink(port, baud)

    assert probe(sim.port, open_link=opener, timeout_scale=0.3) == ReaderLocation(sim.port, 19200)  # type: ignore[arg-type]
    assert tried == [115200, 57600, 38400, 19200]


def test_card_read_once_while_it_lies_there(make_sim: SimFactory, events: Events,
                                             watchers: list[IdCardWatcher]) -> None:
    sim = make_sim()
    _watch(events, watchers, port=sim.port)
    assert events.next("reader").port == sim.port
    sim.lay(identity("zhang_wei"))
    event = events.next("read")
    assert event.record is not None and event.record.valid_long_term
    events.none(0.5)  # still lying there: find keeps answering 9F, no second read
    assert sim.stats.reads == 1
    sim.lift()
    events.next("removed")
    sim.lay(identity("anna_mueller"))
    event = events.next("read")
    assert event.record is not None and event.record.card_type == "foreign_2023"
    assert events.threads == {"idcard-watcher"}


def test_same_card_again_after_removal(make_sim: SimFactory, events: Events, watchers: list[IdCardWatcher]) -> None:
    sim = make_sim(identity("john_smith"))
    _watch(events, watchers, port=sim.port, baud=115200)
    events.next("reader")
    events.next("read")
    sim.faults.find_fail = 1  # one 80 "no card" between two 9F: the card was lifted and laid again
    events.next("removed")
    assert events.next("read").record is not None


def test_read_failure_reported_once(make_sim: SimFactory, events: Events, watchers: list[IdCardWatcher]) -> None:
    sim = make_sim(identity("zhang_wei"), read_fail=1)
    _watch(events, watchers, port=sim.port)
    events.next("reader")
    assert isinstance(events.next("read_failed").error, IdCardReadFailed)
    events.none(0.4)


def test_port_vanishes_and_is_found_again(make_sim: SimFactory, events: Events,
                                          watchers: list[IdCardWatcher]) -> None:
    current: list[SimulatedIdReader] = [make_sim()]
    _watch(events, watchers, extra_ports=lambda: [current[0].port])
    events.next("reader")
    current[0].vanish()
    lost = events.next("reader_lost")
    assert isinstance(lost.error, IdReaderPortLost)
    current[0] = make_sim(identity("chan_ka_yan"))
    assert events.next("reader").port == current[0].port
    assert events.next("read").record is not None


def test_port_closed_mid_read(make_sim: SimFactory, events: Events, watchers: list[IdCardWatcher]) -> None:
    sim = make_sim(identity("zhang_wei"), close_mid_read=True)
    _watch(events, watchers, port=sim.port)
    events.next("reader")
    assert events.next().kind == "read_failed"
    assert events.next("reader_lost").port == sim.port


def test_stop_is_prompt(events: Events) -> None:
    watcher = IdCardWatcher(events, port="/dev/does-not-exist", rescan_interval=10, scan_system_ports=False)
    watcher.start()
    thread = watcher._worker.thread
    watcher.stop()  # wakes the 10 s rescan wait at once (bounded join otherwise)
    assert thread is not None and not thread.is_alive()
