"""The device-thread helper every watcher uses: stale generations, listener bugs, prompt and bounded stops."""

from __future__ import annotations

import threading
import time

from devices.worker import DeviceWorker

WAIT = 5.0


class Heard:
    def __init__(self, fail_on: str | None = None) -> None:
        self.items: list[str] = []
        self.threads: set[str] = set()
        self._fail_on = fail_on
        self._cond = threading.Condition()

    def __call__(self, event: str) -> None:
        with self._cond:
            self.items.append(event)
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()
        if event == self._fail_on:
            raise RuntimeError("a bug in a listener")

    def wait_for(self, count: int) -> list[str]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.items) >= count, WAIT), self.items
            return list(self.items)


def test_a_stale_threads_events_are_dropped() -> None:
    heard = Heard()
    worker: DeviceWorker[str] = DeviceWorker(heard)
    release = threading.Event()
    outcome: list[bool] = []

    def stuck(generation: int) -> None:  # blocked in a call that ignores the stop flag, then reports
        release.wait(WAIT)
        outcome.append(worker.emit(generation, "stale"))

    first = worker.start(stuck, name="dev-1")
    old = worker.thread
    assert first is not None and old is not None
    assert worker.stop(timeout=0.1) is False  # it cannot be interrupted: still alive
    second = worker.start(lambda g: outcome.append(worker.emit(g, "fresh")), name="dev-2")
    assert second == first + 1
    heard.wait_for(1)
    release.set()
    old.join(WAIT)
    assert not old.is_alive()
    assert heard.items == ["fresh"]
    assert outcome == [True, False]


def test_a_listener_exception_does_not_end_the_thread() -> None:
    heard = Heard(fail_on="first")
    worker: DeviceWorker[str] = DeviceWorker(heard)
    finished = threading.Event()

    def run(generation: int) -> None:
        for event in ("first", "second", "third"):
            worker.emit(generation, event)
        finished.set()

    worker.start(run, name="dev-listener")
    assert finished.wait(WAIT)
    assert heard.wait_for(3) == ["first", "second", "third"]
    assert heard.threads == {"dev-listener"}
    assert worker.stop(WAIT)


def test_stop_wakes_the_wait_and_joins_thread_and_companion() -> None:
    worker: DeviceWorker[str] = DeviceWorker(Heard())
    rounds = {"device": 0, "companion": 0}

    def run(generation: int) -> None:
        while worker.current(generation):
            rounds["device"] += 1
            worker.wait(60.0)

    def watch() -> None:
        while not worker.wait(60.0):
            rounds["companion"] += 1

    worker.start(run, name="dev-wait")
    thread = worker.thread
    companion = worker.companion(watch, name="dev-watchdog")
    assert worker.running
    assert worker.start(run, name="dev-again") is None  # one device thread at a time
    started = time.monotonic()
    assert worker.stop(timeout=WAIT) is True
    assert time.monotonic() - started < 1.0  # woken, not timed out
    assert thread is not None and not thread.is_alive() and not companion.is_alive()
    assert not worker.running and worker.thread is None
    assert rounds == {"device": 1, "companion": 0}


def test_join_can_abandon_a_stuck_device_thread_but_not_its_companion() -> None:
    worker: DeviceWorker[str] = DeviceWorker(Heard())
    release = threading.Event()
    worker.start(lambda g: release.wait(WAIT), name="dev-stuck")
    stuck = worker.thread
    companion = worker.companion(lambda: worker.wait(60.0), name="dev-companion")
    worker.retire()  # what the stuck thread still emits is stale
    worker.request_stop()
    started = time.monotonic()
    assert worker.join(WAIT, abandon=True) is True
    assert time.monotonic() - started < 1.0
    assert stuck is not None and stuck.is_alive() and not companion.is_alive()
    release.set()
    stuck.join(WAIT)


def test_an_answer_owed_while_stopping_still_goes_out() -> None:
    """The camera fails pending stills as its thread ends: stopping is not staleness."""
    heard = Heard()
    worker: DeviceWorker[str] = DeviceWorker(heard)

    def run(generation: int) -> None:
        while worker.current(generation):
            worker.wait(60.0)
        worker.emit(generation, "capture_failed")

    worker.start(run, name="dev-last-word")
    assert worker.stop(WAIT)
    assert heard.items == ["capture_failed"]
