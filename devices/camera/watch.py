"""Watching the document camera: one device thread opens it, streams preview frames, takes stills.

The device thread is the only one that touches the backend and the connection (cv2 included).
With no camera open it lists cameras every ``rescan_interval`` s, picks one with ``select`` and
opens it; while open (and not paused) it grabs preview frames, at most ``max_fps`` a second,
runs ``analyse`` on each (document outline detection at preview size, say) and hands both out.
A still requested with ``capture()`` is taken between two preview frames, so the preview
simply pauses for the mode switch and resumes after it.

A grab that fails (unplugged, or no frame a few times in a row) closes the connection and
the camera is looked for again; nothing is kept across the loss, so a camera that comes back
is opened afresh and its modes negotiated again (it may be a different camera on the same port).

The thread is a ``devices.worker.DeviceWorker``'s; the events are ``CameraEvent``s, the camera's
``DeviceEvent`` (``payload`` is the frame). Delivered on the device thread (the UI re-emits them as
Qt signals):

* ``cameras`` the list of cameras changed (also once at start); only listed while none is open
* ``opened`` a camera was opened (``camera``, ``still_mode``, ``preview_mode``)
* ``not_found`` no camera to open (once per absence; ``error`` says why, e.g. busy)
* ``frame`` a preview frame (``frame``, ``analysis``)
* ``captured`` the still of ``request_id`` (``frame`` at ``still_mode``), or ``capture_failed``
  with ``error``: exactly one of the two per ``capture()``
* ``lost`` the camera failed or vanished (``error``); it is being looked for again
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.errors import CounterError, DeviceDisconnected, DeviceError
from devices.camera.camera import Camera
from devices.camera.connection import CameraBackend, CameraConnection, CameraInfo, Frame, Mode, first_camera
from devices.camera.errors import CameraNotFound, CameraStopped
from devices.events import DeviceEvent, DeviceState
from devices.worker import DeviceWorker

__all__ = ["CAMERA", "CameraEvent", "CameraEventKind", "CameraWatcher"]

log = logging.getLogger(__name__)

CameraEventKind = Literal["cameras", "opened", "frame", "captured", "capture_failed", "lost", "not_found"]

#: consecutive failed preview grabs (other than an unplug) after which the camera counts as lost
_LOST_AFTER = 3


#: the document camera's name in the device vocabulary (and its key in the app's registry and settings)
CAMERA = "camera"

_STATES: dict[str, DeviceState] = {
    "cameras": DeviceState.ABSENT, "opened": DeviceState.READY, "not_found": DeviceState.ABSENT,
    "frame": DeviceState.READY, "captured": DeviceState.READ, "capture_failed": DeviceState.FAILED,
    "lost": DeviceState.LOST,
}


@dataclass(frozen=True, init=False)
class CameraEvent(DeviceEvent):
    """Something that happened to the camera; ``payload`` is the frame of a ``frame`` or ``captured``.

    ``cameras`` is only reported while no camera is open, hence absent.
    """

    camera: CameraInfo | None = None
    cameras: tuple[CameraInfo, ...] = ()
    analysis: object | None = None
    request_id: int | None = None
    still_mode: Mode | None = None
    preview_mode: Mode | None = None

    def __init__(self, kind: CameraEventKind, *, camera: CameraInfo | None = None,
                 cameras: tuple[CameraInfo, ...] = (), frame: Frame | None = None, analysis: object | None = None,
                 request_id: int | None = None, error: CounterError | None = None, still_mode: Mode | None = None,
                 preview_mode: Mode | None = None) -> None:
        super().__init__(device=CAMERA, state=_STATES[kind], kind=kind, payload=frame, error=error)
        for name, value in (("camera", camera), ("cameras", cameras), ("analysis", analysis),
                            ("request_id", request_id), ("still_mode", still_mode), ("preview_mode", preview_mode)):
            object.__setattr__(self, name, value)

    @property
    def frame(self) -> Frame | None:
        return self.payload if isinstance(self.payload, np.ndarray) else None


def _describe(event: CameraEvent) -> str | None:
    if event.kind == "frame":
        return None
    return (f"camera event {event.kind}" + (f" camera={event.camera.name!r}" if event.camera else "")
            + (f" request={event.request_id}" if event.request_id is not None else "")
            + (f" error={type(event.error).__name__}: {event.error.detail}" if event.error else ""))


def _as_device_error(exc: Exception) -> CounterError:
    if isinstance(exc, CounterError):
        return exc
    return DeviceError(f"unexpected camera failure: {exc!r}")


class CameraWatcher:
    """Follows one document camera on its own thread; ``start()``, then ``stop()``."""

    def __init__(self, backend: CameraBackend, on_event: Callable[[CameraEvent], None], *,
                 select: Callable[[list[CameraInfo]], CameraInfo | None] | None = None,
                 analyse: Callable[[Frame], object] | None = None, rescan_interval: float = 1.0,
                 max_fps: float = 30.0, settle_frames: int = 2) -> None:
        self._backend = backend
        self._select = select or first_camera
        self._analyse = analyse
        self.rescan_interval = rescan_interval
        self._frame_interval = 1.0 / max_fps if max_fps > 0 else 0.0
        self._default_interval = self._frame_interval
        self._settle_frames = settle_frames
        self._worker: DeviceWorker[CameraEvent] = DeviceWorker(on_event, logger=log, describe=_describe)
        #: set whenever the device thread should look again now: capture, resume, stop
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._pending: deque[int] = deque()
        self._next_id = 0
        self._paused = False

    # --- the caller's side -------------------------------------------------------------------------

    def start(self) -> None:
        self._worker.start(self._run, name="camera-watcher")

    def stop(self, timeout: float = 3.0) -> None:
        """End the device thread, waiting up to ``timeout`` s (a grab blocked in the driver may outlast it)."""
        self._worker.request_stop()
        self._wake.set()
        if not self._worker.join(timeout):
            log.warning("camera thread still blocked after %g s; abandoned", timeout)

    @property
    def running(self) -> bool:
        return self._worker.running

    def capture(self) -> int:
        """Ask for a still; the device thread answers with one ``captured`` or ``capture_failed``."""
        with self._lock:
            self._next_id += 1
            request = self._next_id
            self._pending.append(request)
        self._wake.set()
        return request

    def set_max_fps(self, max_fps: float | None) -> None:
        """Preview frames at most this often (None: as constructed); a watcher of the desk needs few."""
        self._frame_interval = self._default_interval if max_fps is None else (1.0 / max_fps if max_fps > 0 else 0.0)
        self._wake.set()

    def pause(self) -> None:
        """No preview frames until ``resume()`` (the camera stays open; stills are still taken)."""
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self._wake.set()

    # --- the device thread -------------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        """Wait up to ``seconds``, waking early for a capture, a resume or stop."""
        if seconds > 0:
            self._wake.wait(seconds)
        self._wake.clear()

    def _take_request(self) -> int | None:
        with self._lock:
            return self._pending.popleft() if self._pending else None

    def _fail_pending(self, generation: int, camera: CameraInfo | None, error: CounterError) -> None:
        while (request := self._take_request()) is not None:
            self._worker.emit(generation, CameraEvent("capture_failed", camera=camera, request_id=request, error=error))

    def _run(self, generation: int) -> None:
        camera: Camera | None = None
        listed: tuple[CameraInfo, ...] | None = None
        absent_reported = False
        try:
            while self._worker.current(generation):
                if camera is None:
                    listed, camera, absent_reported = self._look(generation, listed, absent_reported)
                    if camera is None:
                        self._sleep(self.rescan_interval)
                    continue
                if not self._serve_captures(generation, camera) or not self._preview(generation, camera):
                    camera = None
                    self._sleep(self.rescan_interval)
        finally:
            if camera is not None:
                with contextlib.suppress(Exception):
                    camera.close()
            self._fail_pending(generation, camera.info if camera else None, CameraStopped("camera watcher stopped"))

    def _look(self, generation: int, listed: tuple[CameraInfo, ...] | None,
              absent_reported: bool) -> tuple[tuple[CameraInfo, ...], Camera | None, bool]:
        """List, pick and open a camera; fail pending stills when there is none to take them."""
        try:
            cameras = tuple(self._backend.list_cameras())
        except Exception:
            log.exception("listing cameras failed")
            cameras = ()
        if cameras != listed:
            self._worker.emit(generation, CameraEvent("cameras", cameras=cameras))
        try:
            choice = self._select(list(cameras))
        except Exception:
            log.exception("camera selection failed")
            choice = None
        error: CounterError = CameraNotFound("no camera listed" if not cameras else "no listed camera selected")
        if choice is not None:
            try:
                camera = self._open(choice)
            except Exception as exc:
                error = _as_device_error(exc)
                log.info("opening camera %r failed: %s", choice.name, exc)
            else:
                self._worker.emit(generation, CameraEvent("opened", camera=choice, still_mode=camera.still_mode,
                                       preview_mode=camera.preview_mode))
                return cameras, camera, False
        if not absent_reported:
            self._worker.emit(generation, CameraEvent("not_found", cameras=cameras, camera=choice, error=error))
        self._fail_pending(generation, choice, error)
        return cameras, None, True

    def _open(self, info: CameraInfo) -> Camera:
        conn: CameraConnection = self._backend.open(info)
        try:
            return Camera(conn, info, settle_frames=self._settle_frames)
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise

    def _lose(self, generation: int, camera: Camera, error: CounterError) -> None:
        with contextlib.suppress(Exception):
            camera.close()
        log.warning("camera %r lost: %s", camera.info.name, error.detail)
        self._worker.emit(generation, CameraEvent("lost", camera=camera.info, error=error))
        self._fail_pending(generation, camera.info, error)

    def _serve_captures(self, generation: int, camera: Camera) -> bool:
        """Take every pending still; False if the camera was lost doing so."""
        while self._worker.current(generation) and (request := self._take_request()) is not None:
            try:
                frame = camera.capture_still()
            except Exception as exc:
                error = _as_device_error(exc)
                self._worker.emit(generation, CameraEvent("capture_failed", camera=camera.info, request_id=request,
                                                          error=error))
                if isinstance(error, DeviceDisconnected) or not isinstance(exc, CounterError):
                    self._lose(generation, camera, error)
                    return False
                continue
            self._worker.emit(generation, CameraEvent("captured", camera=camera.info, frame=frame, request_id=request,
                                   still_mode=camera.still_mode, preview_mode=camera.preview_mode))
        return True

    def _preview(self, generation: int, camera: Camera) -> bool:
        """One preview frame (unless paused), then wait out the frame interval; False if the camera was lost."""
        with self._lock:
            paused = self._paused
        if paused:
            self._sleep(self.rescan_interval)
            return True
        started = time.monotonic()
        failures = 0
        while True:
            try:
                frame = camera.preview_frame()
                break
            except Exception as exc:
                error = _as_device_error(exc)
                failures += 1
                stopping = not self._worker.current(generation)
                if isinstance(error, DeviceDisconnected) or failures >= _LOST_AFTER or stopping:
                    self._lose(generation, camera, error)
                    return False
                log.info("preview grab failed (%d): %s", failures, error.detail)
        analysis: object | None = None
        if self._analyse is not None:
            try:
                analysis = self._analyse(frame)
            except Exception:
                log.exception("frame analysis failed")
        self._worker.emit(generation, CameraEvent("frame", camera=camera.info, frame=frame, analysis=analysis,
                               still_mode=camera.still_mode, preview_mode=camera.preview_mode))
        if self._frame_interval:
            remaining = self._frame_interval - (time.monotonic() - started)
            if remaining > 0:
                self._sleep(remaining)
        return True
