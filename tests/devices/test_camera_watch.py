"""CameraWatcher against the simulated camera: opening, preview, stills, hot-plug, pause, stop.

Every wait is bounded (``WAIT``); nothing sleeps to make an assertion true. The only windows
of silence asserted (no frames while paused) are negative checks, as in the ID card tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from devices.camera.connection import CameraInfo, Mode, prefer_camera
from devices.camera.errors import CameraNotFound, CameraTimeout
from devices.camera.watch import CameraEvent, CameraWatcher
from devices.sim.camera import SimulatedCameraBackend

WAIT = 5.0
MODES = (Mode(1600, 1200), Mode(1280, 720), Mode(640, 480))
STILL, PREVIEW = Mode(1600, 1200), Mode(1280, 720)


class Events:
    """Collects watcher events; waits for one with a bound."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.items: list[CameraEvent] = []
        self.threads: set[str] = set()

    def __call__(self, event: CameraEvent) -> None:
        with self._cond:
            self.threads.add(threading.current_thread().name)
            self.items.append(event)
            self._cond.notify_all()

    def wait_for(self, kind: str, *, after: int = 0, count: int = 1,
                 where: Callable[[CameraEvent], bool] = lambda e: True) -> tuple[int, CameraEvent]:
        """The ``count``-th event of ``kind`` at index >= ``after`` matching ``where``."""
        def find() -> tuple[int, CameraEvent] | None:
            seen = 0
            for index in range(after, len(self.items)):
                event = self.items[index]
                if event.kind == kind and where(event):
                    seen += 1
                    if seen == count:
                        return index, event
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: find() is not None, WAIT):
                raise AssertionError(f"no {kind!r} (x{count}) within {WAIT} s; got {self.kinds(after)}")
            found = find()
            assert found is not None
            return found

    def quiet(self, kind: str, *, after: int, within: float = 0.5) -> None:
        """No event of ``kind`` at index >= ``after`` for ``within`` s (a bounded negative check)."""
        with self._cond:
            if self._cond.wait_for(lambda: kind in self.kinds(after), within):
                raise AssertionError(f"unexpected {kind!r}: {self.kinds(after)}")

    def kinds(self, after: int = 0, until: int | None = None) -> list[str]:
        with self._cond:
            return [e.kind for e in self.items[after:until]]

    def __len__(self) -> int:
        with self._cond:
            return len(self.items)


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def watch(events: Events) -> Iterator[Callable[..., CameraWatcher]]:
    watchers: list[CameraWatcher] = []

    def start(backend: SimulatedCameraBackend, **kw: object) -> CameraWatcher:
        kw.setdefault("rescan_interval", 0.05)
        kw.setdefault("max_fps", 100.0)
        watcher = CameraWatcher(backend, kw.pop("on_event", events), **kw)  # type: ignore[arg-type]
        watchers.append(watcher)
        watcher.start()
        return watcher

    yield start
    for watcher in watchers:
        watcher.stop()


def _backend(cameras: int = 1) -> SimulatedCameraBackend:
    return SimulatedCameraBackend(cameras, modes=MODES, frame_delay=0.005)


def _sheet() -> np.ndarray:
    image = np.full((1200, 1600, 3), 90, np.uint8)
    image[200:1000, 300:1300] = 250
    return image


def test_opens_and_streams_analysed_frames(events: Events, watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    backend.camera().place(_sheet())
    watch(backend, analyse=lambda frame: float(frame.mean()))
    _, listed = events.wait_for("cameras")
    assert listed.cameras == (backend.info(),)
    _, opened = events.wait_for("opened")
    assert (opened.camera, opened.still_mode, opened.preview_mode) == (backend.info(), STILL, PREVIEW)
    _, frame = events.wait_for("frame", count=5)
    assert frame.frame is not None and Mode.of(frame.frame) == PREVIEW
    assert isinstance(frame.analysis, float) and frame.analysis == pytest.approx(float(frame.frame.mean()))
    assert events.threads == {"camera-watcher"}


def test_capture_answers_once_between_preview_frames(events: Events,
                                                      watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    backend.camera().place(_sheet())
    watcher = watch(backend)
    start, _ = events.wait_for("frame", count=3)
    first, second = watcher.capture(), watcher.capture()
    assert second != first
    at_first, captured = events.wait_for("captured", after=start, where=lambda e: e.request_id == first)
    assert captured.frame is not None and Mode.of(captured.frame) == STILL and captured.still_mode == STILL
    assert captured.frame[600, 800].min() > 235  # the sheet, at full resolution
    at_second, _ = events.wait_for("captured", after=start, where=lambda e: e.request_id == second)
    after, frame = events.wait_for("frame", after=max(at_first, at_second), count=3)
    assert frame.frame is not None and Mode.of(frame.frame) == PREVIEW  # back in preview
    answers = [e.request_id for e in events.items[:after] if e.kind in ("captured", "capture_failed")]
    assert sorted(a or 0 for a in answers) == [first, second]
    assert "frame" in events.kinds(start - 1, min(at_first, at_second))  # preview ran before the stills


def test_unplug_fails_pending_capture_and_replug_reopens(events: Events,
                                                         watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    watcher = watch(backend)
    events.wait_for("frame", count=3)
    opens = backend.camera().opens
    backend.unplug()
    request = watcher.capture()
    lost_at, lost = events.wait_for("lost")
    assert lost.camera == backend.info() and lost.error is not None
    _, failed = events.wait_for("capture_failed", where=lambda e: e.request_id == request)
    assert failed.error is not None
    events.wait_for("cameras", after=lost_at, where=lambda e: e.cameras == ())
    events.wait_for("not_found", after=lost_at)
    backend.plug()
    opened_at, _ = events.wait_for("opened", after=lost_at)
    events.wait_for("frame", after=opened_at, count=3)
    assert backend.camera().opens == opens + 1  # opened afresh, no handle kept across the loss
    answers = [e for e in events.items if e.request_id == request]
    assert [e.kind for e in answers] == ["capture_failed"]


def test_no_camera_at_start_then_plugged(events: Events, watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    backend.unplug()
    watcher = watch(backend)
    events.wait_for("cameras", where=lambda e: e.cameras == ())
    _, missing = events.wait_for("not_found")
    assert isinstance(missing.error, CameraNotFound)
    request = watcher.capture()  # nothing to take it with: answered at once, not left hanging
    _, failed = events.wait_for("capture_failed", where=lambda e: e.request_id == request)
    assert isinstance(failed.error, CameraNotFound)
    backend.plug()
    listed_at, _ = events.wait_for("cameras", where=lambda e: e.cameras == (backend.info(),))
    events.wait_for("opened", after=listed_at)
    assert events.kinds().count("not_found") == 1  # once per absence, however many rescans


def test_pause_stops_preview_but_not_stills(events: Events, watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    watcher = watch(backend)
    events.wait_for("frame", count=2)
    watcher.pause()
    request = watcher.capture()
    at, _ = events.wait_for("captured", where=lambda e: e.request_id == request)
    grabs = backend.camera().grabs
    events.quiet("frame", after=at + 1)
    assert backend.camera().grabs == grabs
    watcher.resume()
    events.wait_for("frame", after=at + 1, count=3)


def test_stop_is_prompt_and_ends_the_thread(events: Events) -> None:
    backend = _backend()
    watcher = CameraWatcher(backend, events, rescan_interval=60, max_fps=0.01)  # waits far longer than the join
    watcher.start()
    thread = watcher._worker.thread
    events.wait_for("frame")
    watcher.stop(timeout=WAIT)
    assert thread is not None and not thread.is_alive()
    assert not watcher.running
    backend.unplug()
    idle = CameraWatcher(backend, events, rescan_interval=60)
    idle.start()
    thread = idle._worker.thread
    events.wait_for("not_found")
    idle.stop(timeout=WAIT)
    assert thread is not None and not thread.is_alive()


def test_failing_handler_and_analysis_do_not_kill_the_thread(events: Events,
                                                             watch: Callable[..., CameraWatcher]) -> None:
    calls = {"handler": 0}

    def handler(event: CameraEvent) -> None:
        calls["handler"] += 1
        events(event)
        if event.kind in ("opened", "frame"):
            raise RuntimeError("a bug in the window")

    def analyse(frame: np.ndarray) -> object:
        raise ValueError("a bug in detection")

    watch(_backend(), on_event=handler, analyse=analyse)
    events.wait_for("opened")
    _, frame = events.wait_for("frame", count=5)
    assert frame.analysis is None


def test_stalled_stream_retries_then_loses_and_reopens(events: Events,
                                                       watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend()
    watch(backend)
    at, _ = events.wait_for("frame", count=2)
    backend.camera().fail_grabs(2)  # two stalls: retried, no loss
    at, _ = events.wait_for("frame", after=at + 1, count=3)
    assert "lost" not in events.kinds()
    backend.camera().fail_grabs(3)
    lost_at, lost = events.wait_for("lost", after=at)
    assert isinstance(lost.error, CameraTimeout)
    opened_at, _ = events.wait_for("opened", after=lost_at)  # still listed: opened again
    events.wait_for("frame", after=opened_at)


def test_select_by_setting() -> None:
    cameras = [CameraInfo(0, "USB Face Camera", "/dev/video0"), CameraInfo(2, "Doc Camera S1000", "/dev/video2")]
    assert prefer_camera(None)(cameras) == cameras[0]
    assert prefer_camera("doc camera")(cameras) == cameras[1]
    assert prefer_camera(2)(cameras) == cameras[1]
    assert prefer_camera("2")(cameras) == cameras[1]
    assert prefer_camera("scanner")(cameras) is None
    assert prefer_camera(None)([]) is None


def test_watcher_opens_the_selected_camera(events: Events, watch: Callable[..., CameraWatcher]) -> None:
    backend = _backend(cameras=2)
    watch(backend, select=prefer_camera(1))
    _, opened = events.wait_for("opened")
    assert opened.camera == backend.info(1)
    events.wait_for("frame")
    assert backend.camera(0).opens == 0
