"""The card watcher: events for readers, cards and pcscd, through the real stack.

The pcscd stop/restart test runs last in this module on purpose (it is also safe
anywhere: the fixtures restart pcscd when a test left it stopped).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date

import pytest

from devices.card.connection import PcscConnection, list_readers
from devices.card.errors import CardMute, CardRemoved, PcscUnavailable
from devices.card.monitor import ReaderStatus
from devices.card.watch import CardEvent, CardWatcher
from devices.sim.pcscd import PcscdProcess
from devices.sim.sscard import Holder

from .conftest import TODAY, WAIT, CardFactory, wait_card
from .fakes import AppletConnection


class Events:
    """Collects watcher events; waits for one with a bound."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.items: list[CardEvent] = []

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def wait_for(self, kind: str, *, reader: str | None = None, after: int = 0,
                 timeout: float = WAIT) -> tuple[int, CardEvent]:
        """The first event of ``kind`` (for ``reader``) at index >= ``after``."""
        def find() -> tuple[int, CardEvent] | None:
            for index, event in enumerate(self.items[after:], start=after):
                if event.kind == kind and (reader is None or event.reader == reader):
                    return index, event
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: find() is not None, timeout):
                raise AssertionError(f"no {kind!r} event within {timeout} s; got {self.kinds()}")
            found = find()
            assert found is not None
            return found

    def kinds(self, reader: str | None = None, after: int = 0) -> list[str]:
        with self._cond:
            return [e.kind for e in self.items[after:] if reader is None or e.reader == reader]


CardWatcherFactory = Callable[..., CardWatcher]


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def watch(events: Events) -> Iterator[CardWatcherFactory]:
    watchers: list[CardWatcher] = []

    def start(**kwargs: object) -> CardWatcher:
        options: dict[str, object] = {"poll_interval": 0.1, "today": lambda: TODAY, **kwargs}
        watcher = CardWatcher(events, **options)  # type: ignore[arg-type]
        watchers.append(watcher)
        watcher.start()
        return watcher

    yield start
    for watcher in watchers:
        assert watcher.stop(timeout=WAIT)


def test_readers_insert_read_remove(make_card: CardFactory, watch: CardWatcherFactory, events: Events,
                                    reader: str, running_pcscd_process: PcscdProcess) -> None:
    card = make_card(insert=False)
    watch()
    _, first = events.wait_for("readers")
    assert set(running_pcscd_process.readers) <= set(first.readers)
    card.insert()
    start, _ = events.wait_for("inserted", reader=reader)
    _, read = events.wait_for("read", reader=reader, after=start)
    assert read.record is not None and read.record.ssn == "11010519491231002X"
    card.remove()
    events.wait_for("removed", reader=reader, after=start)
    assert events.kinds(reader=reader, after=start) == ["inserted", "read", "removed"]


def test_card_present_at_start_is_read_once(make_card: CardFactory, watch: CardWatcherFactory, events: Events,
                                            reader: str, wang: Holder) -> None:
    make_card(wang)
    watch(reader=reader)
    _, read = events.wait_for("read", reader=reader)
    assert read.record is not None and read.record.name == "王建国"
    assert events.kinds(reader=reader) == ["inserted", "read"]


def test_card_pulled_mid_read(make_card: CardFactory, watch: CardWatcherFactory, events: Events,
                              reader: str) -> None:
    card = make_card(insert=False, remove_after=6)
    watch(reader=reader)
    events.wait_for("readers")
    card.insert()
    _, failed = events.wait_for("read_failed", reader=reader)
    assert isinstance(failed.error, CardRemoved) and failed.record is None
    events.wait_for("removed", reader=reader)
    assert events.kinds(reader=reader) == ["inserted", "read_failed", "removed"]


def test_mute_card_read_fails_in_time_and_removal_is_seen(make_card: CardFactory, watch: CardWatcherFactory,
                                                          events: Events, reader: str) -> None:
    card = make_card(mute=True)
    watch(reader=reader, read_timeout=1.0)
    _, failed = events.wait_for("read_failed", reader=reader)
    assert isinstance(failed.error, CardMute)
    card.remove()
    mark, _ = events.wait_for("removed", reader=reader)
    # the watcher carries on (on a fresh device thread) with the next card
    make_card()
    _, read = events.wait_for("read", reader=reader, after=mark)
    assert read.record is not None
    assert events.kinds(reader=reader) == ["inserted", "read_failed", "removed", "inserted", "read"]


def test_stop_while_a_mute_card_blocks_a_read(make_card: CardFactory, events: Events, reader: str) -> None:
    make_card(mute=True)
    watcher = CardWatcher(events, reader=reader, poll_interval=0.1, read_timeout=60.0)
    watcher.start()
    events.wait_for("inserted", reader=reader)
    assert watcher.stop(timeout=WAIT) is True
    assert "read_failed" not in events.kinds()


def test_watching_one_reader_ignores_the_other(make_card: CardFactory, watch: CardWatcherFactory, events: Events,
                                               running_pcscd_process: PcscdProcess, wang: Holder) -> None:
    from devices.sim.sscard import VirtualCard

    first, second = running_pcscd_process.readers
    make_card()  # in the first reader
    other = VirtualCard(wang, port=running_pcscd_process.port + 1)
    watch(reader=second)
    events.wait_for("readers")
    other.insert()
    try:
        _, read = events.wait_for("read", reader=second)
        assert read.record is not None and read.record.name == "王建国"
        assert first not in {e.reader for e in events.items}
    finally:
        other.close()
        wait_card(second, False)


def test_stop_returns_promptly(watch: CardWatcherFactory, events: Events, reader: str) -> None:
    watcher = watch(poll_interval=0.25)
    events.wait_for("readers")
    assert watcher.stop(timeout=WAIT) is True
    assert not watcher.running


def test_service_down_and_up(make_card: CardFactory, watch: CardWatcherFactory, events: Events, reader: str,
                             running_pcscd_process: PcscdProcess) -> None:
    card = make_card()
    watch()
    events.wait_for("read", reader=reader)
    running_pcscd_process.stop()

    mark, down = events.wait_for("service_down")
    assert isinstance(down.error, PcscUnavailable)
    assert down.error.user_message.startswith("读卡服务未运行")
    events.wait_for("removed", reader=reader)
    _, gone = events.wait_for("readers", after=mark)
    assert gone.readers == ()
    with pytest.raises(PcscUnavailable):
        list_readers()
    with pytest.raises(PcscUnavailable):
        PcscConnection.open(reader)
    assert card.wait_out(WAIT)  # vpcd closed the virtual card's connection

    running_pcscd_process.restart()
    mark, _ = events.wait_for("service_up", after=mark)
    _, back = events.wait_for("readers", after=mark)
    assert reader in back.readers
    card.insert()
    _, read = events.wait_for("read", reader=reader, after=mark)
    assert read.record is not None and read.record.card_number == "A01234567"


# --- the watcher's logic with a fake monitor (no pcscd) -----------------------------------------------

class FakeMonitor:
    """One reader "R" whose card arrives on the first wait."""

    def __init__(self) -> None:
        self.waits = 0

    def list_readers(self) -> list[str]:
        return ["R"]

    def wait_for_change(self, known: Mapping[str, int], timeout: float) -> list[ReaderStatus]:
        self.waits += 1
        if self.waits == 1:
            return [ReaderStatus("R", 0x10020)]
        threading.Event().wait(min(timeout, 0.01))
        return []

    def close(self) -> None:
        pass


class BlockingConnection(AppletConnection):
    """A card that hangs in transmit until released, then answers normally."""

    def __init__(self, holder: Holder, release: threading.Event) -> None:
        super().__init__(holder)
        self.release = release

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.release.wait(WAIT)
        return super().transmit(apdu)


def test_a_read_past_its_deadline_has_one_outcome_only(li: Holder) -> None:
    events = Events()
    release = threading.Event()
    watcher = CardWatcher(events, poll_interval=0.01, read_timeout=0.2, today=lambda: date(2026, 1, 1),
                          open_monitor=FakeMonitor, open_connection=lambda reader: BlockingConnection(li, release))
    watcher.start()
    try:
        _, failed = events.wait_for("read_failed")
        assert isinstance(failed.error, CardMute)
        release.set()  # the abandoned read now completes; its record must not be reported
        stale = [t for t in threading.enumerate() if t.name == "card-watcher-1"]
        for thread in stale:
            thread.join(WAIT)
        assert not any(t.is_alive() for t in stale)
    finally:
        assert watcher.stop(WAIT)
    assert [e.kind for e in events.items] == ["readers", "inserted", "read_failed"]


def test_handler_errors_do_not_kill_the_device_thread(li: Holder) -> None:
    seen: list[CardEvent] = []
    done = threading.Event()

    def handler(event: CardEvent) -> None:
        seen.append(event)
        if event.kind == "read":
            done.set()
        if event.kind == "readers":
            raise RuntimeError("a buggy handler")

    watcher = CardWatcher(handler, poll_interval=0.01, today=lambda: date(2026, 1, 1),
                          open_monitor=FakeMonitor, open_connection=lambda reader: AppletConnection(li))
    watcher.start()
    try:
        assert done.wait(WAIT)
    finally:
        assert watcher.stop(WAIT)
    assert [e.kind for e in seen] == ["readers", "inserted", "read"]
