"""The Qt binding itself: a clerk's day passes thousands of booleans to Qt, and the program must still exit cleanly.

PySide6 6.12.0 releases the Python bool passed to a setter such as ``setEnabled(True)`` once too often;
after some hundreds of calls the interpreter aborts ("bool_dealloc: deallocating True or False").
pyproject.toml keeps PySide6 below 6.12; this test fails if a release with the fault is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from PySide6.QtWidgets import QApplication, QCheckBox
app = QApplication([])
box = QCheckBox()
for i in range(5000):
    box.setEnabled(i % 2 == 0)
    box.setChecked(True)
print("done")
"""


def test_many_boolean_setters_then_a_clean_exit() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, env=env)
    assert done.stdout.strip() == "done"
    assert done.returncode == 0, done.stderr[-400:]
