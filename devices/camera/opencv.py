"""The one module that touches cv2's capture API: ``OpenCvConnection`` and ``OpenCvBackend``.

cv2 reports trouble in many shapes (``read()`` returning ``(False, None)``, an empty array,
``cv2.error``, a ``set()`` that returns False or True and does nothing); each is translated
here into ``devices.camera.errors``, and every frame leaves as contiguous 3-channel BGR uint8.

On Linux, cameras are found through sysfs, which costs no device access: a UVC camera shows
two nodes (video capture and metadata) with the same name; the capture node has ``index`` 0,
and where the node can be opened, VIDIOC_QUERYCAP's device caps confirm it captures video.
Elsewhere indices 0..9 are probed with cv2, quietly. MJPG is asked for before any size:
raw YUYV over USB 2 cannot carry 5–16 MP at any usable rate.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import struct
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.camera.connection import CameraInfo, Frame, Mode
from devices.camera.errors import CameraBusy, CameraDisconnected, CameraNotFound, CameraTimeout

__all__ = ["OpenCvBackend", "OpenCvConnection", "capture_api"]

log = logging.getLogger(__name__)

#: VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability) (104 bytes); device_caps at offset 88
_VIDIOC_QUERYCAP = 0x80685600
_CAP_VIDEO_CAPTURE = 0x00000001
_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000
_CAP_DEVICE_CAPS = 0x80000000
_NODE = re.compile(r"video([0-9]+)")
#: how long one read may wait for a frame where the backend lets us say (V4L2's own default is 10 s)
_READ_TIMEOUT_MS = 3000


def capture_api(source: int | str, platform: str = sys.platform) -> int:
    """The cv2 backend for ``source``: the platform's camera API for indices, any for files/URLs."""
    if isinstance(source, str):
        return int(cv2.CAP_V4L2) if source.startswith("/dev/video") else int(cv2.CAP_ANY)
    if platform.startswith("linux"):
        return int(cv2.CAP_V4L2)
    if platform == "win32":
        return int(cv2.CAP_DSHOW)  # lets high-resolution MJPG modes be set; MSMF often refuses them
    if platform == "darwin":
        return int(cv2.CAP_AVFOUNDATION)
    return int(cv2.CAP_ANY)


class OpenCvConnection:
    """A ``cv2.VideoCapture`` on a camera index, a /dev/video path, a file or a URL."""

    def __init__(self, source: int | str, *, api: int | None = None, fourcc: str | None = "MJPG") -> None:
        self.source = source
        self._fourcc = fourcc
        #: the device node whose presence tells an unplug from a stall (None for files and URLs)
        self._node: str | None = None
        if isinstance(source, str) and source.startswith("/dev/"):
            self._node = source
        elif isinstance(source, int) and sys.platform.startswith("linux"):
            self._node = f"/dev/video{source}"
        #: a camera (not a file or URL): worth asking for MJPG, and its failed read may be a stall
        self._is_camera = isinstance(source, int) or self._node is not None
        if self._node is not None and not os.path.exists(self._node):
            raise CameraNotFound(f"{self._node} does not exist", source=str(source))
        try:
            self._capture: cv2.VideoCapture | None = cv2.VideoCapture(source, capture_api(source) if api is None
                                                                      else api)
            opened = self._capture.isOpened()
        except cv2.error as exc:
            raise CameraBusy(f"cv2 could not open {source!r}: {exc}", source=str(source)) from exc
        if not opened:
            self._capture = None
            if self._node is None and isinstance(source, int):
                raise CameraNotFound(f"no camera at index {source}", source=str(source))
            if self._node is None and not _looks_like_url(str(source)) and not os.path.exists(str(source)):
                raise CameraNotFound(f"{source!r} does not exist", source=str(source))
            raise CameraBusy(f"cv2 could not open {source!r}", source=str(source))
        # One driver buffer: a preview slower than the camera shows the newest frame, not a queue of old ones
        self._quietly_set(cv2.CAP_PROP_BUFFERSIZE, 1)
        timeout_prop = getattr(cv2, "CAP_PROP_READ_TIMEOUT_MSEC", None)
        if timeout_prop is not None:
            self._quietly_set(timeout_prop, _READ_TIMEOUT_MS)
        self._ask_fourcc()

    def _live(self) -> cv2.VideoCapture:
        if self._capture is None:
            raise CameraDisconnected(f"{self.source!r} is closed", source=str(self.source))
        return self._capture

    def _quietly_set(self, prop: int, value: float) -> bool:
        try:
            return bool(self._live().set(prop, value))
        except cv2.error as exc:
            log.debug("cv2 set(%d, %r) on %r failed: %s", prop, value, self.source, exc)
            return False

    def _ask_fourcc(self) -> None:
        if self._fourcc and self._is_camera:
            self._quietly_set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self._fourcc))

    def set_mode(self, mode: Mode) -> Mode:
        """Ask for ``mode``; returns what the capture reports (a file reports its own size, always)."""
        capture = self._live()
        self._ask_fourcc()  # some drivers fall back to YUYV on a size change
        self._quietly_set(cv2.CAP_PROP_FRAME_WIDTH, mode.width)
        self._quietly_set(cv2.CAP_PROP_FRAME_HEIGHT, mode.height)
        try:
            got = Mode(int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        except cv2.error as exc:
            raise CameraDisconnected(f"{self.source!r}: {exc}", source=str(self.source)) from exc
        log.debug("camera %r asked %s, reports %s", self.source, mode, got)
        return got

    def grab(self) -> Frame:
        capture = self._live()
        try:
            ok, frame = capture.read()
        except cv2.error as exc:
            raise CameraDisconnected(f"{self.source!r}: {exc}", source=str(self.source)) from exc
        if not ok or frame is None or frame.size == 0:
            if self._node is None:
                raise CameraDisconnected(f"{self.source!r}: stream ended", source=str(self.source))
            if not os.path.exists(self._node):
                raise CameraDisconnected(f"{self._node} vanished", source=str(self.source))
            raise CameraTimeout(f"{self._node} gave no frame", source=str(self.source))
        return _as_bgr(np.asarray(frame))

    def close(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            with contextlib.suppress(cv2.error):
                capture.release()


def _looks_like_url(source: str) -> bool:
    return "://" in source


def _as_bgr(frame: NDArray[Any]) -> Frame:
    """Contiguous 3-channel BGR uint8, whatever the driver handed over."""
    if frame.dtype == np.uint16:
        frame = (frame >> 8).astype(np.uint8)
    elif frame.dtype != np.uint8:
        frame = np.clip(frame, 0, 255).astype(np.uint8)
    if frame.ndim == 2 or (frame.ndim == 3 and frame.shape[2] == 1):
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.ndim == 3 and frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    elif frame.ndim != 3 or frame.shape[2] != 3:
        raise CameraTimeout(f"unusable frame of shape {frame.shape}")
    return np.ascontiguousarray(frame, dtype=np.uint8)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _captures_video(node: Path) -> bool | None:
    """VIDIOC_QUERYCAP's answer on ``node``: True/False, or None when the node cannot be asked."""
    try:
        import fcntl  # POSIX only; this path runs on Linux alone
        fd = os.open(node, os.O_RDONLY | os.O_NONBLOCK)
    except (ImportError, OSError):
        return None
    try:
        buffer = bytearray(104)
        fcntl.ioctl(fd, _VIDIOC_QUERYCAP, buffer)
    except OSError:
        return None
    finally:
        os.close(fd)
    capabilities, device_caps = struct.unpack_from("<II", buffer, 84)
    caps = device_caps if capabilities & _CAP_DEVICE_CAPS else capabilities
    return bool(caps & (_CAP_VIDEO_CAPTURE | _CAP_VIDEO_CAPTURE_MPLANE))


class OpenCvBackend:
    """Lists cameras (sysfs on Linux, probing elsewhere) and opens them with cv2."""

    def __init__(self, sysfs_root: Path = Path("/sys/class/video4linux"), *, dev_root: Path = Path("/dev"),
                 platform: str = sys.platform, probe_count: int = 10) -> None:
        self._sysfs = sysfs_root
        self._dev = dev_root
        self._platform = platform
        self._probe_count = probe_count

    def list_cameras(self) -> list[CameraInfo]:
        if self._platform.startswith("linux"):
            return self._from_sysfs()
        return self._probe()

    def open(self, info: CameraInfo) -> OpenCvConnection:
        return OpenCvConnection(info.path if info.path is not None else info.index)

    def _from_sysfs(self) -> list[CameraInfo]:
        try:
            entries = list(self._sysfs.iterdir())
        except OSError:
            return []  # no video4linux class at all: no camera driver loaded, so no camera
        nodes = sorted((int(m.group(1)), entry) for entry in entries if (m := _NODE.fullmatch(entry.name)))
        cameras: list[CameraInfo] = []
        for number, entry in nodes:
            if (_read_text(entry / "index") or "0") != "0":
                continue  # a second node of the same device: UVC metadata, not frames
            device = self._dev / f"video{number}"
            if _captures_video(device) is False:
                continue
            name = _read_text(entry / "name") or f"video{number}"
            cameras.append(CameraInfo(number, name, str(device)))
        return cameras

    def _probe(self) -> list[CameraInfo]:
        """Open indices in turn (they are contiguous on Windows and macOS) with cv2's warnings muted."""
        cameras: list[CameraInfo] = []
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        try:
            for index in range(self._probe_count):
                try:
                    OpenCvConnection(index, api=capture_api(index, self._platform), fourcc=None).close()
                except (CameraNotFound, CameraBusy):
                    break
                cameras.append(CameraInfo(index, f"Camera {index}"))
        finally:
            cv2.utils.logging.setLogLevel(level)
        return cameras
