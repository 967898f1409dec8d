"""The document camera as the terminal sees it: one watcher, state for everyone, frames for one viewer.

Camera state (found, lost, opened with its modes) is published to every listener like the readers'
events, so the status bar can show it. Preview frames are different: thirty large images a second
that only the open capture dialog wants, and that must not be replayed to a late subscriber. They go
to a single viewer, and the camera grabs no preview frames at all while nobody watches (the camera
stays open, so opening the dialog shows a picture at once).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from devices.camera.watch import CameraEvent

if TYPE_CHECKING:
    from devices.camera.connection import CameraBackend, CameraInfo
    from devices.camera.watch import CameraWatcher

#: the camera's events, for the widgets that show them (they import no ``devices``)
__all__ = ["CameraEvent", "CameraService", "Viewer"]

Viewer = Callable[["CameraEvent"], None]

#: events that go to the viewer only (frames, and the answers to its capture requests)
_VIEWER_KINDS = frozenset({"frame", "captured", "capture_failed"})


class CameraService:
    def __init__(self, backend: CameraBackend, publish: Callable[[object], None], *,
                 name_hint: str | None = None, detect_outline: bool = True) -> None:
        self._backend = backend
        self._publish = publish
        self._name_hint = name_hint
        self._detect_outline = detect_outline
        self._viewer: Viewer | None = None
        self._lock = threading.Lock()
        self._watcher: CameraWatcher | None = None

    def start(self) -> None:
        from devices.camera.watch import CameraWatcher

        analyse = None
        if self._detect_outline:
            from devices.scan.detect import detect_preview

            analyse = detect_preview
        self._watcher = CameraWatcher(self._backend, self._route, select=self._select, analyse=analyse)
        self._watcher.pause()
        self._watcher.start()

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def set_viewer(self, viewer: Viewer | None, *, max_fps: float | None = None) -> None:
        """Frames flow only while a viewer is set (the capture dialog is open, or a form watches the desk).

        ``max_fps`` slows the preview for a viewer that needs few frames (the desk watch: each frame's
        outline detection costs ~16 ms of CPU); None gives the camera's full preview rate.

        A barrier: once this returns, the old viewer is not being called and never will be again,
        so its owner may be destroyed (``_route`` calls the viewer under the same lock).
        """
        with self._lock:
            self._viewer = viewer
        if self._watcher is not None:
            self._watcher.set_max_fps(max_fps)
            if viewer is None:
                self._watcher.pause()
            else:
                self._watcher.resume()

    def release_viewer(self, viewer: Viewer) -> None:
        """Stop feeding ``viewer`` if it is still the one fed; a newer viewer keeps its frames."""
        with self._lock:
            if self._viewer is not viewer:
                return
            self._viewer = None
        if self._watcher is not None:
            self._watcher.pause()

    @property
    def viewer(self) -> Viewer | None:
        with self._lock:
            return self._viewer

    def capture(self) -> int | None:
        """Ask for a full-resolution still; the answer reaches the viewer. None when no camera runs."""
        return self._watcher.capture() if self._watcher is not None else None

    def _select(self, cameras: list[CameraInfo]) -> CameraInfo | None:
        if not cameras:
            return None
        if self._name_hint:
            hint = self._name_hint.lower()
            for camera in cameras:
                if hint in camera.name.lower() or hint == str(camera.index) or hint == camera.path:
                    return camera
            return None
        return cameras[0]

    def _route(self, event: CameraEvent) -> None:
        if event.kind in _VIEWER_KINDS:
            # Called under the lock so that set_viewer() waits for a call in flight; the viewer
            # only hands the event over (the frame mailbox), it never waits for the GUI thread.
            with self._lock:
                if self._viewer is not None:
                    self._viewer(event)
            return
        self._publish(event)
