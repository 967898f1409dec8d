"""Watching the desk while a form is open: a document laid under the camera opens the capture by itself.

The clerk should not have to click 拍摄 to photograph the ID card the applicant has just handed over.
While a form is on screen and no capture dialog is open, the camera's preview frames come here (the
camera grabs frames only while someone watches, see ``app/camera.py``); when a trusted outline
appears and holds still for a moment, ``laid`` fires and the window opens the capture dialog for the
form's first missing material, where the page is then taken by itself.

What already lay on the desk when the watch started (the card just photographed, say) does not count:
only a document laid, turned over or moved afterwards does, so closing the dialog never reopens it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.autocapture import Phase, StillnessWatch, look
from app.camera import CameraService
from app.scans import Detection
from app.ui.preview import FrameMailbox

#: a document must lie still this long before the capture opens (the dialog then waits its own 0.7 s)
DESK_HOLD_SECONDS = 0.3
#: preview frames a second while only the desk is watched (the dialog gets the camera's full rate)
DESK_FPS = 8.0


class DeskWatch(QObject):
    """``laid`` fires once per document laid under the camera while ``active``."""

    laid = Signal()

    def __init__(self, camera: CameraService | None, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.camera = camera
        self._clock = clock
        self.mailbox = FrameMailbox(self)
        self.mailbox.arrived.connect(self._drain)
        self.watch = StillnessWatch(hold=DESK_HOLD_SECONDS, sharp_at=0.0)
        self.active = False
        self._fresh = False
        self._detached = False

    def follow(self, active: bool) -> None:
        """Watch (a form is on screen and no capture dialog is open) or stop watching."""
        if self.camera is None or active == self.active or (active and self._detached):
            return
        self.active = active
        if active:
            self.watch.reset()
            self._fresh = True  # the first outline seen is what already lay there
            self.camera.set_viewer(self.mailbox, max_fps=DESK_FPS)
        else:
            self.camera.release_viewer(self.mailbox)

    def _drain(self) -> None:
        frame, _answers = self.mailbox.take()
        if not self.active or frame is None or frame.frame is None:
            return
        detection = frame.analysis if isinstance(frame.analysis, Detection) else None
        if detection is None:
            return
        quad = detection.quad if detection.problem is None else None
        seen = look(frame.frame, quad) if quad is not None else None
        if self._fresh:
            self._fresh = False
            if quad is not None:
                self.watch.mark_taken(quad, seen)
                return
        if self.watch.observe(quad, detection.confident, 1.0, self._clock(), seen).phase is Phase.FIRE:
            self.laid.emit()

    def detach(self) -> None:
        """Stop hearing from the camera for good (before the window goes)."""
        self.follow(False)
        self._detached = True
