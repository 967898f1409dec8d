"""OpenCvConnection through the real cv2.VideoCapture, and OpenCvBackend's sysfs listing.

There is no camera here, so the capture is exercised on a video file opened by path: frames
in order, end of stream, a missing path. Setting a mode cannot be exercised on a file (a file
has one frame size, which ``set_mode`` reports whatever is asked): that part is covered by the
negotiation tests against the simulator.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from core.errors import DeviceDisconnected, DeviceNotFound
from devices.camera.connection import CameraInfo, Mode
from devices.camera.errors import CameraDisconnected
from devices.camera.opencv import OpenCvBackend, OpenCvConnection, capture_api

WIDTH, HEIGHT, BITS, BLOCK = 320, 240, 6, 40


def _encode(number: int) -> np.ndarray:
    """A grey frame with ``number`` drawn as white/black blocks (survives JPEG)."""
    frame = np.full((HEIGHT, WIDTH, 3), 128, np.uint8)
    for bit in range(BITS):
        value = 255 if number >> bit & 1 else 0
        frame[80:80 + BLOCK, bit * 50 + 10:bit * 50 + 10 + BLOCK] = value
    return frame


def _decode(frame: np.ndarray) -> int:
    return sum(1 << bit for bit in range(BITS)
               if frame[80 + BLOCK // 2, bit * 50 + 10 + BLOCK // 2].mean() > 128)


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "counter.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (WIDTH, HEIGHT))
    assert writer.isOpened()
    for number in (1, 2, 3, 5, 8, 13, 21):
        writer.write(_encode(number))
    writer.release()
    return path


def test_frames_in_order_then_end_of_stream(video: Path) -> None:
    conn = OpenCvConnection(str(video))
    try:
        assert conn.set_mode(Mode(3264, 2448)) == Mode(WIDTH, HEIGHT)  # a file keeps its own size
        numbers = []
        for _ in range(7):
            frame = conn.grab()
            assert frame.shape == (HEIGHT, WIDTH, 3) and frame.dtype == np.uint8 and frame.flags.c_contiguous
            numbers.append(_decode(frame))
        assert numbers == [1, 2, 3, 5, 8, 13, 21]
        with pytest.raises(DeviceDisconnected):
            conn.grab()
    finally:
        conn.close()


def test_closed_connection_is_disconnected(video: Path) -> None:
    conn = OpenCvConnection(str(video))
    conn.close()
    conn.close()  # twice is harmless
    with pytest.raises(CameraDisconnected):
        conn.grab()
    with pytest.raises(CameraDisconnected):
        conn.set_mode(Mode(640, 480))


def test_missing_sources_are_not_found(tmp_path: Path) -> None:
    with pytest.raises(DeviceNotFound):
        OpenCvConnection(str(tmp_path / "nothing.avi"))
    with pytest.raises(DeviceNotFound):
        OpenCvConnection(str(tmp_path / "video9"), api=cv2.CAP_V4L2)
    with pytest.raises(DeviceNotFound):
        OpenCvBackend().open(CameraInfo(7, "gone", "/dev/video-sicounter-none"))


def test_backend_choice_per_platform() -> None:
    assert capture_api(0, "linux") == cv2.CAP_V4L2
    assert capture_api("/dev/video2", "linux") == cv2.CAP_V4L2
    assert capture_api("/tmp/x.avi", "linux") == cv2.CAP_ANY
    assert capture_api(0, "win32") == cv2.CAP_DSHOW


def _node(root: Path, number: int, name: str | None, index: str | None) -> None:
    entry = root / f"video{number}"
    entry.mkdir(parents=True)
    if name is not None:
        (entry / "name").write_text(name + "\n")
    if index is not None:
        (entry / "index").write_text(index + "\n")


def test_sysfs_listing_skips_metadata_nodes(tmp_path: Path) -> None:
    sysfs = tmp_path / "video4linux"
    _node(sysfs, 0, "USB2.0 HD UVC WebCam", "0")
    _node(sysfs, 1, "USB2.0 HD UVC WebCam", "1")  # its metadata node
    _node(sysfs, 10, "Doc Camera S1000: 8MP", "0")  # numeric, not lexical, order
    _node(sysfs, 11, "Doc Camera S1000: 8MP", "1")
    _node(sysfs, 2, None, None)  # an old kernel without name/index files
    (sysfs / "v4l-subdev0").mkdir()
    backend = OpenCvBackend(sysfs, dev_root=tmp_path / "dev", platform="linux")
    dev = tmp_path / "dev"
    assert backend.list_cameras() == [
        CameraInfo(0, "USB2.0 HD UVC WebCam", str(dev / "video0")),
        CameraInfo(2, "video2", str(dev / "video2")),
        CameraInfo(10, "Doc Camera S1000: 8MP", str(dev / "video10")),
    ]


def test_no_video4linux_means_no_cameras(tmp_path: Path) -> None:
    assert OpenCvBackend(tmp_path / "absent", platform="linux").list_cameras() == []


def test_frames_leave_as_contiguous_bgr() -> None:
    from devices.camera.opencv import _as_bgr

    grey = np.full((4, 6), 7, np.uint8)
    assert _as_bgr(grey).shape == (4, 6, 3)
    assert _as_bgr(np.zeros((4, 6, 4), np.uint8)).shape == (4, 6, 3)
    deep = _as_bgr(np.full((4, 6, 3), 0xFF00, np.uint16))
    assert deep.dtype == np.uint8 and int(deep.max()) == 0xFF
    assert _as_bgr(np.zeros((8, 6, 3), np.uint8)[::2]).flags.c_contiguous
