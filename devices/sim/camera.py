"""A simulated document camera: photographs whatever document is placed under it.

``SimulatedCamera`` is a ``CameraConnection`` that behaves like a UVC document camera seen
through OpenCV: it snaps a requested size to the nearest offered mode that fits (an over-large
ask gives the largest), delivers the scene at the current mode (centre-cropped to the mode's
aspect, as cameras do for 16:9 modes of a 4:3 sensor) with light per-frame noise so a
preview looks live, paces frames at ``frame_delay``, and fails as a camera does when
unplugged: the open handle stays dead even after the camera is plugged back, until the
backend opens it again. ``SimulatedCameraBackend`` lists and opens a few of them and offers
``unplug``/``plug`` for hot-plug tests and demos.

Scenes come from ``devices.sim.docscene`` (imported lazily by ``place_document``); anything
else can be placed as a BGR image. Nothing starts at import time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import NDArray

from devices.camera.connection import CameraInfo, Frame, Mode
from devices.camera.errors import CameraBusy, CameraDisconnected, CameraNotFound, CameraTimeout

if TYPE_CHECKING:
    from devices.sim.docscene import Scene

__all__ = ["DEFAULT_MODES", "SimulatedCamera", "SimulatedCameraBackend"]

#: what a typical 8 MP document camera offers: 4:3 stills, 4:3 and 16:9 preview sizes
DEFAULT_MODES: tuple[Mode, ...] = (Mode(3264, 2448), Mode(2592, 1944), Mode(1920, 1080), Mode(1600, 1200),
                                   Mode(1280, 720), Mode(1024, 768), Mode(640, 480))
#: rows of spare noise, so each frame takes a different window of the same noise field
_NOISE_SLACK = 16
#: size of the random patch noise fields are tiled from (odd sizes, so the repeat is not on a grid)
_NOISE_TILE = (251, 257)


class SimulatedCamera:
    """One simulated camera and its (at most one) open handle."""

    def __init__(self, *, modes: Sequence[Mode] = DEFAULT_MODES, seed: int = 0, frame_delay: float = 1 / 30,
                 mode_switch_delay: float = 0.0, lies: bool = False) -> None:
        if not modes:
            raise ValueError("a camera offers at least one mode")
        self.modes = tuple(sorted(set(modes), key=lambda m: (m.pixels, m.width)))
        self.seed = seed
        self.frame_delay = frame_delay
        self.mode_switch_delay = mode_switch_delay
        #: report the asked mode from set_mode whatever is delivered (some drivers do)
        self.lies = lies
        self._lock = threading.Lock()
        self._rng = np.random.default_rng(seed)
        self._mode = self.modes[0]
        self._scene: Frame | None = None
        self._scene_version = 0
        self._desk_image: Frame | None = None
        self._cache: dict[tuple[Mode, int], tuple[Frame, Frame, Frame]] = {}
        self._plugged = True
        self._open = True  # a camera built directly is ready to use, like an opened connection
        self._fail_grabs = 0
        #: counters for tests: how often it was opened, how many frames and mode switches it served
        self.opens = 0
        self.grabs = 0
        self.mode_history: list[Mode] = []

    # --- what lies under the camera ----------------------------------------------------------------

    def place(self, scene_image: NDArray[np.uint8] | None) -> None:
        """What lies under the camera now: a BGR desk photo (any size), or None for an empty desk."""
        if scene_image is not None and (scene_image.ndim != 3 or scene_image.shape[2] != 3
                                        or scene_image.dtype != np.uint8):
            raise ValueError("a scene is a BGR uint8 image")
        with self._lock:
            self._scene = None if scene_image is None else np.ascontiguousarray(scene_image)
            self._scene_version += 1
            self._cache.clear()

    def place_document(self, seed: int, kind: str | None = None) -> Scene:
        """Place a generated desk photo with a document at full resolution; returns the scene (true corners)."""
        from devices.sim import docscene  # the generator is large and optional; load it only when used

        largest = self.modes[-1]
        scene = docscene.render_scene(seed, size=(largest.width, largest.height), kind=kind)
        self.place(scene.image)
        return scene

    # --- faults ------------------------------------------------------------------------------------

    def fail_grabs(self, count: int) -> None:
        """The next ``count`` grabs time out (a stalled USB stream), then frames flow again."""
        with self._lock:
            self._fail_grabs = count

    def unplug(self) -> None:
        with self._lock:
            self._plugged = False
            self._open = False

    def plug(self) -> None:
        with self._lock:
            self._plugged = True

    @property
    def plugged(self) -> bool:
        return self._plugged

    def reopen(self) -> SimulatedCamera:
        """What the backend's open does: a fresh handle, back at the camera's power-on mode."""
        with self._lock:
            if not self._plugged:
                raise CameraNotFound(f"simulated camera {self.seed} is unplugged")
            if self._open:
                raise CameraBusy(f"simulated camera {self.seed} is already open")
            self._open = True
            self._mode = self.modes[0]
            self.opens += 1
        return self

    # --- CameraConnection --------------------------------------------------------------------------

    def _check(self) -> None:
        if not self._plugged:
            raise CameraDisconnected("simulated camera unplugged")
        if not self._open:
            raise CameraDisconnected("simulated camera handle is closed")

    def set_mode(self, mode: Mode) -> Mode:
        with self._lock:
            self._check()
            fitting = [m for m in self.modes if m.width <= mode.width and m.height <= mode.height]
            larger = mode.width >= self.modes[-1].width and mode.height >= self.modes[-1].height
            chosen = self.modes[-1] if larger or not fitting else fitting[-1]
            if not fitting and not larger:
                chosen = self.modes[0]  # asked below the smallest: the smallest
            changed = chosen != self._mode
            self._mode = chosen
            self.mode_history.append(chosen)
        if changed and self.mode_switch_delay > 0:
            time.sleep(self.mode_switch_delay)
        return mode if self.lies else chosen

    @property
    def mode(self) -> Mode:
        return self._mode

    def grab(self) -> Frame:
        if self.frame_delay > 0:
            time.sleep(self.frame_delay)
        with self._lock:
            self._check()
            if self._fail_grabs > 0:
                self._fail_grabs -= 1
                raise CameraTimeout("simulated camera gave no frame")
            base, positive, negative = self._layers(self._mode)
            a, b = (int(v) for v in self._rng.integers(0, _NOISE_SLACK + 1, size=2))
            self.grabs += 1
        height = base.shape[0]
        frame = cv2.add(base, positive[a:a + height])
        return np.asarray(cv2.subtract(frame, negative[b:b + height]), dtype=np.uint8)

    def close(self) -> None:
        with self._lock:
            self._open = False

    # --- rendering ---------------------------------------------------------------------------------

    def _layers(self, mode: Mode) -> tuple[Frame, Frame, Frame]:
        """The scene at ``mode`` and two noise fields (call with the lock held); two modes are kept."""
        key = (mode, self._scene_version)
        if key not in self._cache:
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = (self._render(mode), self._noise(mode, 0), self._noise(mode, 1))
        return self._cache[key]

    def _noise(self, mode: Mode, layer: int) -> Frame:
        """A noise field a little taller than ``mode``, tiled from a small random patch (cheap at 16 MP)."""
        rng = np.random.default_rng((self.seed, layer))
        patch = rng.integers(0, 3, size=(_NOISE_TILE[0], _NOISE_TILE[1], 3), dtype=np.uint8)
        rows, cols = mode.height + _NOISE_SLACK, mode.width
        tiled = np.tile(patch, (-(-rows // _NOISE_TILE[0]), -(-cols // _NOISE_TILE[1]), 1))
        return np.ascontiguousarray(tiled[:rows, :cols])

    def _render(self, mode: Mode) -> Frame:
        scene = self._scene if self._scene is not None else self._desk()
        height, width = scene.shape[:2]
        if abs(width / height - mode.aspect) > 0.01:  # a different aspect is a centre crop of the sensor
            if width / height > mode.aspect:
                keep = round(height * mode.aspect)
                scene = scene[:, (width - keep) // 2:(width - keep) // 2 + keep]
            else:
                keep = round(width / mode.aspect)
                scene = scene[(height - keep) // 2:(height - keep) // 2 + keep]
        shrinking = scene.shape[1] > mode.width
        resized = cv2.resize(scene, (mode.width, mode.height),
                             interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
        return np.ascontiguousarray(resized, dtype=np.uint8)

    def _desk(self) -> Frame:
        """An empty grey-brown desk with a soft, seeded texture, at the largest mode's size."""
        if self._desk_image is None:
            self._desk_image = self._make_desk()
        return self._desk_image

    def _make_desk(self) -> Frame:
        rng = np.random.default_rng(self.seed)
        largest = self.modes[-1]
        tone = np.array([120, 135, 150], dtype=np.float32) + rng.uniform(-15, 15, size=3).astype(np.float32)
        coarse = tone + rng.normal(0, 6, size=(12, 16, 3)).astype(np.float32)
        coarse8 = np.clip(coarse, 0, 255).astype(np.uint8)
        return np.asarray(cv2.resize(coarse8, (largest.width, largest.height), interpolation=cv2.INTER_CUBIC),
                          dtype=np.uint8)


class SimulatedCameraBackend:
    """A few simulated cameras that can be unplugged and plugged back."""

    def __init__(self, cameras: int = 1, **camera_kwargs: Any) -> None:
        base_seed = int(camera_kwargs.pop("seed", 0))
        self._cameras = [SimulatedCamera(seed=base_seed + i, **camera_kwargs) for i in range(cameras)]
        for camera in self._cameras:
            camera.close()  # closed until opened through the backend, as a real device is

    def camera(self, index: int = 0) -> SimulatedCamera:
        return self._cameras[index]

    def info(self, index: int = 0) -> CameraInfo:
        return CameraInfo(index, f"Simulated Document Camera {index}", f"sim://camera/{index}")

    def unplug(self, index: int = 0) -> None:
        self._cameras[index].unplug()

    def plug(self, index: int = 0) -> None:
        self._cameras[index].plug()

    def list_cameras(self) -> list[CameraInfo]:
        return [self.info(i) for i, camera in enumerate(self._cameras) if camera.plugged]

    def open(self, info: CameraInfo) -> SimulatedCamera:
        if not 0 <= info.index < len(self._cameras) or info != self.info(info.index):
            raise CameraNotFound(f"no simulated camera {info.name!r}")
        return self._cameras[info.index].reopen()
