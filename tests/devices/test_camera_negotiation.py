"""Mode negotiation and stills against the simulated camera with different mode sets."""

from __future__ import annotations

import numpy as np
import pytest

from devices.camera.camera import Camera, negotiate_preview_mode, negotiate_still_mode
from devices.camera.connection import CameraInfo, Mode
from devices.camera.errors import CameraDisconnected, CameraTimeout
from devices.sim.camera import SimulatedCamera, SimulatedCameraBackend

INFO = CameraInfo(0, "test camera")


def _camera(*modes: Mode, **kw: object) -> SimulatedCamera:
    return SimulatedCamera(modes=modes, frame_delay=0, **kw)  # type: ignore[arg-type]


def _scene(width: int = 800, height: int = 600) -> np.ndarray:
    """A white sheet on a grey desk, with a black mark in the top-left corner of the sheet."""
    image = np.full((height, width, 3), 90, np.uint8)
    image[height // 6:height * 5 // 6, width // 5:width * 4 // 5] = 250
    image[height // 6:height // 6 + 20, width // 5:width // 5 + 20] = 0
    return image


def test_sixteen_megapixel_camera() -> None:
    sim = _camera(Mode(4608, 3456), Mode(3264, 2448), Mode(1600, 1200), Mode(1280, 960), Mode(1280, 720),
                  Mode(640, 480))
    still = negotiate_still_mode(sim)
    assert still == Mode(4608, 3456)
    assert negotiate_preview_mode(sim, still) == Mode(1280, 960)  # the smallest 4:3 ≥ 960 wide
    assert sim.mode == Mode(1280, 960)


def test_five_megapixel_camera_previews_at_720p_without_a_small_4_3_mode() -> None:
    sim = _camera(Mode(2592, 1944), Mode(1920, 1080), Mode(1280, 720), Mode(640, 480))
    still = negotiate_still_mode(sim)
    assert still == Mode(2592, 1944)
    assert negotiate_preview_mode(sim, still) == Mode(1280, 720)


def test_default_simulator_modes() -> None:
    camera = Camera(SimulatedCameraBackend(frame_delay=0).camera(0).reopen(), INFO)
    # the preview keeps the still's 4:3 field of view (a 16:9 preview would hide the page's top and bottom)
    assert (camera.still_mode, camera.preview_mode) == (Mode(3264, 2448), Mode(1024, 768))


class OddOversize(SimulatedCamera):
    """A driver that answers an over-large ask with its smallest mode instead of the largest."""

    def set_mode(self, mode: Mode) -> Mode:
        return super().set_mode(Mode(640, 480) if mode.width > 5000 else mode)


def test_candidates_found_when_the_oversized_ask_misleads() -> None:
    sim = OddOversize(modes=(Mode(3648, 2736), Mode(1920, 1080), Mode(640, 480)), frame_delay=0)
    assert negotiate_still_mode(sim) == Mode(3648, 2736)


def test_camera_that_lies_about_set_mode() -> None:
    sim = _camera(Mode(2592, 1944), Mode(1280, 720), Mode(640, 480), lies=True)
    assert sim.set_mode(Mode(4608, 3456)) == Mode(4608, 3456)  # the lie
    still = negotiate_still_mode(sim)
    assert still == Mode(2592, 1944)  # what the frames say
    preview = negotiate_preview_mode(sim, still)
    assert preview == Mode(1280, 720)
    assert Mode.of(sim.grab()) == preview


def test_camera_with_only_vga() -> None:
    sim = _camera(Mode(640, 480))
    still = negotiate_still_mode(sim)
    assert still == Mode(640, 480)
    assert negotiate_preview_mode(sim, still) == Mode(640, 480)


def test_capture_still_switches_to_still_and_back() -> None:
    sim = _camera(Mode(3264, 2448), Mode(1280, 720), Mode(640, 480))
    sim.place(_scene(3264, 2448))
    camera = Camera(sim, INFO, settle_frames=2)
    assert Mode.of(camera.preview_frame()) == Mode(1280, 720)
    grabs_before, switches_before = sim.grabs, len(sim.mode_history)
    still = camera.capture_still()
    assert Mode.of(still) == Mode(3264, 2448)
    assert sim.grabs - grabs_before == 3  # two settle frames discarded, then the still
    assert sim.mode_history[switches_before:] == [Mode(3264, 2448), Mode(1280, 720)]
    assert sim.mode == Mode(1280, 720)
    assert Mode.of(camera.preview_frame()) == Mode(1280, 720)
    # the still shows the scene: sheet white, desk grey, the mark black (noise is light)
    assert still[1224, 1632].min() > 235 and still[50, 50].max() < 100 and still[420, 670].max() < 20


def test_preview_returns_to_preview_after_a_failed_switch_back() -> None:
    sim = _camera(Mode(2592, 1944), Mode(1280, 720))
    camera = Camera(sim, INFO, settle_frames=0)
    calls = {"n": 0}
    original = sim.set_mode

    def flaky(mode: Mode) -> Mode:
        calls["n"] += 1
        if mode == camera.preview_mode and calls["n"] == 2:
            raise CameraTimeout("switch back failed")
        return original(mode)

    sim.set_mode = flaky  # type: ignore[method-assign]
    assert Mode.of(camera.capture_still()) == Mode(2592, 1944)
    assert sim.mode == Mode(2592, 1944)
    assert Mode.of(camera.preview_frame()) == Mode(1280, 720)


def test_still_on_an_unplugged_camera_raises() -> None:
    backend = SimulatedCameraBackend(frame_delay=0)
    camera = Camera(backend.open(backend.info()), backend.info())
    backend.unplug()
    with pytest.raises(CameraDisconnected):
        camera.capture_still()
    backend.plug()
    with pytest.raises(CameraDisconnected):  # the old handle stays dead: the camera must be opened anew
        camera.preview_frame()
    assert Mode.of(Camera(backend.open(backend.info()), backend.info()).preview_frame()) == Mode(1024, 768)


def test_simulated_preview_is_live_and_centre_cropped() -> None:
    sim = _camera(Mode(1600, 1200), Mode(1280, 720))
    sim.place(_scene(1600, 1200))
    sim.set_mode(Mode(1280, 720))
    first, second = sim.grab(), sim.grab()
    assert first.shape == (720, 1280, 3)
    assert not np.array_equal(first, second)  # per-frame noise
    assert np.abs(first.astype(int) - second.astype(int)).max() <= 4
    # 4:3 scene shown 16:9: top and bottom cropped, so the sheet (1/6..5/6 of the height) nearly fills it
    assert first[40, 640].min() > 235
    with pytest.raises(ValueError):
        sim.place(np.zeros((10, 10), np.uint8))


def test_place_document_photographs_a_generated_scene() -> None:
    pytest.importorskip("devices.sim.docscene")
    sim = _camera(Mode(1632, 1224), Mode(1280, 720))
    scene = sim.place_document(5)
    assert scene.image.shape == (1224, 1632, 3)
    camera = Camera(sim, INFO, settle_frames=0)
    still = camera.capture_still()
    assert np.abs(still.astype(int) - scene.image.astype(int)).mean() < 3  # the scene plus light noise
