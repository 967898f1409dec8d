"""One opened document camera: which modes it truly delivers, and a still taken between preview frames.

Document cameras report modes unreliably: drivers snap a request to the closest mode, some
report the asked size whatever they deliver, and a few deliver a size they never report. So
every mode chosen here is confirmed by the shape of a grabbed frame, never by ``set_mode``'s
answer alone. Asking an over-large size first finds the largest mode in one step on V4L2
(the driver snaps to the closest, i.e. the largest); the candidate list then only needs to be
walked for sizes that could beat it, which on a well-behaved camera is none.

The preview runs at a modest size (≥ 960 px wide, at most about 2 MP) because 30 frames a
second of 5–16 MP would saturate USB 2 and the CPU; the still is taken at the full mode and
the camera returns to preview afterwards.
"""

from __future__ import annotations

import logging

from devices.camera.connection import CameraConnection, CameraInfo, Frame, Mode

__all__ = ["PREVIEW_CANDIDATES", "PREVIEW_TARGET", "STILL_CANDIDATES", "Camera", "negotiate_preview_mode",
           "negotiate_still_mode"]

log = logging.getLogger(__name__)

STILL_CANDIDATES: tuple[Mode, ...] = (
    Mode(4608, 3456), Mode(4160, 3120), Mode(4000, 3000), Mode(3648, 2736), Mode(3264, 2448), Mode(2592, 1944),
    Mode(2048, 1536), Mode(1920, 1080), Mode(1600, 1200), Mode(1280, 720), Mode(640, 480),
)
#: sizes a preview may use, smallest first; above ~2 MP a preview costs more than it shows
PREVIEW_CANDIDATES: tuple[Mode, ...] = (
    Mode(960, 720), Mode(1024, 768), Mode(1280, 720), Mode(1280, 960), Mode(1440, 1080), Mode(1600, 1200),
    Mode(1920, 1080),
)
PREVIEW_TARGET = Mode(1280, 720)
#: an ask larger than any document camera, so the driver snaps to its largest mode
_OVERSIZED = Mode(10000, 10000)
_ASPECT_TOLERANCE = 0.02


def _delivered(conn: CameraConnection, mode: Mode) -> Mode:
    """Switch to ``mode`` and return the size of a frame actually grabbed there."""
    reported = conn.set_mode(mode)
    actual = Mode.of(conn.grab())
    if reported != actual:
        log.info("camera reports %s after asking %s but delivers %s", reported, mode, actual)
    return actual


def negotiate_still_mode(conn: CameraConnection) -> Mode:
    """The largest mode the camera truly delivers (leaves the camera in some mode: set one after)."""
    best = _delivered(conn, _OVERSIZED)
    for candidate in STILL_CANDIDATES:  # largest first
        if candidate.pixels <= best.pixels:
            break  # nothing further down can beat what we have
        actual = _delivered(conn, candidate)
        if actual.pixels > best.pixels:
            best = actual
        if actual == candidate:
            break  # this is the largest listed size it delivers; smaller ones cannot win
    log.info("camera still mode %s", best)
    return best


def _same_aspect(a: Mode, b: Mode) -> bool:
    return abs(a.aspect - b.aspect) <= _ASPECT_TOLERANCE * b.aspect


def negotiate_preview_mode(conn: CameraConnection, still: Mode) -> Mode:
    """The smallest mode ≥ 960 px wide with the still's aspect, else 1280x720, else whatever it gives.

    Same aspect matters: on many cameras a 16:9 mode is a crop of the 4:3 sensor, so the preview
    would not show the whole page the still will contain. Leaves the camera in the returned mode.
    """
    for candidate in PREVIEW_CANDIDATES:
        if candidate.pixels >= still.pixels or not _same_aspect(candidate, still):
            continue
        if _delivered(conn, candidate) == candidate:
            return candidate
    if still.pixels <= PREVIEW_TARGET.pixels:
        return _delivered(conn, still)
    actual = _delivered(conn, PREVIEW_TARGET)
    if actual != PREVIEW_TARGET:
        log.info("camera offers no %s preview; previewing at %s", PREVIEW_TARGET, actual)
    return actual


class Camera:
    """An opened camera with its negotiated modes; only its device thread may call it.

    The constructor negotiates (a few mode switches and grabs), so it runs on the device thread.
    """

    def __init__(self, conn: CameraConnection, info: CameraInfo, *, settle_frames: int = 2) -> None:
        self.conn = conn
        self.info = info
        self.settle_frames = settle_frames
        self.still_mode = negotiate_still_mode(conn)
        self.preview_mode = negotiate_preview_mode(conn, self.still_mode)
        self._in_preview = True

    def preview_frame(self) -> Frame:
        """A frame at preview size (switching back first if a still left the camera elsewhere)."""
        if not self._in_preview:
            self.conn.set_mode(self.preview_mode)
            self._in_preview = True
        return self.conn.grab()

    def capture_still(self) -> Frame:
        """A frame at the still mode, after ``settle_frames`` discarded while exposure settles.

        The camera goes back to preview afterwards. If that switch fails, the still is still
        returned (it is good) and the next ``preview_frame`` tries the switch again, which is
        where a lost camera then shows.
        """
        self._in_preview = False
        self.conn.set_mode(self.still_mode)
        for _ in range(self.settle_frames):
            self.conn.grab()
        frame = self.conn.grab()
        if Mode.of(frame) != self.still_mode:
            log.warning("still came at %s instead of %s", Mode.of(frame), self.still_mode)
        try:
            self.conn.set_mode(self.preview_mode)
            self._in_preview = True
        except Exception as exc:  # the still is good; the next preview grab reports the camera
            log.info("switching back to preview failed: %s", exc)
        return frame

    def close(self) -> None:
        self.conn.close()
