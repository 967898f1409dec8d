"""The seam between the camera logic and whatever delivers frames (cv2, the simulator, a fake).

A connection does three things: ask for a mode (and say what it got), grab one BGR frame,
close. Everything else (mode negotiation, taking a still between preview frames, hot-plug)
is plain code above it that any fake connection can drive. Backends translate their
library's failures into ``devices.camera.errors`` at this boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = ["CameraBackend", "CameraConnection", "CameraInfo", "Frame", "Mode", "first_camera", "prefer_camera"]

Frame = NDArray[np.uint8]


@dataclass(frozen=True, order=True)
class Mode:
    """A frame size; ordering is by width then height, so compare ``pixels`` for 'larger'."""

    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 0.0

    @classmethod
    def of(cls, frame: NDArray[np.generic]) -> Mode:
        """The mode a frame was actually delivered in (what counts, whatever set_mode said)."""
        return cls(int(frame.shape[1]), int(frame.shape[0]))

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


@dataclass(frozen=True)
class CameraInfo:
    """One listed camera; ``name`` comes from the system (sysfs on Linux), ``path`` e.g. /dev/video0."""

    index: int
    name: str
    path: str | None = None


class CameraConnection(Protocol):
    def set_mode(self, mode: Mode) -> Mode:
        """Ask for ``mode``; return the mode the camera says it now delivers (it may lie)."""
        ...

    def grab(self) -> Frame:
        """One BGR frame; CameraDisconnected when unplugged, CameraTimeout when no frame came in time."""
        ...

    def close(self) -> None: ...


class CameraBackend(Protocol):
    def list_cameras(self) -> list[CameraInfo]: ...

    def open(self, info: CameraInfo) -> CameraConnection:
        """A connection to ``info``; CameraNotFound if it is gone, CameraBusy if it will not open."""
        ...


def first_camera(cameras: list[CameraInfo]) -> CameraInfo | None:
    return cameras[0] if cameras else None


def prefer_camera(preference: str | int | None) -> Callable[[list[CameraInfo]], CameraInfo | None]:
    """A ``select`` for the watcher from a setting: an index, or a substring of the name.

    Document cameras often carry a second (face) camera, so the setting names the one to use;
    when nothing matches, no camera is chosen rather than the wrong one (unless no preference).
    """
    def select(cameras: list[CameraInfo]) -> CameraInfo | None:
        if preference is None or preference == "":
            return first_camera(cameras)
        if isinstance(preference, int) or preference.isdigit():
            wanted = int(preference)
            return next((c for c in cameras if c.index == wanted), None)
        needle = preference.casefold()
        return next((c for c in cameras if needle in c.name.casefold()), None)

    return select
