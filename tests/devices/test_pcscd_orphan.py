"""A pcscd left behind by a killed run is taken back; any other pcscd is left alone.

Real processes: a child starts pcscd as the test fixtures do and is then killed with
SIGKILL, which does not reach pcscd (it runs in its own session).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from devices.sim.pcscd import PcscdProcess, orphaned, running_pcscd

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import sys, time
from pathlib import Path
from devices.sim.pcscd import PcscdProcess
process = PcscdProcess.start(Path(sys.argv[1]), int(sys.argv[2]))
print(process.pid, flush=True)
time.sleep(600)
"""


def test_a_pcscd_whose_starter_was_killed_is_stopped_by_the_next_start(
        running_pcscd_process: PcscdProcess, tmp_path: Path) -> None:
    port = running_pcscd_process.port
    running_pcscd_process.stop()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / "killed" / "reader.conf.d"), str(port)],
                             stdout=subprocess.PIPE, text=True, cwd=REPO)
    mine: PcscdProcess | None = None
    try:
        assert child.stdout is not None
        left = int(child.stdout.readline())
        assert running_pcscd() == left
        assert not orphaned(left)  # its starter is alive: hands off
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        assert running_pcscd() == left  # the kill did not reach pcscd
        assert orphaned(left)

        mine = PcscdProcess.start(tmp_path / "mine" / "reader.conf.d", port)
        assert mine.pid not in (None, left) and running_pcscd() == mine.pid
        assert mine.reader  # it lists our reader (start waited for it)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if mine is not None:
            mine.stop()
        running_pcscd_process.restart()


def test_the_system_pcscd_and_other_processes_are_never_orphans() -> None:
    # No "-c": the system's configuration, never one of ours.
    assert not orphaned(os.getpid())
    assert not orphaned(1)
