"""Where the customer screen goes: full screen on the second display, a window without one or when asked.

Each case starts its own Xvfb (one or two X screens, 1366x768 for the clerk and 1024x768 for the applicant)
and runs the real window in a subprocess on it with Qt's xcb platform (``customer_screen_probe.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("customer_screen_probe.py")
ROOT = Path(__file__).resolve().parents[2]
CLERK_SCREEN = "1366x768x24"
APPLICANT_SCREEN = "1024x768x24"


@pytest.fixture
def xvfb() -> Iterator[Callable[..., str]]:
    """Start an Xvfb with the given screens; the display's name (``:N``), free as Xvfb itself chose it."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(*screens: str) -> str:
        args = ["Xvfb", "-displayfd", "1", "-nolisten", "tcp"]
        for n, size in enumerate(screens):
            args += ["-screen", str(n), size]
        server = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        servers.append(server)
        assert server.stdout is not None
        number = server.stdout.readline().decode().strip()  # written once the server accepts clients
        assert number.isdigit(), "Xvfb did not start"
        return f":{number}"

    yield start
    for server in servers:
        server.terminate()
        server.wait(10)


def probe(display: str, mode: str, data_dir: Path) -> dict[str, object]:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", SICOUNTER_LANG="zh_CN")
    env.pop("WAYLAND_DISPLAY", None)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, str(PROBE), mode, str(data_dir)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("{"))
    result: dict[str, object] = json.loads(line)
    return result


def test_with_a_second_display_the_customer_screen_covers_it_full_screen(xvfb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = probe(xvfb(CLERK_SCREEN, APPLICANT_SCREEN), "auto", tmp_path)
    assert found["screens"] == [[0, 0, 1366, 768], [0, 0, 1024, 768]]
    assert found["main_screen"] == 0  # the clerk's window stays on the clerk's display
    assert found["customer_screen"] == 1 and found["full_screen"] is True and found["visible"] is True
    assert found["customer_geometry"] == [0, 0, 1024, 768] == found["customer_rect"]
    assert found["shows_name"] is True and found["shows_full_id"] is False


def test_with_one_display_the_customer_screen_is_a_window_the_clerk_can_move(xvfb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = probe(xvfb(CLERK_SCREEN), "auto", tmp_path)
    assert found["screens"] == [[0, 0, 1366, 768]]
    assert found["customer_screen"] == 0 and found["full_screen"] is False and found["visible"] is True
    geometry = found["customer_geometry"]
    assert isinstance(geometry, list) and geometry[2] < 1366 and geometry[3] < 768


def test_window_mode_keeps_a_window_even_with_a_second_display(xvfb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    found = probe(xvfb(CLERK_SCREEN, APPLICANT_SCREEN), "window", tmp_path)
    assert found["customer_screen"] == 0 and found["full_screen"] is False and found["visible"] is True

